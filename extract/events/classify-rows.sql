-- Classifies the staged rows of one source file (temp.ingest_rows, every field as text) into accepted
-- events, quarantined rows (with a reason code) and exact duplicates. The rules are player-events.md's
-- "Input" section. Run by extract/events/ingest-events.ts after
--   SET VARIABLE ingest_load_id = <id>; SET VARIABLE ingest_source_file = '<path>';
-- Grain: one row per staged row (nothing is dropped: every row gets exactly one outcome).
CREATE OR REPLACE TEMP TABLE ingest_classified AS
WITH staged AS (
    SELECT * FROM ingest_rows
),

cleaned AS (
    SELECT
        source_row,
        raw_text,
        parse_error,
        nullif(trim(user_id), '')                         AS user_id,
        nullif(trim(session_id), '')                      AS session_id,
        nullif(trim(video_id), '')                        AS video_id,
        nullif(trim(event_name), '')                      AS event_name,
        nullif(trim(event_id), '')                        AS event_id,
        nullif(trim(event_at_text), '')                   AS event_at_text,
        TRY_CAST(trim(position_text) AS DOUBLE)           AS position_s,
        TRY_CAST(trim(video_duration_text) AS DOUBLE)     AS video_duration_s
    FROM staged
),

typed AS (
    SELECT
        cleaned.*,
        aliases.event_type,
        CASE
            -- epoch milliseconds (digits, maybe a fraction)
            WHEN regexp_full_match(event_at_text, '-?\d+(\.\d+)?')
                -- (TRY_CAST: digits beyond the BIGINT range are a bad timestamp, not an error that stops the file)
                THEN make_timestamp(TRY_CAST(round(TRY_CAST(event_at_text AS DOUBLE) * 1000) AS BIGINT))
            -- ISO with a zone (Z, +02:00, +0200, +02): converted to UTC
            WHEN regexp_full_match(event_at_text, '.*\d{2}:\d{2}(:\d{2}(\.\d+)?)?\s*([zZ]|[+-]\d{2}(:?\d{2})?)')
                THEN timezone('UTC', TRY_CAST(event_at_text AS TIMESTAMPTZ))
            -- ISO without a zone: UTC
            ELSE TRY_CAST(event_at_text AS TIMESTAMP)
        END AS event_at
    FROM cleaned
    LEFT JOIN meta.player_event_name_aliases AS aliases ON aliases.alias = lower(cleaned.event_name)
),

judged AS (
    SELECT
        typed.*,
        CASE
            WHEN parse_error IS NOT NULL THEN parse_error
            WHEN user_id IS NULL THEN 'missing_user_id'
            WHEN session_id IS NULL THEN 'missing_session_id'
            WHEN video_id IS NULL THEN 'missing_video_id'
            WHEN event_name IS NULL THEN 'missing_event_name'
            WHEN event_type IS NULL THEN 'unknown_event'
            WHEN event_at IS NULL THEN 'bad_timestamp'
            -- No player event predates 2000 or comes from more than a day after it was read (clock skew
            -- allowance): such a timestamp (1969, year 9999, 'infinity', 8 digits read as epoch ms) is a broken clock.
            WHEN event_at < TIMESTAMP '2000-01-01' OR event_at > timezone('UTC', now()) + INTERVAL 1 DAY THEN 'timestamp_out_of_range'
            -- 10^7 s is 115 days: no video plays that long; 1e300 would otherwise become the video's duration.
            WHEN position_s IS NULL OR NOT isfinite(position_s) OR position_s < 0 OR position_s > 1e7 THEN 'bad_position'
        END AS reason
    FROM typed
),

keyed AS (
    -- The de-duplication key: the eventId when sent, else the event's content. Each part is
    -- length-prefixed so that no two different tuples give the same text.
    SELECT
        judged.*,
        CASE WHEN reason IS NULL THEN md5_number(
            CASE WHEN event_id IS NOT NULL
                THEN 'id:' || event_id
                ELSE concat_ws('|', 'content', length(user_id), user_id, length(session_id), session_id,
                               length(video_id), video_id, event_type,
                               strftime(event_at, '%Y-%m-%dT%H:%M:%S.%f'), CAST(position_s AS VARCHAR))
            END)
        END AS event_key
    FROM judged
),

outcomes AS (
    SELECT
        keyed.*,
        CASE
            WHEN reason IS NOT NULL THEN 'quarantined'
            -- an earlier copy in this file
            WHEN row_number() OVER (PARTITION BY event_key ORDER BY source_row) > 1 THEN 'duplicate'
            -- a copy loaded from an earlier file
            WHEN event_key IN (SELECT event_key FROM raw.player_events) THEN 'duplicate'
            ELSE 'accepted'
        END AS outcome
    FROM keyed
)

SELECT
    CAST(source_row AS BIGINT)                                AS source_row,
    -- The quarantine keeps at most 65,536 characters of a row (a 5 MB line stays readable and small).
    CAST(CASE WHEN length(raw_text) > 65536
              THEN left(raw_text, 65536) || ' …[truncated: ' || length(raw_text) || ' characters in all]'
              ELSE raw_text END AS VARCHAR)                   AS raw_text,
    CAST(outcome AS VARCHAR)                                  AS outcome,
    CAST(reason AS VARCHAR)                                   AS reason,
    event_key,
    event_id,
    user_id,
    session_id,
    video_id,
    event_name,
    event_type,
    event_at,
    position_s,
    CASE WHEN isfinite(video_duration_s) AND video_duration_s > 0 AND video_duration_s <= 1e7 THEN video_duration_s END AS video_duration_s,
    CAST(event_at AS DATE)                                    AS event_date,
    CAST(getvariable('ingest_load_id') AS BIGINT)             AS load_id,
    CAST(getvariable('ingest_source_file') AS VARCHAR)        AS source_file
FROM outcomes;
