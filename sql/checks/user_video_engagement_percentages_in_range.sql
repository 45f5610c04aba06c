-- With a known duration, every percentage is >= 0, the unique and completion percentages and the score
-- are at most 100 (segments are clipped to the duration; the score caps both parts at 100), and only
-- watch_percentage may pass 100 (replays). Without one (0 or unknown) all four are NULL
-- (docs/engagement-rules.md#unknown-duration). Returns the rows out of range.
SELECT user_id, video_id, video_duration_s, watch_percentage, unique_watch_percentage, completion_percentage, engagement_score
FROM marts.user_video_engagement
WHERE (video_duration_s > 0 AND (
          watch_percentage IS NULL OR watch_percentage < 0
       OR unique_watch_percentage IS NULL OR unique_watch_percentage < 0 OR unique_watch_percentage > 100
       OR completion_percentage IS NULL OR completion_percentage < 0 OR completion_percentage > 100
       OR engagement_score IS NULL OR engagement_score < 0 OR engagement_score > 100))
   OR (coalesce(video_duration_s, 0) = 0 AND (
          watch_percentage IS NOT NULL OR unique_watch_percentage IS NOT NULL
       OR completion_percentage IS NOT NULL OR engagement_score IS NOT NULL))
