-- marts.daily_browser_views: keys are never NULL and views never negative: returns the offending rows.
SELECT account_id, video_id, view_date, browser_type, video_view
FROM marts.daily_browser_views
WHERE account_id IS NULL OR video_id IS NULL OR view_date IS NULL OR browser_type IS NULL OR video_view < 0
