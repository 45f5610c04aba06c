-- Question: where do viewers stop? For each 30-second position of a video, how many viewers were
--   still watching there, over all videos with player events.
-- Grain: one row per 30-second bucket (position_bucket_start_s = 0, 30, 60, ... up to the furthest point reached).
-- Reads: marts.user_video_engagement
-- A viewer is a (user, video) row; it is still watching at a bucket when its furthest point reached
-- (max_position_s) is at or past the bucket's start. dropped_in_bucket counts the viewers who never
-- completed the video and whose furthest point lies in the bucket (the seed's drop-off count);
-- long_videos_dropped_in_bucket counts the same for videos of 20 minutes or more (video_duration_s >= 1200),
-- whose early exits would otherwise hide among the short videos' ends.
WITH viewers AS (
    SELECT max_position_s, completion_count, video_duration_s FROM marts.user_video_engagement
),

buckets AS (
    -- 0, 30, ... up to the bucket of the furthest point reached (none without viewers)
    SELECT CAST(unnest(range(0, CAST((SELECT coalesce(floor(max(max_position_s) / 30) * 30 + 30, 0) FROM viewers) AS BIGINT), 30)) AS BIGINT)
           AS position_bucket_start_s
)

SELECT
    buckets.position_bucket_start_s,
    count(viewers.max_position_s) FILTER (WHERE viewers.max_position_s >= buckets.position_bucket_start_s) AS viewers,
    count(viewers.max_position_s) FILTER (WHERE viewers.completion_count = 0
                                            AND floor(viewers.max_position_s / 30) * 30 = buckets.position_bucket_start_s) AS dropped_in_bucket,
    count(viewers.max_position_s) FILTER (WHERE viewers.completion_count = 0 AND viewers.video_duration_s >= 1200
                                            AND floor(viewers.max_position_s / 30) * 30 = buckets.position_bucket_start_s) AS long_videos_dropped_in_bucket,
    round(count(viewers.max_position_s) FILTER (WHERE viewers.max_position_s >= buckets.position_bucket_start_s)
          / nullif(count(viewers.max_position_s), 0), 4) AS share_still_watching
FROM buckets
CROSS JOIN viewers
GROUP BY buckets.position_bucket_start_s
ORDER BY buckets.position_bucket_start_s;
