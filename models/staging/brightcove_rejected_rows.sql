-- staging.brightcove_rejected_rows: landed Brightcove rows that staging cannot use, each with the reason.
-- kind: table
-- grain: source, landed_file, item_hash
-- Rows: one row per rejected raw row (source, landed_file, item_hash; identical items of one file repeat).
-- Why: extraction lands what the API returned, as returned; a value of the wrong type, a missing id or
-- an impossible date must not vanish silently (json_transform turns a wrong type into NULL). The staging
-- models leave out exactly the rows listed here (matched on landed_file + item_hash), and
-- staging.brightcove_row_accounting proves raw = staged + rejected + superseded + duplicates.
-- Numbers sent as numeric strings ("17") are readable and accepted; "17 views" is not.
-- grain repeats: two identical items of one landed file are two rejected rows, so no key is unique.
CREATE OR REPLACE TABLE staging.brightcove_rejected_rows AS
WITH fetch_windows AS (
    SELECT fetch_id, window_from, window_to
    FROM meta.analytics_window_fetches
),

daily_items AS (
    SELECT
        'analytics_video_daily' AS source,
        account_id, fetch_id, landed_file, item_json,
        hash(CAST(item_json AS VARCHAR)) AS item_hash,
        json_transform(item_json, '{
            "video_view": "DOUBLE", "video_impression": "DOUBLE", "play_request": "DOUBLE", "engagement_score": "DOUBLE",
            "video_engagement_1": "DOUBLE", "video_engagement_25": "DOUBLE", "video_engagement_50": "DOUBLE",
            "video_engagement_75": "DOUBLE", "video_engagement_100": "DOUBLE", "video_percent_viewed": "DOUBLE",
            "video_seconds_viewed": "DOUBLE", "video_duration": "DOUBLE"
        }') AS typed,
        -- The same keys as text: a value that is there as text but not as a number has the wrong type.
        json_transform(item_json, '{
            "video_view": "VARCHAR", "video_impression": "VARCHAR", "play_request": "VARCHAR", "engagement_score": "VARCHAR",
            "video_engagement_1": "VARCHAR", "video_engagement_25": "VARCHAR", "video_engagement_50": "VARCHAR",
            "video_engagement_75": "VARCHAR", "video_engagement_100": "VARCHAR", "video_percent_viewed": "VARCHAR",
            "video_seconds_viewed": "VARCHAR", "video_duration": "VARCHAR"
        }') AS text
    FROM raw.analytics_video_daily
),

daily_wrong_types AS (
    SELECT
        *,
        CASE
            WHEN text.video_view IS NOT NULL AND typed.video_view IS NULL THEN 'video_view'
            WHEN text.video_impression IS NOT NULL AND typed.video_impression IS NULL THEN 'video_impression'
            WHEN text.play_request IS NOT NULL AND typed.play_request IS NULL THEN 'play_request'
            WHEN text.engagement_score IS NOT NULL AND typed.engagement_score IS NULL THEN 'engagement_score'
            WHEN text.video_engagement_1 IS NOT NULL AND typed.video_engagement_1 IS NULL THEN 'video_engagement_1'
            WHEN text.video_engagement_25 IS NOT NULL AND typed.video_engagement_25 IS NULL THEN 'video_engagement_25'
            WHEN text.video_engagement_50 IS NOT NULL AND typed.video_engagement_50 IS NULL THEN 'video_engagement_50'
            WHEN text.video_engagement_75 IS NOT NULL AND typed.video_engagement_75 IS NULL THEN 'video_engagement_75'
            WHEN text.video_engagement_100 IS NOT NULL AND typed.video_engagement_100 IS NULL THEN 'video_engagement_100'
            WHEN text.video_percent_viewed IS NOT NULL AND typed.video_percent_viewed IS NULL THEN 'video_percent_viewed'
            WHEN text.video_seconds_viewed IS NOT NULL AND typed.video_seconds_viewed IS NULL THEN 'video_seconds_viewed'
            WHEN text.video_duration IS NOT NULL AND typed.video_duration IS NULL THEN 'video_duration'
        END AS wrong_typed_metric,
        typed.video_view AS video_view
    FROM daily_items
),

breakdown_items AS (
    -- The device and browser reports (staging.analytics_video_breakdown_daily) carry one metric: video_view.
    SELECT
        source, account_id, fetch_id, landed_file, item_json,
        hash(CAST(item_json AS VARCHAR)) AS item_hash,
        json_transform(item_json, '{"video_view": "DOUBLE"}') AS typed,
        json_transform(item_json, '{"video_view": "VARCHAR"}') AS text
    FROM (
        SELECT 'analytics_video_device_daily' AS source, account_id, fetch_id, landed_file, item_json
        FROM raw.analytics_video_device_daily
        UNION ALL
        SELECT 'analytics_video_browser_daily' AS source, account_id, fetch_id, landed_file, item_json
        FROM raw.analytics_video_browser_daily
    ) AS landed_items
),

breakdown_wrong_types AS (
    SELECT
        *,
        CASE WHEN text.video_view IS NOT NULL AND typed.video_view IS NULL THEN 'video_view' END AS wrong_typed_metric,
        typed.video_view AS video_view
    FROM breakdown_items
),

analytics_items AS (
    SELECT source, account_id, fetch_id, landed_file, item_json, item_hash, wrong_typed_metric, video_view FROM daily_wrong_types
    UNION ALL
    SELECT source, account_id, fetch_id, landed_file, item_json, item_hash, wrong_typed_metric, video_view FROM breakdown_wrong_types
),

analytics_reasons AS (
    SELECT
        analytics_items.*,
        json_type(item_json, '$.video') AS video_json_type,
        TRY_CAST(item_json ->> '$.date' AS DATE) AS view_date,
        CASE
            WHEN json_type(item_json) <> 'OBJECT' THEN 'item is not a JSON object'
            WHEN coalesce(json_type(item_json, '$.video'), 'NULL') = 'NULL' THEN 'null video id'
            WHEN json_type(item_json, '$.video') NOT IN ('VARCHAR', 'UBIGINT', 'BIGINT') THEN 'wrong-typed video id'
            WHEN trim(item_json ->> '$.video') = '' THEN 'empty video id'
            WHEN TRY_CAST(item_json ->> '$.date' AS DATE) IS NULL THEN 'unparseable date'
            WHEN TRY_CAST(item_json ->> '$.date' AS DATE) NOT BETWEEN fetch_windows.window_from AND fetch_windows.window_to
                THEN 'date outside the requested window'
            WHEN wrong_typed_metric IS NOT NULL THEN 'wrong-typed metric ' || wrong_typed_metric
            WHEN video_view < 0 THEN 'negative views'
        END AS reason
    FROM analytics_items
    LEFT JOIN fetch_windows USING (fetch_id)
),

cms_reasons AS (
    SELECT
        'cms_videos' AS source,
        account_id,
        CAST(NULL AS VARCHAR) AS fetch_id,
        landed_file,
        item_json,
        hash(CAST(item_json AS VARCHAR)) AS item_hash,
        video_id,
        CASE
            WHEN json_type(item_json) <> 'OBJECT' THEN 'item is not a JSON object'
            WHEN coalesce(json_type(item_json, '$.id'), 'NULL') = 'NULL' THEN 'null video id'
            WHEN json_type(item_json, '$.id') NOT IN ('VARCHAR', 'UBIGINT', 'BIGINT') THEN 'wrong-typed video id'
            WHEN trim(video_id) = '' THEN 'empty video id'
        END AS reason
    FROM raw.cms_videos
),

rejected AS (
    SELECT
        source, account_id, fetch_id, landed_file, item_hash,
        CASE WHEN video_json_type IN ('VARCHAR', 'UBIGINT', 'BIGINT') THEN item_json ->> '$.video' END AS video_id,
        view_date, reason, item_json
    FROM analytics_reasons
    WHERE reason IS NOT NULL
    UNION ALL
    SELECT source, account_id, fetch_id, landed_file, item_hash, nullif(video_id, ''), CAST(NULL AS DATE), reason, item_json
    FROM cms_reasons
    WHERE reason IS NOT NULL
),

final AS (
    SELECT
        CAST(source AS VARCHAR)        AS source,
        CAST(account_id AS VARCHAR)    AS account_id,
        CAST(fetch_id AS VARCHAR)      AS fetch_id,
        CAST(landed_file AS VARCHAR)   AS landed_file,
        CAST(item_hash AS UBIGINT)     AS item_hash,
        CAST(video_id AS VARCHAR)      AS video_id,
        CAST(view_date AS DATE)        AS view_date,
        CAST(reason AS VARCHAR)        AS reason,
        CAST(item_json AS JSON)        AS item_json
    FROM rejected
)

SELECT * FROM final;
