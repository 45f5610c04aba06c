-- staging.analytics_fetch_days: for every analytics report, account and day, the fetch whose rows count.
-- kind: table
-- grain: source, account_id, view_date
-- Rows: one row per (source, account_id, view_date) covered by at least one completed fetch.
-- Why: each run re-fetches a trailing window, so a day can be in several landed fetches, the early ones
-- provisional. The latest *completed* fetch whose window covers a day wins (fetch_id sorts in fetch
-- order, the contract of meta.analytics_window_fetches): re-fetched numbers replace old ones, a day that
-- came back empty really is empty, and an interrupted fetch (completed_at NULL) is ignored. One model
-- holds this rule so the staging tables, the device coverage and the row accounting cannot disagree.
CREATE OR REPLACE TABLE staging.analytics_fetch_days AS
WITH completed_fetches AS (
    SELECT source, fetch_id, account_id, window_from, window_to, reconciled
    FROM meta.analytics_window_fetches
    WHERE completed_at IS NOT NULL
),

covered_days AS (
    SELECT
        source,
        fetch_id,
        account_id,
        reconciled,
        CAST(covered_day AS DATE) AS view_date
    FROM completed_fetches,
        LATERAL unnest(generate_series(CAST(window_from AS TIMESTAMP), CAST(window_to AS TIMESTAMP), INTERVAL 1 DAY)) AS days(covered_day)
),

final AS (
    SELECT
        CAST(source AS VARCHAR)                   AS source,
        CAST(account_id AS VARCHAR)               AS account_id,
        CAST(view_date AS DATE)                   AS view_date,
        CAST(max(fetch_id) AS VARCHAR)            AS fetch_id,
        CAST(arg_max(reconciled, fetch_id) AS BOOLEAN) AS is_reconciled
    FROM covered_days
    GROUP BY source, account_id, view_date
)

SELECT * FROM final;
