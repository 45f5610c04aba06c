-- marts.data_freshness: how recent the landed data is, per Brightcove account and for the player events.
-- kind: table
-- grain: source, account_id
-- Rows: one row per (source, account_id): source analytics_video_daily for every configured account,
-- and one row of source player_events (account_id '': events carry no account).
-- Why: a scheduler that stopped, an account whose credentials expired or an event feed that dried up
-- all look like a quiet day in the marts. The latest day landed for an account is the latest day a
-- completed daily-analytics fetch covered (a day that came back empty has landed too); for the player
-- events it is the UTC date of the latest event. age_days counts from meta.setting('as_of_date'); the
-- warning check data_freshness_within_max_age lists the sources older than
-- meta.setting('freshness_max_age_days') (default 2), and `pipeline status` measures the same against
-- the clock (or its --as-of).
CREATE OR REPLACE TABLE marts.data_freshness AS
WITH accounts AS (
    SELECT account_id, slug FROM meta.accounts
),

fetched_days AS (
    SELECT account_id, view_date FROM staging.analytics_fetch_days WHERE source = 'analytics_video_daily'
),

reported_days AS (
    SELECT account_id, view_date FROM staging.analytics_video_daily
),

events AS (
    SELECT event_at FROM staging.player_events
),

freshness_rule AS (
    SELECT
        CAST(meta.setting('as_of_date') AS DATE)               AS as_of_date,
        CAST(meta.setting('freshness_max_age_days') AS INTEGER) AS max_age_days
),

brightcove_latest AS (
    SELECT
        'analytics_video_daily'                                                 AS source,
        accounts.account_id,
        accounts.slug                                                           AS account_slug,
        (SELECT max(view_date) FROM fetched_days WHERE fetched_days.account_id = accounts.account_id)   AS latest_date,
        (SELECT max(view_date) FROM reported_days WHERE reported_days.account_id = accounts.account_id) AS latest_reported_date,
        CAST(NULL AS TIMESTAMP)                                                 AS latest_event_at
    FROM accounts
),

events_latest AS (
    SELECT
        'player_events'                 AS source,
        ''                              AS account_id,
        CAST(NULL AS VARCHAR)           AS account_slug,
        CAST(max(event_at) AS DATE)     AS latest_date,
        CAST(NULL AS DATE)              AS latest_reported_date,
        max(event_at)                   AS latest_event_at
    FROM events
),

sources AS (
    SELECT * FROM brightcove_latest
    UNION ALL
    SELECT * FROM events_latest
),

final AS (
    SELECT
        CAST(sources.source AS VARCHAR)                                   AS source,
        CAST(sources.account_id AS VARCHAR)                               AS account_id,
        CAST(sources.account_slug AS VARCHAR)                             AS account_slug,
        CAST(sources.latest_date AS DATE)                                 AS latest_date,
        CAST(sources.latest_reported_date AS DATE)                        AS latest_reported_date,
        CAST(sources.latest_event_at AS TIMESTAMP)                        AS latest_event_at,
        CAST(freshness_rule.as_of_date AS DATE)                                 AS as_of_date,
        CAST(freshness_rule.as_of_date - sources.latest_date AS INTEGER)        AS age_days,
        CAST(freshness_rule.max_age_days AS INTEGER)                            AS max_age_days,
        CAST(freshness_rule.as_of_date - sources.latest_date > freshness_rule.max_age_days AS BOOLEAN) AS is_stale
    FROM sources
    CROSS JOIN freshness_rule
)

SELECT * FROM final ORDER BY source, account_id;

COMMENT ON TABLE marts.data_freshness IS 'The latest day landed per Brightcove account (daily analytics) and for the player events, and its age at the as-of date; one row per (source, account_id).';
COMMENT ON COLUMN marts.data_freshness.source IS 'analytics_video_daily (one row per configured account) or player_events (one row).';
COMMENT ON COLUMN marts.data_freshness.account_id IS 'Brightcove account id; empty for player_events (events carry no account).';
COMMENT ON COLUMN marts.data_freshness.account_slug IS 'Configured account slug; NULL for player_events.';
COMMENT ON COLUMN marts.data_freshness.latest_date IS 'Latest day landed: covered by a completed daily-analytics fetch (account time zone), or the UTC date of the latest player event; NULL when nothing has landed.';
COMMENT ON COLUMN marts.data_freshness.latest_reported_date IS 'Latest day the daily analytics report has a row for (a day with views); NULL for player_events.';
COMMENT ON COLUMN marts.data_freshness.latest_event_at IS 'UTC time of the latest player event; NULL for Brightcove rows.';
COMMENT ON COLUMN marts.data_freshness.as_of_date IS 'The as-of date of the build the age is counted from.';
COMMENT ON COLUMN marts.data_freshness.age_days IS 'as_of_date - latest_date, days; NULL when nothing has landed.';
COMMENT ON COLUMN marts.data_freshness.max_age_days IS 'The configured age past which the source is stale (checks.freshness_max_age_days).';
COMMENT ON COLUMN marts.data_freshness.is_stale IS 'TRUE when age_days > max_age_days; NULL when nothing has landed.';
