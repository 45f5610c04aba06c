import { afterEach, describe, expect, it } from 'vitest';
import { parseConfig, type ReelhouseConfig } from '../../config/load-config.ts';
import { startSimulator, type RunningSimulator } from '../../simulator/server.ts';
import { loadTestConfig } from '../support/test-config.ts';
import { extractOnce, tempDataDir } from './helpers.ts';

/**
 * The extract rules as the simulator saw them: which date windows a run asks Analytics for (and with
 * `reconciled=true` or not), how the CMS pages, and where an incremental CMS crawl starts. Every rule
 * value comes from tests/fixtures/reelhouse.config.json; the expected requests are worked out by hand.
 */

const IMPACT = '968049871001';
const started: RunningSimulator[] = [];
afterEach(async () => {
  await Promise.all(started.splice(0).map((sim) => sim.stop()));
});

async function simulator(videosPerAccount = 10): Promise<RunningSimulator> {
  const sim = await startSimulator({ seed: 11, today: '2025-06-30', historyStart: '2025-06-01', videosPerAccount, faults: { cmsLimits: null } });
  started.push(sim);
  return sim;
}

/** The fixture's configuration with some extract values replaced (the others stay as the fixture has them). */
function configWith(extract: Partial<ReelhouseConfig['extract']>): Readonly<ReelhouseConfig> {
  const config = structuredClone(loadTestConfig()) as ReelhouseConfig;
  return parseConfig({ ...config, extract: { ...config.extract, ...extract } });
}

/** The `video,date` windows the simulator answered, in order: `from..to`, ` reconciled` when asked so. */
function dailyWindows(sim: RunningSimulator): string[] {
  return sim
    .requests()
    .filter((request) => request.path === '/v1/data' && request.query['dimensions'] === 'video,date')
    .map((request) => `${request.query['from']}..${request.query['to']}${request.query['reconciled'] === 'true' ? ' reconciled' : ''}`);
}

describe('analytics windows (history_start_date, analytics_window_days, trailing_refetch_days, reconciled_after_days)', () => {
  it('a first run as of 2025-06-30 asks all history from the earliest video in one window, then the trailing 7 days', async () => {
    const sim = await simulator();
    const run = await extractOnce(sim, tempDataDir(), { accounts: ['impact'], config: loadTestConfig(), asOf: '2025-06-30' });
    expect(run.error).toBeUndefined();
    // The earliest video the CMS lists starts the history (before the configured 2023-01-01).
    const earliest = sim.dataset.videos[IMPACT]!.filter((video) => video.state !== 'DELETED').map((video) => video.created_at.slice(0, 10)).sort()[0]!;
    expect(earliest < loadTestConfig().extract.history_start_date).toBe(true);
    // Trailing 7 days ending at as-of: 06-24..06-30; the settled range ends the day before, 06-23.
    // 10 videos + the rows without a video: at most 11 rows a day, far under 900,000 for ~2,400 days:
    // one window. It ended ≥ 3 + 1 days before as-of (06-23 ≤ 06-26): reconciled; the trailing one is not.
    expect(dailyWindows(sim)).toEqual([`${earliest}..2025-06-23 reconciled`, '2025-06-24..2025-06-30']);
  });

  it('reconciled after 3 days: a day 3 days before as-of is asked provisional, 4 days before reconciled; the next day re-asks it reconciled', async () => {
    // A 2-day trailing window so that settled days come close to as-of; the reconciled rule
    // (reconciled_after_days) is the fixture's. A day D is final (asked with reconciled=true) once it
    // ended 3 days before as-of: D + 1 ≤ as-of − 3, i.e. D ≤ as-of − 4. Final and provisional days are
    // never asked in one window.
    const config = configWith({ trailing_refetch_days: 2 });
    const sim = await simulator();
    const dir = tempDataDir();
    const first = await extractOnce(sim, dir, { accounts: ['impact'], config, asOf: '2025-06-30' });
    expect(first.error).toBeUndefined();
    const earliest = sim.dataset.videos[IMPACT]!.filter((video) => video.state !== 'DELETED').map((video) => video.created_at.slice(0, 10)).sort()[0]!;
    // as-of 06-30: trailing 06-29..06-30; settled up to 06-28; final up to 06-26 (06-30 − 4).
    expect(dailyWindows(sim)).toEqual([
      `${earliest}..2025-06-26 reconciled`, // 06-26 is 4 days before as-of
      '2025-06-27..2025-06-28', // 06-27 is 3 days before as-of: still provisional
      '2025-06-29..2025-06-30',
    ]);

    // The next daily run: reconciled days are never asked again; 06-27 is now 4 days old.
    sim.resetRequests();
    sim.setToday('2025-07-01');
    const second = await extractOnce(sim, dir, { accounts: ['impact'], config, asOf: '2025-07-01' });
    expect(second.error).toBeUndefined();
    expect(dailyWindows(sim)).toEqual(['2025-06-27..2025-06-27 reconciled', '2025-06-28..2025-06-29', '2025-06-30..2025-07-01']);
  });
});

describe('CMS paging (cms_page_size) and the incremental overlap (cms_updated_at_overlap_minutes)', () => {
  it('pages by 100 and starts the next crawl 60 minutes before the newest updated_at seen', async () => {
    const sim = await simulator(130);
    const dir = tempDataDir();
    const first = await extractOnce(sim, dir, { accounts: ['impact'], config: loadTestConfig() });
    expect(first.error).toBeUndefined();
    const visible = sim.dataset.videos[IMPACT]!.filter((video) => video.state !== 'DELETED').length;
    expect(visible).toBe(119);
    // 119 videos in pages of 100: offset 0 (100 videos), offset 100 (19, a short page: the last).
    const pages = sim.requests().filter((request) => request.endpoint === 'cms_videos' && request.query['sort'] === 'created_at');
    expect(pages.map((request) => `${request.query['limit']}@${request.query['offset']}`)).toEqual(['100@0', '100@100']);

    sim.resetRequests();
    const second = await extractOnce(sim, dir, { accounts: ['impact'], config: loadTestConfig() });
    expect(second.error).toBeUndefined();
    // The newest updated_at a crawl can see (DELETED videos are listed only when asked for by state).
    const newest = sim.dataset.videos[IMPACT]!.filter((video) => video.state !== 'DELETED').map((video) => video.updated_at as string).sort().at(-1);
    expect(newest).toBe('2025-06-29T16:51:11.972Z');
    // The watermark 16:51:11 (to the second) − 60 minutes = 15:51:11.
    const incremental = sim.requests().filter((request) => request.endpoint === 'cms_videos' && request.query['sort'] === 'updated_at');
    expect(incremental.map((request) => request.query['q'])).toEqual(['+updated_at:2025-06-29T15:51:11Z..NOW']);
  });
});
