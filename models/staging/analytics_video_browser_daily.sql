-- staging.analytics_video_browser_daily: Analytics API report rows (dimensions=video,date,browser_type), typed.
-- kind: table
-- grain: account_id, video_id, view_date, browser_type
-- Rows: one row per (account_id, video_id, view_date, browser_type).
-- Why: the browser report's rows of staging.analytics_video_breakdown_daily, where its rules are (the
-- latest completed fetch per day; a missing browser type is 'unknown', as 'other' in marts.daily_browser_views).
CREATE OR REPLACE TABLE staging.analytics_video_browser_daily AS
SELECT account_id, video_id, view_date, breakdown AS browser_type, video_view, is_reconciled, fetch_id, fetched_at
FROM staging.analytics_video_breakdown_daily
WHERE source = 'analytics_video_browser_daily';
