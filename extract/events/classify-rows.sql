-- Classifies the staged rows of one source file (temp.ingest_rows, every field as text) into accepted
-- events, quarantined rows (with a reason code) and duplicates. The rules are the "Input" rules of
-- docs/engagement-rules.md (how ingest applies them: docs/engagement.md). Run by extract/events/ingest-events.ts after
--   SET VARIABLE ingest_load_id = <id>; SET VARIABLE ingest_source_file = '<path>';
-- and reads the run's as-of date from meta.settings (never the wall clock).
-- Grain: one row per staged row (nothing is dropped: every row gets exactly one outcome).
CREATE OR REPLACE TEMP TABLE ingest_classified AS
WITH staged AS (
    -- staged_no: a unique row handle (source_row orders rows, but a malformed CSV record may share its line)
    SELECT rowid AS staged_no, * FROM ingest_rows
),

run_bounds AS (
    -- An event may come from up to the end (UTC) of the day after the as-of date (clock skew allowance):
    -- its date may be as_of_date + 1, not later. No as-of date means no bound: fail loudly instead.
    SELECT coalesce(CAST(meta.setting('as_of_date') AS DATE),
                    error('meta.settings has no as_of_date: open a session before ingesting events'))
           + 1 AS latest_event_date
),

cleaned AS (
    SELECT
        staged_no,
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

epoch AS (
    -- An epoch number (digits, maybe a fraction): below 1e11 it is seconds (1e11 s is the year 5138),
    -- else milliseconds (1e11 ms is 1973-03-03): the two readings never meet in a plausible range.
    SELECT
        cleaned.*,
        CASE WHEN regexp_full_match(event_at_text, '-?\d+(\.\d+)?') THEN TRY_CAST(event_at_text AS DOUBLE) END AS epoch_number
    FROM cleaned
),

typed AS (
    SELECT
        epoch.*,
        aliases.event_type,
        CASE
            WHEN epoch_number IS NOT NULL
                -- in microseconds; TRY_CAST: digits beyond the BIGINT range are a bad timestamp, not an
                -- error that stops the file
                THEN make_timestamp(TRY_CAST(round(
                         CASE WHEN epoch_number < 1e11 THEN epoch_number * 1000000 ELSE epoch_number * 1000 END
                     ) AS BIGINT))
            -- ISO with a zone (Z, z, +02:00, +0200, +02): converted to UTC (DuckDB reads only an upper-case Z)
            WHEN regexp_full_match(event_at_text, '.*\d{2}:\d{2}(:\d{2}(\.\d+)?)?\s*([zZ]|[+-]\d{2}(:?\d{2})?)')
                THEN timezone('UTC', TRY_CAST(regexp_replace(event_at_text, 'z$', 'Z') AS TIMESTAMPTZ))
            -- ISO without a zone: UTC
            ELSE TRY_CAST(event_at_text AS TIMESTAMP)
        END AS event_at
    FROM epoch
    LEFT JOIN meta.player_event_name_aliases AS aliases ON aliases.alias = lower(epoch.event_name)
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
            -- No player event predates 2000 or comes from after the day that follows the as-of date: such a
            -- timestamp (1969, year 9999, 'infinity', 8 digits read as epoch seconds) is a broken clock.
            WHEN event_at < TIMESTAMP '2000-01-01 00:00:00' THEN 'timestamp_out_of_range'
            WHEN CAST(event_at AS DATE) > (SELECT latest_event_date FROM run_bounds) THEN 'timestamp_out_of_range'
            -- 10^7 s is 115 days: no video plays that long; 1e300 would otherwise become the video's duration.
            WHEN position_s IS NULL OR NOT isfinite(position_s) OR position_s < 0 OR position_s > 1e7 THEN 'bad_position'
        END AS reason
    FROM typed
),

keyed AS (
    -- The content of a row that passes every check: user, session, video, canonical name, timestamp and
    -- position (each part length-prefixed so that no two different tuples give the same text; -0.0 is 0).
    SELECT
        judged.*,
        CAST(event_at AS DATE) AS event_date,
        CASE WHEN reason IS NULL THEN
            md5_number(concat_ws('|', 'content', length(user_id), user_id, length(session_id), session_id,
                                 length(video_id), video_id, event_type,
                                 strftime(event_at, '%Y-%m-%dT%H:%M:%S.%f'),
                                 CAST(CASE WHEN position_s = 0 THEN 0.0 ELSE position_s END AS VARCHAR)))
        END AS content_key
    FROM judged
),

valid AS (
    SELECT staged_no, source_row, event_id, user_id, session_id, video_id, event_type, event_at, position_s, event_date, content_key
    FROM keyed
    WHERE reason IS NULL
),

-- Events of earlier loads, on the dates this load touches only: an eventId is unique within its event's
-- UTC date, and a re-sent event keeps its timestamp.
landed_with_event_id AS (
    SELECT event_id, user_id, session_id, video_id, event_type, event_at, position_s, event_date
    FROM raw.player_events
    WHERE event_id IS NOT NULL AND event_date IN (SELECT DISTINCT event_date FROM valid)
),

landed_without_event_id AS (
    -- The event_key of an event without an eventId is its content key (the same text as content_key above).
    SELECT event_key
    FROM raw.player_events
    WHERE event_id IS NULL AND event_date IN (SELECT DISTINCT event_date FROM valid)
),

with_event_id AS (
    -- A row with an eventId meets the first holder of its (date, eventId): an earlier load's event,
    -- else the first row of this load. Same content: a duplicate; other content: a conflict (the first stands).
    SELECT
        valid.staged_no,
        valid.content_key,
        valid.source_row,
        CASE
            WHEN earlier.event_id IS NOT NULL THEN
                CASE WHEN earlier.user_id = valid.user_id AND earlier.session_id = valid.session_id
                          AND earlier.video_id = valid.video_id AND earlier.event_type = valid.event_type
                          AND earlier.event_at = valid.event_at AND earlier.position_s = valid.position_s
                     THEN 'duplicate' ELSE 'conflicting_event_id' END
            WHEN row_number() OVER same_event_id = 1 THEN 'accepted'
            WHEN valid.content_key = first_value(valid.content_key) OVER same_event_id THEN 'duplicate'
            ELSE 'conflicting_event_id'
        END AS outcome
    FROM valid
    LEFT JOIN landed_with_event_id AS earlier ON earlier.event_date = valid.event_date AND earlier.event_id = valid.event_id
    WHERE valid.event_id IS NOT NULL
    WINDOW same_event_id AS (PARTITION BY valid.event_date, valid.event_id ORDER BY valid.source_row, valid.staged_no)
),

first_accepted_with_event_id AS (
    SELECT content_key, min(source_row) AS source_row
    FROM with_event_id
    WHERE outcome = 'accepted'
    GROUP BY content_key
),

landed_content AS (
    -- Rows without an eventId whose content an earlier load landed: without an eventId (the same key), or with one.
    SELECT staged_no
    FROM valid
    WHERE valid.event_id IS NULL AND valid.content_key IN (SELECT event_key FROM landed_without_event_id)
    UNION
    SELECT staged_no
    FROM valid
    SEMI JOIN landed_with_event_id AS earlier
        ON earlier.user_id = valid.user_id AND earlier.session_id = valid.session_id
       AND earlier.video_id = valid.video_id AND earlier.event_type = valid.event_type
       AND earlier.event_at = valid.event_at AND earlier.position_s = valid.position_s
    WHERE valid.event_id IS NULL
),

without_event_id AS (
    -- A row without an eventId is a duplicate when the same content landed before it: in an earlier load,
    -- as an earlier row of this load without an eventId, or as an earlier accepted row with one.
    SELECT
        valid.staged_no,
        CASE
            WHEN row_number() OVER (PARTITION BY valid.content_key ORDER BY valid.source_row, valid.staged_no) > 1 THEN 'duplicate'
            WHEN accepted_with_id.source_row < valid.source_row THEN 'duplicate'
            WHEN valid.staged_no IN (SELECT staged_no FROM landed_content) THEN 'duplicate'
            ELSE 'accepted'
        END AS outcome
    FROM valid
    LEFT JOIN first_accepted_with_event_id AS accepted_with_id USING (content_key)
    WHERE valid.event_id IS NULL
),

deduplicated AS (
    SELECT staged_no, outcome FROM with_event_id
    UNION ALL
    SELECT staged_no, outcome FROM without_event_id
),

outcomes AS (
    SELECT
        keyed.*,
        CASE
            WHEN keyed.reason IS NOT NULL THEN keyed.reason
            WHEN deduplicated.outcome = 'conflicting_event_id' THEN 'conflicting_event_id'
        END AS final_reason,
        CASE
            WHEN keyed.reason IS NOT NULL OR deduplicated.outcome = 'conflicting_event_id' THEN 'quarantined'
            ELSE deduplicated.outcome
        END AS outcome
    FROM keyed
    LEFT JOIN deduplicated USING (staged_no)
)

SELECT
    CAST(source_row AS BIGINT)                                AS source_row,
    -- The quarantine keeps at most 65,536 characters of a row (a 5 MB line stays readable and small).
    CAST(CASE WHEN length(raw_text) > 65536
              THEN left(raw_text, 65536) || ' …[truncated: ' || length(raw_text) || ' characters in all]'
              ELSE raw_text END AS VARCHAR)                   AS raw_text,
    CAST(outcome AS VARCHAR)                                  AS outcome,
    CAST(final_reason AS VARCHAR)                             AS reason,
    -- Unique in raw.player_events: the eventId within its UTC date when sent, else the content.
    CASE WHEN outcome <> 'quarantined' THEN
        CASE WHEN event_id IS NOT NULL
             THEN md5_number(concat_ws('|', 'id', event_date, length(event_id), event_id))
             ELSE content_key
        END
    END                                                       AS event_key,
    event_id,
    user_id,
    session_id,
    video_id,
    event_name,
    event_type,
    event_at,
    position_s,
    -- optional: anything but a number in (0, 10^7] s is treated as absent (the row is kept)
    CASE WHEN isfinite(video_duration_s) AND video_duration_s > 0 AND video_duration_s <= 1e7 THEN video_duration_s END AS video_duration_s,
    event_date,
    CAST(getvariable('ingest_load_id') AS BIGINT)             AS load_id,
    CAST(getvariable('ingest_source_file') AS VARCHAR)        AS source_file
FROM outcomes;
