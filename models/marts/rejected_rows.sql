-- marts.rejected_rows: input rows the pipeline did not use, counted by source and reason.
-- kind: table
-- grain: source, reason
-- Rows: one row per (source, reason) with at least one rejected row.
-- Why: the quarantine (player events, raw.player_events_quarantine) and the Brightcove rows staging
-- rejects (staging.brightcove_rejected_rows) live in the working file, which analysts never open; this
-- brings their counts into the published one, for the data-quality summary after each run.
CREATE OR REPLACE TABLE marts.rejected_rows AS
WITH quarantined_events AS (
    SELECT 'player_events' AS source, reason FROM raw.player_events_quarantine
),

rejected_brightcove AS (
    -- each rejected item once: a window fetched again (the trailing days, every run) lands the same
    -- rejected item again, and a count that grows with re-runs would say the data got worse
    SELECT DISTINCT source, account_id, reason, item_hash FROM staging.brightcove_rejected_rows
),

all_rejected AS (
    SELECT * FROM quarantined_events
    UNION ALL
    SELECT source, reason FROM rejected_brightcove
),

final AS (
    SELECT
        CAST(source AS VARCHAR)   AS source,
        CAST(reason AS VARCHAR)   AS reason,
        CAST(count(*) AS BIGINT)  AS rejected_rows
    FROM all_rejected
    GROUP BY source, reason
)

SELECT * FROM final ORDER BY source, reason;

COMMENT ON TABLE marts.rejected_rows IS 'Rows rejected at ingest (player-event quarantine) or by staging (Brightcove), per source and reason; one row per (source, reason).';
COMMENT ON COLUMN marts.rejected_rows.source IS 'player_events, or the Brightcove source (cms_videos, analytics_video_daily, analytics_video_device_daily).';
COMMENT ON COLUMN marts.rejected_rows.reason IS 'Why the rows were rejected (e.g. missing_user_id, invalid_timestamp, wrong_type).';
COMMENT ON COLUMN marts.rejected_rows.rejected_rows IS 'Number of rows rejected for this reason (a Brightcove item fetched again and rejected again counts once).';
