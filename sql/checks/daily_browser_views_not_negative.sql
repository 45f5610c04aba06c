-- marts.daily_browser_views: views are never negative (its keys are checked from its grain): returns the offending rows.
SELECT account_id, video_id, view_date, browser_type, video_view
FROM marts.daily_browser_views
WHERE video_view < 0
