-- marts.video_last_viewed: the last day each video was viewed.
-- kind: table
-- grain: account_id, video_id
-- Rows: one row per (account_id, video_id) with at least one day of video_view > 0 up to the as-of date.
-- Why: Harper's dt_last_viewed. One rule everywhere: a day counts only when video_view > 0 (the original
-- had two rules). "All time" means all fetched history up to meta.setting('as_of_date'), so a rebuild
-- with an earlier --as-of gives the answer of that day. A never-viewed video has no row.
CREATE OR REPLACE TABLE marts.video_last_viewed AS
WITH daily_views AS (
    SELECT account_id, video_id, view_date, video_view
    FROM staging.analytics_video_daily
),

viewed_days AS (
    SELECT *
    FROM daily_views
    WHERE video_view > 0
      AND view_date <= CAST(meta.setting('as_of_date') AS DATE)
),

per_video AS (
    SELECT
        account_id,
        video_id,
        max(view_date)  AS last_viewed_date,
        min(view_date)  AS first_viewed_date,
        count(*)        AS viewed_days,
        sum(video_view) AS total_video_views
    FROM viewed_days
    GROUP BY account_id, video_id
),

final AS (
    SELECT
        CAST(account_id AS VARCHAR)        AS account_id,
        CAST(video_id AS VARCHAR)          AS video_id,
        CAST(last_viewed_date AS DATE)     AS last_viewed_date,
        CAST(first_viewed_date AS DATE)    AS first_viewed_date,
        CAST(viewed_days AS BIGINT)        AS viewed_days,
        CAST(total_video_views AS BIGINT)  AS total_video_views
    FROM per_video
)

SELECT * FROM final;

COMMENT ON TABLE marts.video_last_viewed IS 'Last day with video_view > 0 per video, over all fetched history up to the as-of date; never-viewed videos have no row.';
COMMENT ON COLUMN marts.video_last_viewed.account_id IS 'Brightcove account id.';
COMMENT ON COLUMN marts.video_last_viewed.video_id IS 'Brightcove video id.';
COMMENT ON COLUMN marts.video_last_viewed.last_viewed_date IS 'Last day (account time zone, as the Analytics API reports days) with at least one view.';
COMMENT ON COLUMN marts.video_last_viewed.first_viewed_date IS 'First fetched day with at least one view.';
COMMENT ON COLUMN marts.video_last_viewed.viewed_days IS 'Number of days with at least one view.';
COMMENT ON COLUMN marts.video_last_viewed.total_video_views IS 'Sum of video_view over those days.';
