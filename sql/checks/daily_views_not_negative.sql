-- View and impression counts are never negative: returns the offending days.
SELECT account_id, video_id, view_date, video_view, video_impression, views_desktop, views_mobile, views_tablet, views_other
FROM marts.daily_video_analytics
WHERE video_view < 0
   OR video_impression < 0
   OR views_desktop < 0
   OR views_mobile < 0
   OR views_tablet < 0
   OR views_other < 0
