-- marts.video_engagement_summary: how each video is watched, over all of its viewers.
-- kind: table
-- grain: video_id
-- Rows: one row per video_id with player events.
-- Why: the seed's "Top Videos by Engagement" and "Drop-off Analysis" queries, precomputed: unique
-- viewers, average watch and completion percentages, viewers per engagement tier, and where the
-- viewers who never completed the video stopped (by tenth of its duration).
-- Exact arithmetic, as the mart (docs/engagement-rules.md): the percentages and scores, one decimal
-- each, are read as whole tenths, so averages are sums of integers divided and rounded half away from
-- zero in integers, and the seconds are summed as DECIMALs; binary floating point decides nothing.
CREATE OR REPLACE TABLE marts.video_engagement_summary AS
WITH engagement AS (
    -- (x10 then round: a one-decimal DOUBLE is within 1e-12 of its tenths)
    SELECT
        *,
        CAST(round(watch_percentage * 10) AS BIGINT)        AS watch_tenths,
        CAST(round(unique_watch_percentage * 10) AS BIGINT) AS unique_watch_tenths,
        CAST(round(completion_percentage * 10) AS BIGINT)   AS completion_tenths,
        CAST(round(engagement_score * 10) AS BIGINT)        AS score_tenths
    FROM marts.user_video_engagement
),

dropoff_buckets AS (
    -- The tenth of the video in which a viewer who never completed it got furthest (0 = first tenth).
    SELECT
        video_id,
        CASE WHEN completion_count = 0 AND completion_tenths IS NOT NULL
             THEN least(completion_tenths // 100, 9) END AS dropoff_decile
    FROM engagement
),

dropoffs AS (
    SELECT
        video_id,
        count(*) FILTER (WHERE dropoff_decile = 0) AS dropoff_00_10_count,
        count(*) FILTER (WHERE dropoff_decile = 1) AS dropoff_10_20_count,
        count(*) FILTER (WHERE dropoff_decile = 2) AS dropoff_20_30_count,
        count(*) FILTER (WHERE dropoff_decile = 3) AS dropoff_30_40_count,
        count(*) FILTER (WHERE dropoff_decile = 4) AS dropoff_40_50_count,
        count(*) FILTER (WHERE dropoff_decile = 5) AS dropoff_50_60_count,
        count(*) FILTER (WHERE dropoff_decile = 6) AS dropoff_60_70_count,
        count(*) FILTER (WHERE dropoff_decile = 7) AS dropoff_70_80_count,
        count(*) FILTER (WHERE dropoff_decile = 8) AS dropoff_80_90_count,
        count(*) FILTER (WHERE dropoff_decile = 9) AS dropoff_90_100_count
    FROM dropoff_buckets
    GROUP BY video_id
),

per_video AS (
    SELECT
        video_id,
        any_value(video_duration_s)                          AS video_duration_s,
        any_value(duration_source)                           AS duration_source,
        count(*)                                             AS unique_viewers,
        count(*) FILTER (WHERE completion_count > 0)         AS completed_viewers,
        sum(CAST(total_watch_time_s AS DECIMAL(18, 3)))     AS total_watch_time_s,
        -- the average to one decimal: (2 x sum of tenths + n) // (2 x n) tenths (no negative values)
        (2 * sum(watch_tenths) + count(watch_tenths)) // nullif(2 * count(watch_tenths), 0) * 0.1 AS avg_watch_percentage,
        (2 * sum(unique_watch_tenths) + count(unique_watch_tenths)) // nullif(2 * count(unique_watch_tenths), 0) * 0.1 AS avg_unique_watch_percentage,
        (2 * sum(completion_tenths) + count(completion_tenths)) // nullif(2 * count(completion_tenths), 0) * 0.1 AS avg_completion_percentage,
        (2 * sum(score_tenths) + count(score_tenths)) // nullif(2 * count(score_tenths), 0) * 0.1 AS avg_engagement_score,
        count(*) FILTER (WHERE engagement_tier = 'High')     AS high_tier_viewers,
        count(*) FILTER (WHERE engagement_tier = 'Medium')   AS medium_tier_viewers,
        count(*) FILTER (WHERE engagement_tier = 'Low')      AS low_tier_viewers,
        count(*) FILTER (WHERE engagement_tier = 'Minimal')  AS minimal_tier_viewers
    FROM engagement
    GROUP BY video_id
),

final AS (
    SELECT
        CAST(p.video_id AS VARCHAR)                           AS video_id,
        CAST(p.video_duration_s AS DOUBLE)                    AS video_duration_s,
        CAST(p.duration_source AS VARCHAR)                    AS duration_source,
        CAST(p.unique_viewers AS BIGINT)                      AS unique_viewers,
        CAST(least(p.completed_viewers, p.unique_viewers) AS BIGINT) AS completed_viewers,
        CAST(p.total_watch_time_s AS DOUBLE)                  AS total_watch_time_s,
        CAST(p.avg_watch_percentage AS DOUBLE)                AS avg_watch_percentage,
        CAST(p.avg_unique_watch_percentage AS DOUBLE)         AS avg_unique_watch_percentage,
        CAST(p.avg_completion_percentage AS DOUBLE)           AS avg_completion_percentage,
        CAST(p.avg_engagement_score AS DOUBLE)                AS avg_engagement_score,
        CAST(p.high_tier_viewers AS BIGINT)                   AS high_tier_viewers,
        CAST(p.medium_tier_viewers AS BIGINT)                 AS medium_tier_viewers,
        CAST(p.low_tier_viewers AS BIGINT)                    AS low_tier_viewers,
        CAST(p.minimal_tier_viewers AS BIGINT)                AS minimal_tier_viewers,
        CAST(d.dropoff_00_10_count AS BIGINT)                 AS dropoff_00_10_count,
        CAST(d.dropoff_10_20_count AS BIGINT)                 AS dropoff_10_20_count,
        CAST(d.dropoff_20_30_count AS BIGINT)                 AS dropoff_20_30_count,
        CAST(d.dropoff_30_40_count AS BIGINT)                 AS dropoff_30_40_count,
        CAST(d.dropoff_40_50_count AS BIGINT)                 AS dropoff_40_50_count,
        CAST(d.dropoff_50_60_count AS BIGINT)                 AS dropoff_50_60_count,
        CAST(d.dropoff_60_70_count AS BIGINT)                 AS dropoff_60_70_count,
        CAST(d.dropoff_70_80_count AS BIGINT)                 AS dropoff_70_80_count,
        CAST(d.dropoff_80_90_count AS BIGINT)                 AS dropoff_80_90_count,
        CAST(d.dropoff_90_100_count AS BIGINT)                AS dropoff_90_100_count
    FROM per_video AS p
    JOIN dropoffs AS d USING (video_id)
)

SELECT * FROM final ORDER BY video_id;

COMMENT ON TABLE marts.video_engagement_summary IS 'Per video, over all viewers in marts.user_video_engagement: unique viewers, averages, tier counts and drop-off by tenth of the duration. One row per video_id.';
COMMENT ON COLUMN marts.video_engagement_summary.video_id IS 'The video (Brightcove video id).';
COMMENT ON COLUMN marts.video_engagement_summary.video_duration_s IS 'Duration used for the percentages, seconds.';
COMMENT ON COLUMN marts.video_engagement_summary.duration_source IS 'cms, event or max_position (see marts.user_video_engagement).';
COMMENT ON COLUMN marts.video_engagement_summary.unique_viewers IS 'Users with at least one event of this video.';
COMMENT ON COLUMN marts.video_engagement_summary.completed_viewers IS 'Users who completed the video in at least one viewing session.';
COMMENT ON COLUMN marts.video_engagement_summary.total_watch_time_s IS 'Sum of total_watch_time_s over the viewers, seconds (3 decimals).';
COMMENT ON COLUMN marts.video_engagement_summary.avg_watch_percentage IS 'Average watch_percentage over the viewers, 1 decimal (NULL without a duration).';
COMMENT ON COLUMN marts.video_engagement_summary.avg_unique_watch_percentage IS 'Average unique_watch_percentage over the viewers, 1 decimal.';
COMMENT ON COLUMN marts.video_engagement_summary.avg_completion_percentage IS 'Average completion_percentage over the viewers, 1 decimal.';
COMMENT ON COLUMN marts.video_engagement_summary.avg_engagement_score IS 'Average over the viewers of the viewer score marts.user_video_engagement.engagement_score (from the player events, not Brightcove''s ratio), 1 decimal.';
COMMENT ON COLUMN marts.video_engagement_summary.high_tier_viewers IS 'Viewers with engagement_tier High.';
COMMENT ON COLUMN marts.video_engagement_summary.medium_tier_viewers IS 'Viewers with engagement_tier Medium.';
COMMENT ON COLUMN marts.video_engagement_summary.low_tier_viewers IS 'Viewers with engagement_tier Low.';
COMMENT ON COLUMN marts.video_engagement_summary.minimal_tier_viewers IS 'Viewers with engagement_tier Minimal.';
COMMENT ON COLUMN marts.video_engagement_summary.dropoff_00_10_count IS 'Viewers who never completed the video and got furthest in its first tenth (completion_percentage < 10).';
COMMENT ON COLUMN marts.video_engagement_summary.dropoff_10_20_count IS 'Viewers who never completed it, furthest point in 10-20 % of the duration.';
COMMENT ON COLUMN marts.video_engagement_summary.dropoff_20_30_count IS 'Viewers who never completed it, furthest point in 20-30 %.';
COMMENT ON COLUMN marts.video_engagement_summary.dropoff_30_40_count IS 'Viewers who never completed it, furthest point in 30-40 %.';
COMMENT ON COLUMN marts.video_engagement_summary.dropoff_40_50_count IS 'Viewers who never completed it, furthest point in 40-50 %.';
COMMENT ON COLUMN marts.video_engagement_summary.dropoff_50_60_count IS 'Viewers who never completed it, furthest point in 50-60 %.';
COMMENT ON COLUMN marts.video_engagement_summary.dropoff_60_70_count IS 'Viewers who never completed it, furthest point in 60-70 %.';
COMMENT ON COLUMN marts.video_engagement_summary.dropoff_70_80_count IS 'Viewers who never completed it, furthest point in 70-80 %.';
COMMENT ON COLUMN marts.video_engagement_summary.dropoff_80_90_count IS 'Viewers who never completed it, furthest point in 80-90 %.';
COMMENT ON COLUMN marts.video_engagement_summary.dropoff_90_100_count IS 'Viewers who never completed it, furthest point in 90-100 % (or beyond).';
