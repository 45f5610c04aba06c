import pRetry, { AbortError } from 'p-retry';
import { Agent, ProxyAgent, request, type Dispatcher } from 'undici';
import { parseJsonKeepingIds, UnexpectedBodyError, UnparseableBodyError } from './json-text.ts';
import { redact, redactUrl } from './redact.ts';

/**
 * The HTTP side shared by every source: one keep-alive connection pool per origin (undici Agent), a
 * proxy when one is configured, and one retry policy. Retried: 429, 5xx, `PROCESSING` bodies,
 * network errors and resets, timeouts, truncated or unparseable JSON; exponential backoff with
 * jitter, `Retry-After` honoured. A 401 refreshes the token once and repeats at once; a 401 with the
 * fresh token counts as a failed attempt. Every request is counted by
 * endpoint and outcome. Errors name account, endpoint and window, never a token or a secret.
 */

export interface RetryPolicy {
  /** Attempts per request, the first included (config extract.max_attempts). */
  readonly maxAttempts: number;
  /** First backoff delay; doubles per attempt, with jitter. */
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  /** The least wait after a PROCESSING answer (Brightcove suggests minutes in production). */
  readonly processingDelayMs: number;
  /** Longest honoured Retry-After. */
  readonly maxRetryAfterMs: number;
  /** Headers and body timeout of one attempt (the Analytics API itself gives up after 8 minutes). */
  readonly timeoutMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = Object.freeze({
  maxAttempts: 6,
  baseDelayMs: 1_000,
  maxDelayMs: 60_000,
  processingDelayMs: 30_000,
  maxRetryAfterMs: 600_000,
  timeoutMs: 540_000,
});

/**
 * A tighter time limit for one kind of request than the policy's: each attempt ends after
 * `attemptTimeoutMs` (connecting included), and no attempt starts that could end after `budgetMs`
 * from the first one. For an endpoint that answers in milliseconds when it is up (the token endpoint),
 * so a host that drops packets fails the run in under a minute instead of 6 x 9 minutes.
 */
export interface TimeLimits {
  readonly attemptTimeoutMs: number;
  readonly budgetMs: number;
}

/** What a request is for: shown in errors and used to count. */
export interface RequestContext {
  /** e.g. `cms:/videos`, `analytics:/v1/data`, `oauth:/v4/access_token` */
  readonly endpoint: string;
  readonly account?: string;
  /** e.g. `2025-01-01..2025-01-31` or `created_at:…` */
  readonly window?: string;
}

export interface BearerAuth {
  token(): Promise<string>;
  /** The server refused `token`: forget it so the next `token()` fetches a fresh one. */
  invalidate(token: string): void;
}

export interface ProxySettings {
  readonly http?: string;
  readonly https?: string;
  /** Host names (or suffixes) that bypass the proxy; loopback always does. */
  readonly noProxy?: readonly string[];
}

function describeContext(context: RequestContext): string {
  const parts = [`endpoint ${context.endpoint}`];
  if (context.account) parts.unshift(`account ${context.account}`);
  if (context.window) parts.push(`window ${context.window}`);
  return parts.join(', ');
}

/** A single HTTP answer that was not a success; `retryable` decides whether the policy tries again. */
export class HttpStatusError extends Error {
  override name = 'HttpStatusError';
  constructor(
    readonly status: number,
    readonly errorCode: string | undefined,
    readonly retryable: boolean,
    readonly retryAfterMs: number | undefined,
    readonly processing: boolean,
    detail: string,
  ) {
    super(redact(`HTTP ${status}${errorCode ? ` ${errorCode}` : ''}${detail ? `: ${detail}` : ''}`));
  }
}

/** The request failed for good (retries exhausted or a non-retryable answer). */
export class RequestFailedError extends Error {
  override name = 'RequestFailedError';
  readonly status: number | undefined;
  constructor(
    readonly context: RequestContext,
    readonly attempts: number,
    override readonly cause: Error,
  ) {
    super(redact(`Request failed (${describeContext(context)}) after ${attempts} attempt${attempts === 1 ? '' : 's'}: ${cause.message}`));
    this.status = cause instanceof HttpStatusError ? cause.status : undefined;
  }
  /** What went wrong and how often it was tried, for a line that already names account, endpoint and window. */
  get reason(): string {
    return `${this.cause.message} (${this.attempts} attempt${this.attempts === 1 ? '' : 's'})`;
  }
  /** True when retries ran out on a transient failure (the caller may split the work and try again). */
  get exhausted(): boolean {
    return !(this.cause instanceof HttpStatusError) || this.cause.retryable;
  }
}

/**
 * A failure that no retry, smaller request or other account can get past (the token endpoint, which
 * serves every account, cannot be reached): the HTTP layer passes it on unwrapped, and the run stops.
 */
export class RunStoppingError extends Error {
  override name = 'RunStoppingError';
}

/** True when a request failed for good without any answer from the server (refused, DNS, reset, timeout). */
export function isUnreachable(error: unknown): error is RequestFailedError {
  return error instanceof RequestFailedError && error.cause instanceof NetworkError;
}

class NetworkError extends Error {
  override name = 'NetworkError';
  constructor(
    readonly outcome: 'network_error' | 'timeout',
    message: string,
  ) {
    super(redact(message));
  }
}

/** Requests by endpoint and outcome (`ok`, `http_429`, `processing`, `network_error`, …). */
export class RequestCounter {
  private readonly counts = new Map<string, number>();
  add(endpoint: string, outcome: string): void {
    const key = `${endpoint}\u0000${outcome}`;
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
  }
  entries(): Array<{ endpoint: string; outcome: string; requests: number }> {
    return [...this.counts]
      .map(([key, requests]) => {
        const [endpoint = '', outcome = ''] = key.split('\u0000');
        return { endpoint, outcome, requests };
      })
      .sort((a, b) => a.endpoint.localeCompare(b.endpoint) || a.outcome.localeCompare(b.outcome));
  }
  total(endpoint?: string): number {
    return this.entries()
      .filter((entry) => endpoint === undefined || entry.endpoint === endpoint)
      .reduce((sum, entry) => sum + entry.requests, 0);
  }
}

function parseRetryAfter(value: string | string[] | undefined): number | undefined {
  const text = Array.isArray(value) ? value[0] : value;
  if (!text) return undefined;
  if (/^\d+(\.\d+)?$/.test(text.trim())) return Number(text) * 1000;
  const date = Date.parse(text);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

/** Brightcove errors are `[{"error_code","message"}]`, sometimes a single object. */
function errorCodeOf(body: string): { code?: string; message?: string } {
  try {
    const parsed = JSON.parse(body) as unknown;
    const first = (Array.isArray(parsed) ? parsed[0] : parsed) as Record<string, unknown> | undefined;
    if (first && typeof first === 'object') {
      const code = first['error_code'] ?? first['error'];
      const message = first['message'] ?? first['error_description'];
      return { code: typeof code === 'string' ? code : undefined, message: typeof message === 'string' ? message : undefined };
    }
  } catch {
    // not JSON: fall through to the text check
  }
  return /PROCESSING/.test(body) ? { code: 'PROCESSING' } : {};
}

const NETWORK_CODES = /^(ECONNRESET|ECONNREFUSED|EPIPE|ETIMEDOUT|ENOTFOUND|EAI_AGAIN|UND_ERR_SOCKET|UND_ERR_CLOSED|UND_ERR_RES_CONTENT_LENGTH_MISMATCH|UND_ERR_REQ_CONTENT_LENGTH_MISMATCH|UND_ERR_ABORTED)$/;

function asNetworkError(error: unknown): NetworkError | undefined {
  const code = (error as { code?: string }).code ?? '';
  const message = (error as Error).message ?? String(error);
  if (/UND_ERR_(HEADERS|BODY|CONNECT)_TIMEOUT/.test(code)) return new NetworkError('timeout', `timed out (${code})`);
  // AbortSignal.timeout of an attempt with TimeLimits
  if ((error as Error).name === 'TimeoutError') return new NetworkError('timeout', 'no answer within the time limit of one attempt');
  if (NETWORK_CODES.test(code) || /socket|terminated|other side closed|ECONNRESET/i.test(message)) {
    return new NetworkError('network_error', `${code || 'network error'}: ${message}`);
  }
  return undefined;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || host === '[::1]' || host.startsWith('127.');
}

export interface HttpClientOptions {
  readonly policy?: Partial<RetryPolicy>;
  readonly proxy?: ProxySettings;
  readonly counter?: RequestCounter;
  /** Connections per origin; CMS allows 20 concurrent requests per account. */
  readonly connectionsPerOrigin?: number;
}

interface SendOptions {
  readonly auth?: BearerAuth;
  readonly body?: string;
  readonly headers?: Record<string, string>;
  readonly expect?: (body: unknown) => string | undefined;
  readonly limits?: TimeLimits;
}

export interface JsonResponse {
  readonly status: number;
  readonly body: unknown;
  /** The URL without credentials, as stored beside landed rows. */
  readonly url: string;
}

export class HttpClient {
  readonly policy: RetryPolicy;
  readonly counter: RequestCounter;
  private readonly direct: Agent;
  private readonly proxies = new Map<string, ProxyAgent>();
  private readonly proxySettings: ProxySettings;

  constructor(options: HttpClientOptions = {}) {
    this.policy = Object.freeze({ ...DEFAULT_RETRY_POLICY, ...options.policy });
    this.counter = options.counter ?? new RequestCounter();
    this.proxySettings = options.proxy ?? {};
    this.direct = new Agent({
      connections: options.connectionsPerOrigin ?? 32,
      keepAliveTimeout: 30_000,
      keepAliveMaxTimeout: 120_000,
      headersTimeout: this.policy.timeoutMs,
      bodyTimeout: this.policy.timeoutMs,
    });
  }

  /** The dispatcher for a URL: the proxy for its scheme unless the host is loopback or in noProxy. */
  dispatcherFor(url: URL): Dispatcher {
    const proxyUrl = url.protocol === 'https:' ? this.proxySettings.https : this.proxySettings.http;
    const host = url.hostname;
    const bypass =
      isLoopback(host) || (this.proxySettings.noProxy ?? []).some((entry) => entry && (host === entry || host.endsWith(entry.startsWith('.') ? entry : `.${entry}`)));
    if (!proxyUrl || bypass) return this.direct;
    let agent = this.proxies.get(proxyUrl);
    if (!agent) {
      agent = new ProxyAgent({ uri: proxyUrl, headersTimeout: this.policy.timeoutMs, bodyTimeout: this.policy.timeoutMs });
      this.proxies.set(proxyUrl, agent);
    }
    return agent;
  }

  /**
   * GET a JSON document, with the retry policy and (when `auth` is given) a Bearer token. `expect`
   * names what is wrong with a parsed body of the wrong shape (or returns undefined when it is fine):
   * such a body is retried like a truncated one, and never reaches the caller.
   */
  getJson(url: string, context: RequestContext, auth?: BearerAuth, expect?: (body: unknown) => string | undefined): Promise<JsonResponse> {
    return this.send('GET', url, context, { auth, expect });
  }

  /** POST a form, for the token endpoint; `limits` tightens the policy's time limits. */
  postForm(url: string, form: string, headers: Record<string, string>, context: RequestContext, limits?: TimeLimits): Promise<JsonResponse> {
    return this.send('POST', url, context, {
      body: form,
      headers: { ...headers, 'content-type': 'application/x-www-form-urlencoded' },
      limits,
    });
  }

  private async send(
    method: 'GET' | 'POST',
    url: string,
    context: RequestContext,
    options: SendOptions,
  ): Promise<JsonResponse> {
    const policy = this.policy;
    const firstAttemptAt = performance.now();
    let attempts = 0;
    let lastError: Error | undefined;
    try {
      return await pRetry(
        async () => {
          attempts += 1;
          try {
            return await this.attempt(method, url, context, options);
          } catch (error) {
            lastError = error as Error;
            if (error instanceof HttpStatusError && !error.retryable) throw new AbortError(error);
            if (error instanceof HttpStatusError || error instanceof NetworkError || error instanceof UnparseableBodyError) throw error;
            throw new AbortError(error as Error);
          }
        },
        {
          retries: Math.max(0, policy.maxAttempts - 1),
          minTimeout: 0,
          maxTimeout: 0,
          onFailedAttempt: async ({ error, attemptNumber, retriesLeft }) => {
            if (retriesLeft <= 0) return;
            const delay = this.delayBefore(attemptNumber + 1, error);
            const { limits } = options;
            // Throwing here ends the retries: the next attempt could not end within the budget.
            if (limits && performance.now() - firstAttemptAt + delay + limits.attemptTimeoutMs > limits.budgetMs) throw error;
            await sleep(delay);
          },
        },
      );
    } catch (error) {
      if (lastError instanceof RunStoppingError) throw lastError;
      throw new RequestFailedError(context, attempts, lastError ?? (error as Error));
    }
  }

  /** Exponential backoff with "equal jitter"; Retry-After and PROCESSING raise the floor. */
  delayBefore(nextAttempt: number, error: Error): number {
    const policy = this.policy;
    const exponential = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, nextAttempt - 2));
    let delay = exponential / 2 + Math.random() * (exponential / 2);
    if (error instanceof HttpStatusError) {
      if (error.retryAfterMs !== undefined) delay = Math.max(delay, Math.min(error.retryAfterMs, policy.maxRetryAfterMs));
      if (error.processing) delay = Math.max(delay, policy.processingDelayMs);
    }
    return Math.round(delay);
  }

  private async attempt(
    method: 'GET' | 'POST',
    url: string,
    context: RequestContext,
    options: SendOptions,
  ): Promise<JsonResponse> {
    let refreshed = false;
    for (;;) {
      const headers: Record<string, string> = { accept: 'application/json', ...options.headers };
      let token: string | undefined;
      if (options.auth) {
        token = await options.auth.token();
        headers['authorization'] = `Bearer ${token}`;
      }
      const parsed = new URL(url);
      let status: number;
      let text: string;
      let retryAfter: string | string[] | undefined;
      try {
        const response = await request(parsed, {
          method,
          headers,
          body: options.body,
          dispatcher: this.dispatcherFor(parsed),
          headersTimeout: this.policy.timeoutMs,
          bodyTimeout: this.policy.timeoutMs,
          // the whole attempt, connecting included (a host that drops packets never refuses)
          signal: options.limits ? AbortSignal.timeout(options.limits.attemptTimeoutMs) : undefined,
        });
        status = response.statusCode;
        retryAfter = response.headers['retry-after'];
        text = await response.body.text();
      } catch (error) {
        const network = asNetworkError(error);
        if (network) {
          this.counter.add(context.endpoint, network.outcome);
          throw network;
        }
        this.counter.add(context.endpoint, 'client_error');
        throw error;
      }

      if (status === 401 && options.auth && token !== undefined && !refreshed) {
        // An expired or revoked token: fetch a new one once and repeat at once.
        this.counter.add(context.endpoint, 'http_401');
        options.auth.invalidate(token);
        refreshed = true;
        continue;
      }
      if (status >= 200 && status < 300) {
        let body: unknown;
        try {
          body = parseJsonKeepingIds(text);
        } catch (error) {
          this.counter.add(context.endpoint, 'truncated_body');
          throw error;
        }
        const problem = options.expect?.(body);
        if (problem !== undefined) {
          this.counter.add(context.endpoint, 'unexpected_shape');
          throw new UnexpectedBodyError(`HTTP ${status} with an unexpected body: ${problem}`);
        }
        this.counter.add(context.endpoint, 'ok');
        return { status, body, url: redactUrl(url) };
      }
      const { code, message } = errorCodeOf(text);
      const processing = code === 'PROCESSING' && status >= 500;
      // A 401 even with a fresh token is retried under the normal budget (a token race, e.g. a
      // concurrent refresh); a real permission problem still fails after max_attempts, loudly.
      const retryable = status === 429 || status >= 500 || (status === 401 && refreshed);
      this.counter.add(context.endpoint, processing ? 'processing' : `http_${status}`);
      throw new HttpStatusError(
        status,
        code,
        retryable,
        status === 429 || status === 503 ? parseRetryAfter(retryAfter) : undefined,
        processing,
        (message ?? text).slice(0, 200),
      );
    }
  }

  async close(): Promise<void> {
    await Promise.all([this.direct.close(), ...[...this.proxies.values()].map((agent) => agent.close())]);
  }
}
