/**
 * Injected faults. Every decision is driven by request counters (never by the clock or Math.random), so
 * a test that sets `rateLimitBurst: {every: 5, length: 2}` knows requests 4 and 5 of each five get 429.
 * Counters restart whenever the fault is set again through setFaults.
 */

import { ItemCorrupter } from './hostile-responses.ts';

export interface FaultConfig {
  /** Lifetime of issued tokens (also the `expires_in` answered). */
  tokenTtlSeconds: number;
  /**
   * The next N CMS/Analytics requests get 401 even with an unexpired token, which is then revoked (a
   * refresh fixes it); counts down. A token's first use is exempt, so a client that refreshes once wins.
   */
  staleToken401: number;
  /** Of every `every` CMS/Analytics requests, the last `length` get 429; Retry-After sent when a number. */
  rateLimitBurst: { every: number; length: number; retryAfterSeconds?: number | null } | null;
  /** Every `every`-th Analytics /v1/data request answers PROCESSING with this status. */
  processing: { every: number; status: 500 | 503 } | null;
  /** Delay before each CMS/Analytics answer (analytics holds its account's queue meanwhile). */
  slowMs: number;
  /** Every n-th successful CMS/Analytics response: half the body, then the socket is destroyed. 0 = off. */
  resetEvery: number;
  /** Every n-th successful CMS/Analytics response: half the JSON body, then a clean end. 0 = off. */
  truncateEvery: number;
  /** While a CMS crawl pages (offset > 0), bump updated_at of a video and insert a new one per page. */
  mutateDuringCrawl: boolean;
  /** offset + limit above this answers 400 (search backends cap deep paging). null = no cap. */
  cmsMaxOffset: number | null;
  /** Analytics queries matching more rows than this answer 400 (narrow the date range). */
  maxRowsPerRequest: number;
  /** true: only the fields Brightcove's field model lists per combination; false: also the spec's list. */
  strictFieldModel: boolean;
  /** Per-account CMS limits: 429 at `concurrent` in flight or `requestsPerSecond` within one second. */
  cmsLimits: { requestsPerSecond: number; concurrent: number } | null;
  /** Every `every`-th successful CMS/Analytics response is replaced by a proxy's HTML error page with this status. */
  htmlErrorPage: { every: number; status: 502 | 200 } | null;
  /** Every n-th successful CMS/Analytics response is a 200 with an empty body. 0 = off. */
  emptyBodyEvery: number;
  /** Every n-th successful CMS/Analytics response is valid JSON of the wrong shape (object ↔ array). 0 = off. */
  unexpectedShapeEvery: number;
  /** Every n-th served item (CMS video or Analytics row): a number sent as a string ("17", "17 views"). */
  wrongTypeItemEvery: number;
  /** Every n-th served item: its id (`id`, `video`) as a bare JSON number, exact digits (often beyond 2^53). */
  bareIdEvery: number;
  /** Every n-th served item lacks a key: CMS `id` or `name`, Analytics `video` or `date`, alternately. */
  missingKeyEvery: number;
  /** Every n-th served item carries unknown keys; CMS custom-field keys that look like a path, SQL, a formula. */
  extraKeysEvery: number;
  /** Every n-th served Analytics row holds an impossible value: negative views or a date like 2025-13-45. */
  invalidValueEvery: number;
  /**
   * At most this many request-level faults (stale-token 401, 429 burst, PROCESSING, reset, truncated,
   * HTML, empty or wrong-shape body) for one request (same method, path and query, token aside); later
   * tries of it are answered cleanly. The counters still advance. null = no cap. Concurrent requests
   * share the counters, so without a cap one unlucky request can meet a fault on every try however
   * large a client's retry budget is; with it, a budget above the cap always suffices.
   */
  maxFaultsPerRequest: number | null;
}

export const DEFAULT_FAULTS: Readonly<FaultConfig> = Object.freeze({
  tokenTtlSeconds: 300,
  staleToken401: 0,
  rateLimitBurst: null,
  processing: null,
  slowMs: 0,
  resetEvery: 0,
  truncateEvery: 0,
  mutateDuringCrawl: false,
  cmsMaxOffset: null,
  maxRowsPerRequest: 1_000_000,
  strictFieldModel: false,
  cmsLimits: { requestsPerSecond: 10, concurrent: 20 },
  htmlErrorPage: null,
  emptyBodyEvery: 0,
  unexpectedShapeEvery: 0,
  wrongTypeItemEvery: 0,
  bareIdEvery: 0,
  missingKeyEvery: 0,
  extraKeysEvery: 0,
  invalidValueEvery: 0,
  maxFaultsPerRequest: null,
});

type Counter = 'rateLimitBurst' | 'processing' | 'resetEvery' | 'truncateEvery' | 'htmlErrorPage' | 'emptyBodyEvery' | 'unexpectedShapeEvery';

export class FaultState {
  config: FaultConfig;
  private counters: Record<Counter, number> = {
    rateLimitBurst: 0, processing: 0, resetEvery: 0, truncateEvery: 0, htmlErrorPage: 0, emptyBodyEvery: 0, unexpectedShapeEvery: 0,
  };
  /** Changes single items of CMS pages and Analytics reports (hostile-responses.ts). */
  readonly items = new ItemCorrupter();

  constructor(initial: Partial<FaultConfig> = {}) {
    this.config = { ...DEFAULT_FAULTS };
    this.set(initial);
  }

  set(faults: Partial<FaultConfig>): void {
    for (const [key, value] of Object.entries(faults) as Array<[keyof FaultConfig, unknown]>) {
      if (!(key in DEFAULT_FAULTS)) throw new Error(`unknown simulator fault ${JSON.stringify(key)}; known: ${Object.keys(DEFAULT_FAULTS).join(', ')}`);
      (this.config as unknown as Record<string, unknown>)[key] = value === undefined ? DEFAULT_FAULTS[key] : value;
      if (key in this.counters) this.counters[key as Counter] = 0;
      if (key === 'maxFaultsPerRequest') this.faultsServed.clear();
      this.items.restart(key);
    }
  }

  private faultsServed = new Map<string, number>();

  /** True when `requestKey` may still be given a request-level fault (see maxFaultsPerRequest). */
  mayFault(requestKey: string): boolean {
    const cap = this.config.maxFaultsPerRequest;
    return cap === null || (this.faultsServed.get(requestKey) ?? 0) < cap;
  }

  /** Notes that `requestKey` was given a request-level fault. */
  faultServed(requestKey: string): void {
    this.faultsServed.set(requestKey, (this.faultsServed.get(requestKey) ?? 0) + 1);
  }

  /** Consumes one stale-token 401 if any are armed. */
  takeStaleToken(): boolean {
    if (this.config.staleToken401 <= 0) return false;
    this.config.staleToken401--;
    return true;
  }

  /** The Retry-After value (or null for none) when this request falls in a 429 burst, else undefined. */
  burst(): { retryAfterSeconds: number | null } | undefined {
    const burst = this.config.rateLimitBurst;
    if (!burst || burst.every <= 0 || burst.length <= 0) return undefined;
    const position = this.counters.rateLimitBurst++ % burst.every;
    if (position < burst.every - burst.length) return undefined;
    return { retryAfterSeconds: burst.retryAfterSeconds ?? null };
  }

  processingStatus(): 500 | 503 | undefined {
    const processing = this.config.processing;
    if (!processing || processing.every <= 0) return undefined;
    return ++this.counters.processing % processing.every === 0 ? processing.status : undefined;
  }

  /** How a successful response is delivered: whole, cut by a socket reset, truncated, or replaced by a hostile body. */
  delivery(): 'whole' | 'reset' | 'truncated' | 'html' | 'empty' | 'shape' {
    const { resetEvery, truncateEvery, htmlErrorPage, emptyBodyEvery, unexpectedShapeEvery } = this.config;
    if (htmlErrorPage && htmlErrorPage.every > 0 && ++this.counters.htmlErrorPage % htmlErrorPage.every === 0) return 'html';
    if (emptyBodyEvery > 0 && ++this.counters.emptyBodyEvery % emptyBodyEvery === 0) return 'empty';
    if (unexpectedShapeEvery > 0 && ++this.counters.unexpectedShapeEvery % unexpectedShapeEvery === 0) return 'shape';
    if (resetEvery > 0 && ++this.counters.resetEvery % resetEvery === 0) return 'reset';
    if (truncateEvery > 0 && ++this.counters.truncateEvery % truncateEvery === 0) return 'truncated';
    return 'whole';
  }
}
