-- Question: which regions watch which kinds of content? Views by the video's country and content type
--   (CMS custom fields country and video_content_type).
-- Grain: one row per (country, video_content_type); '(not set)' for an empty field or a video missing from the catalog.
-- Reads: marts.daily_video_analytics, marts.video_catalog
-- The country is the video's (who it was made for), not the viewer's: Brightcove's daily report here has no geography.
-- viewing_days counts the (video, day) rows with views; views_per_viewing_day = video_views / viewing_days,
-- the demand of a video on a day it is watched at all (a region with fewer videos is not penalised for it).
WITH daily AS (
    SELECT account_id, video_id, video_view FROM marts.daily_video_analytics
),

catalog AS (
    SELECT account_id, video_id, cf_country, cf_video_content_type FROM marts.video_catalog
)

SELECT
    coalesce(nullif(trim(catalog.cf_country), ''), '(not set)')             AS country,
    coalesce(nullif(trim(catalog.cf_video_content_type), ''), '(not set)')  AS video_content_type,
    CAST(sum(daily.video_view) AS BIGINT)                                     AS video_views,
    count(DISTINCT (daily.account_id, daily.video_id)) FILTER (WHERE daily.video_view > 0) AS videos_viewed,
    count(*) FILTER (WHERE daily.video_view > 0)                              AS viewing_days,
    round(sum(daily.video_view) / nullif(count(*) FILTER (WHERE daily.video_view > 0), 0), 2) AS views_per_viewing_day
FROM daily
LEFT JOIN catalog USING (account_id, video_id)
GROUP BY 1, 2
ORDER BY video_views DESC, country, video_content_type;
