import type { AccountConfig, ReelhouseConfig } from '../../config/load-config.ts';
import type { BearerAuth, HttpClient } from '../http.ts';
import type { Lander } from '../land.ts';

/** What the CMS and Analytics extractors of one account share during a run. */
export interface AccountContext {
  readonly account: AccountConfig;
  readonly http: HttpClient;
  readonly auth: BearerAuth;
  readonly lander: Lander;
  readonly cmsOrigin: string;
  readonly analyticsOrigin: string;
  /** The config's `extract` block. */
  readonly extractConfig: ReelhouseConfig['extract'];
  readonly asOfDate: string;
  readonly progress: AccountProgress;
  /** CMS requests per second for this account (the API allows under 10). */
  readonly cmsRequestsPerSecond: number;
}

/** Progress of one account: a bar on a terminal, log lines otherwise. */
export interface AccountProgress {
  addWork(units: number): void;
  advance(units: number, status?: string): void;
  log(line: string): void;
}

/** The account as named in messages: slug and id, never a credential. */
export const accountLabel = (account: AccountConfig) => `${account.slug} (${account.account_id})`;

/** Spaces request starts at least 1/rate seconds apart. */
export class RequestSpacer {
  private next = 0;
  constructor(private readonly perSecond: number) {}
  async wait(): Promise<void> {
    if (!(this.perSecond > 0) || !Number.isFinite(this.perSecond)) return;
    const now = Date.now();
    const start = Math.max(now, this.next);
    this.next = start + 1000 / this.perSecond;
    if (start > now) await new Promise((resolve) => setTimeout(resolve, start - now));
  }
}
