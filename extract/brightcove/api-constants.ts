/**
 * Brightcove constants: paths, field lists and limits the APIs document. No logic here.
 * CMS: `GET /videos` pages of at most 100, at most 20 concurrent requests and under 10 per second per
 * account. Analytics: one request at a time per account, at most 1,000,000 rows per request.
 */

export const OAUTH_TOKEN_PATH = '/v4/access_token';
export const cmsVideosPath = (accountId: string) => `/v1/accounts/${accountId}/videos`;
export const cmsCountPath = (accountId: string) => `/v1/accounts/${accountId}/counts/videos`;
export const ANALYTICS_DATA_PATH = '/v1/data';
export const ANALYTICS_STATUS_PATH = '/v1/data/status';

export const ENDPOINT = Object.freeze({
  token: 'oauth:/v4/access_token',
  cmsVideos: 'cms:/videos',
  cmsCount: 'cms:/counts/videos',
  analytics: 'analytics:/v1/data',
  analyticsStatus: 'analytics:/v1/data/status',
});

/** The start of any created_at crawl: before Video Cloud existed. */
export const CMS_EPOCH = '2000-01-01T00:00:00Z';
/** Crawl passes over one window before giving up on a count that keeps moving. */
export const CMS_MAX_PASSES_PER_WINDOW = 4;
export const CMS_REQUESTS_PER_SECOND = 8;

export const ANALYTICS_ROW_CAP = 1_000_000;
/**
 * Rows a planned window may be expected to return: the cap less 10 %, because the expectation counts
 * only the videos the CMS still lists (a deleted video's old views come back too).
 */
export const ANALYTICS_WINDOW_ROW_BUDGET = 900_000;
/** `all` asks for every row in one response; a number pages with offset. */
export const ANALYTICS_PAGE_LIMIT: number | 'all' = 'all';

export const VIDEO_DAILY_FIELDS = [
  'video',
  'date',
  'video_view',
  'video_impression',
  'play_request',
  'engagement_score',
  'video_engagement_1',
  'video_engagement_25',
  'video_engagement_50',
  'video_engagement_75',
  'video_engagement_100',
  'video_percent_viewed',
  'video_seconds_viewed',
] as const;

export const VIDEO_DEVICE_DAILY_FIELDS = ['video', 'date', 'device_type', 'video_view'] as const;
export const VIDEO_BROWSER_DAILY_FIELDS = ['video', 'date', 'browser_type', 'video_view'] as const;

export type AnalyticsSource = 'analytics_video_daily' | 'analytics_video_device_daily' | 'analytics_video_browser_daily';

/**
 * The reports, each asked per account and date window. `valuesPerVideoDay` is how many rows one video
 * can have on one day: the documented values of the extra dimension (device_type: desktop, mobile,
 * tablet, tv, other; browser_type: chrome, edge, firefox, ie, opera, safari, other).
 */
export const ANALYTICS_REPORTS: Record<AnalyticsSource, { dimensions: string; fields: readonly string[]; valuesPerVideoDay: number }> = {
  analytics_video_daily: { dimensions: 'video,date', fields: VIDEO_DAILY_FIELDS, valuesPerVideoDay: 1 },
  analytics_video_device_daily: { dimensions: 'video,date,device_type', fields: VIDEO_DEVICE_DAILY_FIELDS, valuesPerVideoDay: 5 },
  analytics_video_browser_daily: { dimensions: 'video,date,browser_type', fields: VIDEO_BROWSER_DAILY_FIELDS, valuesPerVideoDay: 7 },
};

/**
 * The first day the API holds data for a report's dimensions, as documented: the fallback when
 * `GET /v1/data/status` answers no `reconciled_from`.
 */
export const DOCUMENTED_DATA_FROM: Record<AnalyticsSource, string> = {
  analytics_video_daily: '2011-01-01',
  analytics_video_device_daily: '2011-01-01',
  analytics_video_browser_daily: '2016-08-30',
};
