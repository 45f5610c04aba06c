-- marts.user_video_engagement: how one user watched one video, over all of their viewing sessions.
-- Grain: one row per (user_id, video_id).
-- Why: the VideoAnalytics seed's output (one row per user + video), with the rules of
-- docs/../shared/spec/player-events.md: viewing sessions (30-minute timeout), watched segments from the
-- playing-state machine, skips, clipping to the duration, and unique seconds as the union of all
-- segments merged against the running maximum end.
--
-- Incremental (docs/engagement.md): ingest lists the (user, sessionId) streams that got new events in
-- meta.engagement_pending_streams. A build recomputes, with their full history, only the pairs that
-- have an event in such a stream, plus every pair of a video whose duration changed; it deletes their
-- old rows and inserts the new ones. It rebuilds everything when the logic below, the staging view or
-- the event settings changed (meta.engagement_build_state.logic_hash), or when the table is empty.
-- Steps: 1 the table  2 the logic (a view over the scope)  3 full or incremental?  4 the scope
--        5 delete + insert  6 bookkeeping  7 comments.

-- 1 -------------------------------------------------------------------------------------------------
CREATE TABLE IF NOT EXISTS marts.user_video_engagement (
    user_id VARCHAR NOT NULL,
    video_id VARCHAR NOT NULL,
    total_watch_time_s DOUBLE NOT NULL,
    unique_seconds_watched DOUBLE NOT NULL,
    rewatch_seconds DOUBLE NOT NULL,
    watch_percentage DOUBLE,
    unique_watch_percentage DOUBLE,
    max_position_s DOUBLE NOT NULL,
    completion_percentage DOUBLE,
    session_count BIGINT NOT NULL,
    completion_count BIGINT NOT NULL,
    pause_count BIGINT NOT NULL,
    forward_skips BIGINT NOT NULL,
    backward_skips BIGINT NOT NULL,
    avg_pauses_per_session DOUBLE NOT NULL,
    engagement_score DOUBLE,
    engagement_tier VARCHAR,
    video_duration_s DOUBLE,
    duration_source VARCHAR NOT NULL,
    first_event_at TIMESTAMP NOT NULL,
    last_event_at TIMESTAMP NOT NULL,
    event_count BIGINT NOT NULL,
    quality_flags VARCHAR[] NOT NULL
);

CREATE OR REPLACE TEMP TABLE engagement_build_mode (logic_hash VARCHAR, is_full_rebuild BOOLEAN);
CREATE OR REPLACE TEMP TABLE engagement_affected_pairs (user_id VARCHAR, video_id VARCHAR);

-- 2 -------------------------------------------------------------------------------------------------
-- The rules, as one chain of named steps. On a full rebuild it reads every event; otherwise only the
-- streams holding an event of an affected pair (a pair's row depends on every event of its streams,
-- other videos included: the next event closes a playing segment whatever its video).
CREATE OR REPLACE TEMP VIEW engagement_rows AS
WITH settings AS (
    SELECT
        CAST(meta.setting('session_timeout_s') AS DOUBLE)    AS session_timeout_s,
        CAST(meta.setting('max_playback_speed') AS DOUBLE)   AS max_playback_speed,
        CAST(meta.setting('position_tolerance_s') AS DOUBLE) AS position_tolerance_s,
        CAST(meta.setting('completion_threshold') AS DOUBLE) AS completion_threshold
),

affected_streams AS (
    SELECT DISTINCT events.user_id, events.session_id
    FROM staging.player_events AS events
    SEMI JOIN engagement_affected_pairs AS pairs
        ON events.user_id = pairs.user_id AND events.video_id = pairs.video_id
),

scope_events AS (
    -- Only the columns the rules need: every window below carries its rows' columns along.
    SELECT user_id, session_id, video_id, event_type, event_at, position_s, input_order
    FROM staging.player_events
    WHERE (SELECT is_full_rebuild FROM engagement_build_mode)
    UNION ALL
    SELECT events.user_id, events.session_id, events.video_id, events.event_type, events.event_at,
           events.position_s, events.input_order
    FROM staging.player_events AS events
    SEMI JOIN affected_streams AS streams
        ON events.user_id = streams.user_id AND events.session_id = streams.session_id
    WHERE NOT (SELECT is_full_rebuild FROM engagement_build_mode)
),

stream_neighbours AS (
    -- Each event with its neighbours in its (user, sessionId) stream, in time then input order.
    SELECT
        e.*,
        epoch_us(e.event_at) / 1e6                                     AS event_at_s,
        row_number() OVER stream                                        AS stream_index,
        epoch_us(lag(e.event_at) OVER stream) / 1e6                     AS previous_event_at_s,
        lag(e.video_id) OVER stream                                     AS previous_video_id,
        epoch_us(lead(e.event_at) OVER stream) / 1e6                    AS next_event_at_s,
        lead(e.video_id) OVER stream                                    AS next_video_id,
        lead(e.event_type) OVER stream                                  AS next_event_type,
        lead(e.position_s) OVER stream                                  AS next_position_s
    FROM scope_events AS e
    -- Partitioned by two independent hashes of the ids (128 bits): sorting on them is far cheaper
    -- than on the id strings, and a collision is as likely as an md5 collision.
    WINDOW stream AS (PARTITION BY hash(e.user_id, e.session_id), hash(e.session_id, e.user_id) ORDER BY e.event_at, e.input_order)
),

viewing_session_starts AS (
    -- A gap longer than the timeout starts a new viewing session (the browser was closed); a
    -- viewing session or a change of video starts a new "run" (a seek only continues playing within one).
    SELECT
        n.*,
        n.previous_event_at_s IS NULL
            OR n.event_at_s - n.previous_event_at_s > s.session_timeout_s          AS starts_viewing_session,
        n.previous_event_at_s IS NULL
            OR n.event_at_s - n.previous_event_at_s > s.session_timeout_s
            OR n.previous_video_id <> n.video_id                                 AS starts_run,
        n.next_event_at_s IS NOT NULL
            AND n.next_event_at_s - n.event_at_s <= s.session_timeout_s           AS has_next_in_viewing_session
    FROM stream_neighbours AS n
    CROSS JOIN settings AS s
),

playing_states AS (
    -- Playing after play, resume, heartbeat; not after pause, end; a seek keeps the state of the last
    -- non-seek event when nothing (no gap, no other video) came between them.
    SELECT
        v.*,
        sum(CAST(v.starts_viewing_session AS INTEGER)) OVER upto_here                                   AS viewing_session_no,
        last_value(CASE WHEN v.event_type <> 'seek' THEN v.stream_index END IGNORE NULLS) OVER upto_here AS last_steady_index,
        last_value(CASE WHEN v.event_type <> 'seek' THEN v.event_type END IGNORE NULLS) OVER upto_here   AS last_steady_type,
        last_value(CASE WHEN v.starts_run THEN v.stream_index END IGNORE NULLS) OVER upto_here           AS run_start_index,
        last_value(CASE WHEN v.event_type <> 'seek' THEN v.stream_index END IGNORE NULLS) OVER before_here AS previous_steady_index,
        last_value(CASE WHEN v.event_type <> 'seek' THEN v.event_type END IGNORE NULLS) OVER before_here   AS previous_steady_type,
        last_value(CASE WHEN v.starts_run THEN v.stream_index END IGNORE NULLS) OVER before_here           AS previous_run_start_index
    FROM viewing_session_starts AS v
    WINDOW
        upto_here AS (PARTITION BY hash(v.user_id, v.session_id), hash(v.session_id, v.user_id) ORDER BY v.event_at, v.input_order
                      ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW),
        before_here AS (PARTITION BY hash(v.user_id, v.session_id), hash(v.session_id, v.user_id) ORDER BY v.event_at, v.input_order
                        ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING)
),

event_states AS (
    SELECT
        p.*,
        coalesce(p.last_steady_type IN ('play', 'resume', 'heartbeat')
                 AND p.run_start_index <= p.last_steady_index, false)                        AS is_playing_after,
        -- the player was playing this very video just before this event (so this event closes a segment)
        coalesce(NOT p.starts_run
                 AND p.previous_steady_type IN ('play', 'resume', 'heartbeat')
                 AND p.previous_run_start_index <= p.previous_steady_index, false)           AS was_playing_this_video
    FROM playing_states AS p
),

watched_segments AS (
    -- A playing state opened at (t0, p0) is closed by the next event of the viewing session.
    SELECT
        st.*,
        d.video_duration_s,
        d.duration_source,
        st.next_event_at_s - st.event_at_s AS elapsed_s,
        CASE
            WHEN NOT st.is_playing_after OR NOT st.has_next_in_viewing_session THEN NULL
            WHEN st.next_video_id <> st.video_id THEN st.position_s + (st.next_event_at_s - st.event_at_s)
            WHEN st.next_event_type = 'seek' THEN st.position_s + (st.next_event_at_s - st.event_at_s)
            WHEN st.next_position_s - st.position_s BETWEEN 0
                 AND (st.next_event_at_s - st.event_at_s) * s.max_playback_speed + s.position_tolerance_s
                THEN st.next_position_s
            ELSE st.position_s + (st.next_event_at_s - st.event_at_s)
        END AS raw_segment_end_s,
        st.is_playing_after AND NOT st.has_next_in_viewing_session AS is_unclosed_play
    FROM event_states AS st
    CROSS JOIN settings AS s
    LEFT JOIN intermediate.video_durations AS d ON d.video_id = st.video_id
),

clipped_segments AS (
    SELECT
        w.*,
        least(greatest(w.position_s, 0), coalesce(w.video_duration_s, 0))        AS segment_start_s,
        least(greatest(w.raw_segment_end_s, 0), coalesce(w.video_duration_s, 0)) AS segment_end_s
    FROM watched_segments AS w
),

segment_skips AS (
    -- Skips found while playing: the next position disagrees with the clock, or a seek lands away
    -- from where playback had got to. A switch to another video is never a skip.
    SELECT
        c.*,
        greatest(c.segment_end_s - c.segment_start_s, 0) AS segment_length_s,
        CASE
            WHEN c.raw_segment_end_s IS NULL OR c.next_video_id <> c.video_id THEN 0
            WHEN c.next_event_type = 'seek' THEN
                CASE WHEN abs(c.next_position_s - c.segment_end_s) > s.position_tolerance_s
                     THEN (CASE WHEN c.next_position_s > c.segment_end_s THEN 1 ELSE -1 END) ELSE 0 END
            WHEN c.raw_segment_end_s = c.next_position_s THEN 0
            WHEN c.next_position_s > c.position_s THEN 1
            ELSE -1
        END AS playing_skip_direction,
        -- where this video stands after this event, for a later "not playing" skip test
        CASE
            WHEN c.raw_segment_end_s IS NOT NULL AND c.next_video_id <> c.video_id THEN c.segment_end_s
            ELSE c.position_s
        END AS last_known_position_s
    FROM clipped_segments AS c
    CROSS JOIN settings AS s
),

idle_skips AS (
    -- Skips found while not playing: play/resume/seek/heartbeat more than the tolerance away from the
    -- last known position of that video in this viewing session.
    SELECT
        k.*,
        CASE
            WHEN k.event_type NOT IN ('play', 'resume', 'seek', 'heartbeat') OR k.was_playing_this_video THEN 0
            WHEN k.previous_same_video_session_no IS DISTINCT FROM k.viewing_session_no THEN 0
            WHEN abs(k.position_s - k.previous_known_position_s) <= s.position_tolerance_s THEN 0
            WHEN k.position_s > k.previous_known_position_s THEN 1
            ELSE -1
        END AS idle_skip_direction
    FROM (
        SELECT
            sk.*,
            lag(sk.last_known_position_s) OVER same_video AS previous_known_position_s,
            lag(sk.viewing_session_no) OVER same_video    AS previous_same_video_session_no
        FROM segment_skips AS sk
        WINDOW same_video AS (PARTITION BY hash(sk.user_id, sk.session_id, sk.video_id), hash(sk.video_id, sk.session_id, sk.user_id)
                              ORDER BY sk.event_at, sk.input_order)
    ) AS k
    CROSS JOIN settings AS s
),

session_completions AS (
    -- A viewing session completes a video with an end at >= 95 % of its duration, or a segment ending there.
    SELECT
        i.*,
        coalesce(i.video_duration_s > 0 AND (
            (i.event_type = 'end' AND i.position_s >= s.completion_threshold * i.video_duration_s)
            OR (i.segment_length_s > 0 AND i.segment_end_s >= s.completion_threshold * i.video_duration_s)
        ), false) AS completes_video
    FROM idle_skips AS i
    CROSS JOIN settings AS s
),

merged_intervals AS (
    -- Unique seconds: each segment counts only the part beyond the furthest end of the segments that
    -- start before it (sorted by start, then end), i.e. the union of all segments in one pass.
    SELECT
        user_id,
        video_id,
        sum(greatest(segment_end_s - greatest(segment_start_s, coalesce(running_max_end_s, segment_start_s)), 0)) AS unique_seconds
    FROM (
        SELECT
            user_id, video_id, segment_start_s, segment_end_s,
            max(segment_end_s) OVER (PARTITION BY hash(user_id, video_id), hash(video_id, user_id) ORDER BY segment_start_s, segment_end_s
                                     ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS running_max_end_s
        FROM session_completions
        WHERE segment_length_s > 0
    ) AS ordered_segments
    GROUP BY user_id, video_id
),

per_user_video AS (
    SELECT
        user_id,
        video_id,
        sum(segment_length_s) FILTER (WHERE segment_length_s > 0)                     AS total_seconds,
        max(segment_end_s) FILTER (WHERE segment_length_s > 0)                        AS max_segment_end_s,
        count(DISTINCT struct_pack(session_id, viewing_session_no))                   AS session_count,
        count(DISTINCT struct_pack(session_id, viewing_session_no)) FILTER (WHERE completes_video) AS completion_count,
        count(*) FILTER (WHERE event_type = 'pause')                                  AS pause_count,
        count(*) FILTER (WHERE playing_skip_direction = 1)
            + count(*) FILTER (WHERE idle_skip_direction = 1)                         AS forward_skips,
        count(*) FILTER (WHERE playing_skip_direction = -1)
            + count(*) FILTER (WHERE idle_skip_direction = -1)                        AS backward_skips,
        bool_or(is_unclosed_play)                                                     AS has_unclosed_play,
        max(position_s)                                                               AS max_event_position_s,
        any_value(video_duration_s)                                                   AS video_duration_s,
        any_value(duration_source)                                                    AS duration_source,
        min(event_at)                                                                 AS first_event_at,
        max(event_at)                                                                 AS last_event_at,
        count(*)                                                                      AS event_count
    FROM session_completions
    GROUP BY user_id, video_id
),

affected_rows AS (
    -- On an incremental build only the affected pairs' rows are complete: the others in these
    -- streams may have events elsewhere.
    SELECT p.*
    FROM per_user_video AS p
    WHERE (SELECT is_full_rebuild FROM engagement_build_mode)
       OR (p.user_id, p.video_id) IN (SELECT (user_id, video_id) FROM engagement_affected_pairs)
),

rounded AS (
    -- Seconds to 3 decimals, unique clamped to total and duration (parallel DOUBLE sums differ in the
    -- last bits from run to run); the percentages are then computed from these rounded seconds.
    SELECT
        a.*,
        round(coalesce(a.total_seconds, 0), 3) AS total_watch_time_s,
        round(least(coalesce(m.unique_seconds, 0), coalesce(a.total_seconds, 0),
                    coalesce(a.video_duration_s, 0)), 3) AS unique_seconds_watched,
        round(coalesce(a.max_segment_end_s, 0), 3) AS max_position_s,
        a.video_duration_s > 0 AS has_duration
    FROM affected_rows AS a
    LEFT JOIN merged_intervals AS m USING (user_id, video_id)
),

percentages AS (
    SELECT
        r.*,
        CASE WHEN has_duration THEN round(100.0 * total_watch_time_s / video_duration_s, 1) END     AS watch_percentage,
        CASE WHEN has_duration THEN round(100.0 * unique_seconds_watched / video_duration_s, 1) END AS unique_watch_percentage,
        CASE WHEN has_duration THEN round(100.0 * max_position_s / video_duration_s, 1) END         AS completion_percentage
    FROM rounded AS r
),

scored AS (
    SELECT
        p.*,
        -- least() skips NULLs, so the missing-duration case is spelled out
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
        CAST(round(total_watch_time_s - unique_seconds_watched, 3) AS DOUBLE) AS rewatch_seconds,
        CAST(watch_percentage AS DOUBLE)                                AS watch_percentage,
        CAST(unique_watch_percentage AS DOUBLE)                         AS unique_watch_percentage,
        CAST(max_position_s AS DOUBLE)                                  AS max_position_s,
        CAST(completion_percentage AS DOUBLE)                           AS completion_percentage,
        CAST(session_count AS BIGINT)                                   AS session_count,
        CAST(completion_count AS BIGINT)                                AS completion_count,
        CAST(pause_count AS BIGINT)                                     AS pause_count,
        CAST(forward_skips AS BIGINT)                                   AS forward_skips,
        CAST(backward_skips AS BIGINT)                                  AS backward_skips,
        CAST(round(pause_count / session_count, 3) AS DOUBLE)           AS avg_pauses_per_session,
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
            CASE WHEN has_duration AND total_watch_time_s > 1.2 * video_duration_s THEN 'excessive_watch_time' END,
            CASE WHEN total_watch_time_s < 5 THEN 'very_short_watch' END,
            CASE WHEN completion_count > 0 AND watch_percentage < 75 THEN 'completed_without_sufficient_watch' END,
            CASE WHEN total_watch_time_s = 0 THEN 'no_valid_segments' END,
            CASE WHEN has_unclosed_play THEN 'unclosed_play' END,
            CASE WHEN max_event_position_s > video_duration_s THEN 'position_beyond_duration' END,
            CASE WHEN coalesce(duration_source, 'max_position') <> 'cms' THEN 'duration_not_from_cms' END
        ], flag -> flag IS NOT NULL) AS VARCHAR[])                      AS quality_flags
    FROM scored
)

SELECT * FROM final;

-- 3 -------------------------------------------------------------------------------------------------
-- The logic's fingerprint: the text of the view above and of the staging view, and the settings
-- they read. A change of any of them means every row must be recomputed.
INSERT INTO engagement_build_mode
WITH fingerprint AS (
    SELECT md5(
        (SELECT string_agg(sql, chr(10) ORDER BY schema_name, view_name) FROM duckdb_views()
         WHERE (view_name = 'engagement_rows' AND temporary)
            OR (schema_name = 'staging' AND view_name = 'player_events'))
        || chr(10) ||
        (SELECT string_agg(key || '=' || value, ',' ORDER BY key) FROM meta.settings
         WHERE key IN ('session_timeout_s', 'max_playback_speed', 'position_tolerance_s', 'completion_threshold'))
    ) AS logic_hash
)
SELECT
    logic_hash,
    logic_hash IS DISTINCT FROM (SELECT logic_hash FROM meta.engagement_build_state
                                 WHERE model = 'marts.user_video_engagement')
        OR NOT EXISTS (SELECT 1 FROM marts.user_video_engagement) AS is_full_rebuild
FROM fingerprint;

-- 4 -------------------------------------------------------------------------------------------------
-- Affected pairs: every pair with an event in a stream that got new events, and every pair of a video
-- whose duration (or its source) is no longer the one its rows were built with.
INSERT INTO engagement_affected_pairs
WITH pending_pairs AS (
    SELECT DISTINCT events.user_id, events.video_id
    FROM staging.player_events AS events
    SEMI JOIN meta.engagement_pending_streams AS pending
        ON events.user_id = pending.user_id AND events.session_id = pending.session_id
    -- a full rebuild recomputes every pair anyway: do not scan for them
    WHERE NOT (SELECT is_full_rebuild FROM engagement_build_mode)
),

built_durations AS (
    SELECT DISTINCT video_id, video_duration_s, duration_source FROM marts.user_video_engagement
),

changed_videos AS (
    SELECT built.video_id
    FROM built_durations AS built
    LEFT JOIN intermediate.video_durations AS current USING (video_id)
    WHERE built.video_duration_s IS DISTINCT FROM current.video_duration_s
       OR built.duration_source IS DISTINCT FROM current.duration_source
),

pairs_of_changed_videos AS (
    SELECT DISTINCT events.user_id, events.video_id
    FROM staging.player_events AS events
    SEMI JOIN changed_videos USING (video_id)
    WHERE NOT (SELECT is_full_rebuild FROM engagement_build_mode)
)

SELECT user_id, video_id FROM pending_pairs
UNION
SELECT user_id, video_id FROM pairs_of_changed_videos;

-- 5 -------------------------------------------------------------------------------------------------
DELETE FROM marts.user_video_engagement
WHERE (SELECT is_full_rebuild FROM engagement_build_mode)
   OR (user_id, video_id) IN (SELECT (user_id, video_id) FROM engagement_affected_pairs);

INSERT INTO marts.user_video_engagement
SELECT * FROM engagement_rows
ORDER BY user_id, video_id;

-- 6 -------------------------------------------------------------------------------------------------
INSERT OR REPLACE INTO meta.engagement_build_state
SELECT 'marts.user_video_engagement', logic_hash, now()::TIMESTAMP FROM engagement_build_mode;

DELETE FROM meta.engagement_pending_streams;
-- The temporary view and tables live until the connection closes (tests read the build mode from them).

-- 7 -------------------------------------------------------------------------------------------------
COMMENT ON TABLE marts.user_video_engagement IS 'How one user watched one video over all viewing sessions (player-events.md). One row per (user_id, video_id). Built incrementally: see docs/engagement.md.';
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
COMMENT ON COLUMN marts.user_video_engagement.engagement_score IS '0.7 * min(unique_watch_percentage, 100) + 0.3 * min(completion_percentage, 100), 1 decimal, from the rounded percentages; 0-100. NULL when the duration is 0 or unknown.';
COMMENT ON COLUMN marts.user_video_engagement.engagement_tier IS 'High (score >= 75), Medium (>= 50), Low (>= 25), else Minimal; NULL when the score is NULL.';
COMMENT ON COLUMN marts.user_video_engagement.video_duration_s IS 'The duration the percentages use, in seconds (see duration_source).';
COMMENT ON COLUMN marts.user_video_engagement.duration_source IS 'cms (CMS duration / 1000), event (largest videoDuration in the events) or max_position (largest position seen).';
COMMENT ON COLUMN marts.user_video_engagement.first_event_at IS 'UTC time of the first event of this user for this video.';
COMMENT ON COLUMN marts.user_video_engagement.last_event_at IS 'UTC time of the last event of this user for this video.';
COMMENT ON COLUMN marts.user_video_engagement.event_count IS 'Events of this user for this video after de-duplication.';
COMMENT ON COLUMN marts.user_video_engagement.quality_flags IS 'Every flag that applies: excessive_watch_time (total > 1.2 x duration), very_short_watch (total < 5 s), completed_without_sufficient_watch (completed, watch_percentage < 75), no_valid_segments, unclosed_play, position_beyond_duration, duration_not_from_cms.';
