-- marts.daily_browser_views has one row per (account_id, video_id, view_date, browser_type): returns each repeated key.
SELECT account_id, video_id, view_date, browser_type, count(*) AS row_count
FROM marts.daily_browser_views
GROUP BY account_id, video_id, view_date, browser_type
HAVING count(*) > 1
