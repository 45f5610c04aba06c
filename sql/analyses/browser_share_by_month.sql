-- Question: which browsers do viewers use, and is that changing? Views per browser type, per calendar month.
-- Grain: one row per (month YYYY-MM, browser_type).
-- Reads: marts.daily_browser_views
-- share = the browser's views / all views of the month in the browser report.
WITH monthly AS (
    SELECT strftime(view_date, '%Y-%m') AS month, browser_type, sum(video_view) AS video_views
    FROM marts.daily_browser_views
    GROUP BY 1, 2
)

SELECT
    month,
    browser_type,
    CAST(video_views AS BIGINT)                                                  AS video_views,
    round(video_views / nullif(sum(video_views) OVER (PARTITION BY month), 0), 4) AS share
FROM monthly
ORDER BY month, video_views DESC, browser_type;
