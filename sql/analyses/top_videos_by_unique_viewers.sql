-- Question: which videos reach the most people in the player events, and how much of them do they watch?
-- Grain: one row per video with player events (the 50 with the most unique viewers); account_id and
--   video_name are NULL for a video the CMS catalog does not hold.
-- Reads: marts.video_engagement_summary, marts.video_catalog
WITH summary AS (
    SELECT video_id, unique_viewers, avg_watch_percentage, avg_completion_percentage, completed_viewers, high_tier_viewers
    FROM marts.video_engagement_summary
),

catalog AS (
    SELECT account_id, video_id, name FROM marts.video_catalog
)

SELECT
    catalog.account_id,
    summary.video_id,
    catalog.name                          AS video_name,
    summary.unique_viewers,
    summary.avg_watch_percentage          AS avg_watch_pct,
    summary.avg_completion_percentage     AS avg_completion_pct,
    summary.completed_viewers,
    summary.high_tier_viewers
FROM summary
LEFT JOIN catalog USING (video_id)
ORDER BY summary.unique_viewers DESC, summary.video_id, catalog.account_id
LIMIT 50;
