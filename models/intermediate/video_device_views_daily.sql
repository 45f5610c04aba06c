-- intermediate.video_device_views_daily: the device split of each video's daily views, pivoted.
-- kind: table
-- grain: account_id, video_id, view_date
-- Rows: one row per (account_id, video_id, view_date) that has device rows.
-- Why: the Reporting and Harper files carry desktop / mobile / tablet / other columns; the API also
-- reports tv and rows without a device type, which count in "other" so the four columns add up to the
-- day's views.
CREATE OR REPLACE TABLE intermediate.video_device_views_daily AS
WITH device_rows AS (
    SELECT account_id, video_id, view_date, device_type, video_view
    FROM staging.analytics_video_device_daily
),

device_buckets AS (
    SELECT
        account_id,
        video_id,
        view_date,
        CASE WHEN device_type IN ('desktop', 'mobile', 'tablet') THEN device_type ELSE 'other' END AS device_bucket,
        video_view
    FROM device_rows
),

pivoted AS (
    SELECT
        account_id,
        video_id,
        view_date,
        CAST(sum(video_view) FILTER (WHERE device_bucket = 'desktop') AS BIGINT) AS views_desktop,
        CAST(sum(video_view) FILTER (WHERE device_bucket = 'mobile') AS BIGINT)  AS views_mobile,
        CAST(sum(video_view) FILTER (WHERE device_bucket = 'tablet') AS BIGINT)  AS views_tablet,
        CAST(sum(video_view) FILTER (WHERE device_bucket = 'other') AS BIGINT)   AS views_other
    FROM device_buckets
    GROUP BY account_id, video_id, view_date
),

final AS (
    SELECT
        CAST(account_id AS VARCHAR)                  AS account_id,
        CAST(video_id AS VARCHAR)                    AS video_id,
        CAST(view_date AS DATE)                      AS view_date,
        CAST(coalesce(views_desktop, 0) AS BIGINT)   AS views_desktop,
        CAST(coalesce(views_mobile, 0) AS BIGINT)    AS views_mobile,
        CAST(coalesce(views_tablet, 0) AS BIGINT)    AS views_tablet,
        CAST(coalesce(views_other, 0) AS BIGINT)     AS views_other
    FROM pivoted
)

SELECT * FROM final;
