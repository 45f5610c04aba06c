-- marts.harper_daily_views: the days Harper's <slug>_daily_views.csv lists, every account.
-- kind: table
-- grain: account_id, video_id, view_date
-- Rows: one row per (account_id, video_id, view_date).
-- Why: the "last N days" rule of the Harper files lives here, where `plan` sees it, and the export only
-- picks an account's rows and names the columns. The window is the original's from=today-N..to=now,
-- inclusive at both ends, the same rule as the Reporting cache window (marts.video_cache):
--   as_of_date - daily_views_days  <=  view_date  <=  as_of_date     (harper.daily_views_days)
-- and a day is listed only when it had a view (video_view > 0).
CREATE OR REPLACE TABLE marts.harper_daily_views AS
WITH window_rule AS (
    SELECT
        CAST(meta.setting('as_of_date') AS DATE)          AS as_of_date,
        CAST(meta.setting('daily_views_days') AS INTEGER) AS daily_views_days
),

daily AS (
    SELECT account_id, video_id, view_date, video_view, views_desktop, views_mobile, views_tablet, views_other
    FROM marts.daily_video_analytics
),

catalog AS (
    SELECT account_id, video_id, cf_video_content_type, cf_business_unit
    FROM marts.video_catalog
),

viewed_days_in_window AS (
    SELECT daily.*
    FROM daily
    CROSS JOIN window_rule
    WHERE daily.video_view > 0
      AND daily.view_date BETWEEN window_rule.as_of_date - window_rule.daily_views_days AND window_rule.as_of_date
),

final AS (
    SELECT
        days.account_id,
        days.video_id,
        days.view_date,
        days.video_view,
        catalog.cf_video_content_type,
        catalog.cf_business_unit,
        days.views_desktop,
        days.views_mobile,
        days.views_tablet,
        days.views_other
    FROM viewed_days_in_window AS days
    LEFT JOIN catalog USING (account_id, video_id)
)

SELECT * FROM final;

COMMENT ON TABLE marts.harper_daily_views IS 'The days of Harper''s <slug>_daily_views.csv: each day with at least one view from as_of_date - harper.daily_views_days to as_of_date inclusive, every account.';
COMMENT ON COLUMN marts.harper_daily_views.account_id IS 'Brightcove account id.';
COMMENT ON COLUMN marts.harper_daily_views.video_id IS 'Brightcove video id.';
COMMENT ON COLUMN marts.harper_daily_views.view_date IS 'The reported day (exported as date).';
COMMENT ON COLUMN marts.harper_daily_views.video_view IS 'Video views that day, at least 1 (exported as views).';
COMMENT ON COLUMN marts.harper_daily_views.cf_video_content_type IS 'Custom field video_content_type of the video (exported as video_content_type).';
COMMENT ON COLUMN marts.harper_daily_views.cf_business_unit IS 'Custom field business_unit of the video (exported as business_unit).';
COMMENT ON COLUMN marts.harper_daily_views.views_desktop IS 'Views on desktop, NULL when the device split was not fetched (exported as device_desktop).';
COMMENT ON COLUMN marts.harper_daily_views.views_mobile IS 'Views on mobile (exported as device_mobile).';
COMMENT ON COLUMN marts.harper_daily_views.views_tablet IS 'Views on tablet (exported as device_tablet).';
COMMENT ON COLUMN marts.harper_daily_views.views_other IS 'Views on tv, other and unknown devices (exported as device_other).';
