-- Every video in the cache is ACTIVE in the catalog: returns cached videos that are not (or are missing).
SELECT video_cache.account_id, video_cache.video_id, video_catalog.state
FROM marts.video_cache
LEFT JOIN marts.video_catalog USING (account_id, video_id)
WHERE video_catalog.state IS DISTINCT FROM 'ACTIVE'
