-- Where the device split was fetched, desktop + mobile + tablet + other equals the day's video_view
-- (the API reports both; a difference means the two reports describe different data, e.g. one of
-- them is stale). Returns the days that disagree.
SELECT
    account_id,
    video_id,
    view_date,
    video_view,
    views_desktop + views_mobile + views_tablet + views_other AS device_views
FROM marts.daily_video_analytics
WHERE views_desktop IS NOT NULL
  AND views_desktop + views_mobile + views_tablet + views_other <> video_view
