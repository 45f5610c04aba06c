import { randomBytes } from 'node:crypto';
import { RequestFailedError } from '../http.ts';
import type { RawItem } from '../land.ts';
import { accountLabel, type AccountContext } from './account-context.ts';
import {
  addDays,
  analyticsHistoryStart,
  analyticsRange,
  daysIn,
  fixedWindows,
  formatWindow,
  halves,
  isSettledForReconciled,
  sizeWindows,
  uncoveredParts,
  type DateWindow,
} from './date-windows.ts';
import {
  ANALYTICS_DATA_PATH,
  ANALYTICS_PAGE_LIMIT,
  ANALYTICS_REPORTS,
  ANALYTICS_ROW_CAP,
  ANALYTICS_STATUS_PATH,
  ANALYTICS_WINDOW_ROW_BUDGET,
  DOCUMENTED_DATA_FROM,
  ENDPOINT,
  type AnalyticsSource,
} from './api-constants.ts';
import { crashPoint } from '../../warehouse/crash-point.ts';

/**
 * Daily video analytics of one account: `dimensions=video,date` (views, impressions, play requests,
 * engagement), `dimensions=video,date,device_type` and `dimensions=video,date,browser_type` (views),
 * asked per date window for all videos at once, never per video.
 *
 * API limits: one request at a time per account (more queue; an identical request in flight gets
 * 429), a long query answers PROCESSING (retried by the HTTP layer), at most 1,000,000 rows per
 * request (a larger query is refused: the window is split in two).
 *
 * History: all time. A report starts at the account's earliest video's creation day (no view precedes
 * its video), earlier only if `history_start_date` is earlier, never before the day the API holds data
 * from for the report (`reconciled_from` of `GET /v1/data/status`, asked once per account and report
 * and kept in meta.extract_state). The catalog is the one landed by the CMS crawl, which runs first.
 *
 * Windows: the days not yet covered, cut into windows by the rows they are expected to return, within
 * ANALYTICS_WINDOW_ROW_BUDGET: (videos created by that day + 1 for rows without a video) × the values of
 * the report's extra dimension, per day; without a landed catalog, the most rows per day a completed
 * fetch of the report returned; with neither, `analytics_window_days`. Then the trailing window of
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
  /** Rows landed per report this run (what the row cap is measured against). */
  readonly rowsBySource: Partial<Record<AnalyticsSource, number>>;
  /** Reports with at least one window this run. */
  readonly sources: AnalyticsSource[];
}

/** The account's catalog as landed: how many videos, and the creation day of each (sorted). */
export interface CatalogOutline {
  readonly createdDays: readonly string[];
}

const STATE_DATA_FROM = 'reconciled_from';
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

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

export interface WindowTask {
  readonly source: AnalyticsSource;
  readonly window: DateWindow;
}

export class AnalyticsExtractor {
  private requests = 0;
  private fetches = 0;
  private rows = 0;
  private readonly rowsBySource: Partial<Record<AnalyticsSource, number>> = {};
  private sourcesToFetch: AnalyticsSource[] = [];

  constructor(
    private readonly context: AccountContext,
    private readonly options: { pageLimit?: number | 'all'; rowCap?: number } = {},
  ) {}

  private get accountId(): string {
    return this.context.account.account_id;
  }

  /** Every window this run fetches, in order (per report: settled days not yet covered, then the trailing window). */
  async windowTasks(): Promise<WindowTask[]> {
    const extractConfig = this.context.extractConfig;
    const catalog = await this.catalogOutline();
    const tasks: WindowTask[] = [];
    for (const source of Object.keys(ANALYTICS_REPORTS) as AnalyticsSource[]) {
      const windows = reportWindows({
        source,
        extractConfig,
        asOf: this.context.asOfDate,
        createdDays: catalog?.createdDays,
        dataFrom: await this.dataFrom(source),
        covered: await this.coveredDates(source),
        seenRowsPerDay: catalog ? undefined : await this.seenRowsPerDay(source),
      });
      for (const window of windows) tasks.push({ source, window });
    }
    return tasks;
  }

  /** The creation days of the account's videos as landed (every version, deleted videos included); undefined when none is landed. */
  async catalogOutline(): Promise<CatalogOutline | undefined> {
    const rows = await this.context.lander.query<{ created_day: string }>(
      `SELECT strftime(created, '%Y-%m-%d') AS created_day
       FROM (SELECT min(TRY_CAST(left(item_json->>'created_at', 10) AS DATE)) AS created
             FROM raw.cms_videos WHERE account_id = $1 GROUP BY video_id)
       WHERE created IS NOT NULL ORDER BY created`,
      [this.accountId],
    );
    return rows.length > 0 ? { createdDays: rows.map((row) => row.created_day) } : undefined;
  }

  /** The most rows per day any completed fetch of the report returned for this account (undefined: none yet). */
  async seenRowsPerDay(source: AnalyticsSource): Promise<number | undefined> {
    const [seen] = await this.context.lander.query<{ rows_per_day: number | null }>(
      `SELECT max(row_count / (date_diff('day', window_from, window_to) + 1))::DOUBLE AS rows_per_day
       FROM meta.analytics_window_fetches WHERE account_id = $1 AND source = $2 AND completed_at IS NOT NULL`,
      [this.accountId, source],
    );
    return seen?.rows_per_day ?? undefined;
  }

  /**
   * The first day the API holds data for the report (`reconciled_from` of /v1/data/status), asked once
   * per account and report, then read from meta.extract_state. A server without the endpoint (404)
   * gets the documented date.
   */
  async dataFrom(source: AnalyticsSource): Promise<string> {
    const stored = await this.context.lander.readState(source, this.accountId, STATE_DATA_FROM);
    if (stored !== undefined) return stored;
    const dimensions = ANALYTICS_REPORTS[source].dimensions;
    const url = `${this.context.analyticsOrigin}${ANALYTICS_STATUS_PATH}?accounts=${encodeURIComponent(this.accountId)}&dimensions=${encodeURIComponent(dimensions)}`;
    let dataFrom: string;
    try {
      const response = await this.context.http.getJson(
        url,
        { endpoint: ENDPOINT.analyticsStatus, account: accountLabel(this.context.account), window: dimensions },
        this.context.auth,
        problemWithStatus,
      );
      dataFrom = (response.body as { reconciled_from: string }).reconciled_from;
    } catch (error) {
      if (!(error instanceof RequestFailedError && error.status === 404)) throw error;
      dataFrom = DOCUMENTED_DATA_FROM[source];
      this.context.progress.log(`analytics ${source}: ${ANALYTICS_STATUS_PATH} is not served (404); history starts no earlier than the documented ${dataFrom}`);
    }
    await this.context.lander.commit([{ source, accountId: this.accountId, stateKey: STATE_DATA_FROM, stateValue: dataFrom }]);
    return dataFrom;
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
    const planned = tasks ?? (await this.windowTasks());
    this.sourcesToFetch = [...new Set(planned.map((task) => task.source))];
    this.context.progress.addWork(planned.length);
    // Strictly one request at a time for this account: the API queues (or refuses) the rest.
    for (const task of planned) {
      await this.fetchWithSplitting(task.source, task.window);
      this.context.progress.advance(1);
    }
    return { requests: this.requests, fetches: this.fetches, rows: this.rows, rowsBySource: { ...this.rowsBySource }, sources: this.sourcesToFetch };
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
    const extractConfig = this.context.extractConfig;
    const reconciled = isSettledForReconciled(window, this.context.asOfDate, extractConfig.reconciled_after_days);
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
      this.rowsBySource[source] = (this.rowsBySource[source] ?? 0) + rawItems.length;
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

export interface ReportWindowsInput {
  readonly source: AnalyticsSource;
  readonly extractConfig: Pick<AccountContext['extractConfig'], 'history_start_date' | 'trailing_refetch_days' | 'analytics_window_days' | 'reconciled_after_days'>;
  readonly asOf: string;
  /** Creation days of the account's videos, sorted; undefined when no catalog is landed. */
  readonly createdDays: readonly string[] | undefined;
  /** The first day the API holds data for the report. */
  readonly dataFrom: string;
  /** Days already covered by a completed reconciled fetch. */
  readonly covered: ReadonlySet<string>;
  /** Without a catalog: the most rows per day a completed fetch returned (undefined: none yet). */
  readonly seenRowsPerDay: number | undefined;
}

/**
 * The windows of one report of one account, in order: the uncovered days from the history start cut
 * by expected rows (docs/decisions.md, "Analytics history and windows"), then the trailing window.
 */
export function reportWindows(input: ReportWindowsInput): DateWindow[] {
  const { extractConfig, createdDays } = input;
  const historyStart = analyticsHistoryStart({ configured: extractConfig.history_start_date, earliestCreated: createdDays?.[0], dataFrom: input.dataFrom });
  const range = analyticsRange(historyStart, input.asOf, extractConfig.trailing_refetch_days);
  const windows: DateWindow[] = [];
  if (range.settled) {
    const values = ANALYTICS_REPORTS[input.source].valuesPerVideoDay;
    // With a catalog, an upper bound: every video created by the day (and the rows without a video)
    // can have one row per value of the report's extra dimension.
    const seen = input.seenRowsPerDay;
    const expectedRowsOn = createdDays ? (date: string) => values * (1 + countAtOrBefore(createdDays, date)) : seen === undefined ? undefined : () => seen;
    // Final days and still-provisional ones never share a window: a window with one provisional day is
    // asked without reconciled=true and would never count as covered.
    const lastFinal = addDays(input.asOf, -(extractConfig.reconciled_after_days + 1));
    for (const uncovered of uncoveredParts(range.settled, input.covered)) {
      for (const part of splitAfter(uncovered, lastFinal)) {
        windows.push(...(expectedRowsOn ? sizeWindows(part, expectedRowsOn, ANALYTICS_WINDOW_ROW_BUDGET) : fixedWindows(part, extractConfig.analytics_window_days)));
      }
    }
  }
  if (range.trailing) windows.push(range.trailing);
  return windows;
}

/** The window cut after `lastDay` (when `lastDay` falls inside it). */
function splitAfter(window: DateWindow, lastDay: string): DateWindow[] {
  if (lastDay < window.from || lastDay >= window.to) return [window];
  return [
    { from: window.from, to: lastDay },
    { from: addDays(lastDay, 1), to: window.to },
  ];
}

/** `/v1/data/status` answers `{reconciled_from: "YYYY-MM-DD", reconciled_to: …}`. */
function problemWithStatus(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return 'expected a status object';
  const from = (body as { reconciled_from?: unknown }).reconciled_from;
  return typeof from === 'string' && ISO_DATE.test(from) && !Number.isNaN(Date.parse(`${from}T00:00:00Z`)) ? undefined : 'expected reconciled_from as YYYY-MM-DD';
}

/** How many of the sorted dates are on or before `date` (binary search). */
export function countAtOrBefore(sortedDates: readonly string[], date: string): number {
  let lo = 0;
  let hi = sortedDates.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sortedDates[mid]! <= date) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
