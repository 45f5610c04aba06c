-- marts.daily_browser_views: each video's daily views split by browser.
-- kind: table
-- grain: account_id, video_id, view_date, browser_type
-- Rows: one row per (account_id, video_id, view_date, browser_type) the Analytics API reported, every account.
-- Why: Harper's analytics collected daily views with device AND browser breakdowns; the device split
-- is in marts.daily_video_analytics, the browser split is here (one row per browser, so a new browser
-- needs no new column). browser_type is one of Brightcove's documented values (chrome, edge, firefox,
-- ie, opera, safari, other); any other or missing value counts in 'other', as tv counts in views_other.
-- Rows come from the latest completed browser report covering the day (staging rule); a day no browser
-- report covered has no rows here. Rows with impressions but no views are kept, like the daily mart.
CREATE OR REPLACE TABLE marts.daily_browser_views AS
WITH browser_rows AS (
    SELECT account_id, video_id, view_date, browser_type, video_view
    FROM staging.analytics_video_browser_daily
),

accounts AS (
    SELECT account_id, name AS account_name FROM meta.accounts
),

bucketed AS (
    SELECT
        account_id,
        video_id,
        view_date,
        CASE WHEN browser_type IN ('chrome', 'edge', 'firefox', 'ie', 'opera', 'safari') THEN browser_type ELSE 'other' END AS browser_type,
        video_view
    FROM browser_rows
),

per_browser AS (
    SELECT account_id, video_id, view_date, browser_type, sum(video_view) AS video_view
    FROM bucketed
    GROUP BY account_id, video_id, view_date, browser_type
),

final AS (
    SELECT
        CAST(per_browser.account_id AS VARCHAR)   AS account_id,
        CAST(per_browser.video_id AS VARCHAR)     AS video_id,
        CAST(per_browser.view_date AS DATE)       AS view_date,
        CAST(accounts.account_name AS VARCHAR)    AS channel,
        CAST(per_browser.browser_type AS VARCHAR) AS browser_type,
        CAST(per_browser.video_view AS BIGINT)    AS video_view
    FROM per_browser
    LEFT JOIN accounts USING (account_id)
)

SELECT * FROM final;

COMMENT ON TABLE marts.daily_browser_views IS 'Daily video views per video and browser (Analytics API dimensions=video,date,browser_type), every account.';
COMMENT ON COLUMN marts.daily_browser_views.account_id IS 'Brightcove account id.';
COMMENT ON COLUMN marts.daily_browser_views.video_id IS 'Brightcove video id.';
COMMENT ON COLUMN marts.daily_browser_views.view_date IS 'The reported day (account time zone, as the Analytics API reports it).';
COMMENT ON COLUMN marts.daily_browser_views.channel IS 'Configured account name.';
COMMENT ON COLUMN marts.daily_browser_views.browser_type IS 'chrome, edge, firefox, ie, opera, safari or other (other and unknown browsers).';
COMMENT ON COLUMN marts.daily_browser_views.video_view IS 'Video views that day in that browser; the browsers of a day sum to the views the browser report gave for it.';
