/**
 * Bench: builds the Brightcove models and runs the Harper + Reporting exports over synthetic raw rows.
 *   npx tsx bench/brightcove-models.ts [--videos 2000] [--days 365] [--accounts 5]
 * Prints rows and seconds per stage. Raw rows are generated in SQL, shaped like the Analytics items.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../config/load-config.ts';
import { buildModels, discoverModels, orderModels } from '../warehouse/models.ts';
import { exportAll } from '../warehouse/export/export-command.ts';
import { runChecks } from '../warehouse/checks.ts';
import { openSession } from '../warehouse/session.ts';

const { values } = parseArgs({ options: { videos: { type: 'string', default: '2000' }, days: { type: 'string', default: '365' }, accounts: { type: 'string', default: '5' } } });
const videos = Number(values.videos);
const days = Number(values.days);
const asOf = '2025-06-30';
const config = loadConfig();
const accounts = config.accounts.slice(0, Number(values.accounts));
const dir = mkdtempSync(join(tmpdir(), 'reelhouse-bench-'));
const session = await openSession({ dataDir: dir, config, asOf, command: 'bench' });
const { warehouse } = session;
const timed = async <T>(label: string, fn: () => Promise<T>): Promise<T> => {
  const started = performance.now();
  const result = await fn();
  console.log(`${label.padEnd(34)} ${((performance.now() - started) / 1000).toFixed(2)} s`);
  return result;
};

await timed('generate raw rows', async () => {
  for (const [index, account] of accounts.entries()) {
    const id = account.account_id;
    await warehouse.run(`
      INSERT INTO raw.cms_videos
      SELECT '${id}', CAST(6300000000000 + ${index} * 1000000 + v AS VARCHAR),
        CAST(json_object('id', CAST(6300000000000 + ${index} * 1000000 + v AS VARCHAR), 'account_id', '${id}', 'name', 'Video ' || v,
          'state', CASE WHEN v % 10 = 0 THEN 'INACTIVE' ELSE 'ACTIVE' END,
          'created_at', strftime(TIMESTAMP '2023-01-01' + to_days(CAST(v % 900 AS INTEGER)), '%Y-%m-%dT%H:%M:%S.000Z'),
          'published_at', strftime(TIMESTAMP '2023-01-01' + to_days(CAST(v % 900 AS INTEGER)), '%Y-%m-%dT%H:%M:%S.000Z'),
          'duration', 60000 + v, 'tags', ['a', 'b'], 'custom_fields', json_object('video_content_type', 'training', 'country', 'US')) AS JSON),
        'bench', TIMESTAMP '2025-06-30', 'bench', 'bench'
      FROM range(${videos}) AS t(v)`);
    for (const source of ['analytics_video_daily', 'analytics_video_device_daily']) {
      await warehouse.run(`INSERT INTO meta.analytics_window_fetches VALUES ('f-${source}-${index}', '${source}', '${id}', DATE '${asOf}' - ${days - 1}, DATE '${asOf}', true, now()::TIMESTAMP, now()::TIMESTAMP, 0)`);
    }
    // About half of the video-days have a row, as a real account's long tail does.
    await warehouse.run(`
      INSERT INTO raw.analytics_video_daily
      SELECT '${id}', 'f-analytics_video_daily-${index}',
        CAST(json_object('video', CAST(6300000000000 + ${index} * 1000000 + v AS VARCHAR), 'date', strftime(DATE '${asOf}' - CAST(d AS INTEGER), '%Y-%m-%d'),
          'video_view', (v + d) % 7 * 3, 'video_impression', (v + d) % 7 * 9 + 1, 'video_percent_viewed', ((v + d) % 7) * 120.5,
          'video_seconds_viewed', (v + d) % 7 * 90, 'video_engagement_25', ((v + d) % 7) * 2.5) AS JSON),
        'bench', TIMESTAMP '2025-06-30', 'bench', 'bench'
      FROM range(${videos}) AS a(v), range(${days}) AS b(d) WHERE (v * 31 + d) % 2 = 0`);
    await warehouse.run(`
      INSERT INTO raw.analytics_video_device_daily
      SELECT '${id}', 'f-analytics_video_device_daily-${index}',
        CAST(json_object('video', CAST(6300000000000 + ${index} * 1000000 + v AS VARCHAR), 'date', strftime(DATE '${asOf}' - CAST(d AS INTEGER), '%Y-%m-%d'),
          'device_type', device, 'video_view', (v + d) % 7 * 3 // 3) AS JSON),
        'bench', TIMESTAMP '2025-06-30', 'bench', 'bench'
      FROM range(${videos}) AS a(v), range(${days}) AS b(d), (VALUES ('desktop'), ('mobile'), ('tv')) AS c(device) WHERE (v * 31 + d) % 2 = 0`);
  }
});
const rawRows = await warehouse.scalar<string>('SELECT (SELECT count(*) FROM raw.analytics_video_daily) + (SELECT count(*) FROM raw.analytics_video_device_daily)');
console.log(`raw analytics rows                 ${rawRows}`);
const names = new Set(['staging.cms_videos', 'staging.analytics_video_daily', 'staging.analytics_video_device_daily', 'intermediate.analytics_device_coverage', 'intermediate.cms_custom_field_keys', 'intermediate.video_device_views_daily', 'marts.video_catalog', 'marts.video_last_viewed', 'marts.video_cache', 'marts.video_catalog_by_year', 'marts.daily_video_analytics', 'marts.daily_analytics_multi_year']);
const builds = await timed('build Brightcove models', () => buildModels(warehouse, orderModels(discoverModels().filter((m) => names.has(m.name))), session.runId));
for (const build of builds) console.log(`  ${build.model.padEnd(40)} ${String(build.rowCount).padStart(9)} rows ${build.seconds.toFixed(2)} s`);
await timed('checks', () => runChecks(session));
const files = await timed('export harper + reporting', () => exportAll(session, () => undefined));
console.log(`exported files                     ${files.length}, ${files.reduce((sum, file) => sum + file.rows, 0)} rows`);
warehouse.close();
rmSync(dir, { recursive: true, force: true });
