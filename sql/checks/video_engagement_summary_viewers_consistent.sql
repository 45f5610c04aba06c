-- Per video: completed viewers and the viewers of each tier are among the unique viewers, the tiers
-- together count each viewer with a score once (so at most unique_viewers), and the average score is
-- in 0..100. Returns the videos that break it.
SELECT video_id, unique_viewers, completed_viewers,
       high_tier_viewers + medium_tier_viewers + low_tier_viewers + minimal_tier_viewers AS tier_viewers,
       avg_engagement_score
FROM marts.video_engagement_summary
WHERE completed_viewers > unique_viewers
   OR high_tier_viewers + medium_tier_viewers + low_tier_viewers + minimal_tier_viewers > unique_viewers
   OR avg_engagement_score < 0
   OR avg_engagement_score > 100
