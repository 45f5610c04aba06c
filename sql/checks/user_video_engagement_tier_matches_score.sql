-- engagement_tier is the one its score falls in: High >= 75, Medium >= 50, Low >= 25, else Minimal,
-- each bound in the higher tier; no score, no tier (docs/engagement-rules.md#engagement-tier).
-- Returns the rows whose tier is another.
SELECT user_id, video_id, engagement_score, engagement_tier
FROM marts.user_video_engagement
WHERE engagement_tier IS DISTINCT FROM CASE
        WHEN engagement_score IS NULL THEN NULL
        WHEN engagement_score >= 75 THEN 'High'
        WHEN engagement_score >= 50 THEN 'Medium'
        WHEN engagement_score >= 25 THEN 'Low'
        ELSE 'Minimal'
      END
