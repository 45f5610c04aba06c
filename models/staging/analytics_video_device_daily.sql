-- staging.analytics_video_device_daily: Analytics API report rows (dimensions=video,date,device_type), typed.
-- kind: table
-- grain: account_id, video_id, view_date, device_type
-- Rows: one row per (account_id, video_id, view_date, device_type).
-- Why: the device report's rows of staging.analytics_video_breakdown_daily, where its rules are (the
-- latest completed fetch per day; a missing device type is 'unknown').
CREATE OR REPLACE TABLE staging.analytics_video_device_daily AS
SELECT account_id, video_id, view_date, breakdown AS device_type, video_view, is_reconciled, fetch_id, fetched_at
FROM staging.analytics_video_breakdown_daily
WHERE source = 'analytics_video_device_daily';
