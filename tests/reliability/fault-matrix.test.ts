import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_FAULTS } from '../../simulator/faults.ts';
import type { FaultConfig, RunningSimulator } from '../../simulator/server.ts';
import { differences, tempDataDir, type ExtractRun } from '../extract/helpers.ts';
import {
  compareStaged,
  matrixSimulator,
  rejectedTotal,
  runExtraction,
  stagedSnapshot,
  type StagedSnapshot,
} from './matrix-helpers.ts';

/**
 * The fault matrix: every simulator fault alone, then meaningful mixes, each over a whole extraction.
 * A run either completes or fails loudly (ExtractFailedError naming account, endpoint and window); after
 * a failure the next run, faults off, completes. Then:
 * - `transport` faults (the API answered badly, not wrongly) leave landed rows equal to a fault-free
 *   run's, key by key and value by value, and so the staged rows too;
 * - `items` faults (the API answered wrong values) never put a wrong value in a staged row (a value
 *   the API left out stays null), and every row staging could not use is listed in
 *   staging.brightcove_rejected_rows: no more keys are missing than rows were rejected.
 * In every case the row accounting balances: raw = staged + rejected + superseded + duplicates.
 *
 * The rows come from DEFAULT_FAULTS: a fault without an example here fails the first test (and tsc).
 */

type Kind = 'transport' | 'items';
type Outcome = 'completes' | 'loud' | 'either';

interface Example {
  readonly label: string;
  readonly faults: Partial<FaultConfig>;
  readonly kind: Kind;
  readonly expect: Outcome;
  /** Faults that change the catalog itself: the reference is a clean run against the same simulator afterwards. */
  readonly changesData?: boolean;
  /** Rejected reasons this fault must produce (beyond the fault-free run's). */
  readonly rejects?: RegExp;
}

const EXAMPLES: Record<keyof FaultConfig, Example[]> = {
  tokenTtlSeconds: [{ label: 'tokens live 2 s', faults: { tokenTtlSeconds: 2, slowMs: 10 }, kind: 'transport', expect: 'completes' }],
  staleToken401: [{ label: '3 stale-token 401s', faults: { staleToken401: 3 }, kind: 'transport', expect: 'completes' }],
  rateLimitBurst: [
    { label: '429 bursts, Retry-After 0', faults: { rateLimitBurst: { every: 5, length: 2, retryAfterSeconds: 0 } }, kind: 'transport', expect: 'completes' },
    { label: '429 bursts, no Retry-After', faults: { rateLimitBurst: { every: 6, length: 3 } }, kind: 'transport', expect: 'completes' },
  ],
  processing: [
    { label: 'PROCESSING 503', faults: { processing: { every: 3, status: 503 } }, kind: 'transport', expect: 'completes' },
    { label: 'PROCESSING 500', faults: { processing: { every: 4, status: 500 } }, kind: 'transport', expect: 'completes' },
  ],
  slowMs: [{ label: 'slow answers', faults: { slowMs: 25 }, kind: 'transport', expect: 'completes' }],
  resetEvery: [{ label: 'connection resets', faults: { resetEvery: 4 }, kind: 'transport', expect: 'completes' }],
  truncateEvery: [{ label: 'truncated JSON', faults: { truncateEvery: 4 }, kind: 'transport', expect: 'completes' }],
  mutateDuringCrawl: [{ label: 'videos change mid-crawl', faults: { mutateDuringCrawl: true }, kind: 'transport', expect: 'either', changesData: true }],
  cmsMaxOffset: [{ label: 'CMS offset cap 5', faults: { cmsMaxOffset: 5 }, kind: 'transport', expect: 'loud' }],
  maxRowsPerRequest: [{ label: 'analytics row cap 25', faults: { maxRowsPerRequest: 25 }, kind: 'transport', expect: 'completes' }],
  strictFieldModel: [{ label: 'strict field model', faults: { strictFieldModel: true }, kind: 'transport', expect: 'loud' }],
  cmsLimits: [{ label: 'CMS 2 concurrent, 4/s', faults: { cmsLimits: { requestsPerSecond: 4, concurrent: 2 } }, kind: 'transport', expect: 'either' }],
  htmlErrorPage: [
    { label: 'HTML page with 502', faults: { htmlErrorPage: { every: 4, status: 502 } }, kind: 'transport', expect: 'completes' },
    { label: 'HTML page with 200', faults: { htmlErrorPage: { every: 4, status: 200 } }, kind: 'transport', expect: 'completes' },
  ],
  emptyBodyEvery: [{ label: 'empty 200', faults: { emptyBodyEvery: 4 }, kind: 'transport', expect: 'completes' }],
  unexpectedShapeEvery: [{ label: 'JSON of the wrong shape', faults: { unexpectedShapeEvery: 4 }, kind: 'transport', expect: 'completes' }],
  bareIdEvery: [{ label: 'ids as bare numbers', faults: { bareIdEvery: 2 }, kind: 'transport', expect: 'completes' }],
  wrongTypeItemEvery: [{ label: 'numbers as strings', faults: { wrongTypeItemEvery: 3 }, kind: 'items', expect: 'completes', rejects: /wrong-typed metric video_view/ }],
  missingKeyEvery: [{ label: 'missing keys', faults: { missingKeyEvery: 7 }, kind: 'items', expect: 'either', rejects: /null video id|unparseable date/ }],
  extraKeysEvery: [{ label: 'unknown keys', faults: { extraKeysEvery: 3 }, kind: 'items', expect: 'completes' }],
  invalidValueEvery: [{ label: 'negative views, impossible dates', faults: { invalidValueEvery: 5 }, kind: 'items', expect: 'completes', rejects: /negative views|unparseable date/ }],
  // Every analytics request answers PROCESSING, but only once per request: a retry always gets through.
  maxFaultsPerRequest: [{ label: 'PROCESSING always, once per request', faults: { maxFaultsPerRequest: 1, processing: { every: 1, status: 503 } }, kind: 'transport', expect: 'completes' }],
};

const singles = (Object.keys(DEFAULT_FAULTS) as Array<keyof FaultConfig>).flatMap((fault) => EXAMPLES[fault] ?? []);
const merge = (examples: readonly Example[]) => Object.assign({}, ...examples.map((example) => example.faults)) as Partial<FaultConfig>;
// Mixes: every fault that should not lose a landed row at once; then everything at once. The
// per-request cap stays out of them: it would soften every other fault of the mix.
const mixable = singles.filter((example) => example.faults.maxFaultsPerRequest === undefined);
const transportOnly = mixable.filter((example) => example.kind === 'transport' && example.expect === 'completes');
const mixes: Example[] = [
  { label: 'all transport faults at once', faults: merge(transportOnly), kind: 'transport', expect: 'either' },
  { label: 'every fault at once', faults: merge(mixable), kind: 'items', expect: 'either', changesData: true },
];

let cleanRun: ExtractRun;
let cleanStaged: StagedSnapshot;
const started: RunningSimulator[] = [];
const observed: string[] = [];

beforeAll(async () => {
  const sim = await matrixSimulator();
  started.push(sim);
  const dir = tempDataDir();
  cleanRun = await runExtraction(sim, dir);
  expect(cleanRun.error).toBeUndefined();
  cleanStaged = await stagedSnapshot(dir);
});

afterAll(async () => {
  await Promise.all(started.map((sim) => sim.stop()));
  // The matrix as observed, for docs/reliability.md.
  console.log(`fault matrix (fault | outcome of the faulty run | resumed):\n${observed.join('\n')}`);
});

describe('fault matrix', () => {
  it('has an example for every simulator fault', () => {
    const missing = Object.keys(DEFAULT_FAULTS).filter((fault) => !(EXAMPLES[fault as keyof FaultConfig]?.length > 0));
    expect(missing).toEqual([]);
  });

  it('the fault-free reference stages every raw row or rejects it with a reason', () => {
    for (const row of cleanStaged.accounting) expect(row.unaccounted_rows, `${row.source} ${row.account_id}`).toBe('0');
    expect(cleanStaged.rows['analytics_video_daily']!.size).toBeGreaterThan(50);
    expect(cleanStaged.rows['cms_videos']!.size).toBe(24);
  });

  for (const example of [...singles, ...mixes]) {
    it(`${example.label}: ${JSON.stringify(example.faults)}`, async () => {
      const sim = await matrixSimulator(example.faults);
      started.push(sim);
      const dir = tempDataDir();
      const first = await runExtraction(sim, dir);
      let final = first;
      let outcome: string;
      if (first.error) {
        expect(example.expect, `unexpected failure: ${first.error.message}`).not.toBe('completes');
        // Loud: named account, endpoint and window, never a bare stack or an empty result.
        expect(first.error.name).toBe('ExtractFailedError');
        expect(first.error.message).toMatch(/\(\d{6,}\)/);
        expect(first.error.message).toMatch(/(cms|analytics):\/[a-z/]+/);
        expect(first.error.message).toMatch(/window /);
        outcome = `fails loudly: ${first.error.message.split('\n')[1]?.trim().slice(0, 150)}`;
      } else {
        expect(example.expect, 'expected a loud failure').not.toBe('loud');
        outcome = 'completes';
      }
      if (first.error || example.changesData) {
        sim.setFaults(Object.fromEntries(Object.keys(example.faults).map((key) => [key, undefined])));
        if (example.faults.cmsLimits !== undefined) sim.setFaults({ cmsLimits: null });
        final = await runExtraction(sim, dir);
        expect(final.error, final.error?.message).toBeUndefined();
      }
      observed.push(`${example.label} | ${outcome} | ${first.error || example.changesData ? 'next run (faults off) completes' : '-'}`);

      let reference = { run: cleanRun, staged: cleanStaged };
      if (example.changesData) {
        const referenceDir = tempDataDir();
        const run = await runExtraction(sim, referenceDir);
        expect(run.error).toBeUndefined();
        reference = { run, staged: await stagedSnapshot(referenceDir) };
      }
      if (example.kind === 'transport') {
        expect(final.snapshot.duplicateKeys).toBe(0);
        expect(differences(reference.run.snapshot.cms, final.snapshot.cms)).toEqual([]);
        expect(differences(reference.run.snapshot.daily, final.snapshot.daily)).toEqual([]);
        expect(differences(reference.run.snapshot.devices, final.snapshot.devices)).toEqual([]);
      }
      const staged = await stagedSnapshot(dir);
      for (const row of staged.accounting) expect(row.unaccounted_rows, JSON.stringify(row)).toBe('0');
      for (const source of ['cms_videos', 'analytics_video_daily', 'analytics_video_device_daily']) {
        const { changed, wrong, extra, missing } = compareStaged(reference.staged, staged, source);
        // Hostile items may leave a value out (a CMS video without its name), never put a wrong one in.
        expect(example.kind === 'transport' ? changed : wrong, source).toEqual([]);
        expect(extra, source).toEqual([]);
        const newlyRejected = rejectedTotal(staged, source) - rejectedTotal(reference.staged, source);
        if (example.kind === 'transport') expect(missing, source).toEqual([]);
        else expect(missing.length, `${source}: keys missing without a rejected row`).toBeLessThanOrEqual(Math.max(0, newlyRejected));
      }
      if (example.rejects) {
        const matching = (snapshot: StagedSnapshot) =>
          Object.values(snapshot.rejected)
            .flatMap((byReason) => Object.entries(byReason))
            .filter(([reason]) => example.rejects!.test(reason))
            .reduce((sum, [, rows]) => sum + rows, 0);
        expect(matching(staged), JSON.stringify(staged.rejected)).toBeGreaterThan(matching(reference.staged));
      }
    });
  }
});
