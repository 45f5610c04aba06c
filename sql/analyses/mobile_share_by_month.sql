-- Question: is mobile viewing growing? The share of views on mobile devices, per calendar month.
-- Grain: one row per month (YYYY-MM) with at least one day that has a device report.
-- Reads: marts.daily_video_analytics
-- Only days whose device split was fetched count (views_mobile NULL = not fetched, not zero), in both
-- the numerator and the denominator, so a month half covered by device reports is not diluted.
SELECT
    strftime(view_date, '%Y-%m')                                                  AS month,
    CAST(sum(video_view) AS BIGINT)                                               AS video_views,
    CAST(sum(views_mobile) AS BIGINT)                                             AS mobile_views,
    round(sum(views_mobile) / nullif(sum(video_view), 0), 4)                      AS mobile_share,
    CAST(sum(views_desktop) AS BIGINT)                                            AS desktop_views,
    CAST(sum(views_tablet) AS BIGINT)                                             AS tablet_views,
    CAST(sum(views_other) AS BIGINT)                                              AS other_views
FROM marts.daily_video_analytics
WHERE views_mobile IS NOT NULL
GROUP BY 1
ORDER BY month;
