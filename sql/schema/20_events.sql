-- Player events: the accepted rows, the quarantine, the files seen, and the work the engagement mart
-- still owes. Every statement is idempotent: the pipeline runs this file at start-up.

-- The event names we accept, case-insensitively, and the canonical type each one means
-- (docs/engagement-rules.md#event-names). Constants, not data: replaced on every start-up so an edit here takes effect.
CREATE OR REPLACE TABLE meta.player_event_name_aliases AS
SELECT CAST(alias AS VARCHAR) AS alias, CAST(event_type AS VARCHAR) AS event_type
FROM (VALUES
    ('play', 'play'), ('video_play', 'play'), ('start', 'play'), ('video_start', 'play'),
    ('resume', 'resume'), ('video_resume', 'resume'),
    ('pause', 'pause'), ('video_pause', 'pause'),
    ('seek', 'seek'), ('seeked', 'seek'), ('video_seek', 'seek'), ('video_seeked', 'seek'),
    ('end', 'end'), ('ended', 'end'), ('complete', 'end'), ('video_end', 'end'), ('video_ended', 'end'),
    ('video_complete', 'end'),
    ('heartbeat', 'heartbeat'), ('timeupdate', 'heartbeat'), ('progress', 'heartbeat'),
    ('video_heartbeat', 'heartbeat'), ('video_progress', 'heartbeat')
) AS aliases(alias, event_type);

-- One row per accepted event, already validated and typed by `pipeline ingest-events`; the same rows
-- are in lake/raw/player_events/event_date=…/*.parquet. Unique on event_key: ingest keeps the first
-- copy of a duplicate (same eventId on the same UTC date with the same content, or without an eventId
-- the same user, session, video, canonical name, timestamp and position) and counts the others as
-- duplicates; a later row reusing an eventId of that date for other content is quarantined
-- (conflicting_event_id).
CREATE TABLE IF NOT EXISTS raw.player_events (
  event_key UHUGEINT NOT NULL,        -- raw.event_key(…) below: of the eventId and its UTC date, else of the content;
                                      -- rows before 2026-11-30 hold an md5: dedupe compares columns, never keys)
  event_id VARCHAR,                   -- as sent; NULL when the source had none
  user_id VARCHAR NOT NULL,
  session_id VARCHAR NOT NULL,
  video_id VARCHAR NOT NULL,
  event_name VARCHAR NOT NULL,        -- as sent (any alias, any case)
  event_type VARCHAR NOT NULL,        -- canonical: play | resume | pause | seek | end | heartbeat
  event_at TIMESTAMP NOT NULL,        -- UTC
  position_s DOUBLE NOT NULL,         -- currentTime: player position (for seek: the target)
  video_duration_s DOUBLE,            -- videoDuration when sent and valid
  event_date DATE NOT NULL,           -- the lake partition
  load_id BIGINT NOT NULL,            -- meta.player_event_files.load_id: input order across files
  source_row BIGINT NOT NULL,         -- line (NDJSON, CSV) or row (Parquet) number in the source file
  source_file VARCHAR NOT NULL,
  -- Numbers of the ids (raw.player_event_users, _streams, _videos), given by ingest in the load's
  -- transaction. NULL only in a data dir from before they existed, until its next start-up numbers them.
  user_no BIGINT,
  stream_no BIGINT,
  video_no INTEGER
);
-- data dirs created before the numbers existed
ALTER TABLE raw.player_events ADD COLUMN IF NOT EXISTS user_no BIGINT;
ALTER TABLE raw.player_events ADD COLUMN IF NOT EXISTS stream_no BIGINT;
ALTER TABLE raw.player_events ADD COLUMN IF NOT EXISTS video_no INTEGER;

-- An accepted event's event_key, unique in raw.player_events: the eventId within its UTC date when sent,
-- else the content, as two 64-bit hashes of different orders (only uniqueness matters: duplicates are
-- found by comparing columns). position_key is the position with -0.0 read as 0.0. Used by ingest
-- (sql/events/classify-rows.sql) and by the lake replay, which computes the key again from a lake file's
-- columns (the lake files do not hold it: Parquet would keep a UHUGEINT as a lossy DOUBLE).
-- A macro is expanded in place: the statements that use it run as if the expression were written there.
CREATE OR REPLACE MACRO raw.event_key(event_id, event_date, user_id, session_id, video_id, event_type, event_at, position_key) AS
    CASE WHEN event_id IS NOT NULL
         THEN (CAST(hash('id', event_date, event_id) AS UHUGEINT) << 64) | hash(event_id, event_date, 'id')
         ELSE (CAST(hash(user_id, session_id, video_id, event_type, event_at, position_key) AS UHUGEINT) << 64)
              | hash(position_key, event_at, event_type, video_id, session_id, user_id, 'content')
    END;

-- A number for every user, (user, sessionId) stream and video of the accepted events, given once by
-- ingest (sql/events/assign-event-numbers.sql) and never changed. The engagement mart sorts and
-- groups every event by these integers instead of the id strings, and looks the strings up once per
-- row at the end (docs/benchmarks.md: this is what brings the build past 1.5 M events/s). Unique on
-- each column by construction (tests/events/event-numbers.test.ts checks it).
CREATE TABLE IF NOT EXISTS raw.player_event_users (
  user_no BIGINT NOT NULL,
  user_id VARCHAR NOT NULL
);
CREATE TABLE IF NOT EXISTS raw.player_event_streams (
  stream_no BIGINT NOT NULL,
  user_id VARCHAR NOT NULL,
  session_id VARCHAR NOT NULL
);
CREATE TABLE IF NOT EXISTS raw.player_event_videos (
  video_no INTEGER NOT NULL,
  video_id VARCHAR NOT NULL
);

-- Rejected rows: nothing is dropped. Also written to quarantine/player_events/load_<id>.parquet.
CREATE TABLE IF NOT EXISTS raw.player_events_quarantine (
  load_id BIGINT NOT NULL,
  source_file VARCHAR NOT NULL,
  source_row BIGINT NOT NULL,         -- line (NDJSON, CSV: the first line of the record) or row (Parquet)
  reason VARCHAR NOT NULL,            -- malformed_json | malformed_csv | invalid_utf8 | missing_user_id | missing_session_id |
                                      -- missing_video_id | missing_event_name | unknown_event | bad_timestamp |
                                      -- timestamp_out_of_range | bad_position | conflicting_event_id
  raw_text VARCHAR                    -- the line, the CSV record, or the Parquet row as JSON (cut at 65,536 characters)
);

-- One row per ingested file, keyed by content: the same bytes are never loaded twice.
CREATE TABLE IF NOT EXISTS meta.player_event_files (
  load_id BIGINT PRIMARY KEY,
  sha256 VARCHAR NOT NULL UNIQUE,
  source_file VARCHAR NOT NULL,
  file_format VARCHAR NOT NULL,       -- ndjson | csv | parquet
  rows_read BIGINT NOT NULL,
  rows_accepted BIGINT NOT NULL,
  rows_quarantined BIGINT NOT NULL,
  rows_duplicate BIGINT NOT NULL,
  run_id VARCHAR NOT NULL,
  ingested_at TIMESTAMP NOT NULL
);

-- The (user, sessionId) streams that got new events since marts.user_video_engagement last consumed
-- them. Written by ingest in the load's transaction; emptied by the mart in its build's transaction.
-- Unique on (user_id, session_id) by construction (ingest inserts only streams not listed yet), with no
-- PRIMARY KEY: DuckDB maintains a key's index row by row, and emptying 2.5 M keyed rows (the first
-- build after ingesting 100 M events) took 139 s on one core; without the key it takes well under a second.
-- (Data dirs created with the key get the table without it at start-up: warehouse/upgrade-event-tables.ts.)
CREATE TABLE IF NOT EXISTS meta.engagement_pending_streams (
  user_id VARCHAR NOT NULL,
  session_id VARCHAR NOT NULL
);

-- What the incremental mart last built with: a different logic hash means a full rebuild.
CREATE TABLE IF NOT EXISTS meta.engagement_build_state (
  model VARCHAR PRIMARY KEY,
  logic_hash VARCHAR NOT NULL,
  built_at TIMESTAMP NOT NULL
);
