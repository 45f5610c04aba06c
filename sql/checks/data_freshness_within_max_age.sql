-- severity: warning
-- Every source with landed data is at most checks.freshness_max_age_days days older than the as-of
-- date: returns the Brightcove accounts and the player events that are older (sources that never
-- landed anything are not listed; `pipeline status` shows them).
SELECT source, account_id, account_slug, latest_date, as_of_date, age_days, max_age_days
FROM marts.data_freshness
WHERE is_stale
