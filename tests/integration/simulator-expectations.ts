import type { ReelhouseConfig } from '../../config/load-config.ts';
import { PROVISIONAL_DAYS, PROVISIONAL_FACTOR } from '../../simulator/analytics-report.ts';
import { provisionalRow, type DailyRow } from '../../simulator/daily-views.ts';
import type { CmsVideo, SimulatorDataset } from '../../simulator/server.ts';

/**
 * What the Brightcove marts and exports must contain, computed in plain TypeScript from the
 * simulator's ground truth (`sim.dataset`) and the configuration only: never from the pipeline's
 * tables or files. The rules are restated here from docs/outputs.md and the model headers:
 * - the pipeline sees what the API served at the last fetch of each day: final numbers, except the
 *   simulator's provisional days (today-3 … today-1), served at 70 % (the simulator's documented rule);
 * - last viewed = the last day with video_view > 0 up to the as-of date;
 * - cache = ACTIVE videos with video_view > 0 on a day in [as_of - window, as_of], both inclusive;
 * - tv and other (unknown) devices count in views_other; ratios are recomputed from the day's sums.
 */

export const addDays = (date: string, days: number): string =>
  new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);

export const videoKey = (accountId: string, videoId: string): string => `${accountId}|${videoId}`;
export const dayKey = (accountId: string, videoId: string, date: string): string => `${accountId}|${videoId}|${date}`;

/** One (video, date) row as the pipeline received it last. */
export interface ServedDay {
  accountId: string;
  videoId: string;
  date: string;
  views: number;
  impressions: number;
  playRequests: number;
  secondsViewed: number;
  percentViewed: number;
  engagement: { e1: number; e25: number; e50: number; e75: number; e100: number };
  devices: { desktop: number; mobile: number; tablet: number; other: number };
  /** views / impressions, null without impressions. */
  playRate: number | null;
  /** percent viewed / views, null without views. */
  engagementScore: number | null;
}

export interface LastViewed {
  last: string;
  first: string;
  days: number;
  total: number;
}

export interface CacheEntry {
  lastViewed: string;
  windowViews: number;
}

export interface Expectations {
  asOf: string;
  /** account|video|date → the served row (rows without a video are not attributable and left out). */
  daily: Map<string, ServedDay>;
  /** account|video → the catalog video (what the CMS lists: every state but DELETED). */
  catalog: Map<string, CmsVideo>;
  lastViewed: Map<string, LastViewed>;
  cache: Map<string, CacheEntry>;
  catalogByYear: Set<string>;
}

function served(accountId: string, row: DailyRow, provisional: boolean): ServedDay {
  const seen = provisional ? provisionalRow(row, PROVISIONAL_FACTOR) : row;
  return {
    accountId,
    videoId: seen.video!,
    date: seen.date,
    views: seen.video_view,
    impressions: seen.video_impression,
    playRequests: seen.play_request,
    secondsViewed: seen.video_seconds_viewed,
    percentViewed: seen.video_percent_viewed,
    engagement: {
      e1: seen.video_engagement_1,
      e25: seen.video_engagement_25,
      e50: seen.video_engagement_50,
      e75: seen.video_engagement_75,
      e100: seen.video_engagement_100,
    },
    devices: { desktop: seen.devices.desktop, mobile: seen.devices.mobile, tablet: seen.devices.tablet, other: seen.devices.tv + seen.devices.other },
    playRate: seen.video_impression > 0 ? seen.video_view / seen.video_impression : null,
    engagementScore: seen.video_view > 0 ? seen.video_percent_viewed / seen.video_view : null,
  };
}

/**
 * Expectations for a run with `asOf`, against the simulator as it stands now (call it right after the
 * run: `setToday` replaces the dataset's rows). Every day in the last trailing window was re-fetched
 * by that run, so the last fetch of each day saw the simulator's current numbers.
 */
export function expectationsFor(dataset: SimulatorDataset, config: Readonly<ReelhouseConfig>, asOf: string): Expectations {
  const provisionalFrom = addDays(dataset.today, -PROVISIONAL_DAYS);
  const windowStart = addDays(asOf, -config.reporting.cache_window_days);
  const years = new Set(config.reporting.years);

  const daily = new Map<string, ServedDay>();
  for (const [accountId, rows] of Object.entries(dataset.daily)) {
    for (const row of rows) {
      if (row.video === null || row.date > asOf) continue;
      const day = served(accountId, row, row.date >= provisionalFrom);
      daily.set(dayKey(accountId, day.videoId, day.date), day);
    }
  }

  const catalog = new Map<string, CmsVideo>();
  for (const [accountId, videos] of Object.entries(dataset.videos)) {
    for (const video of videos) if (video.state !== 'DELETED') catalog.set(videoKey(accountId, video.id), video);
  }

  const lastViewed = new Map<string, LastViewed>();
  const cache = new Map<string, CacheEntry>();
  for (const day of daily.values()) {
    if (day.views <= 0) continue;
    const key = videoKey(day.accountId, day.videoId);
    const seen = lastViewed.get(key);
    lastViewed.set(key, {
      last: seen && seen.last > day.date ? seen.last : day.date,
      first: seen && seen.first < day.date ? seen.first : day.date,
      days: (seen?.days ?? 0) + 1,
      total: (seen?.total ?? 0) + day.views,
    });
    if (day.date < windowStart || catalog.get(key)?.state !== 'ACTIVE') continue;
    const entry = cache.get(key);
    cache.set(key, {
      lastViewed: entry && entry.lastViewed > day.date ? entry.lastViewed : day.date,
      windowViews: (entry?.windowViews ?? 0) + day.views,
    });
  }

  const catalogByYear = new Set<string>();
  for (const [key, video] of catalog) {
    const published = video.published_at !== undefined && video.published_at !== null;
    if (video.state === 'ACTIVE' && published && years.has(new Date(video.created_at).getUTCFullYear())) catalogByYear.add(key);
  }

  return { asOf, daily, catalog, lastViewed, cache, catalogByYear };
}

/** Rows of `daily_analytics_<years>_<category>.csv`: cached videos of the category's Reporting accounts,
 * every reported day in the years (impression-only days included, as the original's 3_daily.py wrote
 * every item the API returned), ordered by channel, account, video, date. */
export function multiYearRows(expected: Expectations, config: Readonly<ReelhouseConfig>, category: string, years: readonly number[]): Array<ServedDay & { channel: string }> {
  const accounts = new Map(
    config.accounts.filter((account) => account.category === category && account.workflows.includes('reporting')).map((account) => [account.account_id, account.name]),
  );
  const rows: Array<ServedDay & { channel: string }> = [];
  for (const day of expected.daily.values()) {
    const accountName = accounts.get(day.accountId);
    if (accountName === undefined || !expected.cache.has(videoKey(day.accountId, day.videoId))) continue;
    if (!years.includes(Number(day.date.slice(0, 4)))) continue;
    rows.push({ ...day, channel: accountName });
  }
  const order = (row: ServedDay & { channel: string }) => [row.channel, row.accountId, row.videoId, row.date];
  return rows.sort((a, b) => compareTuples(order(a), order(b)));
}

/** Rows of `<slug>_daily_views.csv`: days with views in [as_of - N, as_of], by date then video. */
export function dailyViewsRows(expected: Expectations, accountId: string, days: number): ServedDay[] {
  const from = addDays(expected.asOf, -days);
  return [...expected.daily.values()]
    .filter((day) => day.accountId === accountId && day.views > 0 && day.date >= from && day.date <= expected.asOf)
    .sort((a, b) => compareTuples([a.date, a.videoId], [b.date, b.videoId]));
}

function compareTuples(a: readonly string[], b: readonly string[]): number {
  for (let i = 0; i < a.length; i++) {
    if (a[i]! < b[i]!) return -1;
    if (a[i]! > b[i]!) return 1;
  }
  return 0;
}

/**
 * For every export file, the facts it is derived from (as JSON text), from the expectations alone.
 * Two runs must produce different bytes for a file exactly when its facts differ: that is what
 * "a run changes only what the new data touches" means here. Note what counts as touching:
 * - `<slug>_cms_metadata.*`: the catalog only; new analytics days never touch it;
 * - `<slug>_cms.*`: the catalog and each video's last viewed date (a new view moves it);
 * - `<slug>_daily_views.csv`: the days with views in the trailing window, which moves with the as-of
 *   date, so a later as-of changes it even without a new view (days leave the window);
 * - `<slug>_cms_<years>.csv`: the catalog only;
 * - `<slug>_cms_cache_<years>.csv`: the cached videos and their last viewed day in the window (a video
 *   can also leave the cache because the window moved);
 * - `daily_analytics_*`: the rows, and `report_generated_on` = the as-of date in every row, so any
 *   non-empty daily analytics file changes with a new as-of date;
 * - `engagement/*`: player events only (none here).
 */
export function exportFingerprints(expected: Expectations, config: Readonly<ReelhouseConfig>): Record<string, string> {
  const out: Record<string, string> = {};
  const catalogOf = (accountId: string) =>
    [...expected.catalog.entries()].filter(([key]) => key.startsWith(`${accountId}|`)).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const years = [...new Set(config.reporting.years)];
  const yearsSuffix = years.join('_');

  for (const account of config.accounts.filter((a) => a.workflows.includes('harper'))) {
    const videos = catalogOf(account.account_id);
    const metadata = JSON.stringify(videos.map(([, video]) => video));
    const withLastViewed = JSON.stringify(videos.map(([key, video]) => [video, expected.lastViewed.get(key)?.last ?? null]));
    const daily = JSON.stringify(dailyViewsRows(expected, account.account_id, config.harper.daily_views_days).map((d) => [d.date, d.videoId, d.views, d.devices]));
    out[`harper/${account.slug}_cms_metadata.json`] = metadata;
    out[`harper/${account.slug}_cms_metadata.csv`] = metadata;
    out[`harper/${account.slug}_cms.json`] = withLastViewed;
    out[`harper/${account.slug}_cms.csv`] = withLastViewed;
    out[`harper/${account.slug}_daily_views.csv`] = daily;
  }
  for (const account of config.accounts.filter((a) => a.workflows.includes('reporting'))) {
    const videos = catalogOf(account.account_id);
    const byYear = JSON.stringify(videos.filter(([key]) => expected.catalogByYear.has(key)));
    const cache = JSON.stringify(videos.filter(([key]) => expected.cache.has(key)).map(([key, video]) => [video, expected.cache.get(key)!.lastViewed]));
    out[`reporting/${account.slug}_cms_${yearsSuffix}.csv`] = byYear;
    out[`reporting/${account.slug}_cms_${yearsSuffix}.json`] = byYear;
    out[`reporting/${account.slug}_cms_cache_${yearsSuffix}.csv`] = cache;
    out[`reporting/${account.slug}_cms_cache_${yearsSuffix}.json`] = cache;
  }
  for (const category of config.reporting.consolidation_categories) {
    const fingerprint = (selected: readonly number[]) => {
      const rows = multiYearRows(expected, config, category, selected);
      return JSON.stringify({ rows, report_generated_on: rows.length > 0 ? expected.asOf : null });
    };
    for (const year of years) out[`reporting/daily_analytics_${year}_${category}.csv`] = fingerprint([year]);
    out[`reporting/daily_analytics_${yearsSuffix}_${category}.csv`] = fingerprint(years);
  }
  for (const file of ['user_video_engagement.csv', 'user_video_engagement.parquet', 'video_engagement_summary.csv']) out[`engagement/${file}`] = 'no player events';
  return out;
}
