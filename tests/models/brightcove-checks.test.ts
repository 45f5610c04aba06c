import { beforeEach, describe, expect, it } from 'vitest';
import type { Warehouse } from '../../warehouse/duckdb.ts';
import { CheckFailedError, discoverChecks, grainChecks, runChecks } from '../../warehouse/checks.ts';
import { discoverModels, referencedTables, selectModels } from '../../warehouse/models.ts';
import { ACCOUNTS, BRIGHTCOVE_SELECTOR, buildBrightcove, fixtureWarehouse } from './brightcove-fixture.ts';
import { AS_OF, V, loadScenario } from './brightcove-scenario.ts';

let warehouse: Warehouse;
const session = () => ({ warehouse, runId: 'check-run' });
// Other areas may add checks on their own marts: run those that read only the Brightcove models.
// The grain checks of the Brightcove models come first, as `pipeline check` runs them.
const brightcoveChecks = async (on = warehouse) => {
  const brightcoveModels = selectModels(discoverModels(), BRIGHTCOVE_SELECTOR);
  const names = brightcoveModels.map((model) => model.name);
  return [
    ...(await grainChecks(on, brightcoveModels)),
    ...discoverChecks().filter((check) => referencedTables(check.sql).every((table) => names.includes(table))),
  ];
};

beforeEach(async () => {
  warehouse = await fixtureWarehouse(AS_OF);
  await loadScenario(warehouse);
  await buildBrightcove(warehouse);
});

async function failureOf(check: string): Promise<CheckFailedError> {
  const error = await runChecks(session(), await brightcoveChecks()).then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(CheckFailedError);
  const failed = error as CheckFailedError;
  expect(failed.failures.map((failure) => failure.name)).toEqual([check]);
  return failed;
}

describe('data checks', () => {
  it('pass on the clean scenario and on an empty warehouse, and are recorded', async () => {
    const results = await runChecks(session(), await brightcoveChecks());
    expect(results.length).toBeGreaterThanOrEqual(11);
    expect(results.map((result) => result.name)).toContain('marts.video_last_viewed.grain_unique');
    expect(results.every((result) => result.failingRows === 0)).toBe(true);
    expect(await warehouse.scalar(`SELECT count(*) FROM meta.check_results WHERE run_id = 'check-run' AND failing_rows = 0`)).toBe(String(results.length));

    const empty = await fixtureWarehouse(AS_OF);
    await buildBrightcove(empty);
    await expect(runChecks({ warehouse: empty, runId: 'empty' }, await brightcoveChecks(empty))).resolves.toHaveLength(results.length);
  });

  it('a duplicated daily row fails the grain check with its count and a sample', async () => {
    await warehouse.run(`INSERT INTO marts.daily_video_analytics SELECT * FROM marts.daily_video_analytics WHERE video_id = $1 AND view_date = '2025-06-29'`, [V.recent]);
    const failed = await failureOf('marts.daily_video_analytics.grain_unique');
    expect(failed.failures[0]).toMatchObject({ failingRows: 1, sample: { account_id: ACCOUNTS.internet, video_id: V.recent, view_date: '2025-06-29', row_count: '2' } });
    expect(failed.message).toMatch(/marts\.daily_video_analytics\.grain_unique: 1 row\(s\), e\.g\. \{"account_id":"1197194721001"/);
    const recorded = await warehouse.rows<{ failing_rows: string; sample_json: string }>(
      `SELECT failing_rows, sample_json FROM meta.check_results WHERE check_name = 'marts.daily_video_analytics.grain_unique'`,
    );
    expect(recorded).toHaveLength(1);
    expect(recorded[0]!.failing_rows).toBe('1');
    expect(JSON.parse(recorded[0]!.sample_json)).toMatchObject({ video_id: V.recent });
  });

  it('a device split that does not add up fails its check', async () => {
    await warehouse.run(`UPDATE marts.daily_video_analytics SET views_mobile = views_mobile + 1 WHERE video_id = $1 AND view_date = '2025-06-29'`, [V.recent]);
    const failed = await failureOf('daily_device_views_sum_to_total');
    expect(failed.failures[0]).toMatchObject({ failingRows: 1, sample: { video_view: '15', device_views: '16' } });
  });

  it('negative views, out-of-range ratios, an INACTIVE cached video and a NULL key each fail their check', async () => {
    await warehouse.run(`UPDATE marts.daily_video_analytics SET video_view = -1, views_desktop = NULL, views_mobile = NULL, views_tablet = NULL, views_other = NULL, engagement_score = NULL WHERE video_id = $1`, [V.big]);
    expect((await failureOf('daily_views_not_negative')).failures[0]!.sample).toMatchObject({ video_id: V.big, video_view: '-1' });
    await warehouse.run(`UPDATE marts.daily_video_analytics SET video_view = 1, engagement_score = 42.5 WHERE video_id = $1`, [V.big]);

    await warehouse.run(`UPDATE marts.daily_video_analytics SET play_rate = 1.5 WHERE video_id = $1`, [V.big]);
    expect((await failureOf('daily_ratios_in_range')).failures[0]!.sample).toMatchObject({ video_id: V.big, play_rate: 1.5 });
    await warehouse.run(`UPDATE marts.daily_video_analytics SET play_rate = 1.0 / 3 WHERE video_id = $1`, [V.big]);

    await warehouse.run(`INSERT INTO marts.video_cache SELECT account_id, video_id, channel, DATE '2025-06-20', 5, DATE '2025-04-01', DATE '2025-06-30' FROM marts.video_catalog WHERE video_id = $1`, [V.inactive]);
    expect((await failureOf('video_cache_only_active')).failures[0]!.sample).toEqual({ account_id: ACCOUNTS.internet, video_id: V.inactive, state: 'INACTIVE' });
    await warehouse.run(`DELETE FROM marts.video_cache WHERE video_id = $1`, [V.inactive]);

    await warehouse.run(`UPDATE marts.video_catalog_by_year SET video_id = NULL WHERE video_id = $1`, [V.never]);
    expect((await failureOf('marts.video_catalog_by_year.grain_not_null')).failures[0]!.sample).toMatchObject({ account_id: ACCOUNTS.internet, video_id: null });
  });
});
