import { ApiError } from './errors.ts';

/**
 * Per-account admission: the CMS allows at most N requests in flight and under M per second; the
 * Analytics API runs one query at a time per account (others wait their turn) and refuses a query
 * identical to one still in flight.
 */

export class CmsGate {
  private inFlight = new Map<string, number>();
  private accepted = new Map<string, number[]>();

  /** Admits the request or throws 429; the caller must call `leave` when the answer is sent. */
  enter(accountId: string, limits: { requestsPerSecond: number; concurrent: number } | null, nowMs: number): void {
    const inFlight = this.inFlight.get(accountId) ?? 0;
    if (limits) {
      const recent = (this.accepted.get(accountId) ?? []).filter((t) => t > nowMs - 1000);
      this.accepted.set(accountId, recent);
      if (inFlight >= limits.concurrent) throw tooMany(`more than ${limits.concurrent} concurrent requests for this account`);
      if (recent.length + 1 >= limits.requestsPerSecond) throw tooMany(`${limits.requestsPerSecond} or more requests per second for this account`);
      recent.push(nowMs);
    }
    this.inFlight.set(accountId, inFlight + 1);
  }

  leave(accountId: string): void {
    this.inFlight.set(accountId, Math.max(0, (this.inFlight.get(accountId) ?? 1) - 1));
  }
}

function tooMany(detail: string): ApiError {
  return new ApiError(429, 'TOO_MANY_REQUESTS', `Too many requests: ${detail}.`);
}

export class AnalyticsQueue {
  private tails = new Map<string, Promise<void>>();
  private inFlight = new Set<string>();

  /** Runs `work` once every account it reads is free; an identical query already in flight gets 429. */
  async run<T>(accounts: string[], queryKey: string, work: () => Promise<T>): Promise<T> {
    if (this.inFlight.has(queryKey)) throw new ApiError(429, 'TOO_MANY_REQUESTS', 'Too many concurrent requests for same query');
    this.inFlight.add(queryKey);
    const releases: Array<() => void> = [];
    try {
      // Accounts are locked in sorted order so that two multi-account queries cannot deadlock.
      for (const account of [...accounts].sort()) releases.push(await this.acquire(account));
      return await work();
    } finally {
      for (const release of releases) release();
      this.inFlight.delete(queryKey);
    }
  }

  private async acquire(account: string): Promise<() => void> {
    const previous = this.tails.get(account) ?? Promise.resolve();
    let release!: () => void;
    const mine = new Promise<void>((resolve) => (release = resolve));
    const tail = previous.then(() => mine);
    this.tails.set(account, tail);
    await previous;
    return () => {
      release();
      if (this.tails.get(account) === tail) this.tails.delete(account);
    };
  }
}
