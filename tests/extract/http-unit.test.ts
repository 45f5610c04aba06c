import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  DEFAULT_RETRY_POLICY,
  HttpClient,
  HttpStatusError,
  RequestCounter,
  RequestFailedError,
  type BearerAuth,
} from '../../extract/http.ts';
import { startScriptedServer, type ScriptedServer } from './local-server.ts';

/**
 * extract/http.ts against a real HTTP server on 127.0.0.1: which answers are retried and how often,
 * what is counted, how Retry-After, PROCESSING and 401 are handled, and which dispatcher a URL gets.
 * Retries use delays of a few milliseconds; nothing here waits on a clock except the one Retry-After
 * case, which asserts the server saw the retry no sooner than it asked.
 */

const QUICK = { baseDelayMs: 1, maxDelayMs: 4, processingDelayMs: 1, timeoutMs: 5_000 };
const CONTEXT = { endpoint: 'test:/thing', account: 'neo (5972928207001)', window: '2025-01-01..2025-01-31' };

let server: ScriptedServer;
let client: HttpClient;

function newClient(maxAttempts: number, extra: Partial<typeof QUICK> = {}): HttpClient {
  return new HttpClient({ policy: { ...QUICK, ...extra, maxAttempts } });
}

async function failure(promise: Promise<unknown>): Promise<RequestFailedError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(RequestFailedError);
  return error as RequestFailedError;
}

/** A token source that hands out token-1, token-2, ... and remembers what it was told. */
class CountingAuth implements BearerAuth {
  issued = 0;
  invalidated: string[] = [];
  private current: string | undefined;
  async token(): Promise<string> {
    if (!this.current) {
      this.issued += 1;
      this.current = `token-${this.issued}`;
    }
    return this.current;
  }
  invalidate(token: string): void {
    this.invalidated.push(token);
    if (this.current === token) this.current = undefined;
  }
}

beforeAll(async () => {
  server = await startScriptedServer();
});
afterAll(async () => {
  await server.close();
});
beforeEach(async () => {
  await client?.close();
  client = newClient(3);
});

describe('the retry policy', () => {
  it('defaults to 6 attempts, 1 s doubling to 60 s, 30 s after PROCESSING, Retry-After up to 10 min, 9 min timeout', () => {
    expect(DEFAULT_RETRY_POLICY).toEqual({
      maxAttempts: 6,
      baseDelayMs: 1_000,
      maxDelayMs: 60_000,
      processingDelayMs: 30_000,
      maxRetryAfterMs: 600_000,
      timeoutMs: 540_000,
    });
    const tuned = new HttpClient({ policy: { maxAttempts: 2 } });
    expect(tuned.policy).toEqual({ ...DEFAULT_RETRY_POLICY, maxAttempts: 2 });
    expect(Object.isFrozen(tuned.policy)).toBe(true);
    expect(new HttpClient().policy).toEqual(DEFAULT_RETRY_POLICY);
    void tuned.close();
  });

  it('backs off exponentially with equal jitter: half the step plus up to half again, capped', () => {
    const defaults = new HttpClient();
    const plain = new Error('reset');
    // the jitter spreads over the whole upper half: among 200 draws some land above 3/4 of the step
    const draws = Array.from({ length: 200 }, () => defaults.delayBefore(2, plain));
    expect(Math.max(...draws)).toBeGreaterThan(750);
    for (let sample = 0; sample < 200; sample += 1) {
      // before attempt 2: step 1000 → [500, 1000]; attempt 3: 2000 → [1000, 2000]; attempt 1 counts as 2
      for (const [attempt, low, high] of [
        [1, 500, 1000],
        [2, 500, 1000],
        [3, 1000, 2000],
        [5, 4000, 8000],
        [20, 30_000, 60_000], // 1000 × 2^18 is capped at 60 000
      ] as const) {
        const delay = defaults.delayBefore(attempt, plain);
        expect(Number.isInteger(delay)).toBe(true);
        expect(delay).toBeGreaterThanOrEqual(low);
        expect(delay).toBeLessThanOrEqual(high);
      }
    }
    void defaults.close();
  });

  it('waits at least Retry-After (capped at 10 minutes) and at least 30 s after PROCESSING', () => {
    const defaults = new HttpClient();
    const retryAfter = (ms: number | undefined, processing = false) => new HttpStatusError(429, undefined, true, ms, processing, '');
    for (let sample = 0; sample < 50; sample += 1) {
      expect(defaults.delayBefore(2, retryAfter(5_000))).toBe(5_000);
      expect(defaults.delayBefore(2, retryAfter(3_600_000))).toBe(600_000);
      expect(defaults.delayBefore(2, retryAfter(undefined, true))).toBe(30_000);
      // a Retry-After shorter than the backoff does not shorten it
      expect(defaults.delayBefore(3, retryAfter(10))).toBeGreaterThanOrEqual(1_000);
      expect(defaults.delayBefore(3, retryAfter(undefined, false))).toBeLessThanOrEqual(2_000);
    }
    void defaults.close();
  });
});

describe('answers and retries', () => {
  it('returns a 200 body, sends accept and the Bearer token, and counts one ok', async () => {
    server.script({ status: 200, body: { items: [1, 2] } });
    const auth = new CountingAuth();
    const response = await client.getJson(`${server.url}/v1/data?limit=all`, CONTEXT, auth);
    expect(response).toEqual({ status: 200, body: { items: [1, 2] }, url: `${server.url}/v1/data?limit=all` });
    expect(server.received).toHaveLength(1);
    expect(server.received[0]!.method).toBe('GET');
    expect(server.received[0]!.headers['accept']).toBe('application/json');
    expect(server.received[0]!.headers['authorization']).toBe('Bearer token-1');
    expect(client.counter.entries()).toEqual([{ endpoint: 'test:/thing', outcome: 'ok', requests: 1 }]);
  });

  it('keeps big numeric ids exact and strips credentials from the returned URL', async () => {
    server.script({ status: 200, body: '{"id": 6300219615001123456}' });
    const response = await client.getJson(`${server.url}/x?client_secret=hunter22&page=2`, CONTEXT);
    expect(response.body).toEqual({ id: '6300219615001123456' });
    expect(response.url).toBe(`${server.url}/x?page=2`);
  });

  it('accepts any 2xx and refuses 3xx without retrying', async () => {
    server.script({ status: 201, body: { created: true } });
    expect((await client.getJson(`${server.url}/a`, CONTEXT)).status).toBe(201);
    server.script({ status: 299, body: { odd: true } });
    expect((await client.getJson(`${server.url}/a`, CONTEXT)).status).toBe(299);
    server.script({ status: 300, body: { error_code: 'MULTIPLE' } });
    const error = await failure(client.getJson(`${server.url}/a`, CONTEXT));
    expect(error.status).toBe(300);
    expect(error.attempts).toBe(1);
    expect(server.received).toHaveLength(1);
  });

  it.each([429, 500, 502, 503])('retries HTTP %i and then succeeds', async (status) => {
    server.script({ status }, { status: 200, body: { ok: true } });
    const response = await client.getJson(`${server.url}/r`, CONTEXT);
    expect(response.body).toEqual({ ok: true });
    expect(server.received).toHaveLength(2);
    expect(client.counter.entries()).toEqual([
      { endpoint: 'test:/thing', outcome: `http_${status}`, requests: 1 },
      { endpoint: 'test:/thing', outcome: 'ok', requests: 1 },
    ]);
  });

  it.each([400, 403, 404, 499])('does not retry HTTP %i: one attempt, not exhausted', async (status) => {
    server.script({ status, body: [{ error_code: 'NOPE', message: 'not here' }] }, { status: 200 });
    const error = await failure(client.getJson(`${server.url}/n`, CONTEXT));
    expect(error.attempts).toBe(1);
    expect(error.status).toBe(status);
    expect(error.exhausted).toBe(false);
    expect(error.cause).toBeInstanceOf(HttpStatusError);
    const cause = error.cause as HttpStatusError;
    expect(cause.retryable).toBe(false);
    expect(cause.errorCode).toBe('NOPE');
    expect(cause.message).toBe(`HTTP ${status} NOPE: not here`);
    expect(server.received).toHaveLength(1);
    expect(client.counter.total()).toBe(1);
    expect(client.counter.total('test:/thing')).toBe(1);
    expect(client.counter.total('other')).toBe(0);
  });

  it('gives up after exactly max_attempts on a lasting 500, exhausted, with the last status', async () => {
    server.script({ status: 500, body: 'down' });
    const error = await failure(client.getJson(`${server.url}/down`, CONTEXT));
    expect(error.attempts).toBe(3);
    expect(server.received).toHaveLength(3);
    expect(error.status).toBe(500);
    expect(error.exhausted).toBe(true);
    expect(error.name).toBe('RequestFailedError');
    expect(error.cause.name).toBe('HttpStatusError');
    expect(error.context).toEqual(CONTEXT);
    expect(error.message).toContain('account neo (5972928207001), endpoint test:/thing, window 2025-01-01..2025-01-31');
    expect((error.cause as HttpStatusError).retryable).toBe(true);
    expect(client.counter.entries()).toEqual([{ endpoint: 'test:/thing', outcome: 'http_500', requests: 3 }]);
  });

  it('with one attempt, tries once', async () => {
    const once = newClient(1);
    server.script({ status: 500 });
    const error = await failure(once.getJson(`${server.url}/once`, { endpoint: 'e' }));
    expect(error.attempts).toBe(1);
    expect(server.received).toHaveLength(1);
    expect(error.message).toContain('(endpoint e)');
    await once.close();
  });

  it('reads the Brightcove error shapes: an array, a single object, and PROCESSING text', async () => {
    const once = newClient(1);
    server.script({ status: 400, body: { error: 'invalid_client', error_description: 'bad client' } });
    let cause = (await failure(once.getJson(`${server.url}/e`, CONTEXT))).cause as HttpStatusError;
    expect(cause.errorCode).toBe('invalid_client');
    expect(cause.message).toBe('HTTP 400 invalid_client: bad client');
    server.script({ status: 400, body: [{ error_code: 7, message: 42 }] });
    cause = (await failure(once.getJson(`${server.url}/e`, CONTEXT))).cause as HttpStatusError;
    expect(cause).toBeInstanceOf(HttpStatusError);
    expect(cause.errorCode).toBeUndefined();
    expect(cause.message).toBe('HTTP 400: [{"error_code":7,"message":42}]');
    // a bare JSON string is not an error object: only the PROCESSING text check applies
    server.script({ status: 500, body: '"PROCESSING"' });
    cause = (await failure(once.getJson(`${server.url}/e`, CONTEXT))).cause as HttpStatusError;
    expect(cause.processing).toBe(true);
    server.script({ status: 500, body: '["PROCESSING"]' });
    cause = (await failure(once.getJson(`${server.url}/e`, CONTEXT))).cause as HttpStatusError;
    expect(cause.processing).toBe(true);
    server.script({ status: 502, body: 'upstream PROCESSING, try later' });
    cause = (await failure(once.getJson(`${server.url}/e`, CONTEXT))).cause as HttpStatusError;
    expect(cause.errorCode).toBe('PROCESSING');
    expect(cause.processing).toBe(true);
    server.script({ status: 502, body: 'x'.repeat(500) });
    cause = (await failure(once.getJson(`${server.url}/e`, CONTEXT))).cause as HttpStatusError;
    expect(cause.errorCode).toBeUndefined();
    expect(cause.processing).toBe(false);
    expect(cause.message).toContain('x'.repeat(200));
    expect(cause.message).not.toContain('x'.repeat(201));
    await once.close();
  });

  it('counts a 5xx PROCESSING answer as processing and retries it; a 4xx PROCESSING is not processing', async () => {
    server.script({ status: 500, body: [{ error_code: 'PROCESSING' }] }, { status: 200, body: { done: 1 } });
    expect((await client.getJson(`${server.url}/p`, CONTEXT)).body).toEqual({ done: 1 });
    expect(client.counter.entries().map((entry) => entry.outcome)).toEqual(['ok', 'processing']);
    const once = newClient(1);
    server.script({ status: 409, body: [{ error_code: 'PROCESSING' }] });
    const cause = (await failure(once.getJson(`${server.url}/p`, CONTEXT))).cause as HttpStatusError;
    expect(cause.processing).toBe(false);
    expect(once.counter.entries().map((entry) => entry.outcome)).toEqual(['http_409']);
    await once.close();
  });
});

describe('Retry-After', () => {
  it.each([
    [429, '2', 2_000],
    [503, '1.5', 1_500],
    [429, '12', 12_000],
    [429, '0.25', 250],
    [429, 'x5', undefined],
    [429, '5x', undefined],
    [429, '1.55', 1_550],
    [429, 'soon', undefined],
    [500, '2', undefined], // only 429 and 503 carry a meaningful Retry-After
    [429, undefined, undefined],
  ] as const)('HTTP %i with Retry-After %s asks to wait %s ms', async (status, header, expected) => {
    const once = newClient(1);
    server.script({ status, headers: header === undefined ? {} : { 'retry-after': header } });
    const cause = (await failure(once.getJson(`${server.url}/ra`, CONTEXT))).cause as HttpStatusError;
    expect(cause.retryAfterMs).toBe(expected);
    await once.close();
  });

  it('reads the first of repeated headers and an HTTP date', async () => {
    const once = newClient(1);
    server.script({ status: 429, headers: { 'retry-after': ['5', '7'] } });
    expect(((await failure(once.getJson(`${server.url}/ra`, CONTEXT))).cause as HttpStatusError).retryAfterMs).toBe(5_000);
    server.script({ status: 429, headers: { 'retry-after': new Date(Date.now() - 60_000).toUTCString() } });
    expect(((await failure(once.getJson(`${server.url}/ra`, CONTEXT))).cause as HttpStatusError).retryAfterMs).toBe(0);
    server.script({ status: 429, headers: { 'retry-after': new Date(Date.now() + 100_000).toUTCString() } });
    const ahead = ((await failure(once.getJson(`${server.url}/ra`, CONTEXT))).cause as HttpStatusError).retryAfterMs!;
    // an HTTP date has whole seconds: between 98 and 100 s from now
    expect(ahead).toBeGreaterThan(98_000);
    expect(ahead).toBeLessThanOrEqual(100_000);
    await once.close();
  });

  it('does not wait after the last attempt', async () => {
    // With one attempt, a Retry-After of an hour must not hold the failure back (the test would time out).
    const once = newClient(1);
    server.script({ status: 429, headers: { 'retry-after': '3600' } });
    expect((await failure(once.getJson(`${server.url}/ra`, CONTEXT))).attempts).toBe(1);
    await once.close();
  });

  it('waits the backoff before each retry, doubling', async () => {
    // base 120 ms: before attempt 2 at least 60 ms (half of 120), before attempt 3 at least 120 ms (half of 240)
    const patient = newClient(3, { baseDelayMs: 120, maxDelayMs: 10_000 });
    server.script({ status: 503 }, { status: 503 }, { status: 200, body: { ok: 1 } });
    await patient.getJson(`${server.url}/backoff`, CONTEXT);
    const [first, second, third] = server.received.map((request) => request.receivedAt);
    expect(second! - first!).toBeGreaterThanOrEqual(59);
    expect(third! - second!).toBeGreaterThanOrEqual(119);
    await patient.close();
  });

  it('waits the Retry-After before the next attempt', async () => {
    // backoff here is at most 4 ms, so only the Retry-After explains a gap of 250 ms
    server.script({ status: 429, headers: { 'retry-after': '0.25' } }, { status: 200, body: { ok: 1 } });
    await client.getJson(`${server.url}/wait`, CONTEXT);
    const [first, second] = server.received;
    // the retry arrived no sooner than 250 ms after the 429 (timers may fire up to 1 ms early)
    expect(second!.receivedAt - first!.receivedAt).toBeGreaterThanOrEqual(249);
  });
});

describe('401 and the token', () => {
  it('on a 401, invalidates the token, fetches a fresh one and repeats at once', async () => {
    const auth = new CountingAuth();
    server.script({ status: 401, body: [{ error_code: 'UNAUTHORIZED' }] }, { status: 200, body: { ok: true } });
    const once = newClient(1);
    const response = await once.getJson(`${server.url}/t`, CONTEXT, auth);
    expect(response.body).toEqual({ ok: true });
    expect(auth.invalidated).toEqual(['token-1']);
    expect(once.counter.entries().map((entry) => `${entry.outcome}:${entry.requests}`)).toEqual(['http_401:1', 'ok:1']);
    await once.close();
    expect(server.received.map((request) => request.headers['authorization'])).toEqual(['Bearer token-1', 'Bearer token-2']);
  });

  it('a second 401 with the fresh token is a failed attempt, retried under the budget', async () => {
    const auth = new CountingAuth();
    server.script({ status: 401 });
    const error = await failure(newClient(2).getJson(`${server.url}/t`, CONTEXT, auth));
    expect(error.status).toBe(401);
    expect(error.attempts).toBe(2);
    expect(error.exhausted).toBe(true);
    // each attempt: the stale token, then the fresh one
    expect(server.received).toHaveLength(4);
  });

  it('after a refresh, a non-401 refusal is still final', async () => {
    const auth = new CountingAuth();
    server.script({ status: 401 }, { status: 404 }, { status: 200 });
    const error = await failure(client.getJson(`${server.url}/t`, CONTEXT, auth));
    expect(error.status).toBe(404);
    expect(error.attempts).toBe(1);
    expect(server.received).toHaveLength(2);
  });

  it('without a token source a 401 is final', async () => {
    server.script({ status: 401 }, { status: 200 });
    const error = await failure(client.getJson(`${server.url}/t`, CONTEXT));
    expect(error.attempts).toBe(1);
    expect(error.exhausted).toBe(false);
    expect(server.received).toHaveLength(1);
  });
});

describe('bodies and the network', () => {
  it('retries a truncated body and a body of the wrong shape', async () => {
    server.script({ status: 200, body: '{"items": [1, 2' }, { status: 200, body: { wrong: true } }, { status: 200, body: { items: [] } });
    const expectItems = (body: unknown) => (Array.isArray((body as { items?: unknown }).items) ? undefined : 'no items');
    const response = await client.getJson(`${server.url}/b`, CONTEXT, undefined, expectItems);
    expect(response.body).toEqual({ items: [] });
    expect(client.counter.entries().map((entry) => `${entry.outcome}:${entry.requests}`)).toEqual(['ok:1', 'truncated_body:1', 'unexpected_shape:1']);
  });

  it('retries a reset connection, counted as a network error', async () => {
    server.script('destroy', { status: 200, body: { ok: 1 } });
    expect((await client.getJson(`${server.url}/reset`, CONTEXT)).body).toEqual({ ok: 1 });
    expect(client.counter.entries().map((entry) => entry.outcome)).toEqual(['network_error', 'ok']);
  });

  it('a refused connection fails after every attempt, exhausted, without a status', async () => {
    const closed = await startScriptedServer();
    const url = closed.url;
    await closed.close();
    const error = await failure(client.getJson(`${url}/gone`, CONTEXT));
    expect(error.attempts).toBe(3);
    expect(error.status).toBeUndefined();
    expect(error.exhausted).toBe(true);
    expect(error.cause.name).toBe('NetworkError');
    expect(client.counter.entries()).toEqual([{ endpoint: 'test:/thing', outcome: 'network_error', requests: 3 }]);
  });

  it('times out a silent server and counts a timeout', async () => {
    const impatient = newClient(2, { timeoutMs: 150 });
    server.script('hang', { status: 200, body: { late: false } });
    expect((await impatient.getJson(`${server.url}/slow`, CONTEXT)).body).toEqual({ late: false });
    expect(impatient.counter.entries().map((entry) => entry.outcome)).toEqual(['ok', 'timeout']);
    await impatient.close();
  });

  it('does not retry an error thrown by the shape check itself', async () => {
    server.script({ status: 200, body: {} });
    const error = await failure(
      client.getJson(`${server.url}/throw`, CONTEXT, undefined, () => {
        throw new Error('checker broke');
      }),
    );
    expect(error.attempts).toBe(1);
    expect(error.cause.message).toBe('checker broke');
    expect(error.exhausted).toBe(true);
  });

  it('posts a form with its headers', async () => {
    server.script({ status: 200, body: { access_token: 'abc' } });
    const response = await client.postForm(`${server.url}/v4/access_token`, 'grant_type=client_credentials', { 'x-extra': 'yes' }, { endpoint: 'oauth' });
    expect(response.body).toEqual({ access_token: 'abc' });
    const [request] = server.received;
    expect(request!.method).toBe('POST');
    expect(request!.body).toBe('grant_type=client_credentials');
    expect(request!.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(request!.headers['x-extra']).toBe('yes');
    expect(request!.headers['accept']).toBe('application/json');
    expect(request!.headers['authorization']).toBeUndefined();
  });

  it('after close, a request fails', async () => {
    const closing = newClient(1);
    await closing.close();
    server.script({ status: 200 });
    const error = await failure(closing.getJson(`${server.url}/closed`, CONTEXT));
    expect(error.attempts).toBe(1);
    expect(server.received).toHaveLength(0);
    expect(closing.counter.entries()).toEqual([{ endpoint: 'test:/thing', outcome: 'client_error', requests: 1 }]);
  });

  it('closes its proxy agents too', async () => {
    const withProxy = new HttpClient({ proxy: { http: 'http://proxy.internal:3128' } });
    const agent = withProxy.dispatcherFor(new URL('http://api.brightcove.com/')) as unknown as { closed: boolean };
    expect(agent.closed).toBe(false);
    await withProxy.close();
    expect(agent.closed).toBe(true);
  });
});

describe('the request counter', () => {
  it('counts by endpoint and outcome, sorted by endpoint then outcome', () => {
    const counter = new RequestCounter();
    counter.add('cms:/videos', 'ok');
    counter.add('analytics:/v1/data', 'http_429');
    counter.add('cms:/videos', 'ok');
    counter.add('analytics:/v1/data', 'ok');
    counter.add('cms:/videos', 'http_500');
    expect(counter.entries()).toEqual([
      { endpoint: 'analytics:/v1/data', outcome: 'http_429', requests: 1 },
      { endpoint: 'analytics:/v1/data', outcome: 'ok', requests: 1 },
      { endpoint: 'cms:/videos', outcome: 'http_500', requests: 1 },
      { endpoint: 'cms:/videos', outcome: 'ok', requests: 2 },
    ]);
    expect(counter.total()).toBe(5);
    expect(counter.total('cms:/videos')).toBe(3);
    expect(new RequestCounter().total()).toBe(0);
  });

  it('a client shares the counter it is given', async () => {
    const counter = new RequestCounter();
    const sharing = new HttpClient({ counter, policy: QUICK });
    expect(sharing.counter).toBe(counter);
    await sharing.close();
  });
});

describe('proxy choice', () => {
  const proxied = new HttpClient({ proxy: { http: 'http://proxy.internal:3128', https: 'http://secure-proxy.internal:3128', noProxy: ['.example.com', 'example.org', ''] } });
  const direct = proxied.dispatcherFor(new URL('http://127.0.0.1:1/'));

  it('sends loopback hosts direct', () => {
    for (const url of ['http://localhost/', 'http://127.0.0.9/', 'http://[::1]/', 'https://localhost/']) {
      expect(proxied.dispatcherFor(new URL(url)), url).toBe(direct);
    }
  });

  it('sends other hosts through the proxy of their scheme, one agent per proxy', () => {
    const viaHttp = proxied.dispatcherFor(new URL('http://api.brightcove.com/'));
    const viaHttps = proxied.dispatcherFor(new URL('https://api.brightcove.com/'));
    expect(viaHttp).not.toBe(direct);
    expect(viaHttps).not.toBe(direct);
    expect(viaHttps).not.toBe(viaHttp);
    expect(proxied.dispatcherFor(new URL('http://other.brightcove.com/'))).toBe(viaHttp);
    expect(proxied.dispatcherFor(new URL('https://other.brightcove.com/'))).toBe(viaHttps);
  });

  it('bypasses the proxy for a no-proxy host and its subdomains only', () => {
    expect(proxied.dispatcherFor(new URL('http://a.example.com/'))).toBe(direct);
    expect(proxied.dispatcherFor(new URL('http://example.org/'))).toBe(direct);
    expect(proxied.dispatcherFor(new URL('http://b.example.org/'))).toBe(direct);
    expect(proxied.dispatcherFor(new URL('http://notexample.org/'))).not.toBe(direct);
    expect(proxied.dispatcherFor(new URL('http://example.com.evil/'))).not.toBe(direct);
  });

  it('goes direct without a proxy for the scheme', () => {
    const httpOnly = new HttpClient({ proxy: { http: 'http://proxy.internal:3128' } });
    const itsDirect = httpOnly.dispatcherFor(new URL('http://localhost/'));
    expect(httpOnly.dispatcherFor(new URL('https://api.brightcove.com/'))).toBe(itsDirect);
    expect(httpOnly.dispatcherFor(new URL('http://api.brightcove.com/'))).not.toBe(itsDirect);
    const none = new HttpClient();
    expect(none.dispatcherFor(new URL('http://api.brightcove.com/'))).toBe(none.dispatcherFor(new URL('http://localhost/')));
  });
});
