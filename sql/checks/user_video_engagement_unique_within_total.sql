-- Seconds watched at least once never exceed the seconds watched (the union of the segments is no
-- longer than their sum; both are rounded to the millisecond the same way, which keeps the order), and
-- neither exceeds the duration where it is known, since every segment is clipped to [0, duration]
-- (docs/engagement-rules.md#watched-segments). Returns the (user, video) rows that break either.
SELECT user_id, video_id, total_watch_time_s, unique_seconds_watched, video_duration_s
FROM marts.user_video_engagement
WHERE unique_seconds_watched > total_watch_time_s
   OR (video_duration_s > 0 AND unique_seconds_watched > video_duration_s)
