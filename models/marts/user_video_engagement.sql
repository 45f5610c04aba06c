-- marts.user_video_engagement: how one user watched one video, over all of their viewing sessions.
-- kind: incremental
-- grain: user_id, video_id
-- key: user_id, video_id
-- scope: sql/scopes/user_video_engagement.sql
-- input: scope_events
-- narrow: stream_no
-- slices: user_no, setting events_per_build_slice rows each, at most 12
-- consumes: meta.engagement_pending_streams
-- Rows: one row per (user_id, video_id).
-- Why: the VideoAnalytics seed's output (one row per user + video), with the rules of
-- docs/engagement-rules.md: viewing sessions (#viewing-sessions, 30-minute timeout), watched segments
-- from the playing-state machine (#watched-segments), skips, clipping to the duration, unique seconds
-- as the union of all segments merged against the running maximum end, and the row's rounding
-- (#the-row-per-user--video).
-- Exact arithmetic: times and positions are whole microseconds (BIGINT) from the first step on, so a
-- time difference is an integer difference of timestamps and every rule bound compares exactly; the
-- row rounds them half away from zero as decimals (DECIMAL, and integer division where a ratio is
-- needed, as DuckDB divides DECIMALs in DOUBLE). Binary floating point decides nothing.
-- Read top to bottom: the rules are one chain of named steps, from the events to the final row.
-- As it stands the file is a full build (it runs so in the DuckDB CLI); the runner builds it
-- incrementally, by the header: only the pairs of the scope, in slices of users (docs/models.md).
-- Why the steps are shaped as they are (one sort of all events, narrow keys): docs/models.md#speed.

CREATE OR REPLACE TEMP TABLE user_video_engagement_rows AS
WITH engagement_rules AS (
    -- seconds as whole microseconds, the ratios as exact decimals
    SELECT
        CAST(CAST(meta.setting('session_timeout_s') AS DECIMAL(18, 6)) * 1000000 AS BIGINT)    AS session_timeout_us,
        CAST(meta.setting('max_playback_speed') AS DECIMAL(18, 6))                              AS max_playback_speed,
        CAST(CAST(meta.setting('position_tolerance_s') AS DECIMAL(18, 6)) * 1000000 AS BIGINT) AS position_tolerance_us,
        CAST(meta.setting('completion_threshold') AS DECIMAL(18, 6))                            AS completion_threshold
),

durations AS (
    -- per video (small): the duration in microseconds, and the first position that completes it
    -- (position >= threshold x duration, for whole microseconds: >= its ceiling)
    SELECT
        d.video_no,
        d.duration_us,
        CAST(ceil(s.completion_threshold * d.duration_us) AS BIGINT) AS completion_point_us
    FROM (
        SELECT video_no, CAST(round(video_duration_s * 1000000) AS BIGINT) AS duration_us
        FROM intermediate.video_durations
    ) AS d
    CROSS JOIN engagement_rules AS s
),

scope_events AS (
    -- every event; on an incremental build the runner reads only the streams of the scope's pairs
    -- (a pair's row depends on every event of its streams, other videos included: the next event
    -- closes a playing segment whatever its video), and one slice of the users at a time
    SELECT user_id, video_id, user_no, stream_no, video_no, event_type, event_at, position_s, input_order
    FROM staging.player_events
),

keyed_events AS (
    -- The steps below work on the numbers ingest gave the ids (a stream is one user's, so within a
    -- stream another video_no is another pair); the id strings come back at the end (named_rows).
    -- More than 4,294,967,295 users or streams stop the build with a conversion error, never wrong rows.
    SELECT
        CAST(e.user_no AS UINTEGER) AS user_no,
        e.video_no,
        CAST(e.stream_no AS UINTEGER) AS stream_key,
        CAST(e.event_type AS ENUM('play', 'resume', 'pause', 'seek', 'end', 'heartbeat')) AS event_type,
        e.event_at,
        -- the position as whole microseconds (exact for up to 6 decimals: |error| of the product < 0.01)
        CAST(round(e.position_s * 1000000) AS BIGINT) AS position_us,
        e.input_order
    FROM scope_events AS e
),

stream_neighbours AS (
    -- Each event with its neighbours in its (user, sessionId) stream, in time then input order,
    -- reduced to what the rules compare: another video or not, and the gap in whole microseconds
    -- (NULL: no neighbour).
    SELECT
        e.*,
        lag(e.video_no) OVER stream <> e.video_no                            AS previous_is_other_video,
        lag(e.event_type) OVER stream                                        AS previous_event_type,
        lag(e.position_us) OVER stream                                       AS previous_position_us,
        epoch_us(e.event_at) - epoch_us(lag(e.event_at) OVER stream)         AS gap_before_us,
        lead(e.video_no) OVER stream <> e.video_no                           AS next_is_other_video,
        lead(e.event_type) OVER stream                                       AS next_event_type,
        lead(e.position_us) OVER stream                                      AS next_position_us,
        epoch_us(lead(e.event_at) OVER stream) - epoch_us(e.event_at)        AS gap_after_us
    FROM keyed_events AS e
    WINDOW stream AS (PARTITION BY e.stream_key ORDER BY e.event_at, e.input_order)
),

viewing_session_starts AS (
    -- A gap longer than the timeout starts a new viewing session (the browser was closed); a
    -- viewing session or a change of video starts a new "run" (a seek only continues playing within
    -- one); a run ends where the next event is another video, far away in time, or missing.
    SELECT
        n.*,
        n.gap_before_us IS NULL
            OR n.gap_before_us > s.session_timeout_us                             AS starts_viewing_session,
        n.gap_before_us IS NULL
            OR n.gap_before_us > s.session_timeout_us
            OR n.previous_is_other_video                                          AS starts_run,
        n.gap_after_us IS NOT NULL
            AND n.gap_after_us <= s.session_timeout_us                            AS has_next_in_viewing_session,
        n.gap_after_us IS NULL
            OR n.gap_after_us > s.session_timeout_us
            OR n.next_is_other_video                                              AS ends_run,
        n.event_type = 'seek' OR coalesce(n.previous_event_type = 'seek', false)  AS in_seek_chain
    FROM stream_neighbours AS n
    CROSS JOIN engagement_rules AS s
),

plain_event_states AS (
    -- Playing after play, resume, heartbeat; not after pause, end. Away from seeks the state needs
    -- only the event and the one before it: the player was playing this very video just before this
    -- event (so this event closes a segment) when it continues a run after a playing event.
    SELECT
        v.*,
        v.event_type IN ('play', 'resume', 'heartbeat')                                   AS is_playing_after,
        NOT v.starts_run AND coalesce(v.previous_event_type IN ('play', 'resume', 'heartbeat'), false) AS was_playing_this_video
    FROM viewing_session_starts AS v
    WHERE NOT v.in_seek_chain
),

seek_chain_states AS (
    -- A seek keeps the state before it, within its run: a chain of seeks carries the state of the
    -- event before the chain, and a seek that starts a run is not playing. So over the seeks and the
    -- events right after one (a few per cent of the events), the state is the latest of: a non-seek's
    -- own state, false at a run start, or, at the chain's first seek, the state of the event before it.
    SELECT
        q.*,
        coalesce(last_value(q.state_marker IGNORE NULLS) OVER upto_here, false)                    AS is_playing_after,
        NOT q.starts_run AND CASE
            WHEN q.previous_event_type = 'seek' THEN coalesce(last_value(q.state_marker IGNORE NULLS) OVER before_here, false)
            ELSE coalesce(q.previous_event_type IN ('play', 'resume', 'heartbeat'), false)
        END                                                                                          AS was_playing_this_video
    FROM (
        SELECT
            v.*,
            CASE
                WHEN v.event_type <> 'seek' THEN v.event_type IN ('play', 'resume', 'heartbeat')
                WHEN v.starts_run THEN false
                WHEN v.previous_event_type <> 'seek' THEN v.previous_event_type IN ('play', 'resume', 'heartbeat')
            END AS state_marker
        FROM viewing_session_starts AS v
        WHERE v.in_seek_chain
    ) AS q
    WINDOW
        upto_here AS (PARTITION BY q.stream_key ORDER BY q.event_at, q.input_order
                      ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW),
        before_here AS (PARTITION BY q.stream_key ORDER BY q.event_at, q.input_order
                        ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING)
),

event_states AS (
    SELECT * FROM plain_event_states
    UNION ALL BY NAME
    SELECT * EXCLUDE (state_marker) FROM seek_chain_states
),

watched_segments AS (
    -- A playing state opened at (t0, p0) is closed by the next event of the viewing session.
    SELECT
        st.*,
        CASE
            WHEN NOT st.is_playing_after OR NOT st.has_next_in_viewing_session THEN NULL
            WHEN st.next_is_other_video THEN st.position_us + st.gap_after_us
            WHEN st.next_event_type = 'seek' THEN st.position_us + st.gap_after_us
            -- (the bound as an exact DECIMAL: microseconds x speed)
            WHEN st.next_position_us - st.position_us BETWEEN 0
                 AND st.gap_after_us * s.max_playback_speed + s.position_tolerance_us
                THEN st.next_position_us
            ELSE st.position_us + st.gap_after_us
        END AS raw_segment_end_us,
        st.is_playing_after AND NOT st.has_next_in_viewing_session AS is_unclosed_play
    FROM event_states AS st
    CROSS JOIN engagement_rules AS s
),

clipped_segments AS (
    -- clipped to [0, duration]: a position past the end or before the start counts no seconds
    SELECT
        w.*,
        d.duration_us,
        d.completion_point_us,
        least(greatest(w.position_us, 0), coalesce(d.duration_us, 0))        AS segment_start_us,
        least(greatest(w.raw_segment_end_us, 0), coalesce(d.duration_us, 0)) AS segment_end_us
    FROM watched_segments AS w
    LEFT JOIN durations AS d ON d.video_no = w.video_no
),

event_outcomes AS (
    -- Per event: the segment length, skips, where the video stands after it, and completion.
    SELECT
        c.* EXCLUDE (completion_point_us),
        -- Skips found while playing: the next position disagrees with the clock, or a seek lands away
        -- from where playback had got to. A switch to another video is never a skip.
        -- (-1 backward, 0 none, 1 forward)
        CAST(CASE
            WHEN c.raw_segment_end_us IS NULL OR c.next_is_other_video THEN 0
            WHEN c.next_event_type = 'seek' THEN
                CASE WHEN abs(c.next_position_us - c.segment_end_us) > s.position_tolerance_us
                     THEN (CASE WHEN c.next_position_us > c.segment_end_us THEN 1 ELSE -1 END) ELSE 0 END
            WHEN c.raw_segment_end_us = c.next_position_us THEN 0
            WHEN c.next_position_us > c.position_us THEN 1
            ELSE -1
        END AS TINYINT) AS playing_skip_direction,
        -- Skips found while not playing: play/resume/seek/heartbeat more than the tolerance away from
        -- the last known position of that video in this viewing session. Within a run that is the
        -- previous event's position; at a run start after another video see run_returns.
        CAST(CASE
            WHEN c.starts_run
                 OR c.event_type NOT IN ('play', 'resume', 'seek', 'heartbeat')
                 OR c.was_playing_this_video THEN 0
            WHEN abs(c.position_us - c.previous_position_us) <= s.position_tolerance_us THEN 0
            WHEN c.position_us > c.previous_position_us THEN 1
            ELSE -1
        END AS TINYINT) AS idle_skip_direction,
        -- where this video stands after this event, for a later "not playing" skip test
        CASE
            WHEN c.raw_segment_end_us IS NOT NULL AND c.next_is_other_video THEN c.segment_end_us
            ELSE c.position_us
        END AS last_known_position_us,
        -- A viewing session completes a video with an end at >= 95 % of its duration, or a segment
        -- ending there (completion_point_us: durations).
        coalesce(c.duration_us > 0 AND (
            (c.event_type = 'end' AND c.position_us >= c.completion_point_us)
            OR (c.segment_end_us > c.segment_start_us AND c.segment_end_us >= c.completion_point_us)
        ), false) AS completes_video
    FROM clipped_segments AS c
    CROSS JOIN engagement_rules AS s
),

run_boundaries AS (
    -- The first and last event of every run and the completing events: enough to number the viewing
    -- sessions (each starts a run) and to find, at a run start, the end of the same video's previous
    -- run in the stream.
    SELECT
        o.stream_key, o.user_no, o.video_no, o.event_at, o.input_order, o.event_type, o.position_us,
        o.starts_viewing_session, o.starts_run, o.last_known_position_us, o.completes_video,
        sum(CAST(o.starts_viewing_session AS INTEGER)) OVER (
            PARTITION BY o.stream_key ORDER BY o.event_at, o.input_order
            ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)                        AS viewing_session_no
    FROM event_outcomes AS o
    WHERE o.starts_run OR o.ends_run OR o.completes_video
),

run_returns AS (
    -- Per (user, video), in stream then time order: the previous boundary event of the same video.
    -- A viewing session of the pair starts where that one is in another stream or viewing session;
    -- a run start that returns to the video within the viewing session is an idle skip when it is
    -- more than the tolerance from where the video was left.
    SELECT
        b.*,
        lag(b.stream_key) OVER pair_order IS DISTINCT FROM b.stream_key
            OR lag(b.viewing_session_no) OVER pair_order IS DISTINCT FROM b.viewing_session_no AS starts_pair_session,
        lag(b.last_known_position_us) OVER pair_order                                        AS left_at_position_us
    FROM run_boundaries AS b
    WINDOW pair_order AS (PARTITION BY b.user_no, b.video_no ORDER BY b.stream_key, b.event_at, b.input_order)
),

per_pair_sessions AS (
    SELECT
        r.user_no, r.video_no,
        count(*) FILTER (WHERE r.starts_pair_session)                                     AS session_count,
        count(DISTINCT (r.stream_key, r.viewing_session_no)) FILTER (WHERE r.completes_video) AS completion_count,
        count(*) FILTER (WHERE r.returns_to_video AND r.position_us - r.left_at_position_us > s.position_tolerance_us) AS return_forward_skips,
        count(*) FILTER (WHERE r.returns_to_video AND r.left_at_position_us - r.position_us > s.position_tolerance_us) AS return_backward_skips
    FROM (
        SELECT
            rr.*,
            rr.starts_run AND NOT rr.starts_viewing_session AND NOT rr.starts_pair_session
                AND rr.event_type IN ('play', 'resume', 'seek', 'heartbeat')                AS returns_to_video
        FROM run_returns AS rr
    ) AS r
    CROSS JOIN engagement_rules AS s
    GROUP BY r.user_no, r.video_no
),

per_pair_events AS (
    SELECT
        user_no, video_no,
        sum(segment_length_us) FILTER (WHERE segment_length_us > 0)                   AS total_us,
        -- (the UTC date of the opening event last: it does not change the order the union sorts by)
        list({'start_us': segment_start_us, 'end_us': segment_end_us, 'watch_date': CAST(event_at AS DATE)}) FILTER (WHERE segment_length_us > 0) AS segments,
        max(segment_end_us) FILTER (WHERE segment_length_us > 0)                      AS max_segment_end_us,
        count(*) FILTER (WHERE event_type = 'pause')                                  AS pause_count,
        sum(CAST(playing_skip_direction = 1 AS INTEGER) + CAST(idle_skip_direction = 1 AS INTEGER))    AS forward_skips,
        sum(CAST(playing_skip_direction = -1 AS INTEGER) + CAST(idle_skip_direction = -1 AS INTEGER))  AS backward_skips,
        bool_or(is_unclosed_play)                                                     AS has_unclosed_play,
        max(position_us)                                                              AS max_event_position_us,
        min(event_at)                                                                 AS first_event_at,
        max(event_at)                                                                 AS last_event_at,
        count(*)                                                                      AS event_count
    -- (the duration is joined by video at the end: named_rows)
    FROM (SELECT *, greatest(segment_end_us - segment_start_us, 0) AS segment_length_us FROM event_outcomes)
    GROUP BY user_no, video_no
),

per_user_video AS (
    -- Unique seconds: the segments in order of start, each counting only the part beyond the
    -- furthest end of the ones before it (the union of all segments, nested ones included).
    SELECT
        e.* EXCLUDE (segments, forward_skips, backward_skips),
        e.forward_skips + ps.return_forward_skips                                     AS forward_skips,
        e.backward_skips + ps.return_backward_skips                                   AS backward_skips,
        ps.session_count,
        ps.completion_count,
        list_reduce(list_sort(e.segments),
                    lambda union_so_far, segment: {
                        'end_us': greatest(union_so_far.end_us, segment.end_us),
                        'length_us': union_so_far.length_us
                                     + greatest(segment.end_us - greatest(segment.start_us, union_so_far.end_us), 0)},
                    {'end_us': CAST(0 AS BIGINT), 'length_us': CAST(0 AS BIGINT)}).length_us AS unique_us,
        e.segments                                                                    AS dated_segments
    FROM per_pair_events AS e
    JOIN per_pair_sessions AS ps USING (user_no, video_no)
),

named_rows AS (
    -- the ids and the duration back on each pair
    SELECT p.*, u.user_id, v.video_id, d.video_duration_s, d.duration_source, du.duration_us
    FROM per_user_video AS p
    JOIN raw.player_event_users AS u USING (user_no)
    JOIN raw.player_event_videos AS v USING (video_no)
    LEFT JOIN intermediate.video_durations AS d USING (video_no)
    LEFT JOIN durations AS du USING (video_no)
),

rounded AS (
    -- Seconds to whole milliseconds, half away from zero (the microseconds are never negative; the
    -- sums are integers, so the same events always give the same row).
    SELECT
        a.*,
        (coalesce(a.total_us, 0) + 500) // 1000          AS total_ms,
        (coalesce(a.unique_us, 0) + 500) // 1000         AS unique_ms,
        (coalesce(a.max_segment_end_us, 0) + 500) // 1000 AS max_position_ms,
        a.duration_us > 0                                AS has_duration
    FROM named_rows AS a
),

percentages AS (
    -- 100 x (seconds rounded to the millisecond) / duration, to one decimal, half away from zero, in
    -- integers (DuckDB would divide DECIMALs in DOUBLE): tenths of a per cent = 1,000,000 x ms / µs,
    -- rounded as (2,000,000 x ms + µs) // (2 x µs), then x 0.1 as an exact DECIMAL
    SELECT
        r.*,
        CASE WHEN has_duration THEN ((2000000 * CAST(total_ms AS HUGEINT) + duration_us) // (2 * duration_us)) * 0.1 END AS watch_percentage,
        CASE WHEN has_duration THEN ((2000000 * CAST(unique_ms AS HUGEINT) + duration_us) // (2 * duration_us)) * 0.1 END AS unique_watch_percentage,
        CASE WHEN has_duration THEN ((2000000 * CAST(max_position_ms AS HUGEINT) + duration_us) // (2 * duration_us)) * 0.1 END AS completion_percentage,
        total_ms * 0.001                                 AS total_watch_time_s,
        unique_ms * 0.001                                AS unique_seconds_watched,
        max_position_ms * 0.001                          AS max_position_s,
        duration_us * 0.000001                           AS exact_duration_s
    FROM rounded AS r
),

scored AS (
    SELECT
        p.*,
        -- from the rounded percentages, as DECIMALs (exact); least() skips NULLs, so the
        -- missing-duration case is spelled out
        CASE WHEN has_duration
             THEN round(0.7 * least(unique_watch_percentage, 100) + 0.3 * least(completion_percentage, 100), 1)
        END AS engagement_score
    FROM percentages AS p
),

final AS (
    SELECT
        CAST(user_id AS VARCHAR)                                        AS user_id,
        CAST(video_id AS VARCHAR)                                       AS video_id,
        CAST(total_watch_time_s AS DOUBLE)                              AS total_watch_time_s,
        CAST(unique_seconds_watched AS DOUBLE)                          AS unique_seconds_watched,
        CAST(total_watch_time_s - unique_seconds_watched AS DOUBLE)    AS rewatch_seconds,
        CAST(watch_percentage AS DOUBLE)                                AS watch_percentage,
        CAST(unique_watch_percentage AS DOUBLE)                         AS unique_watch_percentage,
        CAST(max_position_s AS DOUBLE)                                  AS max_position_s,
        CAST(completion_percentage AS DOUBLE)                           AS completion_percentage,
        CAST(session_count AS BIGINT)                                   AS session_count,
        CAST(completion_count AS BIGINT)                                AS completion_count,
        CAST(pause_count AS BIGINT)                                     AS pause_count,
        CAST(forward_skips AS BIGINT)                                   AS forward_skips,
        CAST(backward_skips AS BIGINT)                                  AS backward_skips,
        -- pauses / sessions to 3 decimals, half away from zero, in integers as the percentages
        CAST(((2000 * pause_count + session_count) // (2 * session_count)) * 0.001 AS DOUBLE) AS avg_pauses_per_session,
        CAST(engagement_score AS DOUBLE)                                AS engagement_score,
        CAST(CASE
            WHEN engagement_score IS NULL THEN NULL
            WHEN engagement_score >= 75 THEN 'High'
            WHEN engagement_score >= 50 THEN 'Medium'
            WHEN engagement_score >= 25 THEN 'Low'
            ELSE 'Minimal'
        END AS VARCHAR)                                                 AS engagement_tier,
        CAST(video_duration_s AS DOUBLE)                                AS video_duration_s,
        CAST(coalesce(duration_source, 'max_position') AS VARCHAR)      AS duration_source,
        CAST(first_event_at AS TIMESTAMP)                               AS first_event_at,
        CAST(last_event_at AS TIMESTAMP)                                AS last_event_at,
        CAST(event_count AS BIGINT)                                     AS event_count,
        CAST(list_filter([
            CASE WHEN has_duration AND total_watch_time_s > 1.2 * exact_duration_s THEN 'excessive_watch_time' END,
            CASE WHEN total_watch_time_s < 5 THEN 'very_short_watch' END,
            CASE WHEN completion_count > 0 AND watch_percentage < 75 THEN 'completed_without_sufficient_watch' END,
            CASE WHEN total_watch_time_s = 0 THEN 'no_valid_segments' END,
            CASE WHEN has_unclosed_play THEN 'unclosed_play' END,
            CASE WHEN max_event_position_us > duration_us THEN 'position_beyond_duration' END,
            CASE WHEN coalesce(duration_source, 'max_position') <> 'cms' THEN 'duration_not_from_cms' END
        ], flag -> flag IS NOT NULL) AS VARCHAR[])                      AS quality_flags,
        -- not a column of the mart: split off into intermediate.user_video_daily_watch (below)
        dated_segments
    FROM scored
)

SELECT * FROM final;

-- The mart: the rows without the segments' dates.
CREATE OR REPLACE TABLE marts.user_video_engagement AS
SELECT * EXCLUDE (dated_segments) FROM user_video_engagement_rows ORDER BY user_id, video_id;

-- Kept with the mart (the same pairs deleted and inserted): each pair's watched seconds per UTC date of
-- the event that opened the segment, whole milliseconds half away from zero like the mart's, for
-- marts.watch_time_reconciliation.
CREATE OR REPLACE TABLE intermediate.user_video_daily_watch AS
SELECT
    user_id,
    video_id,
    CAST(segment.watch_date AS DATE)                                                  AS watch_date,
    CAST(((sum(segment.end_us - segment.start_us) + 500) // 1000) * 0.001 AS DOUBLE) AS watch_time_s
FROM (SELECT user_id, video_id, unnest(dated_segments) AS segment FROM user_video_engagement_rows)
GROUP BY ALL;

COMMENT ON TABLE marts.user_video_engagement IS 'How one user watched one video over all viewing sessions (docs/engagement-rules.md). One row per (user_id, video_id). Built incrementally: see docs/engagement.md.';
COMMENT ON COLUMN marts.user_video_engagement.user_id IS 'The viewer (userId of the player events).';
COMMENT ON COLUMN marts.user_video_engagement.video_id IS 'The video (videoId of the player events; the Brightcove video id).';
COMMENT ON COLUMN marts.user_video_engagement.total_watch_time_s IS 'Seconds watched: the sum of the watched segments, replays counted again (3 decimals).';
COMMENT ON COLUMN marts.user_video_engagement.unique_seconds_watched IS 'Seconds of the video watched at least once: the length of the union of all segments over all sessions (3 decimals).';
COMMENT ON COLUMN marts.user_video_engagement.rewatch_seconds IS 'total_watch_time_s - unique_seconds_watched: seconds watched again.';
COMMENT ON COLUMN marts.user_video_engagement.watch_percentage IS '100 * total_watch_time_s / video_duration_s, 1 decimal; can pass 100 with replays. NULL when the duration is 0 or unknown.';
COMMENT ON COLUMN marts.user_video_engagement.unique_watch_percentage IS '100 * unique_seconds_watched / video_duration_s, 1 decimal. NULL when the duration is 0 or unknown.';
COMMENT ON COLUMN marts.user_video_engagement.max_position_s IS 'The furthest point reached: the largest end of a watched segment (0 without any).';
COMMENT ON COLUMN marts.user_video_engagement.completion_percentage IS '100 * max_position_s / video_duration_s, 1 decimal. NULL when the duration is 0 or unknown.';
COMMENT ON COLUMN marts.user_video_engagement.session_count IS 'Viewing sessions (a sessionId split at gaps over the session timeout, 30 minutes) with at least one event of this video.';
COMMENT ON COLUMN marts.user_video_engagement.completion_count IS 'Viewing sessions in which this video had an end event at >= 95 % of its duration, or a watched segment ending there.';
COMMENT ON COLUMN marts.user_video_engagement.pause_count IS 'Pause events of this video (exact duplicates counted once).';
COMMENT ON COLUMN marts.user_video_engagement.forward_skips IS 'Jumps forward: positions ahead of what the clock allows (2x speed + 2 s), seeks beyond the playing point, or playback resumed more than 2 s ahead of the last known position.';
COMMENT ON COLUMN marts.user_video_engagement.backward_skips IS 'Jumps backward, found the same ways as forward_skips.';
COMMENT ON COLUMN marts.user_video_engagement.avg_pauses_per_session IS 'pause_count / session_count, 3 decimals.';
COMMENT ON COLUMN marts.user_video_engagement.engagement_score IS 'Our viewer score from the player events (not Brightcove''s engagement ratio of marts.daily_video_analytics, which has the same column name): 0.7 * min(unique_watch_percentage, 100) + 0.3 * min(completion_percentage, 100), 1 decimal, from the rounded percentages; 0-100. NULL when the duration is 0 or unknown.';
COMMENT ON COLUMN marts.user_video_engagement.engagement_tier IS 'High (score >= 75), Medium (>= 50), Low (>= 25), else Minimal; NULL when the score is NULL.';
COMMENT ON COLUMN marts.user_video_engagement.video_duration_s IS 'The duration the percentages use, in seconds (see duration_source).';
COMMENT ON COLUMN marts.user_video_engagement.duration_source IS 'cms (CMS duration / 1000), event (largest videoDuration in the events) or max_position (largest position seen).';
COMMENT ON COLUMN marts.user_video_engagement.first_event_at IS 'UTC time of the first event of this user for this video.';
COMMENT ON COLUMN marts.user_video_engagement.last_event_at IS 'UTC time of the last event of this user for this video.';
COMMENT ON COLUMN marts.user_video_engagement.event_count IS 'Events of this user for this video after de-duplication.';
COMMENT ON COLUMN marts.user_video_engagement.quality_flags IS 'Every flag that applies: excessive_watch_time (total > 1.2 x duration), very_short_watch (total < 5 s), completed_without_sufficient_watch (completed, watch_percentage < 75), no_valid_segments, unclosed_play, position_beyond_duration, duration_not_from_cms.';
