-- Question: what went wrong in the data, as of the last published run? The alerts to read after each daily run.
-- Grain: one row per (metric, detail). metric is one of: player_event_rows (read, accepted, quarantined,
--   duplicate), quarantined_events (per reason), rejected_brightcove_rows (per source: reason),
--   unclosed_plays, zero_watch_pairs (both always listed, 0 included), failing_checks (per check of the
--   latest run that ran checks, with its severity), stale_sources (per source that is past its age).
-- Reads: marts.rejected_rows, marts.user_video_engagement, marts.data_freshness, meta.player_event_files, meta.check_results
WITH event_files AS (
    SELECT
        coalesce(sum(rows_read), 0)        AS rows_read,
        coalesce(sum(rows_accepted), 0)    AS rows_accepted,
        coalesce(sum(rows_quarantined), 0) AS rows_quarantined,
        coalesce(sum(rows_duplicate), 0)   AS rows_duplicate
    FROM meta.player_event_files
),

latest_checks AS (
    SELECT * FROM meta.check_results
    WHERE run_id = (SELECT run_id FROM meta.check_results ORDER BY checked_at DESC, run_id DESC LIMIT 1)
),

metrics AS (
    SELECT 1 AS metric_order, 'player_event_rows' AS metric, 'read' AS detail, rows_read AS value FROM event_files
    UNION ALL SELECT 1, 'player_event_rows', 'accepted', rows_accepted FROM event_files
    UNION ALL SELECT 1, 'player_event_rows', 'quarantined', rows_quarantined FROM event_files
    UNION ALL SELECT 1, 'player_event_rows', 'duplicate', rows_duplicate FROM event_files
    UNION ALL
    SELECT 2, 'quarantined_events', reason, rejected_rows FROM marts.rejected_rows WHERE source = 'player_events'
    UNION ALL
    SELECT 3, 'rejected_brightcove_rows', source || ': ' || reason, rejected_rows FROM marts.rejected_rows WHERE source <> 'player_events'
    UNION ALL
    SELECT 4, 'unclosed_plays', '(user, video) rows with a play never closed by a later event',
           count(*) FILTER (WHERE list_contains(quality_flags, 'unclosed_play'))
    FROM marts.user_video_engagement
    UNION ALL
    SELECT 5, 'zero_watch_pairs', '(user, video) rows with no watched seconds',
           count(*) FILTER (WHERE total_watch_time_s = 0)
    FROM marts.user_video_engagement
    UNION ALL
    SELECT 6, 'failing_checks', check_name || ' (' || coalesce(severity, 'error') || ')', failing_rows
    FROM latest_checks WHERE failing_rows > 0
    UNION ALL
    SELECT 7, 'stale_sources', source || CASE WHEN account_slug IS NULL THEN '' ELSE ': ' || account_slug END, age_days
    FROM marts.data_freshness WHERE is_stale
)

SELECT metric, detail, CAST(value AS BIGINT) AS value
FROM metrics
ORDER BY metric_order, detail;
