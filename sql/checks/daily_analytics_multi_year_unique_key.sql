-- marts.daily_analytics_multi_year has one row per (account_id, video_id, view_date): returns each key that appears more than once.
SELECT account_id, video_id, view_date, count(*) AS row_count
FROM marts.daily_analytics_multi_year
GROUP BY account_id, video_id, view_date
HAVING count(*) > 1
