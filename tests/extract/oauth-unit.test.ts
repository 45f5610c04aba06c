import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { refreshMarginMs, TOKEN_TIME_LIMITS, TokenCache, TokenEndpointUnreachableError, TokenProvider } from '../../extract/brightcove/oauth.ts';
import { HttpClient, RequestFailedError } from '../../extract/http.ts';
import { redact } from '../../extract/redact.ts';
import { closedPort, startScriptedServer, startSilentServer, type ScriptedServer } from './local-server.ts';

/**
 * extract/brightcove/oauth.ts against a real token endpoint on 127.0.0.1 and a clock the test moves:
 * the refresh margin (a tenth of the lifetime, 1 to 60 s), `expires_in` honoured, one shared refresh.
 */

const CREDENTIAL = { clientId: 'unit-client-id', clientSecret: 'unit-client-secret-value' };
const T0 = 1_750_000_000_000;

let server: ScriptedServer;
let http: HttpClient;
let clock: number;
const now = () => clock;

function tokenReplies(expiresIn: unknown, count = 5) {
  return Array.from({ length: count }, (_, index) => ({ status: 200, body: { access_token: `access-token-${index + 1}`, expires_in: expiresIn } }));
}

beforeAll(async () => {
  server = await startScriptedServer();
  http = new HttpClient({ policy: { maxAttempts: 1, timeoutMs: 5_000 } });
});
afterAll(async () => {
  await http.close();
  await server.close();
});
beforeEach(() => {
  clock = T0;
});

describe('refreshMarginMs', () => {
  it('is a tenth of the lifetime, at least 1 s and at most 60 s', () => {
    expect(refreshMarginMs(300)).toBe(30_000); // 300 s / 10
    expect(refreshMarginMs(10)).toBe(1_000); // exactly the floor
    expect(refreshMarginMs(5)).toBe(1_000); // 0.5 s raised to 1 s
    expect(refreshMarginMs(600)).toBe(60_000); // exactly the ceiling
    expect(refreshMarginMs(3_600)).toBe(60_000); // 360 s capped to 60 s
    expect(refreshMarginMs(100)).toBe(10_000);
  });
});

describe('TokenProvider', () => {
  it('asks with client credentials in Basic auth and a form body', async () => {
    server.script(...tokenReplies(300));
    const provider = new TokenProvider(http, server.url, CREDENTIAL, now);
    expect(await provider.token()).toBe('access-token-1');
    const [request] = server.received;
    expect(request!.method).toBe('POST');
    expect(request!.path).toBe('/v4/access_token');
    expect(request!.body).toBe('grant_type=client_credentials');
    expect(request!.headers['authorization']).toBe(`Basic ${Buffer.from('unit-client-id:unit-client-secret-value').toString('base64')}`);
    expect(provider.tokensFetched).toBe(1);
    expect(http.counter.total('oauth:/v4/access_token')).toBeGreaterThanOrEqual(1);
  });

  it('keeps a 300 s token until 30 s before it expires, then fetches a new one', async () => {
    server.script(...tokenReplies(300));
    const provider = new TokenProvider(http, server.url, CREDENTIAL, now);
    expect(await provider.token()).toBe('access-token-1');
    clock = T0 + 269_999; // refresh at 300 000 - 30 000 = 270 000 ms
    expect(await provider.token()).toBe('access-token-1');
    clock = T0 + 270_000;
    expect(await provider.token()).toBe('access-token-2');
    expect(server.received).toHaveLength(2);
    expect(provider.tokensFetched).toBe(2);
  });

  it('honours expires_in: a 3600 s token lasts 3540 s, a 20 s one 18 s', async () => {
    server.script(...tokenReplies(3_600));
    const long = new TokenProvider(http, server.url, CREDENTIAL, now);
    await long.token();
    clock = T0 + 3_539_999; // 3 600 000 - 60 000
    expect(await long.token()).toBe('access-token-1');
    clock = T0 + 3_540_000;
    expect(await long.token()).toBe('access-token-2');

    clock = T0;
    server.script(...tokenReplies('20'));
    const short = new TokenProvider(http, server.url, CREDENTIAL, now);
    await short.token();
    clock = T0 + 17_999; // 20 000 - 2 000
    expect(await short.token()).toBe('access-token-1');
    clock = T0 + 18_000;
    expect(await short.token()).toBe('access-token-2');
  });

  it.each([[undefined], [0], [-5], ['soon']])('with expires_in %s, assumes 300 s', async (expiresIn) => {
    server.script(...tokenReplies(expiresIn));
    const provider = new TokenProvider(http, server.url, CREDENTIAL, now);
    await provider.token();
    clock = T0 + 269_999;
    expect(await provider.token()).toBe('access-token-1');
    clock = T0 + 270_000;
    expect(await provider.token()).toBe('access-token-2');
  });

  it('shares one fetch between concurrent callers, and fetches again after it settled', async () => {
    server.script(...tokenReplies(300));
    const provider = new TokenProvider(http, server.url, CREDENTIAL, now);
    expect(await Promise.all([provider.token(), provider.token(), provider.token()])).toEqual(['access-token-1', 'access-token-1', 'access-token-1']);
    expect(server.received).toHaveLength(1);
    clock = T0 + 300_000;
    expect(await Promise.all([provider.token(), provider.token()])).toEqual(['access-token-2', 'access-token-2']);
    expect(server.received).toHaveLength(2);
  });

  it('forgets an invalidated token, and only that one', async () => {
    server.script(...tokenReplies(300));
    const provider = new TokenProvider(http, server.url, CREDENTIAL, now);
    provider.invalidate('nothing-cached-yet');
    const first = await provider.token();
    provider.invalidate('some-other-token');
    expect(await provider.token()).toBe(first);
    provider.invalidate(first);
    expect(await provider.token()).toBe('access-token-2');
    expect(provider.tokensFetched).toBe(2);
  });

  it('registers the token and the Basic credential with the redactor', async () => {
    server.script({ status: 200, body: { access_token: 'redact-me-token-value', expires_in: 300 } });
    await new TokenProvider(http, server.url, { clientId: 'redact-id', clientSecret: 'redact-secret' }, now).token();
    expect(redact('x redact-me-token-value y')).toBe('x [redacted] y');
    const basic = Buffer.from('redact-id:redact-secret').toString('base64');
    expect(redact(`header ${basic}`)).toBe('header [redacted]');
  });

  it.each([[{ expires_in: 300 }], [{ access_token: '', expires_in: 300 }], [{ access_token: 12345678, expires_in: 300 }]])(
    'refuses a 200 without a usable access_token: %j',
    async (body) => {
      server.script({ status: 200, body });
      const provider = new TokenProvider(http, server.url, CREDENTIAL, now);
      await expect(provider.token()).rejects.toThrow(/without an access_token/);
      expect(provider.tokensFetched).toBe(0);
    },
  );

  it('uses the real clock by default', async () => {
    server.script(...tokenReplies(300));
    const provider = new TokenProvider(http, server.url, CREDENTIAL);
    expect(await provider.token()).toBe('access-token-1');
    expect(await provider.token()).toBe('access-token-1');
  });
});

describe('TokenCache', () => {
  it('shares a provider between accounts with the same credential, and only then', () => {
    const cache = new TokenCache(http, 'http://127.0.0.1:1');
    const a = cache.forCredential({ clientId: 'id-a', clientSecret: 'secret-a' });
    expect(cache.forCredential({ clientId: 'id-a', clientSecret: 'secret-a' })).toBe(a);
    expect(cache.forCredential({ clientId: 'id-a', clientSecret: 'secret-b' })).not.toBe(a);
    expect(cache.forCredential({ clientId: 'id-b', clientSecret: 'secret-a' })).not.toBe(a);
    expect(a).toBeInstanceOf(TokenProvider);
  });

  it('its providers fetch from the configured origin', async () => {
    server.script(...tokenReplies(300));
    const provider = new TokenCache(http, server.url).forCredential(CREDENTIAL);
    expect(await provider.token()).toBe('access-token-1');
    expect(server.received).toHaveLength(1);
  });
});

describe('the token endpoint time limits', () => {
  it('are 8 s per attempt and 40 s in all: one minute covers the slowest failure and the start-up', () => {
    expect(TOKEN_TIME_LIMITS).toEqual({ attemptTimeoutMs: 8_000, budgetMs: 40_000 });
  });

  it('end an attempt at its time limit, and start none that could end past the budget', async () => {
    const silent = await startSilentServer();
    // 300 ms an attempt, 2-4 ms between attempts: attempt 2 would end at ~0.61 s, attempt 3 at
    // ~0.91 s (<= 1.15 s: tried), attempt 4 at ~1.22 s (> 1.15 s: not tried), so 3 attempts of 6.
    // (the policy's own attempt timeout, 5 s here, is not what ends these attempts)
    const limitedHttp = new HttpClient({ policy: { maxAttempts: 6, baseDelayMs: 2, maxDelayMs: 4, timeoutMs: 5_000 } });
    try {
      const tokens = new TokenCache(limitedHttp, `http://127.0.0.1:${silent.port}`, { attemptTimeoutMs: 300, budgetMs: 1_150 });
      const startedAt = performance.now();
      const failure = await tokens.forCredential({ clientId: 'silent-client', clientSecret: 'silent-secret-value' }).token().catch((error: Error) => error);
      const seconds = (performance.now() - startedAt) / 1000;
      expect(failure).toBeInstanceOf(TokenEndpointUnreachableError);
      expect((failure as Error).message).toContain('(no answer within the time limit of one attempt (3 attempts))');
      expect(limitedHttp.counter.entries()).toEqual([{ endpoint: 'oauth:/v4/access_token', outcome: 'timeout', requests: 3 }]);
      // three attempts of 300 ms each ran to their limit (no upper bound: a loaded machine only adds time)
      expect(seconds).toBeGreaterThanOrEqual(0.9);
    } finally {
      await limitedHttp.close();
      await silent.close();
    }
  });
});

describe('token providers of one run', () => {
  it('once the endpoint is found unreachable, every other credential fails at once, without asking it again', async () => {
    const port = await closedPort();
    const failingHttp = new HttpClient({ policy: { maxAttempts: 3, baseDelayMs: 2, maxDelayMs: 4 } });
    try {
      const tokens = new TokenCache(failingHttp, `http://127.0.0.1:${port}`);
      const first = tokens.forCredential({ clientId: 'first-client', clientSecret: 'first-secret-value' });
      const second = tokens.forCredential({ clientId: 'second-client', clientSecret: 'second-secret-value' });
      const failure = await first.token().catch((error: Error) => error);
      expect(failure).toBeInstanceOf(TokenEndpointUnreachableError);
      expect((failure as Error).name).toBe('TokenEndpointUnreachableError');
      expect(failingHttp.counter.total('oauth:/v4/access_token')).toBe(3);
      await expect(second.token()).rejects.toBe(failure);
      await expect(first.token()).rejects.toBe(failure);
      // 3 attempts in all: the second credential and a second call never reached the network.
      expect(failingHttp.counter.total('oauth:/v4/access_token')).toBe(3);
    } finally {
      await failingHttp.close();
    }
  });

  it('an answer that is an error (401 from the token endpoint) fails that call only: the endpoint is not marked unreachable', async () => {
    server.script({ status: 401, body: { error: 'invalid_client' } }, ...tokenReplies(300, 1));
    const provider = new TokenProvider(http, server.url, CREDENTIAL, now);
    const failure = await provider.token().catch((error: Error) => error);
    expect(failure).toBeInstanceOf(RequestFailedError);
    expect(failure).not.toBeInstanceOf(TokenEndpointUnreachableError);
    // asked again on the next call, and answered
    expect(await provider.token()).toBe('access-token-1');
  });
});
