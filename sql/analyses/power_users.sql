-- Question: who are the power users? Viewers with at least 5 videos watched at engagement tier High
--   (engagement_score >= 75: most of the video, to near its end).
-- Grain: one row per user_id with 5 or more High-tier (user, video) rows.
-- Reads: marts.user_video_engagement
SELECT
    user_id,
    count(*)                                            AS high_tier_videos,
    round(avg(watch_percentage), 1)                     AS avg_watch_pct,
    round(sum(total_watch_time_s), 3)                   AS total_watch_time_s
FROM marts.user_video_engagement
WHERE engagement_tier = 'High'
GROUP BY user_id
HAVING count(*) >= 5
ORDER BY high_tier_videos DESC, user_id;
