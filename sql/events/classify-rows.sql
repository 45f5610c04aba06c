-- Classifies the staged rows of one source file (every field as text) into accepted events, quarantined
-- rows (with a reason code) and duplicates. The rules are the "Input" rules of docs/engagement-rules.md
-- (how ingest applies them: docs/engagement.md). Six statements, run in order by
-- extract/events/ingest-events.ts:
--   1. type and check every row (temp.ingest_typed);
--   2. hash each valid row's content and (date, eventId) (temp.ingest_valid_hashes);
--   3. read the landed events of the dates the load touches, keeping those that share a hash with a
--      valid row (temp.ingest_landed_matches);
--   4. set aside the valid rows that share a hash with another row or a landed event
--      (temp.ingest_repeated_rows, usually a few percent of the rows);
--   5. de-duplicate those rows against each other and the landed matches, and list the quarantined rows
--      (temp.ingest_classified);
--   6. the accepted rows (temp.ingest_accepted): every valid row not set aside, and the accepted ones of 5.
-- Placeholders filled by ingest-events.ts: {{staged}} the staged rows (a query over temp.ingest_lines for
-- NDJSON, temp.ingest_rows for CSV, the Parquet file itself: extract/events/stage-event-file.ts), with the
-- row as read in raw_source;
-- {{raw_text}} the row's raw text from raw_source (computed for rejected rows only: a Parquet row as
-- JSON costs as much as all the rest of its typing); {{landed}} the lake files of the touched dates.
-- Reads the run's as-of date from meta.settings (never the wall clock).
-- Grain: one row per staged row (nothing is dropped: every row gets exactly one outcome).
CREATE OR REPLACE TEMP TABLE ingest_typed AS
WITH staged AS (
    SELECT * FROM {{staged}}
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
        source_row,
        raw_source,
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
    SELECT
        judged.*,
        CAST(event_at AS DATE) AS event_date,
        -- -0.0 and 0.0 are the same position: the de-duplication compares this
        CASE WHEN position_s = 0 THEN 0.0 ELSE position_s END AS position_key,
        CASE WHEN reason IS NOT NULL THEN {{raw_text}} END AS rejected_text
    FROM judged
)

SELECT
    CAST(source_row AS BIGINT)                                AS source_row,
    -- The quarantine keeps at most 65,536 characters of a row (a 5 MB line stays readable and small).
    CAST(CASE WHEN length(rejected_text) > 65536
              THEN left(rejected_text, 65536) || ' …[truncated: ' || length(rejected_text) || ' characters in all]'
              ELSE rejected_text END AS VARCHAR)              AS raw_text,
    CAST(reason AS VARCHAR)                                   AS reason,
    event_id,
    user_id,
    session_id,
    video_id,
    event_name,
    event_type,
    event_at,
    position_s,
    position_key,
    -- optional: anything but a number in (0, 10^7] s is treated as absent (the row is kept)
    CASE WHEN isfinite(video_duration_s) AND video_duration_s > 0 AND video_duration_s <= 1e7 THEN video_duration_s END AS video_duration_s,
    event_date
FROM keyed;

-- @next-statement (after 1, ingest-events.ts reads the dates the valid rows touch: landed covers only those)

CREATE OR REPLACE TEMP TABLE ingest_valid_hashes AS
-- Grouping every row by its strings is most of the cost of a de-duplication, and almost every row is
-- unique. So the valid rows are first hashed, on their content and on their (date, eventId): equal values
-- hash alike, so a row whose two hashes nothing else shares (in this load or among the landed events) has
-- neither a copy nor an eventId conflict, and is accepted as it is (statement 6). The rest, and the rows
-- whose hash merely collides, go through the exact comparison of statement 5.
-- Grain: one row per valid staged row.
SELECT
    source_row,
    hash(user_id, session_id, video_id, event_type, event_at, position_key) AS content_hash,
    CASE WHEN event_id IS NOT NULL THEN hash(event_date, event_id) END     AS event_id_hash
FROM ingest_typed
WHERE reason IS NULL;

-- @next-statement

CREATE OR REPLACE TEMP TABLE ingest_landed_matches AS
-- The events of earlier loads that share a hash with a valid row of this load: the only landed events
-- the de-duplication can meet. The lake files are read here once; a day already loaded holds millions.
-- Grain: one row per landed event of the touched dates whose content or (date, eventId) hash a valid row has.
WITH landed AS (
    -- Events of earlier loads, on the dates this load touches only (the lake partitions of those dates):
    -- an eventId is unique within its event's UTC date, and a re-sent event keeps its timestamp.
    -- Typed as ingest_typed's columns, so that equal values hash alike whatever wrote the file.
    SELECT CAST(event_id AS VARCHAR) AS event_id, CAST(user_id AS VARCHAR) AS user_id,
           CAST(session_id AS VARCHAR) AS session_id, CAST(video_id AS VARCHAR) AS video_id,
           CAST(event_type AS VARCHAR) AS event_type, CAST(event_at AS TIMESTAMP) AS event_at,
           CAST(CASE WHEN position_s = 0 THEN 0.0 ELSE position_s END AS DOUBLE) AS position_key,
           CAST(event_date AS DATE) AS event_date
    FROM {{landed}}
),

hashed AS (
    SELECT
        landed.*,
        hash(user_id, session_id, video_id, event_type, event_at, position_key) AS content_hash,
        CASE WHEN event_id IS NOT NULL THEN hash(event_date, event_id) END     AS event_id_hash
    FROM landed
)

SELECT *
FROM hashed
WHERE content_hash IN (SELECT content_hash FROM ingest_valid_hashes)
   OR event_id_hash IN (SELECT event_id_hash FROM ingest_valid_hashes WHERE event_id_hash IS NOT NULL);

-- @next-statement

CREATE OR REPLACE TEMP TABLE ingest_repeated_rows AS
-- Grain: one row per valid staged row that shares a hash with another row or a landed event (the typed
-- row, unchanged).
WITH shared_content_hashes AS (
    SELECT content_hash FROM ingest_valid_hashes GROUP BY content_hash HAVING count(*) > 1
    UNION ALL
    SELECT content_hash FROM ingest_landed_matches
),

shared_event_id_hashes AS (
    SELECT event_id_hash FROM ingest_valid_hashes WHERE event_id_hash IS NOT NULL GROUP BY event_id_hash HAVING count(*) > 1
    UNION ALL
    SELECT event_id_hash FROM ingest_landed_matches WHERE event_id_hash IS NOT NULL
),

repeated AS (
    SELECT source_row
    FROM ingest_valid_hashes
    WHERE content_hash IN (SELECT content_hash FROM shared_content_hashes)
       OR event_id_hash IN (SELECT event_id_hash FROM shared_event_id_hashes)
)

SELECT *
FROM ingest_typed
SEMI JOIN repeated USING (source_row);

-- @next-statement

CREATE OR REPLACE TEMP TABLE ingest_classified AS
-- Grain here: one row per accepted or quarantined row, and one row per group of duplicates (copies: how
-- many rows it stands for), of the repeated rows set aside by statement 4 and the rows that failed a check.
-- Duplicates are only counted, so the rows are grouped by their key instead of being numbered one by one
-- (hash aggregates, no sort).
WITH landed AS (
    -- Events of earlier loads that can match (statement 3): an eventId is unique within its event's UTC
    -- date, and a re-sent event keeps its timestamp.
    SELECT event_id, user_id, session_id, video_id, event_type, event_at, position_key, event_date
    FROM ingest_landed_matches
),

id_contents AS (
    -- Rows with an eventId, one row per (date, eventId, content): its first row and how many rows have it.
    SELECT event_date, event_id, user_id, session_id, video_id, event_type, event_at, position_key,
           min(source_row) AS first_row, count(*) AS copies,
           arg_min(struct_pack(event_name, position_s, video_duration_s), source_row) AS first_sent
    FROM ingest_repeated_rows
    WHERE event_id IS NOT NULL
    GROUP BY event_date, event_id, user_id, session_id, video_id, event_type, event_at, position_key
),

id_judged AS (
    -- A row with an eventId meets the first holder of its (date, eventId): an earlier load's event,
    -- else the first row of this load. Same content: a duplicate; other content: a conflict (the first stands).
    SELECT
        valid.*,
        CASE
            WHEN earlier.event_id IS NOT NULL THEN
                CASE WHEN earlier.user_id = valid.user_id AND earlier.session_id = valid.session_id
                          AND earlier.video_id = valid.video_id AND earlier.event_type = valid.event_type
                          AND earlier.event_at = valid.event_at AND earlier.position_key = valid.position_key
                     THEN 'duplicate' ELSE 'conflicting_event_id' END
            WHEN valid.first_row = first_holder.first_row THEN 'accepted'
            ELSE 'conflicting_event_id'
        END AS outcome
    FROM id_contents AS valid
    LEFT JOIN landed AS earlier ON earlier.event_date = valid.event_date AND earlier.event_id = valid.event_id
    JOIN (SELECT event_date, event_id, min(first_row) AS first_row FROM id_contents GROUP BY ALL) AS first_holder
        ON first_holder.event_date = valid.event_date AND first_holder.event_id = valid.event_id
),

no_id_contents AS (
    -- Rows without an eventId, one row per content: its first row and how many rows have it.
    SELECT event_date, user_id, session_id, video_id, event_type, event_at, position_key,
           min(source_row) AS first_row, count(*) AS copies,
           arg_min(struct_pack(event_name, position_s, video_duration_s), source_row) AS first_sent
    FROM ingest_repeated_rows
    WHERE event_id IS NULL
    GROUP BY event_date, user_id, session_id, video_id, event_type, event_at, position_key
),

no_id_judged AS (
    -- The first row of a content without an eventId is a duplicate when the same content landed before
    -- it: in an earlier load (with an eventId or without), or as an earlier accepted row with an eventId.
    -- Every later row of that content is a duplicate of it.
    SELECT
        valid.*,
        CAST(NULL AS VARCHAR) AS event_id,
        CASE
            WHEN earlier.landed_before THEN 'duplicate'
            WHEN accepted_with_id.first_row < valid.first_row THEN 'duplicate'
            ELSE 'accepted'
        END AS outcome
    FROM no_id_contents AS valid
    LEFT JOIN (SELECT DISTINCT user_id, session_id, video_id, event_type, event_at, position_key, true AS landed_before FROM landed) AS earlier
        ON earlier.user_id = valid.user_id AND earlier.session_id = valid.session_id
       AND earlier.video_id = valid.video_id AND earlier.event_type = valid.event_type
       AND earlier.event_at = valid.event_at AND earlier.position_key = valid.position_key
    LEFT JOIN (
        SELECT user_id, session_id, video_id, event_type, event_at, position_key, min(first_row) AS first_row
        FROM id_judged WHERE outcome = 'accepted'
        GROUP BY ALL
    ) AS accepted_with_id
        ON accepted_with_id.user_id = valid.user_id AND accepted_with_id.session_id = valid.session_id
       AND accepted_with_id.video_id = valid.video_id AND accepted_with_id.event_type = valid.event_type
       AND accepted_with_id.event_at = valid.event_at AND accepted_with_id.position_key = valid.position_key
),

judged AS (
    SELECT * FROM id_judged
    UNION ALL BY NAME
    SELECT * FROM no_id_judged
)

SELECT
    first_row                                                 AS source_row,
    CAST(NULL AS VARCHAR)                                     AS raw_text,
    'accepted'                                                AS outcome,
    CAST(NULL AS VARCHAR)                                     AS reason,
    -- unique in raw.player_events (sql/schema/20_events.sql)
    raw.event_key(event_id, event_date, user_id, session_id, video_id, event_type, event_at, position_key) AS event_key,
    event_id, user_id, session_id, video_id, first_sent.event_name AS event_name, event_type, event_at,
    first_sent.position_s AS position_s, first_sent.video_duration_s AS video_duration_s, event_date,
    CAST(getvariable('ingest_load_id') AS BIGINT)             AS load_id,
    CAST(getvariable('ingest_source_file') AS VARCHAR)        AS source_file,
    CAST(1 AS BIGINT)                                         AS copies
FROM judged
WHERE outcome = 'accepted'
UNION ALL
-- the duplicates, one row per group: the copies after an accepted first row, or every copy of a landed event
SELECT
    NULL, NULL, 'duplicate', NULL, NULL, event_id, user_id, session_id, video_id, NULL, event_type, event_at, NULL, NULL,
    event_date, NULL, NULL,
    CASE WHEN outcome = 'accepted' THEN copies - 1 ELSE copies END
FROM judged
WHERE outcome = 'duplicate' OR (outcome = 'accepted' AND copies > 1)
UNION ALL
-- a content that conflicts with its eventId's first holder, one row per group: ingest-events.ts replaces
-- it by its rows (rare), each quarantined with its own line and raw text
SELECT
    NULL, NULL, 'conflicting_group', 'conflicting_event_id', NULL, event_id, user_id, session_id, video_id, NULL, event_type,
    event_at, position_key, NULL, event_date, NULL, NULL, copies
FROM judged
WHERE outcome = 'conflicting_event_id'
UNION ALL
SELECT
    source_row, raw_text, 'quarantined', reason, NULL,
    event_id, user_id, session_id, video_id, event_name, event_type, event_at, position_s, video_duration_s, event_date,
    CAST(getvariable('ingest_load_id') AS BIGINT), CAST(getvariable('ingest_source_file') AS VARCHAR), 1
FROM ingest_typed
WHERE reason IS NOT NULL;

-- @next-statement

CREATE OR REPLACE TEMP VIEW ingest_accepted AS
-- Grain: one row per accepted event, the columns of raw.player_events but the numbers. A view: the rows
-- are read three times (the lake COPY, the numbering, the raw table) and counted once, each time cheaper
-- than writing them to another table once.
SELECT
    source_row,
    -- unique in raw.player_events (sql/schema/20_events.sql)
    raw.event_key(event_id, event_date, user_id, session_id, video_id, event_type, event_at, position_key) AS event_key,
    event_id, user_id, session_id, video_id, event_name, event_type, event_at, position_s, video_duration_s, event_date,
    CAST(getvariable('ingest_load_id') AS BIGINT)             AS load_id,
    CAST(getvariable('ingest_source_file') AS VARCHAR)        AS source_file
FROM ingest_typed
ANTI JOIN ingest_repeated_rows USING (source_row)
WHERE ingest_typed.reason IS NULL
UNION ALL BY NAME
SELECT source_row, event_key, event_id, user_id, session_id, video_id, event_name, event_type, event_at, position_s,
       video_duration_s, event_date, load_id, source_file
FROM ingest_classified
WHERE outcome = 'accepted';
