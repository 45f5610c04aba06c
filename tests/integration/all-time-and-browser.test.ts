import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROVISIONAL_DAYS, PROVISIONAL_FACTOR } from '../../simulator/analytics-report.ts';
import { browserRowsOf, provisionalRow } from '../../simulator/daily-views.ts';
import { startSimulator, type RunningSimulator } from '../../simulator/server.ts';
import { loadTestConfig } from '../support/test-config.ts';
import { addDays, expectationsFor, videoKey, type Expectations } from './simulator-expectations.ts';
import { readExportCsv, runPipeline, type PipelineRun } from './simulator-pipeline.ts';

/**
 * Issue 11 items 1 and 4 end to end against the simulator: views since 2021, the configured
 * history_start_date 2023-01-01 (the test config's), and one account nobody has watched since
 * 2022-09-30. "All time" must mean all time: every video's dt_last_viewed is its last day with views,
 * also before the configured date. And marts.daily_browser_views holds the browser report's views.
 */

const SEED = 11;
const TODAY = '2023-03-31';
const SIM_HISTORY_START = '2021-01-01';
const QUIET_ACCOUNT = '1197194721001'; // internet
const QUIET_SINCE = '2022-09-30';
const config = loadTestConfig();

let sim: RunningSimulator;
let run: PipelineRun;
let expected: Expectations;

beforeAll(async () => {
  sim = await startSimulator({
    seed: SEED,
    today: TODAY,
    historyStart: SIM_HISTORY_START,
    videosPerAccount: 12,
    viewsEndByAccount: { [QUIET_ACCOUNT]: QUIET_SINCE },
    faults: { cmsLimits: null },
  });
  const root = mkdtempSync(join(tmpdir(), 'reelhouse-all-time-'));
  run = await runPipeline(sim, join(root, 'data'), config, TODAY, join(root, 'exports'));
  expected = expectationsFor(sim.dataset, config, TODAY);
});
afterAll(() => sim?.stop());

describe('last viewed is all time', () => {
  it('the configured start is after every view of the quiet account', () => {
    expect(config.extract.history_start_date).toBe('2023-01-01');
    const quietDays = [...expected.lastViewed].filter(([key]) => key.startsWith(`${QUIET_ACCOUNT}|`));
    expect(quietDays.length).toBeGreaterThanOrEqual(5);
    for (const [, seen] of quietDays) expect(seen.last <= QUIET_SINCE).toBe(true);
  });

  it('gives every video of every account its last day with views > 0, also before the configured start', () => {
    const actual = run.marts.lastViewed.map((row) => `${row['account_id']}|${row['video_id']} → ${row['last_viewed_date']} ${row['first_viewed_date']} ${row['viewed_days']} ${row['total_video_views']}`).sort();
    const wanted = [...expected.lastViewed].map(([key, v]) => `${key} → ${v.last} ${v.first} ${v.days} ${v.total}`).sort();
    expect(actual).toEqual(wanted);
    const beforeStart = [...expected.lastViewed.values()].filter((v) => v.last < config.extract.history_start_date).length;
    expect(beforeStart).toBeGreaterThanOrEqual(5);
  });

  it("Harper's <slug>_cms.csv carries those dates in dt_last_viewed", () => {
    const rows = readExportCsv(run, 'harper/internet_cms.csv');
    expect(rows.length).toBe([...expected.catalog.keys()].filter((key) => key.startsWith(`${QUIET_ACCOUNT}|`)).length);
    for (const row of rows) expect([row['id'], row['dt_last_viewed']]).toEqual([row['id'], expected.lastViewed.get(videoKey(QUIET_ACCOUNT, row['id']!))?.last ?? '']);
    expect(rows.filter((row) => row['dt_last_viewed'] !== '').length).toBeGreaterThanOrEqual(5);
  });

  it('asks each report from the earliest video creation day, the browser report no earlier than 2016-08-30', () => {
    for (const account of sim.dataset.accounts) {
      const listed = sim.dataset.videos[account.id]!.filter((video) => video.state !== 'DELETED');
      const earliest = listed.map((video) => video.created_at.slice(0, 10)).sort()[0]!;
      const asked = sim.requests().filter((r) => r.endpoint === 'analytics_data' && r.query['accounts'] === account.id);
      for (const dimensions of ['video,date', 'video,date,device_type', 'video,date,browser_type']) {
        const froms = asked.filter((r) => r.query['dimensions'] === dimensions).map((r) => r.query['from']!).sort();
        const floor = dimensions.includes('browser_type') ? '2016-08-30' : '2011-01-01';
        expect([account.id, dimensions, froms[0]]).toEqual([account.id, dimensions, earliest > floor ? earliest : floor]);
      }
    }
    // One status request per account and report.
    expect(sim.requests().filter((r) => r.endpoint === 'analytics_status').length).toBe(11 * 3);
  });
});

describe('marts.daily_browser_views', () => {
  it('holds the views of every video, day and browser the browser report served, with the channel', () => {
    const provisionalFrom = addDays(TODAY, -PROVISIONAL_DAYS);
    const wanted: string[] = [];
    const names = new Map(config.accounts.map((account) => [account.account_id, account.name]));
    for (const [accountId, rows] of Object.entries(sim.dataset.daily)) {
      for (const row of rows) {
        if (row.video === null || row.date > TODAY) continue;
        const served = row.date >= provisionalFrom ? provisionalRow(row, PROVISIONAL_FACTOR) : row;
        for (const part of browserRowsOf(served)) wanted.push(`${accountId}|${part.video}|${part.date}|${part.browser_type} ${names.get(accountId)} ${part.video_view}`);
      }
    }
    const actual = run.marts.browser.map((row) => `${row['account_id']}|${row['video_id']}|${row['view_date']}|${row['browser_type']} ${row['channel']} ${row['video_view']}`);
    expect(actual.sort()).toEqual(wanted.sort());
    expect(new Set(run.marts.browser.map((row) => row['browser_type']))).toEqual(new Set(['chrome', 'edge', 'firefox', 'ie', 'opera', 'safari', 'other']));
  });

  it('sums, per video and day, to the views of marts.daily_video_analytics', () => {
    const browserSums = new Map<string, number>();
    for (const row of run.marts.browser) {
      const key = `${row['account_id']}|${row['video_id']}|${row['view_date']}`;
      browserSums.set(key, (browserSums.get(key) ?? 0) + Number(row['video_view']));
    }
    const viewed = run.marts.daily.filter((row) => Number(row['video_view']) > 0);
    expect(viewed.length).toBeGreaterThan(100);
    for (const row of viewed) {
      const key = `${row['account_id']}|${row['video_id']}|${row['view_date']}`;
      expect([key, browserSums.get(key)]).toEqual([key, Number(row['video_view'])]);
    }
  });

  it('adds no file to the exports', () => {
    expect(Object.keys(run.exportHashes).filter((file) => /browser/i.test(file))).toEqual([]);
  });
});
