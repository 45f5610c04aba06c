-- The scope of an incremental build of marts.user_video_engagement (its header's `scope`): the
-- (user_id, video_id) pairs whose rows are recomputed, with their full history (docs/models.md).
-- Every pair with an event in a stream that got new events since the last build (ingest lists them
-- in meta.engagement_pending_streams), and every pair of a video whose duration (or its source) is no
-- longer the one its rows were built with (a CMS crawl brought it, or an event raised a videoDuration).
-- Only run on an incremental build: a full build recomputes every pair.
WITH pending_pairs AS (
    SELECT DISTINCT events.user_id, events.video_id
    FROM staging.player_events AS events
    SEMI JOIN meta.engagement_pending_streams AS pending
        ON events.user_id = pending.user_id AND events.session_id = pending.session_id
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
)

SELECT user_id, video_id FROM pending_pairs
UNION
SELECT user_id, video_id FROM pairs_of_changed_videos
