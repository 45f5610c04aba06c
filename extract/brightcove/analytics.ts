import { randomBytes } from 'node:crypto';
import { RequestFailedError } from '../http.ts';
import type { RawItem } from '../land.ts';
import { accountLabel, type AccountContext } from './account-context.ts';
import {
  daysIn,
  formatWindow,
  halves,
  isSettledForReconciled,
  planAnalyticsWindows,
  uncoveredParts,
  type DateWindow,
} from './date-windows.ts';
import { ANALYTICS_DATA_PATH, ANALYTICS_PAGE_LIMIT, ANALYTICS_REPORTS, ANALYTICS_ROW_CAP, ENDPOINT, type AnalyticsSource } from './settings.ts';
import { crashPoint } from '../../warehouse/crash-point.ts';

/**
 * Daily video analytics of one account: `dimensions=video,date` (views, impressions, play requests,
 * engagement) and `dimensions=video,date,device_type` (views), asked per date window for all videos
 * at once, never per video.
 *
 * API limits: one request at a time per account (more queue; an identical request in flight gets
 * 429), a long query answers PROCESSING (retried by the HTTP layer), at most 1,000,000 rows per
 * request (a larger query is refused: the window is split in two).
 *
 * Windows: `analytics_window_days` aligned on `history_start_date`, up to the trailing window of
 * `trailing_refetch_days` ending at the as-of date, which is fetched on every run. A settled window
 * is asked with `reconciled=true` once it ended `reconciled_after_days` before as-of; a date covered by
 * a completed reconciled fetch is never fetched again. A window that fails after all retries or hits
 * the row cap is split in two, down to one day, then the run fails naming account, endpoint, window.
 *
 * Each window request is one meta.analytics_window_fetches row (fetch_id sortable by time);
 * completed_at is set in the transaction that lands its last page.
 */

export interface AnalyticsResult {
  readonly requests: number;
  readonly fetches: number;
  readonly rows: number;
}

let fetchSequence = 0;
/** Sortable by time across runs and processes: UTC timestamp to the millisecond, then a sequence. */
export function newFetchId(): string {
  fetchSequence += 1;
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace('.', '');
  return `${stamp}-${String(fetchSequence).padStart(6, '0')}-${randomBytes(3).toString('hex')}`;
}

export class WindowFailedError extends Error {
  override name = 'WindowFailedError';
}

class RowCapError extends Error {
  override name = 'RowCapError';
}

interface WindowTask {
  readonly source: AnalyticsSource;
  readonly window: DateWindow;
}

export class AnalyticsExtractor {
  private requests = 0;
  private fetches = 0;
  private rows = 0;

  constructor(
    private readonly context: AccountContext,
    private readonly options: { pageLimit?: number | 'all'; rowCap?: number } = {},
  ) {}

  private get accountId(): string {
    return this.context.account.account_id;
  }

  /** Every window this run fetches, in order (settled windows not yet covered, then the trailing one). */
  async plan(): Promise<WindowTask[]> {
    const settings = this.context.settings;
    const plan = planAnalyticsWindows(settings.history_start_date, this.context.asOfDate, settings.analytics_window_days, settings.trailing_refetch_days);
    const tasks: WindowTask[] = [];
    for (const source of Object.keys(ANALYTICS_REPORTS) as AnalyticsSource[]) {
      const covered = await this.coveredDates(source);
      for (const window of plan.settled) {
        for (const part of uncoveredParts(window, covered)) tasks.push({ source, window: part });
      }
      if (plan.trailing) tasks.push({ source, window: plan.trailing });
    }
    return tasks;
  }

  /** Dates already covered by a completed reconciled fetch: final, never asked again. */
  private async coveredDates(source: AnalyticsSource): Promise<Set<string>> {
    const rows = await this.context.lander.query<{ day: string }>(
      `SELECT DISTINCT strftime(day, '%Y-%m-%d') AS day
       FROM meta.analytics_window_fetches AS f,
            LATERAL (SELECT unnest(generate_series(f.window_from::TIMESTAMP, f.window_to::TIMESTAMP, INTERVAL 1 DAY)) AS day)
       WHERE f.account_id = $1 AND f.source = $2 AND f.reconciled AND f.completed_at IS NOT NULL`,
      [this.accountId, source],
    );
    return new Set(rows.map((row) => row.day));
  }

  async run(tasks?: WindowTask[]): Promise<AnalyticsResult> {
    const planned = tasks ?? (await this.plan());
    this.context.progress.addWork(planned.length);
    // Strictly one request at a time for this account: the API queues (or refuses) the rest.
    for (const task of planned) {
      await this.fetchWithSplitting(task.source, task.window);
      this.context.progress.advance(1);
    }
    return { requests: this.requests, fetches: this.fetches, rows: this.rows };
  }

  private async fetchWithSplitting(source: AnalyticsSource, window: DateWindow): Promise<void> {
    try {
      await this.fetchWindow(source, window);
    } catch (error) {
      const splittable =
        error instanceof RowCapError ||
        (error instanceof RequestFailedError && error.status !== 401 && error.status !== 403 && (error.exhausted || error.status === 400));
      if (!splittable) throw error;
      if (daysIn(window) <= 1) {
        throw new WindowFailedError(
          `Analytics failed for account ${accountLabel(this.context.account)}, endpoint ${ENDPOINT.analytics} (${ANALYTICS_REPORTS[source].dimensions}), ` +
            `window ${formatWindow(window)}, even for a single day: ${(error as Error).message}. ` +
            'Finished windows are kept; the next run resumes here.',
        );
      }
      const [left, right] = halves(window);
      // The line names account (its prefix), report and window already: the reason, whole, is what it adds.
      const reason = error instanceof RequestFailedError ? error.reason : (error as Error).message;
      this.context.progress.log(`analytics ${source}: window ${formatWindow(window)} failed, splitting it: ${reason}`);
      await this.fetchWithSplitting(source, left);
      await this.fetchWithSplitting(source, right);
    }
  }

  private requestUrl(source: AnalyticsSource, window: DateWindow, reconciled: boolean, offset: number): string {
    const report = ANALYTICS_REPORTS[source];
    const limit = this.options.pageLimit ?? ANALYTICS_PAGE_LIMIT;
    const params: Array<[string, string]> = [
      ['accounts', this.accountId],
      ['dimensions', report.dimensions],
      ['fields', report.fields.join(',')],
      ['from', window.from],
      ['to', window.to],
      ['limit', String(limit)],
    ];
    // Paging needs a stable order; a single `limit=all` page does not.
    if (limit !== 'all') params.push(['offset', String(offset)], ['sort', 'date']);
    if (reconciled) params.push(['reconciled', 'true']);
    return `${this.context.analyticsOrigin}${ANALYTICS_DATA_PATH}?${params.map(([key, value]) => `${key}=${encodeURIComponent(value)}`).join('&')}`;
  }

  private async fetchWindow(source: AnalyticsSource, window: DateWindow): Promise<void> {
    const settings = this.context.settings;
    const reconciled = isSettledForReconciled(window, this.context.asOfDate, settings.reconciled_after_days);
    const fetchId = newFetchId();
    const rowCap = this.options.rowCap ?? ANALYTICS_ROW_CAP;
    await this.context.lander.commit(
      [],
      [
        {
          sql: `INSERT INTO meta.analytics_window_fetches VALUES ($1, $2, $3, $4::DATE, $5::DATE, $6, now()::TIMESTAMP, NULL, 0)`,
          params: [fetchId, source, this.accountId, window.from, window.to, reconciled],
        },
      ],
    );
    this.fetches += 1;
    let offset = 0;
    for (;;) {
      const url = this.requestUrl(source, window, reconciled, offset);
      const fetchedAt = new Date().toISOString();
      this.requests += 1;
      const response = await this.context.http.getJson(
        url,
        { endpoint: ENDPOINT.analytics, account: accountLabel(this.context.account), window: `${formatWindow(window)} ${ANALYTICS_REPORTS[source].dimensions}` },
        this.context.auth,
        problemWithReport,
      );
      crashPoint('analytics:page-received');
      const body = response.body as { item_count?: unknown; items: unknown[] };
      const items = body.items;
      const itemCount = Number(body.item_count ?? items.length);
      if (itemCount > rowCap || (this.options.pageLimit ?? ANALYTICS_PAGE_LIMIT) === 'all' && items.length < itemCount) {
        throw new RowCapError(`${itemCount} rows match, ${items.length} came back (cap ${rowCap})`);
      }
      const rawItems: RawItem[] = items.map((item) => ({ key: fetchId, itemJson: JSON.stringify(item) }));
      offset += items.length;
      const done = items.length === 0 || offset >= itemCount;
      await this.context.lander.land({
        source,
        accountId: this.accountId,
        requestUrl: response.url,
        fetchedAt,
        items: rawItems,
        window,
        fetch: { fetchId, reconciled, done },
        statements: [
          {
            sql: `UPDATE meta.analytics_window_fetches
                  SET row_count = row_count + $2, completed_at = CASE WHEN $3 THEN now()::TIMESTAMP ELSE completed_at END
                  WHERE fetch_id = $1`,
            params: [fetchId, rawItems.length, done],
          },
        ],
      });
      this.rows += rawItems.length;
      if (done) return;
    }
  }
}

/** A report is `{item_count, items: [...]}`; anything else is retried by the HTTP layer. */
function problemWithReport(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return `expected a report object, got ${Array.isArray(body) ? 'an array' : body === null ? 'null' : typeof body}`;
  if (!Array.isArray((body as { items?: unknown }).items)) return 'expected an items array';
  // Paging stops on item_count: a missing or unreadable one would page forever.
  const itemCount = (body as { item_count?: unknown }).item_count;
  return typeof itemCount === 'number' && Number.isInteger(itemCount) && itemCount >= 0 ? undefined : 'expected a whole item_count';
}
