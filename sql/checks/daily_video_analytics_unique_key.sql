-- marts.daily_video_analytics has one row per (account_id, video_id, view_date): returns each repeated key.
SELECT account_id, video_id, view_date, count(*) AS row_count
FROM marts.daily_video_analytics
GROUP BY account_id, video_id, view_date
HAVING count(*) > 1
