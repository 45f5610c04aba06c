import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type RunningSimulator } from '../../simulator/server.ts';
import { planAnalyticsWindows } from '../../extract/brightcove/date-windows.ts';
import { differences, extractOnce, HISTORY_START, tempDataDir, testConfig, TODAY, type ExtractRun } from './helpers.ts';

/**
 * Extraction against the simulator on 127.0.0.1 (20 videos per account, 2025-01-01 … 2025-06-30):
 * completeness, idempotence, request economy, and equality under faults.
 */

const ACCOUNTS = 11;
const SEED = 7;

describe('Brightcove extraction, fault-free', () => {
  let sim: RunningSimulator;
  let first: ExtractRun;
  let second: ExtractRun;
  const dataDir = tempDataDir();

  beforeAll(async () => {
    sim = await startSimulator({ seed: SEED, today: TODAY, historyStart: HISTORY_START, videosPerAccount: 20, faults: { cmsLimits: null } });
    first = await extractOnce(sim, dataDir);
    second = await extractOnce(sim, dataDir);
  });
  afterAll(() => sim.stop());

  it('lands CMS, views and devices for all 11 accounts, matching the simulator', () => {
    expect(first.error).toBeUndefined();
    const { snapshot } = first;
    const accountsIn = (keys: Iterable<string>) => new Set([...keys].map((key) => key.split('|')[0]));
    expect(accountsIn(snapshot.cms.keys()).size).toBe(ACCOUNTS);
    expect(accountsIn(snapshot.daily.keys()).size).toBe(ACCOUNTS);
    expect(accountsIn(snapshot.devices.keys()).size).toBe(ACCOUNTS);

    for (const account of sim.dataset.accounts) {
      const accountId = account.id;
      const live = sim.dataset.videos[accountId]!.filter((video) => video.state !== 'DELETED');
      for (const video of live) {
        const landed = snapshot.cms.get(`${accountId}|${video.id}`);
        expect(landed, `video ${video.id}`).toBeDefined();
        expect(JSON.parse(landed!)).toEqual(JSON.parse(JSON.stringify(video)));
      }
      // Final days (before the provisional three) equal the simulator's reconciled rows.
      for (const row of sim.dataset.daily[accountId]!.filter((r) => r.date <= '2025-06-26')) {
        const landed = snapshot.daily.get(`${accountId}|${row.video ?? 'null'}|${row.date}`);
        if (row.video_view === 0 && row.video_impression === 0) continue;
        expect(landed, `${accountId} ${row.video} ${row.date}`).toBeDefined();
        expect(JSON.parse(landed!).video_view).toBe(row.video_view);
      }
    }
    expect(typeof [...snapshot.cms.keys()][0]).toBe('string');
  });

  it('has one row per key after de-duplication, and a second run adds no duplicate key', () => {
    expect(first.snapshot.duplicateKeys).toBe(0);
    expect(second.error).toBeUndefined();
    expect(second.snapshot.duplicateKeys).toBe(0);
    expect(differences(first.snapshot.cms, second.snapshot.cms)).toEqual([]);
    expect(differences(first.snapshot.daily, second.snapshot.daily)).toEqual([]);
    expect(differences(first.snapshot.devices, second.snapshot.devices)).toEqual([]);
    // The second run is incremental: fewer CMS rows, and only the trailing windows of analytics.
    expect(second.summary!.rowsLanded.cms_videos).toBeLessThan(first.summary!.rowsLanded.cms_videos);
    expect(second.summary!.analyticsRequests).toBe(ACCOUNTS * 2);
  });

  it('asks analytics within 10 % of one request per account, report and window', () => {
    const plan = planAnalyticsWindows(HISTORY_START, TODAY, testConfig().extract.analytics_window_days, testConfig().extract.trailing_refetch_days);
    const minimum = ACCOUNTS * 2 * (plan.settled.length + 1);
    const made = first.summary!.analyticsRequests;
    expect(made).toBeGreaterThanOrEqual(minimum);
    expect(made).toBeLessThanOrEqual(Math.ceil(minimum * 1.1));
    expect(first.summary!.oneRequestPerVideo).toBeGreaterThan(10 * made);
    expect(first.lines.join('\n')).toMatch(/Analytics requests: \d+ \(one request per video, report and window would need \d+/);
  });
});
