import { join } from 'node:path';
import { accountsFor } from '../../config/load-config.ts';
import { sqlString } from '../duckdb.ts';
import type { PipelineSession } from '../session.ts';
import { isoTimestampSql, requireMarts } from './cms-columns.ts';
import { writeCsv, type WrittenFile } from './csv.ts';
import type { Exporter } from './export-command.ts';

/**
 * The Reporting files (docs/outputs.md#reporting-files), for the accounts configured with the reporting workflow and the
 * configured years and consolidation categories:
 *   <slug>_cms_<y1>_<y2>.csv                  marts.video_catalog_by_year
 *   <slug>_cms_cache_<y1>_<y2>.csv            marts.video_cache (+ catalog columns, channel, last_viewed_date)
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

function dailyAnalyticsQuery(session: PipelineSession, where: string): string {
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
      DATE ${sqlString(session.asOfDate)} AS report_generated_on
    FROM marts.daily_analytics_multi_year AS d
    WHERE ${where}
    ORDER BY d.channel, d.account_id, d.video_id, d.view_date`;
}

export const reportingExporter: Exporter = async (session) => {
  const { warehouse, config } = session;
  await requireMarts(warehouse, ['marts.video_catalog', 'marts.video_catalog_by_year', 'marts.video_cache', 'marts.daily_analytics_multi_year']);
  const folder = join(session.dir.exports, 'reporting');
  const years = [...new Set(config.reporting.years)];
  const yearsSuffix = years.join('_');
  const written: WrittenFile[] = [];

  for (const account of accountsFor(config, 'reporting')) {
    const accountId = sqlString(account.account_id);
    written.push(
      await writeCsv(
        warehouse,
        `SELECT ${REPORTING_CATALOG_COLUMNS.join(', ')} FROM marts.video_catalog_by_year AS c
         WHERE c.account_id = ${accountId} ORDER BY c.created_at NULLS LAST, c.video_id`,
        join(folder, `${account.slug}_cms_${yearsSuffix}.csv`),
      ),
    );
    written.push(
      await writeCsv(
        warehouse,
        `SELECT ${REPORTING_CATALOG_COLUMNS.join(', ')}, cache.channel, cache.last_viewed_date
         FROM marts.video_cache AS cache JOIN marts.video_catalog AS c USING (account_id, video_id)
         WHERE cache.account_id = ${accountId} ORDER BY c.created_at NULLS LAST, c.video_id`,
        join(folder, `${account.slug}_cms_cache_${yearsSuffix}.csv`),
      ),
    );
  }

  for (const category of config.reporting.consolidation_categories) {
    for (const year of years) {
      written.push(
        await writeCsv(
          warehouse,
          dailyAnalyticsQuery(session, `d.category = ${sqlString(category)} AND d.view_year = ${year}`),
          join(folder, `daily_analytics_${year}_${category}.csv`),
        ),
      );
    }
    written.push(
      await writeCsv(
        warehouse,
        dailyAnalyticsQuery(session, `d.category = ${sqlString(category)}`),
        join(folder, `daily_analytics_${yearsSuffix}_${category}.csv`),
      ),
    );
  }
  return written;
};
