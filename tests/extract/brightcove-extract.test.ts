import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type RunningSimulator } from '../../simulator/server.ts';
import { differences, extractOnce, HISTORY_START, tempDataDir, TODAY, type ExtractRun } from './helpers.ts';

/**
 * Extraction against the simulator on 127.0.0.1 (20 videos per account, 2025-01-01 … 2025-06-30):
 * completeness, idempotence, request economy, and equality under faults.
 */

const ACCOUNTS = 11;
const REPORTS = 3; // video,date; video,date,device_type; video,date,browser_type
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
    // The second run is incremental: fewer CMS rows, and only the trailing window of each report:
    // 11 accounts × 3 reports.
    expect(second.summary!.rowsLanded.cms_videos).toBeLessThan(first.summary!.rowsLanded.cms_videos);
    expect(second.summary!.analyticsRequests).toBe(ACCOUNTS * REPORTS);
    // The simulator counts both runs: 66 first, 33 second.
    expect(sim.counts()['analytics_data']).toEqual({ '200': 2 * ACCOUNTS * REPORTS + ACCOUNTS * REPORTS });
    expect(second.summary!.leastAnalyticsRequests).toBe(ACCOUNTS * REPORTS);
  });

  it('sizes windows by rows: one settled window and the trailing one per account and report, and says how few were possible', () => {
    // 20 videos per account created since 2019 (at most ~2,400 days before 2025-06-30): at most
    // (20 + 1) × 7 = 147 browser rows a day, ~353,000 for all history, under the 900,000 budget, so
    // every report asks its whole settled history at once, then the 7 trailing days:
    // 11 accounts × 3 reports × 2 windows = 66 (with 31-day windows from 2025-01-01 it was 154 for 2 reports).
    expect(first.summary!.analyticsRequests).toBe(ACCOUNTS * REPORTS * 2);
    // The least possible: one per account and report (no report comes near 1,000,000 rows).
    expect(first.summary!.leastAnalyticsRequests).toBe(ACCOUNTS * REPORTS);
    expect(first.lines.join('\n')).toContain(
      `Analytics requests: ${ACCOUNTS * REPORTS * 2} (the least possible: ${ACCOUNTS * REPORTS}, one per account and report and more only where the 1,000,000-row cap forces it; `,
    );
    // Per video, each of the 66 windows would be one request per video of its account: 66 × 20 (less the deleted ones).
    expect(first.summary!.oneRequestPerVideo).toBeGreaterThan(10 * first.summary!.analyticsRequests);
    // Each account asked /v1/data/status once per report, on the first run only.
    expect(sim.counts()['analytics_status']).toEqual({ '200': ACCOUNTS * REPORTS });
  });
});
