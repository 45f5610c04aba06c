-- staging.analytics_video_daily: Analytics API report rows (dimensions=video,date), typed.
-- kind: table
-- grain: account_id, video_id, view_date
-- Rows: one row per (account_id, video_id, view_date).
-- Why: for every account and day only the rows of the fetch staging.analytics_fetch_days names count
-- (the latest completed fetch covering the day), so re-fetched provisional numbers replace old ones.
-- Rows without a video id (the API's null video bucket) cannot be attributed to a video: they are left
-- out, listed with the other unusable rows in staging.brightcove_rejected_rows.
CREATE OR REPLACE TABLE staging.analytics_video_daily AS
WITH latest_fetch_per_day AS (
    SELECT account_id, view_date, fetch_id, is_reconciled AS reconciled
    FROM staging.analytics_fetch_days
    WHERE source = 'analytics_video_daily'
),

rejected_rows AS (
    -- Rows listed with a reason in staging.brightcove_rejected_rows (wrong types, bad ids or dates).
    SELECT DISTINCT landed_file, item_hash
    FROM staging.brightcove_rejected_rows
    WHERE source = 'analytics_video_daily'
),

report_rows AS (
    -- One parse per item (json_transform is lenient: a value of the wrong type becomes NULL).
    SELECT
        raw_rows.account_id,
        raw_rows.fetch_id,
        raw_rows.fetched_at,
        raw_rows.landed_file,
        hash(CAST(raw_rows.item_json AS VARCHAR)) AS item_hash,
        json_transform(raw_rows.item_json, '{
            "video": "VARCHAR", "date": "VARCHAR", "video_name": "VARCHAR", "video_duration": "DOUBLE",
            "video_view": "DOUBLE", "video_impression": "DOUBLE", "play_request": "DOUBLE", "engagement_score": "DOUBLE",
            "video_engagement_1": "DOUBLE", "video_engagement_25": "DOUBLE", "video_engagement_50": "DOUBLE",
            "video_engagement_75": "DOUBLE", "video_engagement_100": "DOUBLE",
            "video_percent_viewed": "DOUBLE", "video_seconds_viewed": "DOUBLE"
        }') AS item
    FROM raw.analytics_video_daily AS raw_rows
),

parsed_rows AS (
    SELECT
        account_id, fetch_id, fetched_at, landed_file, item_hash, item.*,
        TRY_CAST(item.date AS DATE) AS view_date
    FROM report_rows
),

rows_of_latest_fetch AS (
    SELECT parsed_rows.*, latest_fetch_per_day.reconciled
    FROM parsed_rows
    JOIN latest_fetch_per_day USING (account_id, view_date, fetch_id)
    ANTI JOIN rejected_rows USING (landed_file, item_hash)
    WHERE parsed_rows.video IS NOT NULL
),

deduplicated AS (
    -- Pages sorted on ties can repeat an item; a repeat carries the same numbers, keep one (the hash
    -- of the item's text only makes the choice the same on every build).
    SELECT *
    FROM rows_of_latest_fetch
    QUALIFY row_number() OVER (
        PARTITION BY account_id, video, view_date
        ORDER BY fetched_at DESC, landed_file DESC, item_hash
    ) = 1
),

final AS (
    SELECT
        CAST(account_id AS VARCHAR)                            AS account_id,
        CAST(video AS VARCHAR)                                 AS video_id,
        CAST(view_date AS DATE)                                AS view_date,
        CAST(coalesce(video_view, 0) AS BIGINT)                AS video_view,
        CAST(coalesce(video_impression, 0) AS BIGINT)          AS video_impression,
        CAST(play_request AS BIGINT)                           AS play_request,
        CAST(engagement_score AS DOUBLE)                       AS api_engagement_score,
        CAST(video_engagement_1 AS DOUBLE)                     AS video_engagement_1,
        CAST(video_engagement_25 AS DOUBLE)                    AS video_engagement_25,
        CAST(video_engagement_50 AS DOUBLE)                    AS video_engagement_50,
        CAST(video_engagement_75 AS DOUBLE)                    AS video_engagement_75,
        CAST(video_engagement_100 AS DOUBLE)                   AS video_engagement_100,
        -- A sum of percents over the day's views, not a percentage: engagement = this / video_view.
        CAST(video_percent_viewed AS DOUBLE)                   AS video_percent_viewed,
        CAST(video_seconds_viewed AS DOUBLE)                   AS video_seconds_viewed,
        -- The API sends the duration as a string of seconds.
        CAST(video_duration AS DOUBLE)                         AS video_duration_s,
        CAST(video_name AS VARCHAR)                            AS video_name,
        CAST(reconciled AS BOOLEAN)                            AS is_reconciled,
        CAST(fetch_id AS VARCHAR)                              AS fetch_id,
        CAST(fetched_at AS TIMESTAMP)                          AS fetched_at
    FROM deduplicated
)

SELECT * FROM final;
