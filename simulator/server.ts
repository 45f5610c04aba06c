import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { AnalyticsQueue, CmsGate } from './account-gates.ts';
import { buildReport, dataStatus } from './analytics-report.ts';
import { isKnownDimension, parseAnalyticsRequest } from './analytics-request.ts';
import { countVideos, getVideos, listVideos } from './cms.ts';
import { generateDataset, type SimulatorDataset } from './dataset.ts';
import { dayOf, utcToday } from './dates.ts';
import { ApiError, errorBody, unauthorized } from './errors.ts';
import { FaultState, type FaultConfig } from './faults.ts';
import { emptyBody, htmlErrorPage, serializeBody, unexpectedShape, type HostileBody } from './hostile-responses.ts';
import { answerTokenRequest, DEMO_CLIENT_ID, DEMO_CLIENT_SECRET } from './oauth.ts';
import { hash32 } from './prng.ts';
import { SimulatorState } from './state.ts';

/**
 * The Brightcove stand-in: OAuth, CMS and Analytics on one loopback origin, serving a seeded dataset
 * with the real APIs' validation, error bodies, limits and switchable faults. See simulator/README.md.
 */

export { DEMO_CLIENT_ID, DEMO_CLIENT_SECRET };
export type { FaultConfig, SimulatorDataset };
export type { PlantedVideos } from './dataset.ts';
export type { DailyRow, DeviceRow, DeviceType } from './daily-views.ts';
export { deviceRowsOf, DEVICE_TYPES } from './daily-views.ts';
export type { CmsVideo } from './video-catalog.ts';

export interface SimulatorOptions {
  /** Default 1; the same seed gives a byte-identical dataset and responses. */
  seed?: number;
  /** 'YYYY-MM-DD', the simulator's "now": data exists through today-1; the last 3 days are provisional. */
  today?: string;
  /** First day with views, default '2023-01-01'. */
  historyStart?: string;
  /** Default 250 (at least 10: the planted edge cases take 10 per account). */
  videosPerAccount?: number;
  /** Account id → number of videos, for the accounts that differ from videosPerAccount. */
  videosByAccount?: Record<string, number>;
  /** Account id → its last day with views: an account whose videos nobody watches any more. */
  viewsEndByAccount?: Record<string, string>;
  clientId?: string;
  clientSecret?: string;
  faults?: Partial<FaultConfig>;
  /** Default 0 (a free port); the server always binds 127.0.0.1. */
  port?: number;
  /**
   * The clock of token issue and expiry, default Date.now. A test that shares one settable clock with
   * the client checks expiry exactly at the millisecond, with no sleep.
   */
  tokenClock?: () => number;
}

export interface RunningSimulator {
  /** 'http://127.0.0.1:PORT': OAuth (/v4/access_token), CMS (/v1/accounts/…) and Analytics (/v1/data). */
  url: string;
  dataset: SimulatorDataset;
  setFaults(faults: Partial<FaultConfig>): void;
  /** How many items each item fault changed since it was last set. */
  itemFaultsApplied(): Record<string, number>;
  setToday(date: string): void;
  /** Requests by endpoint, then by outcome (HTTP status, or 'reset' / 'truncated'). */
  counts(): Record<string, Record<string, number>>;
  resetCounts(): void;
  /** Every access token issued so far (tests grep a client's output and files for them). */
  issuedTokens(): string[];
  /** Every request received since start (or `resetRequests`), in arrival order: what the client really asked. */
  requests(): RecordedRequest[];
  resetRequests(): void;
  /**
   * Resolves with the first request (already received or still to come) that `matches`, the moment it
   * arrives: a test starts a second request exactly while the first is being served, with no sleep.
   */
  whenRequest(matches: (request: RecordedRequest) => boolean): Promise<RecordedRequest>;
  stop(): Promise<void>;
}

/**
 * One request as the simulator saw it. `query` leaves out `access_token` (a secret); `receivedAtMs` is
 * the wall clock when the request arrived, `respondedAtMs` when its answer was sent (both Date.now()).
 */
export interface RecordedRequest {
  readonly serial: number;
  readonly method: string;
  readonly path: string;
  readonly query: Readonly<Record<string, string>>;
  readonly endpoint: string;
  readonly receivedAtMs: number;
  /** undefined while the request is in flight or when the socket died before an answer. */
  status?: number;
  /** The counted outcome: the status as text, or reset / truncated / html_502 / … */
  outcome?: string;
  respondedAtMs?: number;
}

type Endpoint = 'oauth' | 'cms_videos' | 'cms_video' | 'cms_counts' | 'analytics_data' | 'analytics_status' | 'not_found';

interface Route {
  endpoint: Endpoint;
  accountId?: string;
  videoIds?: string;
}

const JSON_TYPE = 'application/json;charset=UTF-8';

function route(pathname: string): Route {
  if (pathname === '/v4/access_token' || pathname === '/v3/access_token') return { endpoint: 'oauth' };
  if (pathname === '/v1/data') return { endpoint: 'analytics_data' };
  if (pathname === '/v1/data/status') return { endpoint: 'analytics_status' };
  const cms = /^\/v1\/accounts\/([^/]+)\/(videos|counts\/videos)(?:\/([^/]+))?\/?$/.exec(pathname);
  if (cms) {
    const [, accountId, collection, rest] = cms as unknown as [string, string, string, string | undefined];
    if (collection === 'counts/videos' && rest === undefined) return { endpoint: 'cms_counts', accountId };
    if (collection === 'videos' && rest === undefined) return { endpoint: 'cms_videos', accountId };
    // /videos/count is an undocumented alias some clients use (BrightcovePY).
    if (collection === 'videos' && rest === 'count') return { endpoint: 'cms_counts', accountId };
    if (collection === 'videos' && rest !== undefined) return { endpoint: 'cms_video', accountId, videoIds: rest };
  }
  return { endpoint: 'not_found' };
}

/** The identity of a request across its retries: method, path and query (the token is not part of it). */
function requestKey(entry: RecordedRequest): string {
  const query = Object.entries(entry.query).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `${entry.method} ${entry.path}?${new URLSearchParams(query).toString()}`;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

export async function startSimulator(options: SimulatorOptions = {}): Promise<RunningSimulator> {
  const today = options.today ?? utcToday();
  const historyStart = options.historyStart ?? '2023-01-01';
  if (dayOf(historyStart) >= dayOf(today)) throw new Error(`historyStart ${historyStart} must be before today ${today}`);
  const faults = new FaultState(options.faults);
  const generated = generateDataset({ seed: options.seed ?? 1, today, historyStart, videosPerAccount: options.videosPerAccount ?? 250, videosByAccount: options.videosByAccount, viewsEndByAccount: options.viewsEndByAccount });
  const state = new SimulatorState(generated, faults);
  const tokenClock = options.tokenClock ?? Date.now;
  const credentials = { clientId: options.clientId ?? DEMO_CLIENT_ID, clientSecret: options.clientSecret ?? DEMO_CLIENT_SECRET };
  const cmsGate = new CmsGate();
  const analyticsQueue = new AnalyticsQueue();
  let counts: Record<string, Record<string, number>> = {};
  let recorded: RecordedRequest[] = [];
  let waiters: Array<{ matches: (request: RecordedRequest) => boolean; resolve: (request: RecordedRequest) => void }> = [];
  const inFlight = new WeakMap<ServerResponse, RecordedRequest>();

  const countOutcome = (endpoint: Endpoint, outcome: string) => {
    const perEndpoint = (counts[endpoint] ??= {});
    perEndpoint[outcome] = (perEndpoint[outcome] ?? 0) + 1;
  };

  // Deterministic, UUID-shaped ids, so that two runs with one seed answer byte-identical errors.
  const requestId = (serial: number) => {
    const hex = [1, 2, 3, 4].map((part) => hash32(state.dataset.seed, serial, part).toString(16).padStart(8, '0')).join('');
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
  };

  const sendJson = (res: ServerResponse, endpoint: Endpoint, status: number, body: unknown, headers: Record<string, string> = {}, faultable = false) => {
    const entry = inFlight.get(res);
    const count = (countedEndpoint: Endpoint, outcome: string) => {
      countOutcome(countedEndpoint, outcome);
      if (entry) {
        entry.outcome = outcome;
        entry.respondedAtMs = Date.now();
      }
    };
    if (entry) entry.status = status;
    let delivery = faultable && status === 200 ? faults.delivery() : 'whole';
    if (delivery !== 'whole' && entry) {
      if (faults.mayFault(requestKey(entry))) faults.faultServed(requestKey(entry));
      else delivery = 'whole';
    }
    if (delivery === 'html' || delivery === 'empty' || delivery === 'shape') {
      const hostile: HostileBody = delivery === 'html' ? htmlErrorPage(faults.config.htmlErrorPage!.status) : delivery === 'empty' ? emptyBody() : unexpectedShape(body);
      const bytes = Buffer.from(hostile.text, 'utf8');
      if (entry) entry.status = hostile.status;
      res.writeHead(hostile.status, { 'content-type': hostile.contentType, 'content-length': String(bytes.length) });
      res.end(bytes);
      count(endpoint, hostile.outcome);
      return;
    }
    const payload = Buffer.from(serializeBody(body), 'utf8');
    if (delivery === 'truncated') {
      // A complete HTTP message whose JSON stops halfway: the client must notice the parse failure.
      res.writeHead(status, { 'content-type': JSON_TYPE, ...headers });
      res.end(payload.subarray(0, Math.floor(payload.length / 2)));
      count(endpoint, 'truncated');
      return;
    }
    res.writeHead(status, { 'content-type': JSON_TYPE, 'content-length': String(payload.length), ...headers });
    if (delivery === 'reset') {
      res.write(payload.subarray(0, Math.floor(payload.length / 2)), () => res.destroy());
      count(endpoint, 'reset');
      return;
    }
    res.end(payload);
    count(endpoint, String(status));
  };

  const authorize = (req: IncomingMessage, params: URLSearchParams, key: string) => {
    const bearer = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1] ?? params.get('access_token');
    if (!bearer || !state.tokens.isValid(bearer, tokenClock())) throw unauthorized();
    // A stale token is one the server dropped before its expires_in: it stays dead, a new one works.
    if (state.tokens.markUsed(bearer) && faults.mayFault(key) && faults.takeStaleToken()) {
      faults.faultServed(key);
      state.tokens.revoke(bearer);
      throw unauthorized();
    }
    const burst = faults.burst();
    if (burst && faults.mayFault(key)) {
      faults.faultServed(key);
      const headers: Record<string, string> = burst.retryAfterSeconds === null ? {} : { 'retry-after': String(burst.retryAfterSeconds) };
      throw new ApiError(429, 'TOO_MANY_REQUESTS', 'Too many requests, slow down.', headers);
    }
  };

  const knownAccount = (accountId: string) => {
    if (!/^\d+$/.test(accountId)) throw new ApiError(404, 'RESOURCE_NOT_FOUND', `No account ${accountId}.`);
    if (!state.hasAccount(accountId)) throw unauthorized();
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const serial = ++state.requestSerial;
    const url = new URL(req.url ?? '/', 'http://simulator.invalid');
    const params = url.searchParams;
    const { endpoint, accountId, videoIds } = route(url.pathname);
    const query = Object.fromEntries([...params].filter(([key]) => key !== 'access_token'));
    const entry: RecordedRequest = { serial, method: req.method ?? '', path: url.pathname, query, endpoint, receivedAtMs: Date.now() };
    recorded.push(entry);
    inFlight.set(res, entry);
    waiters = waiters.filter((waiter) => {
      if (!waiter.matches(entry)) return true;
      waiter.resolve({ ...entry, query: { ...entry.query } });
      return false;
    });
    const isAnalytics = endpoint === 'analytics_data' || endpoint === 'analytics_status';
    let cmsAdmitted: string | undefined;
    try {
      if (endpoint === 'oauth') {
        if (req.method !== 'POST') throw new ApiError(405, 'METHOD_NOT_ALLOWED', 'Use POST.');
        const body = await readBody(req);
        const answer = answerTokenRequest(req.headers.authorization, body, params, credentials, state.tokens, faults.config.tokenTtlSeconds, tokenClock());
        sendJson(res, endpoint, answer.status, answer.body, { 'cache-control': 'no-store' });
        return;
      }
      if (endpoint === 'not_found') throw new ApiError(404, 'RESOURCE_NOT_FOUND', 'Requested resource does not exist');
      if (req.method !== 'GET') throw new ApiError(405, 'METHOD_NOT_ALLOWED', 'Only GET is supported here.');
      authorize(req, params, requestKey(entry));
      if (!isAnalytics) {
        knownAccount(accountId!);
        cmsGate.enter(accountId!, faults.config.cmsLimits, Date.now());
        cmsAdmitted = accountId!;
        if (faults.config.slowMs > 0) await sleep(faults.config.slowMs);
        const body =
          endpoint === 'cms_videos'
            ? faults.items.apply(listVideos(state, accountId!, params), 'cms', faults.config)
            : endpoint === 'cms_counts'
              ? countVideos(state, accountId!, params)
              : getVideos(state, accountId!, videoIds!);
        sendJson(res, endpoint, 200, body, {}, true);
        return;
      }
      if (endpoint === 'analytics_status') {
        const accounts = (params.get('accounts') ?? '').split(',').filter(Boolean);
        if (accounts.length === 0) throw new ApiError(400, 'BAD_REQUEST', 'accounts is required');
        accounts.forEach(knownAccount);
        const dimensions = (params.get('dimensions') ?? '').split(',').filter(Boolean);
        for (const dimension of dimensions) if (!isKnownDimension(dimension)) throw new ApiError(400, 'BAD_REQUEST', `unknown dimension ${JSON.stringify(dimension)}`);
        sendJson(res, endpoint, 200, dataStatus(state, accounts, dimensions), {}, true);
        return;
      }
      const request = parseAnalyticsRequest(params, state.todayDay(), faults.config.strictFieldModel);
      request.accounts.forEach(knownAccount);
      const processing = faults.processingStatus();
      if (processing && faults.mayFault(requestKey(entry))) {
        faults.faultServed(requestKey(entry));
        throw new ApiError(processing, 'PROCESSING', 'Processing query in background');
      }
      const report = await analyticsQueue.run(request.accounts, request.key, async () => {
        if (faults.config.slowMs > 0) await sleep(faults.config.slowMs);
        return buildReport(state, request);
      });
      sendJson(res, endpoint, 200, { ...report, items: faults.items.apply(report.items, 'analytics', faults.config) }, {}, true);
    } catch (error) {
      if (!(error instanceof ApiError)) {
        sendJson(res, endpoint, 500, errorBody(new ApiError(500, isAnalytics ? 'SERVER_ERROR' : 'UNKNOWN', 'Internal error in the simulator.'), isAnalytics ? requestId(serial) : undefined));
        console.error('simulator: internal error', error);
        return;
      }
      sendJson(res, endpoint, error.status, errorBody(error, isAnalytics ? requestId(serial) : undefined), error.headers);
    } finally {
      if (cmsAdmitted !== undefined) cmsGate.leave(cmsAdmitted);
    }
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      console.error('simulator: unhandled', error);
      res.destroy();
    });
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    dataset: state.dataset,
    setFaults: (changes) => faults.set(changes),
    itemFaultsApplied: () => ({ ...faults.items.changed }),
    setToday: (date) => state.setToday(date),
    counts: () => structuredClone(counts),
    resetCounts: () => {
      counts = {};
    },
    issuedTokens: () => state.tokens.issued(),
    requests: () => recorded.map((entry) => ({ ...entry, query: { ...entry.query } })),
    resetRequests: () => {
      recorded = [];
    },
    whenRequest: (matches) => {
      const seen = recorded.find(matches);
      if (seen) return Promise.resolve({ ...seen, query: { ...seen.query } });
      return new Promise((resolve) => waiters.push({ matches, resolve }));
    },
    stop: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
