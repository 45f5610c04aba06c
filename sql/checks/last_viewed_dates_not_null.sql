-- Every row of the last-viewed marts has its last_viewed_date (not part of their grain, so the grain
-- checks do not see it; a NULL would export an empty dt_last_viewed for a viewed video): returns the rows without.
SELECT 'marts.video_last_viewed' AS table_name, account_id, video_id FROM marts.video_last_viewed WHERE last_viewed_date IS NULL
UNION ALL
SELECT 'marts.video_cache', account_id, video_id FROM marts.video_cache WHERE last_viewed_date IS NULL
