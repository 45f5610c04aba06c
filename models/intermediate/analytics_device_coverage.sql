-- intermediate.analytics_device_coverage: the days for which each account's device split was fetched.
-- kind: table
-- grain: account_id, view_date
-- Rows: one row per (account_id, view_date) covered by a completed device fetch.
-- Why: a day without device rows means "no device views" only if a device report covered it; if not,
-- the split is unknown and the marts leave it NULL instead of claiming zeros.
CREATE OR REPLACE TABLE intermediate.analytics_device_coverage AS
WITH covered_days AS (
    SELECT account_id, view_date
    FROM staging.analytics_fetch_days
    WHERE source = 'analytics_video_device_daily'
),

final AS (
    SELECT CAST(account_id AS VARCHAR) AS account_id, CAST(view_date AS DATE) AS view_date
    FROM covered_days
)

SELECT * FROM final;
