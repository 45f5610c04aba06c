-- Keys are never NULL in the Brightcove marts: returns the table and the row with a missing key.
SELECT 'marts.video_catalog' AS table_name, account_id, video_id, NULL::DATE AS view_date FROM marts.video_catalog WHERE account_id IS NULL OR video_id IS NULL
UNION ALL
SELECT 'marts.video_last_viewed', account_id, video_id, last_viewed_date FROM marts.video_last_viewed WHERE account_id IS NULL OR video_id IS NULL OR last_viewed_date IS NULL
UNION ALL
SELECT 'marts.video_cache', account_id, video_id, last_viewed_date FROM marts.video_cache WHERE account_id IS NULL OR video_id IS NULL OR last_viewed_date IS NULL
UNION ALL
SELECT 'marts.video_catalog_by_year', account_id, video_id, NULL FROM marts.video_catalog_by_year WHERE account_id IS NULL OR video_id IS NULL
UNION ALL
SELECT 'marts.daily_video_analytics', account_id, video_id, view_date FROM marts.daily_video_analytics WHERE account_id IS NULL OR video_id IS NULL OR view_date IS NULL
UNION ALL
SELECT 'marts.daily_analytics_multi_year', account_id, video_id, view_date FROM marts.daily_analytics_multi_year WHERE account_id IS NULL OR video_id IS NULL OR view_date IS NULL
