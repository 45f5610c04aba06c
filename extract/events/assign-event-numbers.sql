-- Gives a number to every user, (user, sessionId) stream and video in the temp view events_to_number
-- (user_id, session_id, video_id) that has none yet. Run by extract/events/event-numbers.ts inside the
-- transaction that loads those events, so a number exists exactly when its events are committed.
-- Numbers continue after the largest one given, in id order within one load: the same files loaded in
-- the same order get the same numbers (the crash suite compares data dirs row by row).
INSERT INTO raw.player_event_users
SELECT
    (SELECT coalesce(max(user_no), 0) FROM raw.player_event_users) + row_number() OVER (ORDER BY new_users.user_id) AS user_no,
    new_users.user_id
FROM (SELECT DISTINCT user_id FROM events_to_number) AS new_users
ANTI JOIN raw.player_event_users AS known ON known.user_id = new_users.user_id;

INSERT INTO raw.player_event_streams
SELECT
    (SELECT coalesce(max(stream_no), 0) FROM raw.player_event_streams)
        + row_number() OVER (ORDER BY new_streams.user_id, new_streams.session_id) AS stream_no,
    new_streams.user_id,
    new_streams.session_id
FROM (SELECT DISTINCT user_id, session_id FROM events_to_number) AS new_streams
ANTI JOIN raw.player_event_streams AS known
    ON known.user_id = new_streams.user_id AND known.session_id = new_streams.session_id;

INSERT INTO raw.player_event_videos
SELECT
    CAST((SELECT coalesce(max(video_no), 0) FROM raw.player_event_videos) + row_number() OVER (ORDER BY new_videos.video_id) AS INTEGER) AS video_no,
    new_videos.video_id
FROM (SELECT DISTINCT video_id FROM events_to_number) AS new_videos
ANTI JOIN raw.player_event_videos AS known ON known.video_id = new_videos.video_id;
