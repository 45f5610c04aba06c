import { afterEach, describe, expect, it } from 'vitest';
import { startSimulator, type FaultConfig, type RunningSimulator } from '../../simulator/server.ts';
import { openWarehouse } from '../../warehouse/duckdb.ts';
import { dataDir } from '../../warehouse/data-dir.ts';
import { differences, extractOnce, HISTORY_START, tempDataDir, testConfig, TODAY } from './helpers.ts';

/**
 * Under injected faults the landed data must equal a fault-free run's, key for key and value for value:
 * retries, token refreshes and re-crawls may cost requests, never rows.
 *
 * Deterministic on a busy machine: the simulator's fault counters are shared by concurrent requests,
 * so which request meets a fault depends on timing; `maxFaultsPerRequest: 2` bounds what any one
 * request can meet (2 injected faults + at most one 401 of a token that expired in transit) below the
 * retry budget (extract.max_attempts = 6), whatever the interleaving.
 */

const SEED = 23;
const ACCOUNTS = ['internet', 'neo', 'myway'];
const started: RunningSimulator[] = [];

async function simulator(faults: Partial<FaultConfig> = {}, videosPerAccount = 20): Promise<RunningSimulator> {
  const sim = await startSimulator({ seed: SEED, today: TODAY, historyStart: HISTORY_START, videosPerAccount, faults: { cmsLimits: null, ...faults } });
  started.push(sim);
  return sim;
}

afterEach(async () => {
  await Promise.all(started.splice(0).map((sim) => sim.stop()));
});

async function outcomes(dir: string): Promise<Record<string, number>> {
  const warehouse = await openWarehouse(dataDir(dir).workingDb);
  const rows = await warehouse.rows<{ outcome: string; requests: string }>('SELECT outcome, sum(requests)::VARCHAR AS requests FROM meta.api_requests GROUP BY outcome');
  warehouse.close();
  return Object.fromEntries(rows.map((row) => [row.outcome, Number(row.requests)]));
}

describe('extraction under faults', () => {
  it('lands the same rows as a fault-free run despite 429s, PROCESSING, token expiry, resets and truncated bodies', async () => {
    const clean = await extractOnce(await simulator(), tempDataDir(), { accounts: ACCOUNTS });
    expect(clean.error).toBeUndefined();

    const withRetryAfter = tempDataDir();
    const faulty = await extractOnce(
      await simulator({
        tokenTtlSeconds: 2,
        staleToken401: 3,
        slowMs: 15,
        rateLimitBurst: { every: 9, length: 2, retryAfterSeconds: 1 },
        processing: { every: 5, status: 503 },
        resetEvery: 7,
        truncateEvery: 11,
        maxFaultsPerRequest: 2,
      }),
      withRetryAfter,
      { accounts: ACCOUNTS },
    );
    expect(faulty.error).toBeUndefined();

    const withoutRetryAfter = tempDataDir();
    const faulty2 = await extractOnce(
      await simulator({ rateLimitBurst: { every: 6, length: 2 }, processing: { every: 4, status: 500 }, resetEvery: 5, maxFaultsPerRequest: 2 }),
      withoutRetryAfter,
      { accounts: ACCOUNTS },
    );
    expect(faulty2.error).toBeUndefined();

    for (const run of [faulty, faulty2]) {
      expect(run.snapshot.duplicateKeys).toBe(0);
      expect(differences(clean.snapshot.cms, run.snapshot.cms)).toEqual([]);
      expect(differences(clean.snapshot.daily, run.snapshot.daily)).toEqual([]);
      expect(differences(clean.snapshot.devices, run.snapshot.devices)).toEqual([]);
    }
    // Tokens lived 2 s: the run refreshed them before expiry instead of reusing one.
    expect(faulty.summary!.requests.find((entry) => entry.endpoint === 'oauth:/v4/access_token' && entry.outcome === 'ok')!.requests).toBeGreaterThan(1);
    // The faults really happened and were counted in meta.api_requests.
    const counted = await outcomes(withRetryAfter);
    for (const outcome of ['http_429', 'processing', 'http_401', 'network_error', 'truncated_body']) expect(counted[outcome], outcome).toBeGreaterThan(0);
    expect((await outcomes(withoutRetryAfter))['http_500'] ?? 0).toBe(0);
    expect((await outcomes(withoutRetryAfter))['processing']).toBeGreaterThan(0);
  });

  it('bisects large created_at windows and re-crawls when videos change mid-crawl; the next run catches up', async () => {
    const config = testConfig({ cms_window_max_videos: 100, cms_page_size: 25 });
    const sim = await simulator({ mutateDuringCrawl: true }, 230);
    const dir = tempDataDir();
    const first = await extractOnce(sim, dir, { accounts: ['research'], config });
    expect(first.error).toBeUndefined();
    expect(first.summary!.requests.find((entry) => entry.endpoint === 'cms:/counts/videos')!.requests).toBeGreaterThan(3);
    sim.setFaults({ mutateDuringCrawl: false });
    const second = await extractOnce(sim, dir, { accounts: ['research'], config });
    expect(second.error).toBeUndefined();

    const accountId = sim.dataset.accounts.find((account) => account.slug === 'research')!.id;
    const truth = new Map(
      sim.dataset.videos[accountId]!.filter((video) => video.state !== 'DELETED').map((video) => [`${accountId}|${video.id}`, JSON.stringify(video)]),
    );
    expect(truth.size).toBeGreaterThan(230); // the crawl inserted videos
    const landed = new Map([...second.snapshot.cms].map(([key, json]) => [key, JSON.stringify(JSON.parse(json))]));
    expect(differences(truth, landed)).toEqual([]);
  });

  it('splits an analytics window that hits the row cap, down to days', async () => {
    const sim = await simulator({ maxRowsPerRequest: 40 });
    const clean = await extractOnce(await simulator(), tempDataDir(), { accounts: ['impact'] });
    const split = await extractOnce(sim, tempDataDir(), { accounts: ['impact'] });
    expect(split.error).toBeUndefined();
    expect(split.summary!.analyticsRequests).toBeGreaterThan(clean.summary!.analyticsRequests);
    expect(differences(clean.snapshot.daily, split.snapshot.daily)).toEqual([]);
    expect(differences(clean.snapshot.devices, split.snapshot.devices)).toEqual([]);
  });

  it('fails naming account, endpoint and window when retries run out, keeping what finished', async () => {
    const sim = await simulator({ processing: { every: 1, status: 503 } });
    const run = await extractOnce(sim, tempDataDir(), { accounts: ['sumitrust'], config: testConfig({ max_attempts: 2 }) });
    expect(run.error?.name).toBe('ExtractFailedError');
    expect(run.error!.message).toMatch(/sumitrust \(5653786046001\)/);
    expect(run.error!.message).toMatch(/analytics:\/v1\/data/);
    // The history starts at sumitrust's earliest video: its first window is halved down to that one day.
    const earliest = sim.dataset.videos['5653786046001']!.filter((video) => video.state !== 'DELETED').map((video) => video.created_at.slice(0, 10)).sort()[0]!;
    expect(run.error!.message).toContain(`window ${earliest}..${earliest}`);
    expect(run.error!.message).toMatch(/PROCESSING/);
    // CMS is a different API and finished; nothing pretends the analytics are there.
    expect(run.snapshot.cms.size).toBeGreaterThan(0);
    expect(run.snapshot.daily.size).toBe(0);
  });
});
