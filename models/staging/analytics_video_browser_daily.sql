-- staging.analytics_video_browser_daily: Analytics API report rows (dimensions=video,date,browser_type), typed.
-- kind: table
-- grain: account_id, video_id, view_date, browser_type
-- Rows: one row per (account_id, video_id, view_date, browser_type).
-- Why: same rule as staging.analytics_video_daily: for every account and day, the rows of the latest
-- completed fetch whose window covers that day, so re-fetched provisional days replace old numbers.
-- A missing browser type becomes 'unknown' (it still counts, as 'other' in marts.daily_browser_views).
CREATE OR REPLACE TABLE staging.analytics_video_browser_daily AS
WITH latest_fetch_per_day AS (
    SELECT account_id, view_date, fetch_id, is_reconciled AS reconciled
    FROM staging.analytics_fetch_days
    WHERE source = 'analytics_video_browser_daily'
),

rejected_rows AS (
    -- Rows listed with a reason in staging.brightcove_rejected_rows (wrong types, bad ids or dates).
    SELECT DISTINCT landed_file, item_hash
    FROM staging.brightcove_rejected_rows
    WHERE source = 'analytics_video_browser_daily'
),

report_rows AS (
    -- One parse per item (json_transform is lenient: a value of the wrong type becomes NULL).
    SELECT
        raw_rows.account_id,
        raw_rows.fetch_id,
        raw_rows.fetched_at,
        raw_rows.landed_file,
        hash(CAST(raw_rows.item_json AS VARCHAR)) AS item_hash,
        json_transform(raw_rows.item_json, '{"video": "VARCHAR", "date": "VARCHAR", "browser_type": "VARCHAR", "video_view": "DOUBLE"}') AS item
    FROM raw.analytics_video_browser_daily AS raw_rows
),

parsed_rows AS (
    SELECT
        account_id, fetch_id, fetched_at, landed_file, item_hash,
        item.video                                                             AS video_id,
        TRY_CAST(item.date AS DATE)                                            AS view_date,
        lower(coalesce(nullif(trim(item.browser_type), ''), 'unknown'))         AS browser_type,
        item.video_view                                                        AS video_view
    FROM report_rows
),

rows_of_latest_fetch AS (
    SELECT parsed_rows.*, latest_fetch_per_day.reconciled
    FROM parsed_rows
    JOIN latest_fetch_per_day USING (account_id, view_date, fetch_id)
    ANTI JOIN rejected_rows USING (landed_file, item_hash)
    WHERE parsed_rows.video_id IS NOT NULL
),

deduplicated AS (
    SELECT *
    FROM rows_of_latest_fetch
    QUALIFY row_number() OVER (
        PARTITION BY account_id, video_id, view_date, browser_type
        ORDER BY fetched_at DESC, landed_file DESC, item_hash
    ) = 1
),

final AS (
    SELECT
        CAST(account_id AS VARCHAR)                                                   AS account_id,
        CAST(video_id AS VARCHAR)                                                     AS video_id,
        CAST(view_date AS DATE)                                                       AS view_date,
        CAST(browser_type AS VARCHAR)                                                  AS browser_type,
        CAST(coalesce(video_view, 0) AS BIGINT)                                       AS video_view,
        CAST(reconciled AS BOOLEAN)                                                   AS is_reconciled,
        CAST(fetch_id AS VARCHAR)                                                     AS fetch_id,
        CAST(fetched_at AS TIMESTAMP)                                                 AS fetched_at
    FROM deduplicated
)

SELECT * FROM final;
