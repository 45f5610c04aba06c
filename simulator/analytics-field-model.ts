/**
 * Fields the Analytics API documents per dimension combination, copied from Brightcove's own
 * interactive model (apis-en assets/js/analytics/aapi-model-v2.js, extracted to
 * tests/fixtures/brightcove-samples/analytics-dimension-field-model_extracted.json).
 * Only the combinations the simulator serves are kept; keys are the sorted dimension names.
 * `video,date,device_type` is absent from the model: strict mode uses the intersection of its pairs.
 */
export const DOCUMENTED_FIELDS: Readonly<Record<string, readonly string[]>> = {
  'video': [
    'ad_mode_begin', 'ad_mode_complete', 'bytes_delivered', 'engagement_score', 'play_request', 'play_rate',
    'video', 'video_duration', 'video_engagement_1', 'video_engagement_100', 'video_engagement_25',
    'video_engagement_50', 'video_engagement_75', 'video_impression', 'video_name', 'video_percent_viewed',
    'video_seconds_viewed', 'video_view', 'video.reference_id', 'video.name', 'video.description',
    'video.complete', 'video.created_at', 'video.duration', 'video.economics', 'video.long_description',
    'video.state', 'video.tags', 'video.updated_at', 'video_download_request', 'video_download_complete',
    'video_download_cancellation', 'video_download_error',
  ],
  'date': [
    'ad_mode_begin', 'ad_mode_complete', 'active_media', 'bytes_delivered', 'daily_unique_viewers', 'date',
    'drm_bytes_packaged', 'engagement_score', 'licenses_served', 'live_seconds_streamed', 'play_request',
    'play_rate', 'player_load', 'video_engagement_1', 'video_engagement_100', 'video_engagement_25',
    'video_engagement_50', 'video_engagement_75', 'video_impression', 'video_percent_viewed',
    'video_seconds_viewed', 'video_view',
  ],
  'device_type': [
    'ad_mode_begin', 'ad_mode_complete', 'device_type', 'engagement_score', 'play_request', 'play_rate',
    'player_load', 'video_impression', 'video_percent_viewed', 'video_seconds_viewed', 'video_view',
  ],
  'device_type,video': [
    'ad_mode_begin', 'ad_mode_complete', 'engagement_score', 'play_request', 'play_rate', 'video',
    'video_duration', 'video_impression', 'video_name', 'video_percent_viewed', 'video_seconds_viewed',
    'video_view', 'video.reference_id', 'video.name', 'device_type', 'video.description', 'video.complete',
    'video.created_at', 'video.duration', 'video.economics', 'video.long_description', 'video.state',
    'video.tags', 'video.updated_at',
  ],
  'date,device_type': [
    'device_type', 'ad_mode_begin', 'ad_mode_complete', 'active_media', 'bytes_delivered',
    'daily_unique_viewers', 'date', 'drm_bytes_packaged', 'engagement_score', 'licenses_served',
    'live_seconds_streamed', 'play_request', 'play_rate', 'player_load', 'video_engagement_1',
    'video_engagement_100', 'video_engagement_25', 'video_engagement_50', 'video_engagement_75',
    'video_impression', 'video_percent_viewed', 'video_seconds_viewed', 'video_view',
  ],
  'date,video': [
    'ad_mode_begin', 'ad_mode_complete', 'date', 'engagement_score', 'video', 'video_engagement_1',
    'video_engagement_100', 'video_engagement_25', 'video_engagement_50', 'video_engagement_75',
    'video_impression', 'video_name', 'video_percent_viewed', 'video_seconds_viewed', 'video_view',
    'video.reference_id', 'video.name', 'video.description', 'video.complete', 'video.created_at',
    'video.duration', 'video.economics', 'video.long_description', 'video.state', 'video.tags',
    'video.updated_at',
  ],
  'browser_type': [
    'ad_mode_begin', 'ad_mode_complete', 'browser_type', 'engagement_score', 'play_request', 'play_rate',
    'player_load', 'video_impression', 'video_percent_viewed', 'video_seconds_viewed', 'video_view',
  ],
  'browser_type,video': [
    'ad_mode_begin', 'ad_mode_complete', 'alive_ss_ad_start', 'engagement_score', 'video_engagement_1',
    'video_engagement_100', 'video_engagement_25', 'video_engagement_50', 'video_engagement_75', 'play_request',
    'play_rate', 'video_impression', 'video_percent_viewed', 'video_seconds_viewed', 'video_view', 'video.name',
    'video.reference_id', 'video.description', 'video.long_description', 'video.tags', 'video.complete',
    'video.duration', 'video.state', 'video.created_at', 'video.updated_at', 'video.economics', 'browser_type',
  ],
  'browser_type,date': [
    'browser_type', 'ad_mode_begin', 'ad_mode_complete', 'active_media', 'bytes_delivered',
    'daily_unique_viewers', 'date', 'drm_bytes_packaged', 'engagement_score', 'licenses_served',
    'live_seconds_streamed', 'play_request', 'play_rate', 'player_load', 'video_engagement_1',
    'video_engagement_100', 'video_engagement_25', 'video_engagement_50', 'video_engagement_75',
    'video_impression', 'video_percent_viewed', 'video_seconds_viewed', 'video_view',
  ],
};
