-- Question: how recent is the data? Per Brightcove account the latest day landed, and the latest player event.
-- Grain: one row per (source, account_id): every configured account, and one row for the player events.
-- Reads: marts.data_freshness
-- age_days is counted from the as-of date of the build; days_since_latest from today (the clock of the
-- machine running the query), which is what tells that a scheduler stopped.
SELECT
    source,
    account_slug,
    account_id,
    latest_date,
    latest_event_at,
    as_of_date,
    age_days,
    current_date - latest_date   AS days_since_latest,
    max_age_days,
    is_stale
FROM marts.data_freshness
ORDER BY source, account_slug;
