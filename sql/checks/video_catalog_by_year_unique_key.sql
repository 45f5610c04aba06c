-- marts.video_catalog_by_year has one row per (account_id, video_id): returns each key that appears more than once.
SELECT account_id, video_id, count(*) AS row_count
FROM marts.video_catalog_by_year
GROUP BY account_id, video_id
HAVING count(*) > 1
