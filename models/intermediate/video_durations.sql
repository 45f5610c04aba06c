-- intermediate.video_durations: the duration each video with player events is measured against.
-- kind: table
-- grain: video_id
-- Rows: one row per video_id that has at least one player event.
-- Why: docs/engagement-rules.md, the duration of a video: the CMS duration when the video is in the catalog,
-- else the largest videoDuration its events sent, else the largest position they reached. The
-- engagement mart also compares these values with the ones its rows were built with, so a video
-- whose duration changed (a CMS crawl, a new event) gets all of its rows recomputed.
CREATE OR REPLACE TABLE intermediate.video_durations AS
WITH events AS (
    SELECT video_no, reported_duration_s, position_s FROM staging.player_events
),

catalog_durations AS (
    -- Brightcove video ids are unique across accounts; max() keeps a rebuild deterministic anyway.
    SELECT video_id, max(CAST(duration_ms AS DOUBLE)) / 1000.0 AS duration_s
    FROM staging.cms_videos
    WHERE duration_ms IS NOT NULL
    GROUP BY video_id
),

event_durations AS (
    SELECT
        v.video_id,
        e.video_no,
        e.reported_duration_s,
        e.max_position_s
    FROM (
        SELECT video_no, max(reported_duration_s) AS reported_duration_s, max(position_s) AS max_position_s
        FROM events
        GROUP BY video_no
    ) AS e
    JOIN raw.player_event_videos AS v USING (video_no)
),

final AS (
    SELECT
        CAST(e.video_id AS VARCHAR) AS video_id,
        CAST(e.video_no AS INTEGER) AS video_no,
        CAST(coalesce(c.duration_s, e.reported_duration_s, e.max_position_s) AS DOUBLE) AS video_duration_s,
        CAST(CASE
            WHEN c.duration_s IS NOT NULL THEN 'cms'
            WHEN e.reported_duration_s IS NOT NULL THEN 'event'
            ELSE 'max_position'
        END AS VARCHAR) AS duration_source
    FROM event_durations AS e
    LEFT JOIN catalog_durations AS c USING (video_id)
)

SELECT * FROM final;
