import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Warehouse } from '../../warehouse/duckdb.ts';
import { discoverChecks, grainChecks, runCheck, type CheckResult, type DataCheck } from '../../warehouse/checks.ts';
import { discoverModels, referencedTables, selectModels } from '../../warehouse/models.ts';
import { ACCOUNTS, BRIGHTCOVE_SELECTOR, buildBrightcove, fixtureWarehouse } from './brightcove-fixture.ts';
import { AS_OF, V, loadScenario } from './brightcove-scenario.ts';

/**
 * Every Brightcove data check (sql/checks/) fed a violation from each side of its rule, and the values
 * just inside the rule that must pass. Each case changes the built scenario inside a transaction, runs
 * one check, and rolls back, so the cases do not see each other.
 */

let warehouse: Warehouse;
let derived: DataCheck[];
const I = ACCOUNTS.internet;

beforeAll(async () => {
  warehouse = await fixtureWarehouse(AS_OF);
  await loadScenario(warehouse);
  await buildBrightcove(warehouse);
  derived = await grainChecks(warehouse, selectModels(discoverModels(), BRIGHTCOVE_SELECTOR));
});
afterAll(() => warehouse.close());

function check(name: string) {
  const found = [...derived, ...discoverChecks()].find((candidate) => candidate.name === name);
  if (!found) throw new Error(`no check ${name}`);
  return found;
}

/** Runs `name` after `changes` (SQL statements), then undoes them. */
async function checkAfter(name: string, ...changes: string[]): Promise<CheckResult> {
  await warehouse.run('BEGIN TRANSACTION');
  try {
    for (const change of changes) await warehouse.run(change);
    return await runCheck({ warehouse }, check(name));
  } finally {
    await warehouse.run('ROLLBACK');
  }
}

/** Rebuilds the row accounting from the (changed) staging tables, as a build would. */
const REBUILD_ACCOUNTING = () => discoverModels().find((model) => model.name === 'staging.brightcove_row_accounting')!.sql;

// The 06-29 day of V.recent: 15 views, 45 impressions; devices 6 desktop, 4 mobile, 2 tablet, 3 other.
const RECENT_DAY = `video_id = '${V.recent}' AND view_date = DATE '2025-06-29'`;

describe('every Brightcove check passes on the clean scenario', () => {
  // Other areas' checks read other marts: only those on the Brightcove models are run here.
  const brightcoveModels = selectModels(discoverModels(), BRIGHTCOVE_SELECTOR).map((model) => model.name);
  const names = discoverChecks()
    .filter((candidate) => referencedTables(candidate.sql).every((table) => brightcoveModels.includes(table)))
    .map((candidate) => candidate.name);
  it.each(names)('%s', async (name) => {
    expect((await checkAfter(name)).failingRows).toBe(0);
  });
});

describe('last_viewed_dates_not_null: a NULL last_viewed_date in each last-viewed mart', () => {
  it.each(['marts.video_last_viewed', 'marts.video_cache'])('%s', async (table) => {
    const result = await checkAfter('last_viewed_dates_not_null', `UPDATE ${table} SET last_viewed_date = NULL WHERE video_id = '${V.recent}'`);
    expect(result).toMatchObject({ failingRows: 1, sample: { table_name: table, video_id: V.recent } });
  });
});

describe('the grain checks on the scenario: a NULL in each key column of each mart', () => {
  const keys: Array<[string, string]> = [
    ['marts.video_catalog', 'account_id'],
    ['marts.video_catalog', 'video_id'],
    ['marts.video_last_viewed', 'account_id'],
    ['marts.video_last_viewed', 'video_id'],
    ['marts.video_cache', 'account_id'],
    ['marts.video_cache', 'video_id'],
    ['marts.video_catalog_by_year', 'account_id'],
    ['marts.video_catalog_by_year', 'video_id'],
    ['marts.daily_video_analytics', 'account_id'],
    ['marts.daily_video_analytics', 'video_id'],
    ['marts.daily_video_analytics', 'view_date'],
    ['marts.daily_analytics_multi_year', 'account_id'],
    ['marts.daily_analytics_multi_year', 'video_id'],
    ['marts.daily_analytics_multi_year', 'view_date'],
    ['marts.harper_daily_views', 'view_date'],
  ];
  it.each(keys)('%s.%s', async (table, column) => {
    const result = await checkAfter(`${table}.grain_not_null`, `UPDATE ${table} SET ${column} = NULL WHERE video_id = '${V.recent}' OR video_id IS NULL`);
    expect(result.failingRows).toBeGreaterThan(0);
    expect(result.sample).toMatchObject({ [column]: null });
  });
});

describe('brightcove_raw_rows_accounted: unaccounted rows either way', () => {
  it('a staged row lost (raw 1 more than accounted for): 1 unaccounted', async () => {
    const result = await checkAfter('brightcove_raw_rows_accounted', `DELETE FROM staging.analytics_video_daily WHERE video_id = '${V.inactive}'`, REBUILD_ACCOUNTING());
    expect(result).toMatchObject({ failingRows: 1, sample: { source: 'analytics_video_daily', account_id: I, unaccounted_rows: '1' } });
  });
  it('a staged row too many (1 more than raw): -1 unaccounted', async () => {
    const result = await checkAfter(
      'brightcove_raw_rows_accounted',
      `INSERT INTO staging.analytics_video_daily SELECT * FROM staging.analytics_video_daily WHERE video_id = '${V.inactive}'`,
      REBUILD_ACCOUNTING(),
    );
    expect(result).toMatchObject({ failingRows: 1, sample: { source: 'analytics_video_daily', account_id: I, unaccounted_rows: '-1' } });
  });
  it('the rebuilt accounting of unchanged staging balances', async () => {
    expect((await checkAfter('brightcove_raw_rows_accounted', REBUILD_ACCOUNTING())).failingRows).toBe(0);
  });
});

describe('the grain checks on the scenario: a repeated key fails, one copy passes', () => {
  const tables = [
    'marts.video_catalog',
    'marts.video_last_viewed',
    'marts.video_cache',
    'marts.video_catalog_by_year',
    'marts.daily_video_analytics',
    'marts.daily_analytics_multi_year',
    'marts.harper_daily_views',
  ];
  it.each(tables)('%s', async (table) => {
    const name = `${table}.grain_unique`;
    expect((await checkAfter(name)).failingRows).toBe(0);
    // V.recent has exactly one row in the video marts; take its 06-29 row in the daily ones.
    const oneRow = table.includes('daily') ? `video_id = '${V.recent}' AND view_date = DATE '2025-06-29'` : `video_id = '${V.recent}'`;
    const result = await checkAfter(name, `INSERT INTO ${table} SELECT * FROM ${table} WHERE ${oneRow}`);
    expect(result).toMatchObject({ failingRows: 1, sample: { video_id: V.recent, row_count: '2' } });
  });
});

describe('daily_device_views_sum_to_total', () => {
  it.each([
    ['one too many', 'views_mobile + 1', '16'],
    ['one too few', 'views_mobile - 1', '14'],
  ])('devices %s', async (_label, mobile, deviceViews) => {
    const result = await checkAfter('daily_device_views_sum_to_total', `UPDATE marts.daily_video_analytics SET views_mobile = ${mobile} WHERE ${RECENT_DAY}`);
    expect(result).toMatchObject({ failingRows: 1, sample: { video_id: V.recent, video_view: '15', device_views: deviceViews } });
  });
  it('every device counted: moving 4 views from mobile to tablet still adds up', async () => {
    const result = await checkAfter('daily_device_views_sum_to_total', `UPDATE marts.daily_video_analytics SET views_mobile = 0, views_tablet = views_tablet + 4 WHERE ${RECENT_DAY}`);
    expect(result.failingRows).toBe(0);
  });
});

describe('daily_ratios_in_range', () => {
  const ratios = (set: string) => `UPDATE marts.daily_video_analytics SET ${set} WHERE ${RECENT_DAY}`;
  it.each([
    ['play_rate above 1 with impressions', 'play_rate = 1.000001'],
    ['play_rate below 0 with impressions', 'play_rate = -0.000001'],
    ['play_rate NULL with impressions', 'play_rate = NULL'],
    ['play_rate without impressions (0)', 'video_impression = 0, play_rate = 0.5'],
    ['play_rate without impressions (NULL)', 'video_impression = NULL, play_rate = 0'],
    ['engagement_score below 0 with views', 'engagement_score = -0.000001'],
    ['engagement_score without views (0)', 'video_view = 0, views_desktop = NULL, engagement_score = 0'],
    ['engagement_score without views (NULL)', 'video_view = NULL, views_desktop = NULL, engagement_score = 10'],
  ])('fails: %s', async (_label, set) => {
    expect((await checkAfter('daily_ratios_in_range', ratios(set))).failingRows).toBe(1);
  });
  it.each([
    ['play_rate exactly 1', 'play_rate = 1'],
    ['play_rate exactly 0', 'play_rate = 0'],
    ['engagement_score exactly 0 with views', 'engagement_score = 0'],
    ['engagement_score above 100', 'engagement_score = 250'],
    ['no impressions, no play_rate; no views, no engagement_score', 'video_impression = 0, play_rate = NULL, video_view = 0, engagement_score = NULL'],
  ])('passes: %s', async (_label, set) => {
    expect((await checkAfter('daily_ratios_in_range', ratios(set))).failingRows).toBe(0);
  });
});

describe('daily_views_not_negative', () => {
  const columns = ['video_view', 'video_impression', 'views_desktop', 'views_mobile', 'views_tablet', 'views_other'];
  it.each(columns)('%s = -1 fails', async (column) => {
    const result = await checkAfter('daily_views_not_negative', `UPDATE marts.daily_video_analytics SET ${column} = -1 WHERE ${RECENT_DAY}`);
    expect(result).toMatchObject({ failingRows: 1, sample: { video_id: V.recent, [column]: '-1' } });
  });
  it('every count exactly 0 passes', async () => {
    const zeros = columns.map((column) => `${column} = 0`).join(', ');
    expect((await checkAfter('daily_views_not_negative', `UPDATE marts.daily_video_analytics SET ${zeros} WHERE ${RECENT_DAY}`)).failingRows).toBe(0);
  });
});

describe('video_cache_only_active', () => {
  const cacheRow = (video: string) =>
    `INSERT INTO marts.video_cache VALUES ('${I}', '${video}', 'Internet', DATE '2025-06-20', 5, DATE '2025-04-01', DATE '2025-06-30')`;
  it.each([
    ['INACTIVE', V.inactive, `SELECT 1`, 'INACTIVE'],
    ['PENDING', V.unpublished, `UPDATE marts.video_catalog SET state = 'PENDING' WHERE video_id = '${V.unpublished}'`, 'PENDING'],
    ['DELETED', V.unpublished, `UPDATE marts.video_catalog SET state = 'DELETED' WHERE video_id = '${V.unpublished}'`, 'DELETED'],
    ['missing from the catalog', '6399999999999', `SELECT 1`, null],
    ['state NULL', V.unpublished, `UPDATE marts.video_catalog SET state = NULL WHERE video_id = '${V.unpublished}'`, null],
  ])('a cached video %s fails', async (_label, video, change, state) => {
    const result = await checkAfter('video_cache_only_active', change, cacheRow(video));
    expect(result).toMatchObject({ failingRows: 1, sample: { video_id: video, state } });
  });
  it('a cached ACTIVE video passes', async () => {
    expect((await checkAfter('video_cache_only_active', cacheRow(V.unpublished))).failingRows).toBe(0);
  });
});
