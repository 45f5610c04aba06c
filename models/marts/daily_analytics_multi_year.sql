-- marts.daily_analytics_multi_year: Reporting's daily analytics over the configured years, per
-- consolidation category, with the catalog columns the Reporting files carry.
-- kind: table
-- grain: account_id, video_id, view_date
-- Rows: one row per (account_id, video_id, view_date).
-- Why: the original concatenated one file per year without de-duplication. Here the yearly slices are
-- concatenated and de-duplicated on (account_id, video_id, view_date), so overlapping slices (or a year
-- listed twice) never double a day. Rows: Reporting accounts, videos in marts.video_cache, days in the
-- configured years up to the as-of date.
CREATE OR REPLACE TABLE marts.daily_analytics_multi_year AS
WITH reporting_years AS (
    SELECT DISTINCT CAST(trim(year_text) AS INTEGER) AS view_year
    FROM (SELECT unnest(string_split(meta.setting('reporting_years'), ',')) AS year_text)
    WHERE trim(year_text) <> ''
),

reporting_accounts AS (
    SELECT account_id, category FROM meta.accounts WHERE in_reporting
),

cached_videos AS (
    SELECT account_id, video_id FROM marts.video_cache
),

daily AS (
    SELECT * FROM marts.daily_video_analytics
    WHERE view_date <= CAST(meta.setting('as_of_date') AS DATE)
),

catalog AS (
    SELECT * FROM marts.video_catalog
),

yearly_slices AS (
    SELECT reporting_years.view_year, daily.*
    FROM reporting_years
    JOIN daily ON year(daily.view_date) = reporting_years.view_year
    JOIN cached_videos USING (account_id, video_id)
),

deduplicated AS (
    SELECT *
    FROM yearly_slices
    QUALIFY row_number() OVER (PARTITION BY account_id, video_id, view_date ORDER BY view_year) = 1
),

final AS (
    SELECT
        CAST(deduplicated.account_id AS VARCHAR)          AS account_id,
        CAST(deduplicated.video_id AS VARCHAR)            AS video_id,
        CAST(deduplicated.view_date AS DATE)              AS view_date,
        CAST(deduplicated.view_year AS INTEGER)           AS view_year,
        CAST(reporting_accounts.category AS VARCHAR)      AS category,
        CAST(deduplicated.channel AS VARCHAR)             AS channel,
        CAST(catalog.name AS VARCHAR)                     AS name,
        CAST(deduplicated.video_view AS BIGINT)           AS video_view,
        CAST(deduplicated.views_desktop AS BIGINT)        AS views_desktop,
        CAST(deduplicated.views_mobile AS BIGINT)         AS views_mobile,
        CAST(deduplicated.views_tablet AS BIGINT)         AS views_tablet,
        CAST(deduplicated.views_other AS BIGINT)          AS views_other,
        CAST(deduplicated.video_impression AS BIGINT)     AS video_impression,
        CAST(deduplicated.play_rate AS DOUBLE)            AS play_rate,
        CAST(deduplicated.engagement_score AS DOUBLE)     AS engagement_score,
        CAST(deduplicated.video_engagement_1 AS DOUBLE)   AS video_engagement_1,
        CAST(deduplicated.video_engagement_25 AS DOUBLE)  AS video_engagement_25,
        CAST(deduplicated.video_engagement_50 AS DOUBLE)  AS video_engagement_50,
        CAST(deduplicated.video_engagement_75 AS DOUBLE)  AS video_engagement_75,
        CAST(deduplicated.video_engagement_100 AS DOUBLE) AS video_engagement_100,
        CAST(deduplicated.video_percent_viewed AS DOUBLE) AS video_percent_viewed,
        CAST(deduplicated.video_seconds_viewed AS DOUBLE) AS video_seconds_viewed,
        CAST(catalog.created_at AS TIMESTAMP)             AS created_at,
        CAST(catalog.published_at AS TIMESTAMP)           AS published_at,
        CAST(catalog.original_filename AS VARCHAR)        AS original_filename,
        CAST(catalog.created_by AS JSON)                  AS created_by,
        CAST(catalog.cf_video_content_type AS VARCHAR)    AS cf_video_content_type,
        CAST(catalog.cf_video_length AS VARCHAR)          AS cf_video_length,
        CAST(catalog.duration_ms AS BIGINT)               AS duration_ms,
        CAST(catalog.cf_video_category AS VARCHAR)        AS cf_video_category,
        CAST(catalog.cf_country AS VARCHAR)               AS cf_country,
        CAST(catalog.cf_language AS VARCHAR)              AS cf_language,
        CAST(catalog.cf_business_unit AS VARCHAR)         AS cf_business_unit,
        CAST(catalog.tags AS VARCHAR[])                   AS tags,
        CAST(catalog.reference_id AS VARCHAR)             AS reference_id
    FROM deduplicated
    JOIN reporting_accounts USING (account_id)
    JOIN catalog USING (account_id, video_id)
)

SELECT * FROM final;

COMMENT ON TABLE marts.daily_analytics_multi_year IS 'Reporting daily analytics for cached videos over the configured years (up to the as-of date), de-duplicated on (account_id, video_id, view_date), with the consolidation category.';
COMMENT ON COLUMN marts.daily_analytics_multi_year.account_id IS 'Brightcove account id.';
COMMENT ON COLUMN marts.daily_analytics_multi_year.video_id IS 'Brightcove video id.';
COMMENT ON COLUMN marts.daily_analytics_multi_year.view_date IS 'The reported day.';
COMMENT ON COLUMN marts.daily_analytics_multi_year.view_year IS 'Year of view_date: the yearly file the row belongs to.';
COMMENT ON COLUMN marts.daily_analytics_multi_year.category IS 'Consolidation category of the account (internet, research).';
COMMENT ON COLUMN marts.daily_analytics_multi_year.channel IS 'Configured account name.';
COMMENT ON COLUMN marts.daily_analytics_multi_year.name IS 'Video title.';
COMMENT ON COLUMN marts.daily_analytics_multi_year.video_view IS 'Video views that day.';
COMMENT ON COLUMN marts.daily_analytics_multi_year.views_desktop IS 'Views on desktop (NULL when the device split was not fetched).';
COMMENT ON COLUMN marts.daily_analytics_multi_year.views_mobile IS 'Views on mobile.';
COMMENT ON COLUMN marts.daily_analytics_multi_year.views_tablet IS 'Views on tablet.';
COMMENT ON COLUMN marts.daily_analytics_multi_year.views_other IS 'Views on tv, other and unknown devices.';
COMMENT ON COLUMN marts.daily_analytics_multi_year.video_impression IS 'Impressions that day.';
COMMENT ON COLUMN marts.daily_analytics_multi_year.play_rate IS 'video_view / video_impression (NULL without impressions).';
COMMENT ON COLUMN marts.daily_analytics_multi_year.engagement_score IS 'Brightcove''s engagement ratio of the day: video_percent_viewed / video_view (NULL without views). Not the viewer score of marts.user_video_engagement, which has the same column name.';
COMMENT ON COLUMN marts.daily_analytics_multi_year.video_engagement_1 IS 'Views reaching 1%.';
COMMENT ON COLUMN marts.daily_analytics_multi_year.video_engagement_25 IS 'Views reaching 25%.';
COMMENT ON COLUMN marts.daily_analytics_multi_year.video_engagement_50 IS 'Views reaching 50%.';
COMMENT ON COLUMN marts.daily_analytics_multi_year.video_engagement_75 IS 'Views reaching 75%.';
COMMENT ON COLUMN marts.daily_analytics_multi_year.video_engagement_100 IS 'Views reaching the end.';
COMMENT ON COLUMN marts.daily_analytics_multi_year.video_percent_viewed IS 'Sum of percent viewed over the day''s views.';
COMMENT ON COLUMN marts.daily_analytics_multi_year.video_seconds_viewed IS 'Seconds viewed that day.';
COMMENT ON COLUMN marts.daily_analytics_multi_year.created_at IS 'Video creation time, UTC.';
COMMENT ON COLUMN marts.daily_analytics_multi_year.published_at IS 'Video publication time, UTC.';
COMMENT ON COLUMN marts.daily_analytics_multi_year.original_filename IS 'Uploaded source file name.';
COMMENT ON COLUMN marts.daily_analytics_multi_year.created_by IS 'Who created the video (JSON).';
COMMENT ON COLUMN marts.daily_analytics_multi_year.cf_video_content_type IS 'Custom field video_content_type.';
COMMENT ON COLUMN marts.daily_analytics_multi_year.cf_video_length IS 'Custom field video_length (editor label).';
COMMENT ON COLUMN marts.daily_analytics_multi_year.duration_ms IS 'Video duration in milliseconds, from the CMS (exported as video_duration).';
COMMENT ON COLUMN marts.daily_analytics_multi_year.cf_video_category IS 'Custom field video_category.';
COMMENT ON COLUMN marts.daily_analytics_multi_year.cf_country IS 'Custom field country.';
COMMENT ON COLUMN marts.daily_analytics_multi_year.cf_language IS 'Custom field language.';
COMMENT ON COLUMN marts.daily_analytics_multi_year.cf_business_unit IS 'Custom field business_unit.';
COMMENT ON COLUMN marts.daily_analytics_multi_year.tags IS 'Tags, in CMS order.';
COMMENT ON COLUMN marts.daily_analytics_multi_year.reference_id IS 'Publisher reference id.';
