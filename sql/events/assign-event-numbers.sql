-- Numbers the users, (user, sessionId) streams and videos of the temp view events_to_number
-- (user_id, session_id, video_id): an id seen before keeps its number, a new one gets the next number
-- after the largest given (in id order within one load, so the same files loaded in the same order get
-- the same numbers: the crash suite compares data dirs row by row). Run by
-- warehouse/event-numbers.ts (for ingest and the lake replay) inside the transaction that loads those events, so a number exists
-- exactly when its events are committed.
-- Leaves this load's ids with their numbers in three temp tables (event_user_numbers,
-- event_stream_numbers, event_video_numbers) for the caller to join to the load's events: their size is
-- the load's ids, so no statement builds a hash table of every id ever numbered (the known ids are
-- found by probing raw.player_event_* with the load's ids).

CREATE OR REPLACE TEMP TABLE event_user_numbers AS
WITH load_ids AS (
    SELECT DISTINCT user_id FROM events_to_number
),

known AS (
    SELECT numbered.user_no, numbered.user_id
    FROM raw.player_event_users AS numbered
    SEMI JOIN load_ids ON load_ids.user_id = numbered.user_id
)

SELECT user_no, user_id, false AS is_new FROM known
UNION ALL
SELECT
    (SELECT coalesce(max(user_no), 0) FROM raw.player_event_users) + row_number() OVER (ORDER BY load_ids.user_id),
    load_ids.user_id,
    true
FROM load_ids
ANTI JOIN known ON known.user_id = load_ids.user_id;

INSERT INTO raw.player_event_users SELECT user_no, user_id FROM event_user_numbers WHERE is_new;

CREATE OR REPLACE TEMP TABLE event_stream_numbers AS
WITH load_ids AS (
    SELECT DISTINCT user_id, session_id FROM events_to_number
),

known AS (
    SELECT numbered.stream_no, numbered.user_id, numbered.session_id
    FROM raw.player_event_streams AS numbered
    SEMI JOIN load_ids ON load_ids.user_id = numbered.user_id AND load_ids.session_id = numbered.session_id
)

SELECT stream_no, user_id, session_id, false AS is_new FROM known
UNION ALL
SELECT
    (SELECT coalesce(max(stream_no), 0) FROM raw.player_event_streams)
        + row_number() OVER (ORDER BY load_ids.user_id, load_ids.session_id),
    load_ids.user_id,
    load_ids.session_id,
    true
FROM load_ids
ANTI JOIN known ON known.user_id = load_ids.user_id AND known.session_id = load_ids.session_id;

INSERT INTO raw.player_event_streams SELECT stream_no, user_id, session_id FROM event_stream_numbers WHERE is_new;

CREATE OR REPLACE TEMP TABLE event_video_numbers AS
WITH load_ids AS (
    SELECT DISTINCT video_id FROM events_to_number
),

known AS (
    SELECT numbered.video_no, numbered.video_id
    FROM raw.player_event_videos AS numbered
    SEMI JOIN load_ids ON load_ids.video_id = numbered.video_id
)

SELECT video_no, video_id, false AS is_new FROM known
UNION ALL
SELECT
    CAST((SELECT coalesce(max(video_no), 0) FROM raw.player_event_videos) + row_number() OVER (ORDER BY load_ids.video_id) AS INTEGER),
    load_ids.video_id,
    true
FROM load_ids
ANTI JOIN known ON known.video_id = load_ids.video_id;

INSERT INTO raw.player_event_videos SELECT video_no, video_id FROM event_video_numbers WHERE is_new;
