-- marts.watch_time_reconciliation: the seconds watched per video and day as the player events give them,
-- beside Brightcove's video_seconds_viewed for the same video and day.
-- kind: table
-- grain: account_id, video_id, view_date
-- Rows: one row per (account_id, video_id, view_date) that has both Brightcove's final seconds and player events.
-- Why: two independent measurements of the same viewing; a day where they part by more than the
-- configured tolerance (meta.setting('reconciliation_tolerance'), default 0.2 = ±20 %) points at missing
-- or duplicated event files, or a Brightcove report that is stale or incomplete (the warning check
-- watch_time_reconciliation_within_tolerance lists those days). The days are not quite the same day:
-- Brightcove reports the account's reporting day (its time zone, as the Analytics API gives it), the
-- events are counted by the UTC date of the event that opened each watched segment
-- (intermediate.user_video_daily_watch, written by the marts.user_video_engagement build with its rules).
-- Only Brightcove's final days count (is_reconciled): a day not yet fetched with reconciled=true (the
-- trailing re-fetch window, extract.trailing_refetch_days, and the last extract.reconciled_after_days
-- days) may hold numbers below its final ones until a later run fetches it reconciled, so comparing it
-- would flag every recent day of a healthy event feed.
-- Exact arithmetic: seconds as DECIMAL(18, 3), the tolerance as DECIMAL(18, 6), so the boundary
-- |events - brightcove| = tolerance x brightcove is inside, decided without binary floating point.
CREATE OR REPLACE TABLE marts.watch_time_reconciliation AS
WITH brightcove_days AS (
    SELECT account_id, video_id, view_date, video_seconds_viewed
    FROM marts.daily_video_analytics
    WHERE video_seconds_viewed IS NOT NULL AND is_reconciled
),

event_pairs_per_day AS (
    SELECT video_id, watch_date, user_id, watch_time_s
    FROM intermediate.user_video_daily_watch
),

engagement_built AS (
    -- (read so that this mart is built after the engagement build that writes the seconds per date)
    SELECT DISTINCT video_id FROM marts.user_video_engagement
),

reconciliation_rule AS (
    SELECT CAST(meta.setting('reconciliation_tolerance') AS DECIMAL(18, 6)) AS tolerance
),

event_days AS (
    SELECT
        e.video_id,
        e.watch_date                                        AS view_date,
        sum(CAST(e.watch_time_s AS DECIMAL(18, 3)))         AS event_watch_time_s,
        count(DISTINCT e.user_id)                           AS event_viewers
    FROM event_pairs_per_day AS e
    SEMI JOIN engagement_built USING (video_id)
    GROUP BY e.video_id, e.watch_date
),

compared AS (
    SELECT
        b.account_id,
        b.video_id,
        b.view_date,
        e.event_watch_time_s,
        e.event_viewers,
        CAST(b.video_seconds_viewed AS DECIMAL(18, 3))      AS brightcove_seconds_viewed,
        rule.tolerance
    FROM brightcove_days AS b
    JOIN event_days AS e USING (video_id, view_date)
    CROSS JOIN reconciliation_rule AS rule
),

final AS (
    SELECT
        CAST(account_id AS VARCHAR)                                             AS account_id,
        CAST(video_id AS VARCHAR)                                               AS video_id,
        CAST(view_date AS DATE)                                                 AS view_date,
        CAST(event_watch_time_s AS DOUBLE)                                      AS event_watch_time_s,
        CAST(brightcove_seconds_viewed AS DOUBLE)                               AS brightcove_seconds_viewed,
        CAST(event_watch_time_s - brightcove_seconds_viewed AS DOUBLE)          AS difference_s,
        CAST(CASE WHEN brightcove_seconds_viewed > 0
                  THEN round(event_watch_time_s / brightcove_seconds_viewed, 4) END AS DOUBLE) AS watch_time_ratio,
        CAST(event_viewers AS BIGINT)                                           AS event_viewers,
        CAST(tolerance AS DOUBLE)                                               AS tolerance,
        CAST(abs(event_watch_time_s - brightcove_seconds_viewed) <= tolerance * brightcove_seconds_viewed AS BOOLEAN) AS is_within_tolerance
    FROM compared
)

SELECT * FROM final ORDER BY account_id, video_id, view_date;

COMMENT ON TABLE marts.watch_time_reconciliation IS 'Seconds watched per video and day from the player events beside Brightcove''s final (reconciled) video_seconds_viewed, where both exist; provisional days are left out until fetched final; one row per (account_id, video_id, view_date). Days outside the tolerance are a warning check.';
COMMENT ON COLUMN marts.watch_time_reconciliation.account_id IS 'Brightcove account id (of the daily analytics row).';
COMMENT ON COLUMN marts.watch_time_reconciliation.video_id IS 'Brightcove video id (the player events'' videoId).';
COMMENT ON COLUMN marts.watch_time_reconciliation.view_date IS 'The day: Brightcove''s reporting day (account time zone) and the UTC date of the player events.';
COMMENT ON COLUMN marts.watch_time_reconciliation.event_watch_time_s IS 'Seconds watched that UTC date by all viewers, from the player events (the engagement rules: watched segments, replays counted again; each segment on the date of the event that opened it), 3 decimals.';
COMMENT ON COLUMN marts.watch_time_reconciliation.brightcove_seconds_viewed IS 'Brightcove''s final (reconciled) video_seconds_viewed that day (marts.daily_video_analytics), 3 decimals.';
COMMENT ON COLUMN marts.watch_time_reconciliation.difference_s IS 'event_watch_time_s - brightcove_seconds_viewed, seconds.';
COMMENT ON COLUMN marts.watch_time_reconciliation.watch_time_ratio IS 'event_watch_time_s / brightcove_seconds_viewed, 4 decimals; NULL when Brightcove reports 0 seconds.';
COMMENT ON COLUMN marts.watch_time_reconciliation.event_viewers IS 'Users with watched seconds of this video that UTC date in the player events.';
COMMENT ON COLUMN marts.watch_time_reconciliation.tolerance IS 'The tolerance used (configuration checks.reconciliation_tolerance; 0.2 = ±20 %).';
COMMENT ON COLUMN marts.watch_time_reconciliation.is_within_tolerance IS 'TRUE when |difference_s| <= tolerance x brightcove_seconds_viewed (the boundary is inside).';
