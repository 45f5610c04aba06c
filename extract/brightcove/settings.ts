/**
 * Brightcove constants: paths, field lists and limits the APIs document. No logic here.
 * CMS: `GET /videos` pages of at most 100, at most 20 concurrent requests and under 10 per second per
 * account. Analytics: one request at a time per account, at most 1,000,000 rows per request.
 */

export const OAUTH_TOKEN_PATH = '/v4/access_token';
export const cmsVideosPath = (accountId: string) => `/v1/accounts/${accountId}/videos`;
export const cmsCountPath = (accountId: string) => `/v1/accounts/${accountId}/counts/videos`;
export const ANALYTICS_DATA_PATH = '/v1/data';

export const ENDPOINT = Object.freeze({
  token: 'oauth:/v4/access_token',
  cmsVideos: 'cms:/videos',
  cmsCount: 'cms:/counts/videos',
  analytics: 'analytics:/v1/data',
});

/** The start of any created_at crawl: before Video Cloud existed. */
export const CMS_EPOCH = '2000-01-01T00:00:00Z';
/** Crawl passes over one window before giving up on a count that keeps moving. */
export const CMS_MAX_PASSES_PER_WINDOW = 4;
export const CMS_REQUESTS_PER_SECOND = 8;

export const ANALYTICS_ROW_CAP = 1_000_000;
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

export type AnalyticsSource = 'analytics_video_daily' | 'analytics_video_device_daily';

export const ANALYTICS_REPORTS: Record<AnalyticsSource, { dimensions: string; fields: readonly string[] }> = {
  analytics_video_daily: { dimensions: 'video,date', fields: VIDEO_DAILY_FIELDS },
  analytics_video_device_daily: { dimensions: 'video,date,device_type', fields: VIDEO_DEVICE_DAILY_FIELDS },
};
