-- play_rate is a ratio in 0..1 when there are impressions (NULL without); engagement_score is >= 0
-- (it can exceed 100) when there are views (NULL without). Returns the days out of range.
SELECT account_id, video_id, view_date, video_view, video_impression, play_rate, engagement_score
FROM marts.daily_video_analytics
WHERE (video_impression > 0 AND (play_rate IS NULL OR play_rate < 0 OR play_rate > 1))
   OR (coalesce(video_impression, 0) = 0 AND play_rate IS NOT NULL)
   OR (video_view > 0 AND engagement_score < 0)
   OR (coalesce(video_view, 0) = 0 AND engagement_score IS NOT NULL)
