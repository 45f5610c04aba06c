-- staging.analytics_video_breakdown_daily: the two Analytics API reports that split a video's day by a
-- third dimension (dimensions=video,date,device_type and dimensions=video,date,browser_type), typed.
-- kind: table
-- grain: source, account_id, video_id, view_date, breakdown
-- Rows: one row per (source, account_id, video_id, view_date, breakdown).
-- Why one model: the two reports differ only in the name of that dimension, so their rules live here
-- once; staging.analytics_video_device_daily and staging.analytics_video_browser_daily each select their
-- report's rows. Same rule as staging.analytics_video_daily: for every account and day, the rows of the
-- latest completed fetch whose window covers that day, so re-fetched provisional days replace old numbers.
-- A missing device or browser type becomes 'unknown' (it still counts, in the "other" bucket of the marts).
CREATE OR REPLACE TABLE staging.analytics_video_breakdown_daily AS
WITH latest_fetch_per_day AS (
    SELECT source, account_id, view_date, fetch_id, is_reconciled AS reconciled
    FROM staging.analytics_fetch_days
    WHERE source IN ('analytics_video_device_daily', 'analytics_video_browser_daily')
),

rejected_rows AS (
    -- Rows listed with a reason in staging.brightcove_rejected_rows (wrong types, bad ids or dates).
    SELECT DISTINCT source, landed_file, item_hash
    FROM staging.brightcove_rejected_rows
    WHERE source IN ('analytics_video_device_daily', 'analytics_video_browser_daily')
),

landed_items AS (
    SELECT 'analytics_video_device_daily' AS source, account_id, fetch_id, fetched_at, landed_file, item_json
    FROM raw.analytics_video_device_daily
    UNION ALL
    SELECT 'analytics_video_browser_daily' AS source, account_id, fetch_id, fetched_at, landed_file, item_json
    FROM raw.analytics_video_browser_daily
),

report_rows AS (
    -- One parse per item (json_transform is lenient: a value of the wrong type becomes NULL; a report's
    -- items lack the other report's dimension, which reads as NULL and is never used).
    SELECT
        source,
        account_id,
        fetch_id,
        fetched_at,
        landed_file,
        hash(CAST(item_json AS VARCHAR)) AS item_hash,
        json_transform(item_json, '{"video": "VARCHAR", "date": "VARCHAR", "device_type": "VARCHAR", "browser_type": "VARCHAR", "video_view": "DOUBLE"}') AS item
    FROM landed_items
),

parsed_rows AS (
    SELECT
        source, account_id, fetch_id, fetched_at, landed_file, item_hash,
        item.video                                                             AS video_id,
        TRY_CAST(item.date AS DATE)                                            AS view_date,
        lower(coalesce(nullif(trim(
            CASE source WHEN 'analytics_video_device_daily' THEN item.device_type ELSE item.browser_type END
        ), ''), 'unknown'))                                                    AS breakdown,
        item.video_view                                                        AS video_view
    FROM report_rows
),

rows_of_latest_fetch AS (
    SELECT parsed_rows.*, latest_fetch_per_day.reconciled
    FROM parsed_rows
    JOIN latest_fetch_per_day USING (source, account_id, view_date, fetch_id)
    ANTI JOIN rejected_rows USING (source, landed_file, item_hash)
    WHERE parsed_rows.video_id IS NOT NULL
),

deduplicated AS (
    SELECT *
    FROM rows_of_latest_fetch
    QUALIFY row_number() OVER (
        PARTITION BY source, account_id, video_id, view_date, breakdown
        ORDER BY fetched_at DESC, landed_file DESC, item_hash
    ) = 1
),

final AS (
    SELECT
        CAST(source AS VARCHAR)                                                       AS source,
        CAST(account_id AS VARCHAR)                                                   AS account_id,
        CAST(video_id AS VARCHAR)                                                     AS video_id,
        CAST(view_date AS DATE)                                                       AS view_date,
        CAST(breakdown AS VARCHAR)                                                    AS breakdown,
        CAST(coalesce(video_view, 0) AS BIGINT)                                       AS video_view,
        CAST(reconciled AS BOOLEAN)                                                   AS is_reconciled,
        CAST(fetch_id AS VARCHAR)                                                     AS fetch_id,
        CAST(fetched_at AS TIMESTAMP)                                                 AS fetched_at
    FROM deduplicated
)

SELECT * FROM final;
