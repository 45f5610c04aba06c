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
 * "Last N days" (harper.daily_views_days) is as_of - N .. as_of inclusive: the same rule as the
 * Reporting cache window (marts.video_cache), the original's from=today-N..to=now.
 */

const CMS_WITH_LAST_VIEWED = CMS_STANDARD_COLUMNS.flatMap((column) => (column === 'description' ? [column, 'dt_last_viewed'] : [column]));
const CRAWL_ORDER = 'catalog.created_at NULLS LAST, catalog.video_id';

export const harperExporter: Exporter = async (session) => {
  await requireMarts(session.warehouse, ['marts.video_catalog', 'marts.video_last_viewed', 'marts.daily_video_analytics', 'intermediate.cms_custom_field_keys']);
  const folder = join(session.dir.exports, 'harper');
  const written: WrittenFile[] = [];
  for (const account of accountsFor(session.config, 'harper')) {
    written.push(...(await exportAccount(session, account, folder)));
  }
  return written;
};

async function exportAccount(session: PipelineSession, account: AccountConfig, folder: string): Promise<WrittenFile[]> {
  const { warehouse } = session;
  const accountId = sqlString(account.account_id);
  const fieldKeys = (
    await warehouse.rows<{ field_key: string }>(
      'SELECT field_key FROM intermediate.cms_custom_field_keys WHERE account_id = $1 ORDER BY first_seen_rank',
      [account.account_id],
    )
  ).map((row) => row.field_key);
  const written: WrittenFile[] = [];

  const metadataColumns = [
    ...CMS_STANDARD_COLUMNS.map((column) => cmsColumnSql(column, 'catalog')),
    ...NAMED_CUSTOM_FIELDS.map((key) => customFieldSql(key, key, 'catalog')),
  ];
  written.push(
    await writeCsv(
      warehouse,
      `SELECT ${metadataColumns.join(', ')} FROM marts.video_catalog AS catalog WHERE catalog.account_id = ${accountId} ORDER BY ${CRAWL_ORDER}`,
      join(folder, `${account.slug}_cms_metadata.csv`),
    ),
  );
  written.push(await writeMetadataJson(warehouse, account.account_id, join(folder, `${account.slug}_cms_metadata.json`)));

  const cmsColumns = [
    ...CMS_WITH_LAST_VIEWED.map((column) =>
      column === 'dt_last_viewed' ? `CAST(last_viewed.last_viewed_date AS DATE) AS dt_last_viewed` : cmsColumnSql(column, 'catalog'),
    ),
    ...fieldKeys.map((key) => customFieldSql(key, `cf_${key}`, 'catalog')),
  ];
  written.push(
    await writeCsv(
      warehouse,
      `SELECT ${cmsColumns.join(', ')}
       FROM marts.video_catalog AS catalog
       LEFT JOIN marts.video_last_viewed AS last_viewed USING (account_id, video_id)
       WHERE catalog.account_id = ${accountId}
       ORDER BY ${CRAWL_ORDER}`,
      join(folder, `${account.slug}_cms.csv`),
    ),
  );
  written.push(await writeCmsJson(warehouse, account.account_id, fieldKeys, join(folder, `${account.slug}_cms.json`)));

  const days = session.config.harper.daily_views_days;
  written.push(
    await writeCsv(
      warehouse,
      `SELECT
         daily.view_date AS ${sqlIdent('date')},
         daily.account_id,
         daily.video_id,
         daily.video_view AS views,
         catalog.cf_video_content_type AS video_content_type,
         catalog.cf_business_unit AS business_unit,
         daily.views_desktop AS device_desktop,
         daily.views_mobile AS device_mobile,
         daily.views_tablet AS device_tablet,
         daily.views_other AS device_other
       FROM marts.daily_video_analytics AS daily
       LEFT JOIN marts.video_catalog AS catalog USING (account_id, video_id)
       WHERE daily.account_id = ${accountId}
         AND daily.video_view > 0
         AND daily.view_date BETWEEN DATE ${sqlString(session.asOfDate)} - ${days} AND DATE ${sqlString(session.asOfDate)}
       ORDER BY daily.view_date, daily.video_id`,
      join(folder, `${account.slug}_daily_views.csv`),
    ),
  );
  return written;
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
