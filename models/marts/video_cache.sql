-- marts.video_cache: the Reporting "cache", the ACTIVE videos viewed recently.
-- kind: table
-- grain: account_id, video_id
-- Rows: one row per (account_id, video_id).
-- Why: Reporting reports daily analytics only for videos someone still watches. The window is the
-- original's from=today-N..to=now, inclusive at both ends:
--   as_of_date - cache_window_days  <=  view_date  <=  as_of_date
-- (with the default 90: a view 90 days before the as-of date counts, one 91 days before does not).
-- A video must be ACTIVE in the latest catalog version; an INACTIVE video viewed yesterday is left out.
CREATE OR REPLACE TABLE marts.video_cache AS
WITH cache_rule AS (
    SELECT
        CAST(meta.setting('as_of_date') AS DATE)           AS as_of_date,
        CAST(meta.setting('cache_window_days') AS INTEGER) AS cache_window_days
),

cache_window AS (
    SELECT
        CAST(as_of_date - cache_window_days AS DATE) AS window_start_date,
        as_of_date                                   AS window_end_date
    FROM cache_rule
),

daily_views AS (
    SELECT account_id, video_id, view_date, video_view
    FROM staging.analytics_video_daily
),

catalog AS (
    SELECT account_id, video_id, channel, state
    FROM marts.video_catalog
),

views_in_window AS (
    SELECT
        daily_views.account_id,
        daily_views.video_id,
        max(daily_views.view_date)  AS last_viewed_date,
        sum(daily_views.video_view) AS window_video_views
    FROM daily_views, cache_window
    WHERE daily_views.video_view > 0
      AND daily_views.view_date BETWEEN cache_window.window_start_date AND cache_window.window_end_date
    GROUP BY daily_views.account_id, daily_views.video_id
),

active_viewed AS (
    SELECT catalog.channel, views_in_window.*
    FROM views_in_window
    JOIN catalog USING (account_id, video_id)
    WHERE catalog.state = 'ACTIVE'
),

final AS (
    SELECT
        CAST(active_viewed.account_id AS VARCHAR)          AS account_id,
        CAST(active_viewed.video_id AS VARCHAR)            AS video_id,
        CAST(active_viewed.channel AS VARCHAR)             AS channel,
        CAST(active_viewed.last_viewed_date AS DATE)       AS last_viewed_date,
        CAST(active_viewed.window_video_views AS BIGINT)   AS window_video_views,
        CAST(cache_window.window_start_date AS DATE)       AS window_start_date,
        CAST(cache_window.window_end_date AS DATE)         AS window_end_date
    FROM active_viewed, cache_window
)

SELECT * FROM final;

COMMENT ON TABLE marts.video_cache IS 'ACTIVE videos with video_view > 0 on some day from as_of_date - cache_window_days to as_of_date (both inclusive).';
COMMENT ON COLUMN marts.video_cache.account_id IS 'Brightcove account id.';
COMMENT ON COLUMN marts.video_cache.video_id IS 'Brightcove video id.';
COMMENT ON COLUMN marts.video_cache.channel IS 'Configured account name, e.g. Internet.';
COMMENT ON COLUMN marts.video_cache.last_viewed_date IS 'Last day in the window with at least one view.';
COMMENT ON COLUMN marts.video_cache.window_video_views IS 'Sum of video_view over the window.';
COMMENT ON COLUMN marts.video_cache.window_start_date IS 'First day of the window (as_of_date - cache_window_days).';
COMMENT ON COLUMN marts.video_cache.window_end_date IS 'Last day of the window (the as-of date).';
