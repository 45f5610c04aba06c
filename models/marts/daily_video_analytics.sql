-- marts.daily_video_analytics: each video's daily metrics with the device split.
-- kind: table
-- grain: account_id, video_id, view_date
-- Rows: one row per (account_id, video_id, view_date) the Analytics API reported, every account.
-- Why: Reporting's daily files and Harper's daily views read this. Ratios are recomputed from the day's
-- sums, never taken or averaged from the API: play_rate = video_view / video_impression (NULL without
-- impressions), engagement_score = video_percent_viewed / video_view (NULL without views). The device
-- columns are NULL when no completed device report covered the day (unknown, not zero); tv and
-- unknown device types count in views_other.
CREATE OR REPLACE TABLE marts.daily_video_analytics AS
WITH daily_metrics AS (
    SELECT * FROM staging.analytics_video_daily
),

device_split AS (
    SELECT * FROM intermediate.video_device_views_daily
),

device_coverage AS (
    SELECT account_id, view_date, TRUE AS device_report_fetched FROM intermediate.analytics_device_coverage
),

accounts AS (
    SELECT account_id, name AS account_name FROM meta.accounts
),

joined AS (
    SELECT
        daily_metrics.*,
        accounts.account_name,
        coalesce(device_coverage.device_report_fetched, FALSE) AS device_report_fetched,
        device_split.views_desktop,
        device_split.views_mobile,
        device_split.views_tablet,
        device_split.views_other
    FROM daily_metrics
    LEFT JOIN accounts USING (account_id)
    LEFT JOIN device_coverage USING (account_id, view_date)
    LEFT JOIN device_split USING (account_id, video_id, view_date)
),

recomputed AS (
    SELECT
        *,
        CASE WHEN video_impression > 0 THEN video_view / video_impression END AS play_rate,
        CASE WHEN video_view > 0 THEN video_percent_viewed / video_view END   AS engagement_score
    FROM joined
),

final AS (
    SELECT
        CAST(account_id AS VARCHAR)           AS account_id,
        CAST(video_id AS VARCHAR)             AS video_id,
        CAST(view_date AS DATE)               AS view_date,
        CAST(account_name AS VARCHAR)         AS channel,
        CAST(video_view AS BIGINT)            AS video_view,
        CAST(CASE WHEN device_report_fetched THEN coalesce(views_desktop, 0) END AS BIGINT) AS views_desktop,
        CAST(CASE WHEN device_report_fetched THEN coalesce(views_mobile, 0) END AS BIGINT)  AS views_mobile,
        CAST(CASE WHEN device_report_fetched THEN coalesce(views_tablet, 0) END AS BIGINT)  AS views_tablet,
        CAST(CASE WHEN device_report_fetched THEN coalesce(views_other, 0) END AS BIGINT)   AS views_other,
        CAST(video_impression AS BIGINT)      AS video_impression,
        CAST(play_request AS BIGINT)          AS play_request,
        CAST(play_rate AS DOUBLE)             AS play_rate,
        CAST(engagement_score AS DOUBLE)      AS engagement_score,
        -- Brightcove's reach counts and view sums, as the API reported them (each keeps its name)
        CAST(COLUMNS([
            'video_engagement_1', 'video_engagement_25', 'video_engagement_50', 'video_engagement_75',
            'video_engagement_100', 'video_percent_viewed', 'video_seconds_viewed'
        ]) AS DOUBLE),
        CAST(video_duration_s AS DOUBLE)      AS video_duration_s,
        CAST(is_reconciled AS BOOLEAN)        AS is_reconciled
    FROM recomputed
)

SELECT * FROM final;

COMMENT ON TABLE marts.daily_video_analytics IS 'Daily Analytics API metrics per video with the device split; ratios recomputed from the day''s sums.';
COMMENT ON COLUMN marts.daily_video_analytics.account_id IS 'Brightcove account id.';
COMMENT ON COLUMN marts.daily_video_analytics.video_id IS 'Brightcove video id.';
COMMENT ON COLUMN marts.daily_video_analytics.view_date IS 'The reported day (account time zone, as the Analytics API reports it).';
COMMENT ON COLUMN marts.daily_video_analytics.channel IS 'Configured account name.';
COMMENT ON COLUMN marts.daily_video_analytics.video_view IS 'Video views that day.';
COMMENT ON COLUMN marts.daily_video_analytics.views_desktop IS 'Views on desktop; NULL when no device report covered the day.';
COMMENT ON COLUMN marts.daily_video_analytics.views_mobile IS 'Views on mobile; NULL when no device report covered the day.';
COMMENT ON COLUMN marts.daily_video_analytics.views_tablet IS 'Views on tablet; NULL when no device report covered the day.';
COMMENT ON COLUMN marts.daily_video_analytics.views_other IS 'Views on tv, other and unknown devices; NULL when no device report covered the day.';
COMMENT ON COLUMN marts.daily_video_analytics.video_impression IS 'Player loads showing the video that day.';
COMMENT ON COLUMN marts.daily_video_analytics.play_request IS 'Play requests that day (NULL when not fetched).';
COMMENT ON COLUMN marts.daily_video_analytics.play_rate IS 'video_view / video_impression, a ratio (NULL without impressions).';
COMMENT ON COLUMN marts.daily_video_analytics.engagement_score IS 'Brightcove''s engagement ratio of the day: video_percent_viewed / video_view (NULL without views; can exceed 100). Not the viewer score of marts.user_video_engagement, which has the same column name.';
COMMENT ON COLUMN marts.daily_video_analytics.video_engagement_1 IS 'Views reaching 1% of the video (a count, may be fractional).';
COMMENT ON COLUMN marts.daily_video_analytics.video_engagement_25 IS 'Views reaching 25% of the video.';
COMMENT ON COLUMN marts.daily_video_analytics.video_engagement_50 IS 'Views reaching 50% of the video.';
COMMENT ON COLUMN marts.daily_video_analytics.video_engagement_75 IS 'Views reaching 75% of the video.';
COMMENT ON COLUMN marts.daily_video_analytics.video_engagement_100 IS 'Views reaching the end of the video.';
COMMENT ON COLUMN marts.daily_video_analytics.video_percent_viewed IS 'Sum over the day''s views of the percent of the video viewed (a sum of percentages).';
COMMENT ON COLUMN marts.daily_video_analytics.video_seconds_viewed IS 'Seconds of the video viewed that day, summed over views.';
COMMENT ON COLUMN marts.daily_video_analytics.video_duration_s IS 'Video duration in seconds as the Analytics API reports it.';
COMMENT ON COLUMN marts.daily_video_analytics.is_reconciled IS 'TRUE when the numbers come from a reconciled (final) fetch, FALSE while provisional.';
