import { join } from 'node:path';
import { accountsFor } from '../../config/load-config.ts';
import { writeFileAtomically } from '../atomic-file.ts';
import { sqlIdent, sqlString, type Warehouse } from '../duckdb.ts';
import type { PipelineSession } from '../session.ts';
import { cmsColumnSql, isoTimestampSql, jsonCellSql, requireMarts } from './cms-columns.ts';
import { fileFacts, jsonArrayText, writeCsv, type WrittenFile } from './csv.ts';
import type { Exporter } from './export-command.ts';

/**
 * The Reporting files (docs/outputs.md#reporting-files), for the accounts configured with the reporting workflow and the
 * configured years and consolidation categories:
 *   <slug>_cms_<y1>_<y2>.csv                  marts.video_catalog_by_year
 *   <slug>_cms_<y1>_<y2>.json                 the same rows, the CMS objects as the API returned them
 *   <slug>_cms_cache_<y1>_<y2>.csv / .json    marts.video_cache: id, last_viewed_date, the CMS record's
 *                                             fields, publishing_state, channel (the original's 38 columns)
 *   daily_analytics_<year>_<category>.csv     marts.daily_analytics_multi_year, one year
 *   daily_analytics_<y1>_<y2>_…_<category>.csv  the same, all years (de-duplicated in the mart)
 * Every file is written on every run, header-only when there is nothing to report, so the set of files
 * never depends on the data. report_generated_on is the as-of date, so a re-export is byte-identical.
 */

/** The 16 catalog columns of `<slug>_cms_<years>.csv`, from a marts.video_catalog-shaped row `c`. */
const REPORTING_CATALOG_COLUMNS = [
  `c.video_id AS id`,
  `c.name`,
  `${isoTimestampSql('c.created_at')} AS created_at`,
  `${isoTimestampSql('c.published_at')} AS published_at`,
  `c.original_filename`,
  `CAST(c.created_by AS VARCHAR) AS created_by`,
  `c.duration_ms AS duration`,
  `c.state`,
  `c.reference_id`,
  `nullif(array_to_string(c.tags, ','), '') AS tags`,
  `c.cf_video_content_type AS video_content_type`,
  `c.cf_video_length AS video_length`,
  `c.cf_video_category AS video_category`,
  `c.cf_country AS country`,
  `c.cf_language AS language`,
  `c.cf_business_unit AS business_unit`,
];

/**
 * The fields of a CMS video record in the original cache file, in its order (the original merged the
 * CMS records into the last-viewed rows, so its columns are the record's keys after id and
 * last_viewed_date). `id` is not among them: it leads the file.
 */
export const CACHE_CMS_FIELDS = [
  'account_id', 'ad_keys', 'clip_source_video_id', 'complete', 'created_at', 'created_by', 'cue_points', 'custom_fields',
  'delivery_type', 'description', 'digital_master_id', 'duration', 'economics', 'folder_id', 'geo', 'has_digital_master',
  'images', 'link', 'long_description', 'name', 'original_filename', 'projection', 'published_at', 'reference_id',
  'schedule', 'sharing', 'state', 'tags', 'text_tracks', 'updated_at', 'updated_by', 'playback_rights_id', 'transcripts',
  'ingestion_profile_id',
] as const;

/** What the original wrote for publishing_state when the CMS record has none (the CMS API sends none). */
const DEFAULT_PUBLISHING_STATE = 'published';

/**
 * The 38 cache columns from marts.video_cache `cache` joined with marts.video_catalog `c`: the CMS fields as
 * in every export (timestamps ISO UTC, ids as text) except that `tags` and `custom_fields` are JSON text like
 * every other nested value, the original's list and dict in a form any reader parses.
 */
const CACHE_COLUMNS = [
  `cache.video_id AS id`,
  `cache.last_viewed_date`,
  ...CACHE_CMS_FIELDS.map((field) =>
    field === 'tags' || field === 'custom_fields'
      ? `CAST(${jsonCellSql('c.item_json', field)} AS VARCHAR) AS ${sqlIdent(field)}`
      : cmsColumnSql(field, 'c'),
  ),
  `CAST(coalesce(${jsonCellSql('c.item_json', 'publishing_state')}, ${sqlString(DEFAULT_PUBLISHING_STATE)}) AS VARCHAR) AS publishing_state`,
  `cache.channel`,
];

const CACHE_ORDER = 'c.created_at NULLS LAST, c.video_id';

/** `reporting/<slug>_cms_cache_<years>.csv` with the 38 columns; other columns for its JSON twin. */
export function cacheQuery(accountId: string, columns: readonly string[] = CACHE_COLUMNS): string {
  return `SELECT ${columns.join(', ')}
     FROM marts.video_cache AS cache JOIN marts.video_catalog AS c USING (account_id, video_id)
     WHERE cache.account_id = ${sqlString(accountId)} ORDER BY ${CACHE_ORDER}`;
}

/** The Reporting catalog's rows (same rows and order as its CSV), each the CMS object exactly as the API returned it. */
async function writeCatalogJson(warehouse: Warehouse, accountId: string, target: string): Promise<WrittenFile> {
  const items = await warehouse.rows<{ item: string }>(
    `SELECT CAST(c.item_json AS VARCHAR) AS item
     FROM marts.video_catalog_by_year AS by_year JOIN marts.video_catalog AS c USING (account_id, video_id)
     WHERE by_year.account_id = $1 ORDER BY by_year.created_at NULLS LAST, by_year.video_id`,
    [accountId],
  );
  await writeFileAtomically(target, jsonArrayText(items.map((row) => row.item)));
  return fileFacts(target, items.length);
}

/** The cache rows as JSON objects with the CSV's 38 keys in its order; CMS values keep their JSON types. */
async function writeCacheJson(warehouse: Warehouse, accountId: string, target: string): Promise<WrittenFile> {
  const rows = await warehouse.rows<{ id: string; last_viewed_date: string; item: string; channel: string }>(
    cacheQuery(accountId, [
      'cache.video_id AS id',
      'CAST(cache.last_viewed_date AS VARCHAR) AS last_viewed_date',
      'CAST(c.item_json AS VARCHAR) AS item',
      'cache.channel',
    ]),
  );
  const objects = rows.map((row) => {
    const item = JSON.parse(row.item) as Record<string, unknown>;
    const out: Record<string, unknown> = { id: row.id, last_viewed_date: row.last_viewed_date };
    for (const field of CACHE_CMS_FIELDS) out[field] = field === 'account_id' ? accountId : (item[field] ?? null);
    out['publishing_state'] = item['publishing_state'] ?? DEFAULT_PUBLISHING_STATE;
    out['channel'] = row.channel;
    return JSON.stringify(out);
  });
  await writeFileAtomically(target, jsonArrayText(objects));
  return fileFacts(target, objects.length);
}

/** `reporting/daily_analytics_<years>_<category>.csv`: the rows of marts.daily_analytics_multi_year that `where` picks. */
export function dailyAnalyticsQuery(asOfDate: string, where: string): string {
  return `SELECT
      d.channel, d.account_id, d.video_id, d.name, d.view_date AS "date",
      d.video_view, d.views_desktop, d.views_mobile, d.views_tablet, d.views_other,
      d.video_impression, d.play_rate, d.engagement_score,
      d.video_engagement_1, d.video_engagement_25, d.video_engagement_50, d.video_engagement_75, d.video_engagement_100,
      d.video_percent_viewed, d.video_seconds_viewed,
      ${isoTimestampSql('d.created_at')} AS created_at,
      ${isoTimestampSql('d.published_at')} AS published_at,
      d.original_filename,
      CAST(d.created_by AS VARCHAR) AS created_by,
      d.cf_video_content_type AS video_content_type,
      d.cf_video_length AS video_length,
      d.duration_ms AS video_duration,
      d.cf_video_category AS video_category,
      d.cf_country AS country,
      d.cf_language AS language,
      d.cf_business_unit AS business_unit,
      nullif(array_to_string(d.tags, ','), '') AS tags,
      d.reference_id,
      DATE ${sqlString(asOfDate)} AS report_generated_on
    FROM marts.daily_analytics_multi_year AS d
    WHERE ${where}
    ORDER BY d.channel, d.account_id, d.video_id, d.view_date`;
}

/** `reporting/<slug>_cms_<years>.csv`: the account's rows of marts.video_catalog_by_year, 16 columns. */
export function reportingCatalogCsvQuery(accountId: string): string {
  return `SELECT ${REPORTING_CATALOG_COLUMNS.join(', ')} FROM marts.video_catalog_by_year AS c
         WHERE c.account_id = ${sqlString(accountId)} ORDER BY c.created_at NULLS LAST, c.video_id`;
}

export const dailyAnalyticsOfYear = (category: string, year: number) => `d.category = ${sqlString(category)} AND d.view_year = ${year}`;
export const dailyAnalyticsOfAllYears = (category: string) => `d.category = ${sqlString(category)}`;

/** The models the Reporting files read (docs/outputs.md#reporting-files; their consumers in consumers.ts). */
export const REPORTING_READS = ['marts.video_catalog', 'marts.video_catalog_by_year', 'marts.video_cache', 'marts.daily_analytics_multi_year'] as const;

export const reportingExporter: Exporter = async (session) => {
  const { warehouse, config } = session;
  await requireMarts(warehouse, [...REPORTING_READS]);
  const folder = join(session.dir.exports, 'reporting');
  const years = [...new Set(config.reporting.years)];
  const yearsSuffix = years.join('_');
  const written: WrittenFile[] = [];

  for (const account of accountsFor(config, 'reporting')) {
    written.push(await writeCsv(warehouse, reportingCatalogCsvQuery(account.account_id), join(folder, `${account.slug}_cms_${yearsSuffix}.csv`)));
    written.push(await writeCatalogJson(warehouse, account.account_id, join(folder, `${account.slug}_cms_${yearsSuffix}.json`)));
    written.push(
      await writeCsv(warehouse, cacheQuery(account.account_id), join(folder, `${account.slug}_cms_cache_${yearsSuffix}.csv`)),
    );
    written.push(await writeCacheJson(warehouse, account.account_id, join(folder, `${account.slug}_cms_cache_${yearsSuffix}.json`)));
  }

  for (const category of config.reporting.consolidation_categories) {
    for (const year of years) {
      written.push(
        await writeCsv(
          warehouse,
          dailyAnalyticsQuery(session.asOfDate, dailyAnalyticsOfYear(category, year)),
          join(folder, `daily_analytics_${year}_${category}.csv`),
        ),
      );
    }
    written.push(
      await writeCsv(
        warehouse,
        dailyAnalyticsQuery(session.asOfDate, dailyAnalyticsOfAllYears(category)),
        join(folder, `daily_analytics_${yearsSuffix}_${category}.csv`),
      ),
    );
  }
  return written;
};
