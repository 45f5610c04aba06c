-- Question: which content types hold their viewers best? Brightcove's daily engagement_score, weighted
--   by each day's views, per video_content_type (the CMS custom field).
-- Grain: one row per video_content_type ('(not set)' when the field is empty or the video is not in the catalog).
-- Reads: marts.daily_video_analytics, marts.video_catalog
-- engagement_score = sum(engagement_score x video_view) / sum(video_view) over the days with views,
-- so a busy day counts as much as its views, and a day without views (no score) not at all.
WITH daily AS (
    SELECT account_id, video_id, video_view, engagement_score
    FROM marts.daily_video_analytics
    WHERE video_view > 0 AND engagement_score IS NOT NULL
),

content_types AS (
    SELECT account_id, video_id, cf_video_content_type FROM marts.video_catalog
)

SELECT
    coalesce(nullif(trim(content_types.cf_video_content_type), ''), '(not set)')            AS video_content_type,
    CAST(sum(daily.video_view) AS BIGINT)                                                      AS video_views,
    round(sum(daily.engagement_score * daily.video_view) / sum(daily.video_view), 2)          AS engagement_score,
    count(DISTINCT (daily.account_id, daily.video_id))                                         AS videos
FROM daily
LEFT JOIN content_types USING (account_id, video_id)
GROUP BY 1
ORDER BY engagement_score DESC, video_content_type;
