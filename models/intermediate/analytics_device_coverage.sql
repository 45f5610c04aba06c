-- intermediate.analytics_device_coverage: the days for which each account's device split was fetched.
-- Grain: one row per (account_id, view_date) covered by a completed device fetch.
-- Why: a day without device rows means "no device views" only if a device report covered it; if not,
-- the split is unknown and the marts leave it NULL instead of claiming zeros.
CREATE OR REPLACE TABLE intermediate.analytics_device_coverage AS
WITH completed_fetches AS (
    SELECT account_id, window_from, window_to
    FROM meta.analytics_window_fetches
    WHERE source = 'analytics_video_device_daily'
      AND completed_at IS NOT NULL
),

covered_days AS (
    SELECT DISTINCT
        account_id,
        CAST(covered_day AS DATE) AS view_date
    FROM completed_fetches,
        LATERAL unnest(generate_series(CAST(window_from AS TIMESTAMP), CAST(window_to AS TIMESTAMP), INTERVAL 1 DAY)) AS days(covered_day)
),

final AS (
    SELECT CAST(account_id AS VARCHAR) AS account_id, CAST(view_date AS DATE) AS view_date
    FROM covered_days
)

SELECT * FROM final;
