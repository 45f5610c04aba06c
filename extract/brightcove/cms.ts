import { ENDPOINT, CMS_EPOCH, CMS_MAX_PASSES_PER_WINDOW, cmsCountPath, cmsVideosPath } from './api-constants.ts';
import { accountLabel, RequestSpacer, type AccountContext } from './account-context.ts';
import type { RawItem } from '../land.ts';
import { crashPoint } from '../../warehouse/crash-point.ts';

/**
 * CMS videos of one account, landed page by page as the API returned them.
 *
 * API limits: `GET /videos` pages of at most 100 (`limit`, `offset`), at most 20 concurrent requests
 * and under 10 per second per account; items repeat or go missing across pages while videos change,
 * so a crawl always sends an explicit sort and is checked against `GET /counts/videos`.
 *
 * First run: a full crawl per `created_at` window (`sort=created_at`), windows bisected until each
 * holds at most `cms_window_max_videos`; after each window the distinct ids of the pass are checked
 * against the window's count before and after it, and the window is crawled again when videos moved.
 * Later runs: incremental, `+updated_at:<watermark − overlap>..NOW` with `sort=updated_at`.
 * The cursor (window, offset, pass) is committed with every page, so a killed run resumes at the next
 * page. The watermark is the newest `updated_at` at the start of the crawl: anything changed during
 * or after the crawl is newer and comes with the next run.
 */

const SOURCE = 'cms_videos';
const STATE_WATERMARK = 'updated_at_watermark';
const STATE_FULL_CRAWL = 'full_crawl';
const STATE_INCREMENTAL = 'incremental_crawl';

interface Window {
  readonly from: string;
  readonly to: string;
  readonly count: number;
}

/** A crawl in progress: which query, where it stands, and what the count said when the pass began. */
interface Cursor {
  readonly windows: Window[];
  readonly windowIndex: number;
  readonly offset: number;
  readonly pass: number;
  readonly passStartedAt: string;
  readonly countBefore: number;
  /** The newest updated_at when the crawl began: the next watermark. */
  readonly nextWatermark: string | null;
  /** Incremental only: the query's lower bound. */
  readonly since?: string;
}

export interface CmsResult {
  readonly mode: 'full' | 'incremental';
  readonly itemsLanded: number;
  readonly pages: number;
}

const isoSeconds = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
const nowIso = () => new Date().toISOString();

export class CmsExtractor {
  private readonly spacer: RequestSpacer;
  private itemsLanded = 0;
  private pages = 0;
  /** Where a stored cursor resumed: that window gets a fresh pass budget in this run. */
  private resumedAt?: { windowIndex: number; pass: number };

  constructor(private readonly context: AccountContext) {
    this.spacer = new RequestSpacer(context.cmsRequestsPerSecond);
  }

  private get accountId(): string {
    return this.context.account.account_id;
  }

  private async get(path: string, params: Record<string, string>, endpoint: string, window?: string) {
    await this.spacer.wait();
    const query = Object.entries(params)
      .map(([key, value]) => `${key}=${encodeURIComponent(value)}`)
      .join('&');
    const url = `${this.context.cmsOrigin}${path}${query ? `?${query}` : ''}`;
    const expect = endpoint === ENDPOINT.cmsCount ? problemWithCount : problemWithVideoList;
    return this.context.http.getJson(url, { endpoint, account: accountLabel(this.context.account), window }, this.context.auth, expect);
  }

  async count(q: string, window: string): Promise<number> {
    const response = await this.get(cmsCountPath(this.accountId), { q }, ENDPOINT.cmsCount, window);
    return Number((response.body as { count: unknown }).count);
  }

  /** The newest `updated_at` of the account right now (null when it has no videos). */
  private async newestUpdatedAt(): Promise<string | null> {
    const response = await this.get(cmsVideosPath(this.accountId), { sort: '-updated_at', limit: '1', offset: '0' }, ENDPOINT.cmsVideos, 'newest');
    const [first] = response.body as unknown[];
    const updatedAt = typeof first === 'object' && first !== null ? (first as Record<string, unknown>)['updated_at'] : undefined;
    return typeof updatedAt === 'string' ? updatedAt : null;
  }

  async run(): Promise<CmsResult> {
    const watermark = await this.context.lander.readState(SOURCE, this.accountId, STATE_WATERMARK);
    if (watermark === undefined) {
      await this.fullCrawl();
      return { mode: 'full', itemsLanded: this.itemsLanded, pages: this.pages };
    }
    await this.incrementalCrawl(watermark);
    return { mode: 'incremental', itemsLanded: this.itemsLanded, pages: this.pages };
  }

  private createdAtQuery(window: Window | { from: string; to: string }): string {
    return `+created_at:${window.from}..${window.to}`;
  }

  /** Splits [from, to] until every window's count is at most the configured maximum. */
  private async bisect(from: string, to: string, knownCount?: number): Promise<Window[]> {
    const count = knownCount ?? (await this.count(this.createdAtQuery({ from, to }), `created_at:${from}..${to}`));
    const fromMs = Date.parse(from);
    const toMs = Date.parse(to);
    if (count <= this.context.extractConfig.cms_window_max_videos || toMs - fromMs <= 1000) return [{ from, to, count }];
    const middle = isoSeconds(fromMs + Math.floor((toMs - fromMs) / 2000) * 1000);
    return [...(await this.bisect(from, middle)), ...(await this.bisect(middle, to))];
  }

  private async fullCrawl(): Promise<void> {
    const stored = await this.context.lander.readState(SOURCE, this.accountId, STATE_FULL_CRAWL);
    let cursor: Cursor;
    if (stored) {
      cursor = JSON.parse(stored) as Cursor;
      this.resumedAt = { windowIndex: cursor.windowIndex, pass: cursor.pass };
      this.context.progress.log(`cms: resuming the full crawl at window ${cursor.windowIndex + 1}/${cursor.windows.length}, offset ${cursor.offset}`);
    } else {
      const nextWatermark = await this.newestUpdatedAt();
      const upper = isoSeconds(Math.max(Date.now(), Date.parse(`${this.context.asOfDate}T00:00:00Z`)) + 2 * 86_400_000);
      const windows = await this.bisect(CMS_EPOCH, upper);
      cursor = { windows, windowIndex: 0, offset: 0, pass: 1, passStartedAt: nowIso(), countBefore: windows[0]?.count ?? 0, nextWatermark };
      await this.context.lander.commit([this.state(STATE_FULL_CRAWL, cursor)]);
    }
    const remaining = cursor.windows.slice(cursor.windowIndex).reduce((sum, window) => sum + window.count, 0);
    this.context.progress.addWork(Math.max(0, remaining - cursor.offset));

    while (cursor.windowIndex < cursor.windows.length) {
      const window = cursor.windows[cursor.windowIndex]!;
      const q = this.createdAtQuery(window);
      cursor = await this.crawlPages(cursor, q, 'created_at', STATE_FULL_CRAWL, `created_at:${window.from}..${window.to}`);
    }
    await this.context.lander.commit([this.state(STATE_WATERMARK, cursor.nextWatermark ?? CMS_EPOCH), this.state(STATE_FULL_CRAWL, null)]);
  }

  private async incrementalCrawl(watermark: string): Promise<void> {
    const stored = await this.context.lander.readState(SOURCE, this.accountId, STATE_INCREMENTAL);
    let cursor: Cursor;
    if (stored) {
      cursor = JSON.parse(stored) as Cursor;
      this.resumedAt = { windowIndex: cursor.windowIndex, pass: cursor.pass };
      this.context.progress.log(`cms: resuming the incremental crawl at offset ${cursor.offset}`);
    } else {
      const overlapMs = this.context.extractConfig.cms_updated_at_overlap_minutes * 60_000;
      const since = isoSeconds(Math.max(Date.parse(CMS_EPOCH), Date.parse(watermark) - overlapMs));
      const nextWatermark = (await this.newestUpdatedAt()) ?? watermark;
      const count = await this.count(`+updated_at:${since}..NOW`, `updated_at:${since}..NOW`);
      cursor = {
        windows: [{ from: since, to: 'NOW', count }],
        windowIndex: 0,
        offset: 0,
        pass: 1,
        passStartedAt: nowIso(),
        countBefore: count,
        nextWatermark,
        since,
      };
      await this.context.lander.commit([this.state(STATE_INCREMENTAL, cursor)]);
    }
    this.context.progress.addWork(Math.max(0, (cursor.windows[0]?.count ?? 0) - cursor.offset));
    const q = `+updated_at:${cursor.since}..NOW`;
    while (cursor.windowIndex < cursor.windows.length) {
      cursor = await this.crawlPages(cursor, q, 'updated_at', STATE_INCREMENTAL, `updated_at:${cursor.since}..NOW`);
    }
    await this.context.lander.commit([this.state(STATE_WATERMARK, cursor.nextWatermark ?? watermark), this.state(STATE_INCREMENTAL, null)]);
  }

  /** A checkpoint write; null deletes it (a finished crawl's cursor). */
  private state(stateKey: string, value: Cursor | string | null) {
    return { source: SOURCE, accountId: this.accountId, stateKey, stateValue: value === null || typeof value === 'string' ? value : JSON.stringify(value) };
  }

  private pageUrlPrefix(q: string, sort: string): string {
    return `${this.context.cmsOrigin}${cmsVideosPath(this.accountId)}?q=${encodeURIComponent(q)}&sort=${sort}&limit=${this.context.extractConfig.cms_page_size}&offset=`;
  }

  /** Ids landed by this pass so far (after a resume they come from the warehouse). */
  private async idsOfPass(cursor: Cursor, q: string, sort: string): Promise<Set<string>> {
    if (cursor.offset === 0) return new Set();
    const rows = await this.context.lander.query<{ video_id: string }>(
      `SELECT DISTINCT video_id FROM raw.cms_videos
       WHERE account_id = $1 AND video_id <> '' AND starts_with(request_url, $2) AND fetched_at >= $3::TIMESTAMP`,
      [this.accountId, this.pageUrlPrefix(q, sort), cursor.passStartedAt.replace('T', ' ').replace('Z', '')],
    );
    return new Set(rows.map((row) => row.video_id));
  }

  /** Pages through one window from the cursor; returns the cursor for the next window. */
  private async crawlPages(start: Cursor, q: string, sort: 'created_at' | 'updated_at', stateKey: string, windowLabel: string): Promise<Cursor> {
    const limit = this.context.extractConfig.cms_page_size;
    let cursor = start;
    const seen = await this.idsOfPass(cursor, q, sort);
    for (;;) {
      const url = `${this.pageUrlPrefix(q, sort)}${cursor.offset}`;
      await this.spacer.wait();
      const fetchedAt = nowIso();
      const response = await this.context.http.getJson(
        url,
        { endpoint: ENDPOINT.cmsVideos, account: accountLabel(this.context.account), window: `${windowLabel} offset ${cursor.offset}` },
        this.context.auth,
        problemWithVideoList,
      );
      crashPoint('cms:page-received');
      const videos = response.body as unknown[];
      // Landed as returned, even without a usable id: staging lists such rows with a reason.
      const items: RawItem[] = videos.map((video) => ({ key: videoIdOf(video), itemJson: JSON.stringify(video) }));
      for (const item of items) if (item.key !== '') seen.add(item.key);
      const lastPage = videos.length < limit;
      let next: Cursor = { ...cursor, offset: cursor.offset + videos.length };
      if (lastPage) next = await this.finishPass(next, q, windowLabel, seen.size);
      await this.context.lander.land({
        source: SOURCE,
        accountId: this.accountId,
        requestUrl: response.url,
        fetchedAt,
        items,
        checkpoints: [this.state(stateKey, next)],
      });
      this.itemsLanded += items.length;
      this.pages += 1;
      this.context.progress.advance(items.length);
      if (next.windowIndex !== cursor.windowIndex) return next;
      if (next.pass !== cursor.pass) seen.clear();
      cursor = next;
    }
  }

  /** Decides, at the end of a pass, whether the window is complete or needs another pass. */
  private async finishPass(cursor: Cursor, q: string, windowLabel: string, distinct: number): Promise<Cursor> {
    const countAfter = await this.count(q, windowLabel);
    const expected = Math.max(cursor.countBefore, countAfter);
    if (distinct >= expected) {
      const windowIndex = cursor.windowIndex + 1;
      const following = cursor.windows[windowIndex];
      return { ...cursor, windowIndex, offset: 0, pass: 1, passStartedAt: nowIso(), countBefore: following?.count ?? 0 };
    }
    // A resumed pass may hold pages from the failed run: the budget counts the passes of this run only.
    const passesThisRun = this.resumedAt?.windowIndex === cursor.windowIndex ? cursor.pass - this.resumedAt.pass + 1 : cursor.pass;
    if (passesThisRun >= CMS_MAX_PASSES_PER_WINDOW) {
      throw new Error(
        `${accountLabel(this.context.account)}: endpoint ${ENDPOINT.cmsVideos}, window ${windowLabel}: ` +
          `${distinct} distinct videos after ${cursor.pass} passes but /counts/videos says ${expected}; videos keep changing, run again later`,
      );
    }
    this.context.progress.log(`cms: window ${windowLabel} gave ${distinct} of ${expected} videos (videos changed while paging); crawling it again`);
    this.context.progress.addWork(countAfter);
    return { ...cursor, offset: 0, pass: cursor.pass + 1, passStartedAt: nowIso(), countBefore: countAfter };
  }
}

function problemWithVideoList(body: unknown): string | undefined {
  return Array.isArray(body) ? undefined : `expected a JSON array of videos, got ${body === null ? 'null' : typeof body}`;
}

function problemWithCount(body: unknown): string | undefined {
  const count = typeof body === 'object' && body !== null ? (body as { count?: unknown }).count : undefined;
  return typeof count === 'number' && Number.isInteger(count) && count >= 0 ? undefined : 'expected {"count": N}';
}

/**
 * The video id exactly as sent: a string (json-text.ts turns a numeric id into its exact text). An item
 * without one (or not an object) gets the empty key: it is still landed, and staging rejects it.
 */
function videoIdOf(video: unknown): string {
  const id = typeof video === 'object' && video !== null ? (video as Record<string, unknown>)['id'] : undefined;
  return typeof id === 'string' ? id : '';
}
