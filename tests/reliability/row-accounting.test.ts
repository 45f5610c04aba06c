import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  ACCOUNTS,
  buildBrightcove,
  cmsVideo,
  dailyItem,
  fixtureWarehouse,
  insertAnalyticsFetch,
  insertCmsVideos,
} from '../models/brightcove-fixture.ts';
import { logRowAccounting } from '../../warehouse/row-accounting-summary.ts';

/**
 * Every landed Brightcove row is staged, rejected with a reason, superseded by a later fetch or a
 * duplicate: one raw row per reason, then the counts of staging.brightcove_row_accounting and the check.
 */

const account = ACCOUNTS.internet;
const CHECK = readFileSync(join(import.meta.dirname, '..', '..', 'sql', 'checks', 'brightcove_raw_rows_accounted.sql'), 'utf8');

describe('staging row accounting', () => {
  it('lists each unusable row with its reason and balances raw = staged + rejected + superseded + duplicates', async () => {
    const warehouse = await fixtureWarehouse('2025-06-30');
    await insertAnalyticsFetch(warehouse, {
      source: 'analytics_video_daily',
      accountId: account,
      fetchId: 'f1',
      from: '2025-06-01',
      to: '2025-06-10',
      items: [
        dailyItem('1001', '2025-06-01', 5),
        dailyItem('1001', '2025-06-01', 5), // a repeat across pages: duplicate
        dailyItem(null, '2025-06-02', 3),
        { ...dailyItem('1008', '2025-06-02', 1), video: { id: 1 } as unknown as string },
        dailyItem('1002', '2025-13-45', 1),
        dailyItem('1003', '2025-07-01', 1),
        dailyItem('1004', '2025-06-03', 1, { video_view: '7 views' as unknown as number }),
        dailyItem('1005', '2025-06-03', 1, { video_view: '7' as unknown as number }),
        dailyItem('1006', '2025-06-04', -2),
        dailyItem('1001', '2025-06-05', 4), // replaced by f2
      ],
    });
    await insertAnalyticsFetch(warehouse, {
      source: 'analytics_video_daily',
      accountId: account,
      fetchId: 'f2',
      from: '2025-06-05',
      to: '2025-06-10',
      items: [dailyItem('1001', '2025-06-05', 9)],
    });
    await insertAnalyticsFetch(warehouse, {
      source: 'analytics_video_daily',
      accountId: account,
      fetchId: 'f3',
      from: '2025-06-01',
      to: '2025-06-10',
      completed: false,
      items: [dailyItem('1007', '2025-06-06', 1)],
    });
    // An id beyond 2^64 would not fit; this one is beyond 2^53 and arrives as a bare JSON number.
    await warehouse.run(
      `INSERT INTO raw.analytics_video_daily VALUES ($1, 'f1', '{"video": 12345678901234567891, "date": "2025-06-04", "video_view": 2}'::JSON, 'u', '2025-06-30 05:05:00'::TIMESTAMP, 'test-run', 'lake/raw/x.parquet')`,
      [account],
    );
    await insertCmsVideos(warehouse, [
      { id: '2001', account_id: account, name: 'kept', state: 'ACTIVE', created_at: '2025-01-01T00:00:00.000Z', published_at: null },
    ]);
    await insertCmsVideos(warehouse, [
      { id: '2001', account_id: account, name: 'kept', state: 'ACTIVE', created_at: '2025-01-01T00:00:00.000Z', published_at: null },
    ], '2025-06-30 07:00:00');
    const withoutId = cmsVideo({ id: 'x', account_id: account, name: 'no id', state: 'ACTIVE', created_at: '2025-01-01T00:00:00.000Z', published_at: null });
    delete withoutId['id'];
    await warehouse.run(`INSERT INTO raw.cms_videos VALUES ($1, '', $2::JSON, 'u', '2025-06-30 06:00:00'::TIMESTAMP, 'test-run', 'lake/raw/c.parquet')`, [
      account,
      JSON.stringify(withoutId),
    ]);

    await buildBrightcove(warehouse);

    const reasons = await warehouse.rows<{ source: string; reason: string; video_id: string | null }>(
      'SELECT source, reason, video_id FROM staging.brightcove_rejected_rows ORDER BY source, reason',
    );
    expect(reasons.map((row) => `${row.source}: ${row.reason}`)).toEqual([
      'analytics_video_daily: date outside the requested window',
      'analytics_video_daily: negative views',
      'analytics_video_daily: null video id',
      'analytics_video_daily: unparseable date',
      'analytics_video_daily: wrong-typed metric video_view',
      'analytics_video_daily: wrong-typed video id',
      'cms_videos: null video id',
    ]);
    const accounting = await warehouse.rows<Record<string, string>>(
      `SELECT source, raw_rows, staged_rows, rejected_rows, superseded_rows, duplicate_rows, unaccounted_rows
       FROM staging.brightcove_row_accounting ORDER BY source`,
    );
    expect(accounting).toEqual([
      // 13 raw: 4 staged (1001@06-01, 1005, 1001@06-05 of f2, the bare id), 6 rejected, 2 superseded (f1's 06-05, f3), 1 duplicate
      { source: 'analytics_video_daily', raw_rows: '13', staged_rows: '4', rejected_rows: '6', superseded_rows: '2', duplicate_rows: '1', unaccounted_rows: '0' },
      { source: 'cms_videos', raw_rows: '3', staged_rows: '1', rejected_rows: '1', superseded_rows: '0', duplicate_rows: '1', unaccounted_rows: '0' },
    ]);
    expect(Number(await warehouse.scalar(`SELECT count(*) FROM (${CHECK.replace(/;\s*$/, '')}\n)`))).toBe(0);

    const staged = await warehouse.rows<{ video_id: string; view_date: string; video_view: string }>(
      'SELECT video_id, view_date, video_view::VARCHAR AS video_view FROM staging.analytics_video_daily ORDER BY video_id, view_date',
    );
    expect(staged).toEqual([
      { video_id: '1001', view_date: '2025-06-01', video_view: '5' },
      { video_id: '1001', view_date: '2025-06-05', video_view: '9' },
      { video_id: '1005', view_date: '2025-06-03', video_view: '7' },
      { video_id: '12345678901234567891', view_date: '2025-06-04', video_view: '2' },
    ]);
    warehouse.close();
  });

  it('a CMS value that cannot be read (a bad created_at) is staged as NULL and counted with its field and reason', async () => {
    const warehouse = await fixtureWarehouse('2025-06-30');
    await insertCmsVideos(warehouse, [
      { id: '3001', account_id: account, name: 'bad created_at', state: 'ACTIVE', created_at: 'yesterday-ish', published_at: '2025-01-02T00:00:00.000Z' },
      { id: '3002', account_id: account, name: 'bad duration too', state: 'ACTIVE', created_at: '2025-13-01T00:00:00.000Z', published_at: null, duration: 'long' as unknown as number },
      { id: '3003', account_id: account, name: 'fine', state: 'ACTIVE', created_at: '2025-01-01T00:00:00.000Z', published_at: null, duration: null },
      { id: '3004', account_id: ACCOUNTS.neo, name: 'fine', state: 'ACTIVE', created_at: '2025-01-01T00:00:00+01:00', published_at: null },
    ]);
    await buildBrightcove(warehouse);

    expect(await warehouse.rows('SELECT video_id, field, reason, raw_value FROM staging.brightcove_unreadable_values ORDER BY video_id, field')).toEqual([
      { video_id: '3001', field: 'created_at', reason: 'unreadable created_at: not a timestamp', raw_value: '"yesterday-ish"' },
      // updated_at defaults to created_at in the fixture, so it is unreadable too.
      { video_id: '3001', field: 'updated_at', reason: 'unreadable updated_at: not a timestamp', raw_value: '"yesterday-ish"' },
      { video_id: '3002', field: 'created_at', reason: 'unreadable created_at: not a timestamp', raw_value: '"2025-13-01T00:00:00.000Z"' },
      { video_id: '3002', field: 'duration', reason: 'unreadable duration: not a whole number of milliseconds', raw_value: '"long"' },
      { video_id: '3002', field: 'updated_at', reason: 'unreadable updated_at: not a timestamp', raw_value: '"2025-13-01T00:00:00.000Z"' },
    ]);
    // Still staged (a video with a bad date is still a video), with NULL where the value was unreadable.
    expect(await warehouse.rows(`SELECT video_id, CAST(created_at AS VARCHAR) AS created_at FROM staging.cms_videos ORDER BY video_id`)).toEqual([
      { video_id: '3001', created_at: null },
      { video_id: '3002', created_at: null },
      { video_id: '3003', created_at: '2025-01-01 00:00:00' },
      { video_id: '3004', created_at: '2024-12-31 23:00:00' },
    ]);
    // internet: 3 raw = 3 staged, 2 of them with an unreadable value (3001, 3002; 3003's null duration is no value); neo: none.
    expect(
      await warehouse.rows(`SELECT account_id, raw_rows, staged_rows, unaccounted_rows, unreadable_value_rows FROM staging.brightcove_row_accounting ORDER BY account_id`),
    ).toEqual([
      { account_id: account, raw_rows: '3', staged_rows: '3', unaccounted_rows: '0', unreadable_value_rows: '2' },
      { account_id: ACCOUNTS.neo, raw_rows: '1', staged_rows: '1', unaccounted_rows: '0', unreadable_value_rows: '0' },
    ]);
    const lines: string[] = [];
    await logRowAccounting(warehouse, (line) => lines.push(line));
    expect(lines.filter((line) => line.includes('unreadable'))).toEqual([
      '    staged with NULL for an unreadable value, cms_videos: unreadable created_at: not a timestamp: 2 (staging.brightcove_unreadable_values)',
      '    staged with NULL for an unreadable value, cms_videos: unreadable duration: not a whole number of milliseconds: 1 (staging.brightcove_unreadable_values)',
      '    staged with NULL for an unreadable value, cms_videos: unreadable updated_at: not a timestamp: 2 (staging.brightcove_unreadable_values)',
    ]);
    warehouse.close();
  });

  it('the check names the source and account when staging loses a row silently', async () => {
    const warehouse = await fixtureWarehouse('2025-06-30');
    await insertAnalyticsFetch(warehouse, {
      source: 'analytics_video_daily',
      accountId: account,
      fetchId: 'f1',
      from: '2025-06-01',
      to: '2025-06-02',
      items: [dailyItem('1001', '2025-06-01', 5), dailyItem('1002', '2025-06-02', 5)],
    });
    await buildBrightcove(warehouse);
    // A staging model that drops a valid row (simulated by deleting it after the build).
    await warehouse.run(`DELETE FROM staging.analytics_video_daily WHERE video_id = '1002'`);
    await warehouse.run(`CREATE OR REPLACE TABLE staging.brightcove_row_accounting AS ${readFileSync(join(import.meta.dirname, '..', '..', 'models', 'staging', 'brightcove_row_accounting.sql'), 'utf8').split(/AS\s*\n/)[1]!.trim().replace(/;\s*$/, '')}`);
    const offending = await warehouse.rows<Record<string, string>>(CHECK.replace(/;\s*$/, ''));
    expect(offending).toEqual([
      expect.objectContaining({ source: 'analytics_video_daily', account_id: account, raw_rows: '2', staged_rows: '1', unaccounted_rows: '1' }),
    ]);
    warehouse.close();
  });
});
