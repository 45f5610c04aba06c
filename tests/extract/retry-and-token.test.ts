import { afterEach, describe, expect, it } from 'vitest';
import { TokenProvider } from '../../extract/brightcove/oauth.ts';
import { HttpClient, RequestFailedError } from '../../extract/http.ts';
import { DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, startSimulator, type FaultConfig, type RunningSimulator } from '../../simulator/server.ts';
import { loadTestConfig } from '../support/test-config.ts';

/**
 * The HTTP rules, read from what the simulator received: a 429's Retry-After is waited out (the
 * retry arrives no earlier), extract.max_attempts bounds the tries, and a token is refreshed a margin
 * before its expires_in runs out, so the simulator never has to answer 401.
 */

const config = loadTestConfig();
const INTERNET = '1197194721001';
const COUNT_PATH = `/v1/accounts/${INTERNET}/counts/videos`;
// Backoff of at most 20 ms: far below any Retry-After here, so only an honoured Retry-After waits long.
const FAST_BACKOFF = { baseDelayMs: 2, maxDelayMs: 20, processingDelayMs: 2, timeoutMs: 10_000 };
const credential = { clientId: DEMO_CLIENT_ID, clientSecret: DEMO_CLIENT_SECRET };

const started: Array<{ sim: RunningSimulator; http: HttpClient }> = [];
afterEach(async () => {
  for (const { sim, http } of started.splice(0)) {
    await http.close();
    await sim.stop();
  }
});

async function setUp(faults: Partial<FaultConfig>, tokenClock?: () => number) {
  const sim = await startSimulator({ seed: 3, today: '2025-06-30', historyStart: '2025-06-01', videosPerAccount: 10, faults: { cmsLimits: null, ...faults }, tokenClock });
  const http = new HttpClient({ policy: { maxAttempts: config.extract.max_attempts, ...FAST_BACKOFF } });
  started.push({ sim, http });
  const auth = new TokenProvider(http, sim.url, credential, tokenClock);
  const getCount = () => http.getJson(`${sim.url}${COUNT_PATH}`, { endpoint: 'cms:/counts/videos' }, auth);
  const countRequests = () => sim.requests().filter((request) => request.path === COUNT_PATH);
  return { sim, getCount, countRequests };
}

describe('Retry-After', () => {
  it('a retry after a 429 with Retry-After: 1 arrives at least 1000 ms after the 429', async () => {
    // Of every 2 requests the 2nd gets 429 + Retry-After: 1; so: 200, then 429, then its retry 200.
    const { getCount, countRequests } = await setUp({ rateLimitBurst: { every: 2, length: 1, retryAfterSeconds: 1 } });
    await getCount();
    await getCount();
    const requests = countRequests();
    expect(requests.map((request) => request.status)).toEqual([200, 429, 200]);
    const waited = requests[2]!.receivedAtMs - requests[1]!.receivedAtMs;
    // Backoff alone would retry within 20 ms.
    expect(waited).toBeGreaterThanOrEqual(1000);
  });
});

describe('extract.max_attempts', () => {
  it('gives up after exactly max_attempts tries, and one more try would have succeeded', async () => {
    // Of every 7 requests the last 6 get 429 (no Retry-After): the 1st request passes, the 2nd meets
    // six 429s in a row (positions 1..6); a 7th try would be position 0 again and pass.
    const { getCount, countRequests } = await setUp({ rateLimitBurst: { every: 7, length: 6, retryAfterSeconds: null } });
    await getCount();
    const failure = await getCount().then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(RequestFailedError);
    expect((failure as RequestFailedError).attempts).toBe(6);
    expect((failure as Error).message).toMatch(/after 6 attempts: HTTP 429/);
    expect(countRequests().map((request) => request.status)).toEqual([200, 429, 429, 429, 429, 429, 429]);
  });
});

describe('token refresh by expires_in', () => {
  // The client refreshes at expires_in − margin, margin = a tenth of the life clamped to 1..60 s:
  //   expires_in    5 s: margin max(1 s, 0.5 s) = 1 s  → refresh at   4 000 ms
  //   expires_in  100 s: margin 10 s                    → refresh at  90 000 ms
  //   expires_in 1000 s: margin min(60 s, 100 s) = 60 s → refresh at 940 000 ms
  // One clock (set by the test, no sleeping) drives the client and the simulator's token expiry.
  const cases = [
    { expiresIn: 5, refreshAtMs: 4_000 },
    { expiresIn: 100, refreshAtMs: 90_000 },
    { expiresIn: 1000, refreshAtMs: 940_000 },
  ];
  for (const { expiresIn, refreshAtMs } of cases) {
    it(`expires_in ${expiresIn} s: same token until ${refreshAtMs - 1} ms, a new one at ${refreshAtMs} ms, no 401 ever`, async () => {
      const start = Date.parse('2025-06-30T08:00:00Z');
      let now = start;
      const { sim, getCount, countRequests } = await setUp({ tokenTtlSeconds: expiresIn }, () => now);
      const tokensAfterEachStep: number[] = [];
      // At the old token's own expiry (expiresIn s) the client must have moved on; the new token,
      // fetched at refreshAtMs, is kept until refreshAtMs later (2 × refreshAtMs − 1).
      for (const atMs of [0, refreshAtMs - 1, refreshAtMs, expiresIn * 1000, 2 * refreshAtMs - 1]) {
        now = start + atMs;
        await getCount();
        tokensAfterEachStep.push(sim.counts()['oauth']?.['200'] ?? 0);
      }
      expect(tokensAfterEachStep).toEqual([1, 1, 2, 2, 2]);
      expect(countRequests().map((request) => request.status)).toEqual([200, 200, 200, 200, 200]);
      expect(sim.counts()['cms_counts']?.['401'] ?? 0).toBe(0);
    });
  }
});
