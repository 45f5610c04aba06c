import { join } from 'node:path';
import { accountsFor, type AccountConfig } from '../../config/load-config.ts';
import { writeFileAtomically } from '../atomic-file.ts';
import { sqlIdent, sqlString, type Warehouse } from '../duckdb.ts';
import type { PipelineSession } from '../session.ts';
import { CMS_STANDARD_COLUMNS, NAMED_CUSTOM_FIELDS, cmsColumnSql, customFieldSql, requireMarts } from './cms-columns.ts';
import { fileFacts, jsonArrayText, writeCsv, type WrittenFile } from './csv.ts';
import type { Exporter } from './export-command.ts';

/**
 * The Harper files (docs/outputs.md#harper-files), for every account configured with the harper workflow:
 *   <slug>_cms_metadata.json / .csv   the account's videos, every state
 *   <slug>_cms.json / .csv            the same + dt_last_viewed after description + cf_<key> columns
 *   <slug>_daily_views.csv            the daily views with the device split over the last N days
 * Every file of every configured account is written on every run, header-only (or `[]`) when the
 * account has no data yet, so downstream folders never miss a file. Slugs come from the configuration.
 * Rows are in crawl order (created_at, then video id), so two exports of the same build are identical.
 *
 * Every rule that decides rows or values lives in a model: the "last N days" of the daily views in
 * marts.harper_daily_views, the last-viewed date in marts.video_last_viewed. These queries only pick an
 * account's rows, order them and name the columns.
 */

/** The models the Harper files read (docs/outputs.md#harper-files; their consumers in consumers.ts). */
export const HARPER_READS = ['marts.video_catalog', 'marts.video_last_viewed', 'marts.harper_daily_views', 'intermediate.cms_custom_field_keys'] as const;

const CMS_WITH_LAST_VIEWED = CMS_STANDARD_COLUMNS.flatMap((column) => (column === 'description' ? [column, 'dt_last_viewed'] : [column]));
const CRAWL_ORDER = 'catalog.created_at NULLS LAST, catalog.video_id';

export const harperExporter: Exporter = async (session) => {
  await requireMarts(session.warehouse, [...HARPER_READS]);
  const folder = join(session.dir.exports, 'harper');
  const written: WrittenFile[] = [];
  for (const account of accountsFor(session.config, 'harper')) {
    written.push(...(await exportAccount(session, account, folder)));
  }
  return written;
};

async function exportAccount(session: PipelineSession, account: AccountConfig, folder: string): Promise<WrittenFile[]> {
  const { warehouse } = session;
  const fieldKeys = await harperFieldKeys(warehouse, account.account_id);
  const written: WrittenFile[] = [];

  written.push(await writeCsv(warehouse, harperMetadataCsvQuery(account.account_id), join(folder, `${account.slug}_cms_metadata.csv`)));
  written.push(await writeMetadataJson(warehouse, account.account_id, join(folder, `${account.slug}_cms_metadata.json`)));
  written.push(await writeCsv(warehouse, harperCmsCsvQuery(account.account_id, fieldKeys), join(folder, `${account.slug}_cms.csv`)));
  written.push(await writeCmsJson(warehouse, account.account_id, fieldKeys, join(folder, `${account.slug}_cms.json`)));
  written.push(await writeCsv(warehouse, harperDailyViewsCsvQuery(account.account_id), join(folder, `${account.slug}_daily_views.csv`)));
  return written;
}

/** The account's custom-field keys in first-seen order: the cf_<key> columns of its `<slug>_cms` files. */
export async function harperFieldKeys(warehouse: Warehouse, accountId: string): Promise<string[]> {
  const rows = await warehouse.rows<{ field_key: string }>(
    'SELECT field_key FROM intermediate.cms_custom_field_keys WHERE account_id = $1 ORDER BY first_seen_rank',
    [accountId],
  );
  return rows.map((row) => row.field_key);
}

/** `<slug>_cms_metadata.csv`: the account's videos, every state, the standard and the named custom-field columns. */
export function harperMetadataCsvQuery(accountId: string): string {
  const columns = [
    ...CMS_STANDARD_COLUMNS.map((column) => cmsColumnSql(column, 'catalog')),
    ...NAMED_CUSTOM_FIELDS.map((key) => customFieldSql(key, key, 'catalog')),
  ];
  return `SELECT ${columns.join(', ')} FROM marts.video_catalog AS catalog WHERE catalog.account_id = ${sqlString(accountId)} ORDER BY ${CRAWL_ORDER}`;
}

/** `<slug>_cms.csv`: the metadata's standard columns with dt_last_viewed after description, then cf_<key> for every key. */
export function harperCmsCsvQuery(accountId: string, fieldKeys: readonly string[]): string {
  const columns = [
    ...CMS_WITH_LAST_VIEWED.map((column) =>
      column === 'dt_last_viewed' ? `CAST(last_viewed.last_viewed_date AS DATE) AS dt_last_viewed` : cmsColumnSql(column, 'catalog'),
    ),
    ...fieldKeys.map((key) => customFieldSql(key, `cf_${key}`, 'catalog')),
  ];
  return `SELECT ${columns.join(', ')}
       FROM marts.video_catalog AS catalog
       LEFT JOIN marts.video_last_viewed AS last_viewed USING (account_id, video_id)
       WHERE catalog.account_id = ${sqlString(accountId)}
       ORDER BY ${CRAWL_ORDER}`;
}

/** `<slug>_daily_views.csv`: the account's rows of marts.harper_daily_views (which decides the days) under the original's names. */
export function harperDailyViewsCsvQuery(accountId: string): string {
  return `SELECT
         daily.view_date AS ${sqlIdent('date')},
         daily.account_id,
         daily.video_id,
         daily.video_view AS views,
         daily.cf_video_content_type AS video_content_type,
         daily.cf_business_unit AS business_unit,
         daily.views_desktop AS device_desktop,
         daily.views_mobile AS device_mobile,
         daily.views_tablet AS device_tablet,
         daily.views_other AS device_other
       FROM marts.harper_daily_views AS daily
       WHERE daily.account_id = ${sqlString(accountId)}
       ORDER BY daily.view_date, daily.video_id`;
}

/** The video objects exactly as the CMS returned them, one per line inside a JSON array. */
async function writeMetadataJson(warehouse: Warehouse, accountId: string, target: string): Promise<WrittenFile> {
  const items = await warehouse.rows<{ item: string }>(
    `SELECT CAST(catalog.item_json AS VARCHAR) AS item FROM marts.video_catalog AS catalog WHERE catalog.account_id = $1 ORDER BY ${CRAWL_ORDER}`,
    [accountId],
  );
  await writeFileAtomically(target, jsonArrayText(items.map((row) => row.item)));
  return fileFacts(target, items.length);
}

/** The `<slug>_cms` rows as JSON objects: CMS values keep their JSON types; dt_last_viewed and cf_* follow the CSV. */
async function writeCmsJson(warehouse: Warehouse, accountId: string, fieldKeys: readonly string[], target: string): Promise<WrittenFile> {
  const rows = await warehouse.rows<{ video_id: string; item: string; custom_fields: string; dt_last_viewed: string | null }>(
    `SELECT catalog.video_id, CAST(catalog.item_json AS VARCHAR) AS item, CAST(catalog.custom_fields AS VARCHAR) AS custom_fields,
            CAST(last_viewed.last_viewed_date AS VARCHAR) AS dt_last_viewed
     FROM marts.video_catalog AS catalog
     LEFT JOIN marts.video_last_viewed AS last_viewed USING (account_id, video_id)
     WHERE catalog.account_id = $1
     ORDER BY ${CRAWL_ORDER}`,
    [accountId],
  );
  const objects = rows.map((row) => {
    const item = JSON.parse(row.item) as Record<string, unknown>;
    const customFields = JSON.parse(row.custom_fields) as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    for (const column of CMS_WITH_LAST_VIEWED) {
      if (column === 'dt_last_viewed') out[column] = row.dt_last_viewed;
      else if (column === 'account_id') out[column] = accountId;
      else if (column === 'id') out[column] = row.video_id;
      else out[column] = item[column] ?? null;
    }
    for (const key of fieldKeys) out[`cf_${key}`] = customFields[key] ?? null;
    return JSON.stringify(out);
  });
  await writeFileAtomically(target, jsonArrayText(objects));
  return fileFacts(target, objects.length);
}
