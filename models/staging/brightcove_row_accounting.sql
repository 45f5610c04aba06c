-- staging.brightcove_row_accounting: where every landed Brightcove row went, per source and account.
-- kind: table
-- grain: source, account_id
-- Rows: one row per (source, account_id).
-- Why: no raw row may vanish silently. raw_rows = staged_rows + rejected_rows + superseded_rows +
-- duplicate_rows, each counted from its own table or rule: staged from the staging table, rejected from
-- staging.brightcove_rejected_rows, superseded = analytics rows of a fetch that is incomplete or that a
-- later completed fetch replaced for their day, duplicates = the remaining copies of a key. Anything
-- else is unaccounted_rows, which the check brightcove_raw_rows_accounted requires to be 0.
-- unreadable_value_rows is a part of staged_rows, not another term: staged rows with a value that could
-- not be read and was staged as NULL, each listed with its field and reason in
-- staging.brightcove_unreadable_values.
CREATE OR REPLACE TABLE staging.brightcove_row_accounting AS
WITH rejected_rows AS (
    SELECT source, account_id, landed_file, item_hash
    FROM staging.brightcove_rejected_rows
),

latest_fetch_per_day AS (
    SELECT source, account_id, view_date, fetch_id
    FROM staging.analytics_fetch_days
),

analytics_raw AS (
    SELECT 'analytics_video_daily' AS source, account_id, fetch_id, landed_file, item_json,
           hash(CAST(item_json AS VARCHAR)) AS item_hash, '' AS device_key
    FROM raw.analytics_video_daily
    UNION ALL
    SELECT 'analytics_video_device_daily', account_id, fetch_id, landed_file, item_json,
           hash(CAST(item_json AS VARCHAR)),
           lower(coalesce(nullif(trim(item_json ->> '$.device_type'), ''), 'unknown'))
    FROM raw.analytics_video_device_daily
    UNION ALL
    SELECT 'analytics_video_browser_daily', account_id, fetch_id, landed_file, item_json,
           hash(CAST(item_json AS VARCHAR)),
           lower(coalesce(nullif(trim(item_json ->> '$.browser_type'), ''), 'unknown'))
    FROM raw.analytics_video_browser_daily
),

analytics_usable AS (
    -- Rows not rejected; is_latest tells whether their fetch is the one staging reads for their day.
    SELECT
        analytics_raw.source,
        analytics_raw.account_id,
        item_json ->> '$.video' AS video_id,
        TRY_CAST(item_json ->> '$.date' AS DATE) AS view_date,
        device_key,
        latest_fetch_per_day.fetch_id IS NOT NULL AS is_latest
    FROM analytics_raw
    ANTI JOIN rejected_rows USING (source, landed_file, item_hash)
    LEFT JOIN latest_fetch_per_day
        ON latest_fetch_per_day.source = analytics_raw.source
       AND latest_fetch_per_day.account_id = analytics_raw.account_id
       AND latest_fetch_per_day.fetch_id = analytics_raw.fetch_id
       AND latest_fetch_per_day.view_date = TRY_CAST(analytics_raw.item_json ->> '$.date' AS DATE)
),

analytics_counts AS (
    SELECT
        source,
        account_id,
        count(*) FILTER (WHERE NOT is_latest) AS superseded_rows,
        count(*) FILTER (WHERE is_latest) - count(DISTINCT (video_id, view_date, device_key)) FILTER (WHERE is_latest) AS duplicate_rows
    FROM analytics_usable
    GROUP BY ALL
),

cms_counts AS (
    SELECT
        'cms_videos' AS source,
        account_id,
        0 AS superseded_rows,
        count(*) - count(DISTINCT video_id) AS duplicate_rows
    FROM raw.cms_videos AS landed
    ANTI JOIN rejected_rows
        ON rejected_rows.source = 'cms_videos'
       AND rejected_rows.landed_file = landed.landed_file
       AND rejected_rows.item_hash = hash(CAST(landed.item_json AS VARCHAR))
    GROUP BY ALL
),

raw_counts AS (
    SELECT 'cms_videos' AS source, account_id, count(*) AS raw_rows FROM raw.cms_videos GROUP BY ALL
    UNION ALL
    SELECT 'analytics_video_daily', account_id, count(*) FROM raw.analytics_video_daily GROUP BY ALL
    UNION ALL
    SELECT 'analytics_video_device_daily', account_id, count(*) FROM raw.analytics_video_device_daily GROUP BY ALL
    UNION ALL
    SELECT 'analytics_video_browser_daily', account_id, count(*) FROM raw.analytics_video_browser_daily GROUP BY ALL
),

staged_counts AS (
    SELECT 'cms_videos' AS source, account_id, count(*) AS staged_rows FROM staging.cms_videos GROUP BY ALL
    UNION ALL
    SELECT 'analytics_video_daily', account_id, count(*) FROM staging.analytics_video_daily GROUP BY ALL
    UNION ALL
    SELECT 'analytics_video_device_daily', account_id, count(*) FROM staging.analytics_video_device_daily GROUP BY ALL
    UNION ALL
    SELECT 'analytics_video_browser_daily', account_id, count(*) FROM staging.analytics_video_browser_daily GROUP BY ALL
),

rejected_counts AS (
    SELECT source, account_id, count(*) AS rejected_rows
    FROM rejected_rows
    GROUP BY ALL
),

unreadable_counts AS (
    SELECT source, account_id, count(DISTINCT video_id) AS unreadable_value_rows
    FROM staging.brightcove_unreadable_values
    GROUP BY ALL
),

other_counts AS (
    SELECT * FROM analytics_counts
    UNION ALL
    SELECT * FROM cms_counts
),

final AS (
    SELECT
        CAST(raw_counts.source AS VARCHAR)                          AS source,
        CAST(raw_counts.account_id AS VARCHAR)                      AS account_id,
        CAST(raw_counts.raw_rows AS BIGINT)                         AS raw_rows,
        CAST(coalesce(staged_rows, 0) AS BIGINT)                    AS staged_rows,
        CAST(coalesce(rejected_rows, 0) AS BIGINT)                  AS rejected_rows,
        CAST(coalesce(superseded_rows, 0) AS BIGINT)                AS superseded_rows,
        CAST(coalesce(duplicate_rows, 0) AS BIGINT)                 AS duplicate_rows,
        CAST(raw_rows - coalesce(staged_rows, 0) - coalesce(rejected_rows, 0)
             - coalesce(superseded_rows, 0) - coalesce(duplicate_rows, 0) AS BIGINT) AS unaccounted_rows,
        CAST(coalesce(unreadable_value_rows, 0) AS BIGINT)          AS unreadable_value_rows
    FROM raw_counts
    LEFT JOIN staged_counts USING (source, account_id)
    LEFT JOIN rejected_counts USING (source, account_id)
    LEFT JOIN other_counts USING (source, account_id)
    LEFT JOIN unreadable_counts USING (source, account_id)
)

SELECT * FROM final;
