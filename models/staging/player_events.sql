-- staging.player_events: player events with canonical names and canonical event types, one row per
-- distinct event.
-- kind: view
-- grain: event_key
-- Rows: one row per event_key (the de-duplication key: the eventId when sent, else user, session,
-- video, canonical type, timestamp and position).
-- Why: the engagement mart reads events through this one place. It is a view, not a copy: ingest
-- already types every field and keeps only the first copy of an exact duplicate, checked against
-- everything loaded before (sql/events/classify-rows.sql), so raw.player_events is unique on
-- event_key by construction (tests/events check it). A copy or a second de-duplication window here
-- would cost a full pass over 100 M rows on every build for nothing. user_no, stream_no and video_no
-- are the numbers ingest gave the ids (raw.player_event_users, _streams, _videos): what the engagement
-- mart sorts and groups by.
CREATE OR REPLACE VIEW staging.player_events AS
WITH landed_events AS (
    SELECT * FROM raw.player_events
),

canonical AS (
    SELECT
        CAST(event_key AS UHUGEINT)          AS event_key,
        CAST(event_id AS VARCHAR)            AS event_id,
        CAST(user_id AS VARCHAR)             AS user_id,
        CAST(session_id AS VARCHAR)          AS session_id,
        CAST(video_id AS VARCHAR)            AS video_id,
        CAST(user_no AS BIGINT)              AS user_no,
        CAST(stream_no AS BIGINT)            AS stream_no,
        CAST(video_no AS INTEGER)            AS video_no,
        CAST(event_type AS VARCHAR)          AS event_type,
        CAST(event_at AS TIMESTAMP)          AS event_at,
        CAST(position_s AS DOUBLE)           AS position_s,
        -- the duration the player reported; the duration used is intermediate.video_durations
        CAST(video_duration_s AS DOUBLE)     AS reported_duration_s,
        -- input order, for events of one stream with the same timestamp: file load, then line
        CAST(load_id AS BIGINT) * 4294967296 + CAST(source_row AS BIGINT) AS input_order
    FROM landed_events
)

SELECT * FROM canonical;
