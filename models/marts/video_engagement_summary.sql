-- marts.video_engagement_summary: how each video is watched, over all of its viewers.
-- Grain: one row per video_id with player events.
-- Why: the seed's "Top Videos by Engagement" and "Drop-off Analysis" queries, precomputed: unique
-- viewers, average watch and completion percentages, viewers per engagement tier, and where the
-- viewers who never completed the video stopped (by tenth of its duration).
CREATE OR REPLACE TABLE marts.video_engagement_summary AS
WITH engagement AS (
    SELECT * FROM marts.user_video_engagement
),

dropoff_buckets AS (
    -- The tenth of the video in which a viewer who never completed it got furthest (0 = first tenth).
    SELECT
        video_id,
        CASE WHEN completion_count = 0 AND completion_percentage IS NOT NULL
             THEN least(CAST(floor(completion_percentage / 10) AS INTEGER), 9) END AS dropoff_decile
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
        sum(total_watch_time_s)                              AS total_watch_time_s,
        avg(watch_percentage)                                AS avg_watch_percentage,
        avg(unique_watch_percentage)                         AS avg_unique_watch_percentage,
        avg(completion_percentage)                           AS avg_completion_percentage,
        avg(engagement_score)                                AS avg_engagement_score,
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
        CAST(round(p.total_watch_time_s, 3) AS DOUBLE)        AS total_watch_time_s,
        CAST(round(p.avg_watch_percentage, 1) AS DOUBLE)      AS avg_watch_percentage,
        CAST(round(p.avg_unique_watch_percentage, 1) AS DOUBLE) AS avg_unique_watch_percentage,
        CAST(round(p.avg_completion_percentage, 1) AS DOUBLE) AS avg_completion_percentage,
        CAST(round(p.avg_engagement_score, 1) AS DOUBLE)      AS avg_engagement_score,
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
COMMENT ON COLUMN marts.video_engagement_summary.avg_engagement_score IS 'Average engagement_score over the viewers, 1 decimal.';
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
