-- Question: do the player events and Brightcove agree on how much was watched? Per day, the seconds
--   watched from the player events beside Brightcove's video_seconds_viewed, over the videos that have both.
-- Grain: one row per view_date with at least one reconciled (video, day).
-- Reads: marts.watch_time_reconciliation
-- watch_time_ratio = events / Brightcove for the day's totals; videos_outside_tolerance counts the
-- (video, day) rows beyond the configured tolerance (the warning check lists them one by one);
-- min_video_ratio and max_video_ratio are the lowest and highest per-video ratio of the day (a video
-- with 0 Brightcove seconds has none), so one bad video shows even on a busy day.
SELECT
    view_date,
    count(*)                                                                           AS videos,
    round(sum(event_watch_time_s), 3)                                                  AS event_watch_time_s,
    round(sum(brightcove_seconds_viewed), 3)                                           AS brightcove_seconds_viewed,
    round(sum(event_watch_time_s) / nullif(sum(brightcove_seconds_viewed), 0), 4)      AS watch_time_ratio,
    count(*) FILTER (WHERE NOT is_within_tolerance)                                    AS videos_outside_tolerance,
    min(watch_time_ratio)                                                              AS min_video_ratio,
    max(watch_time_ratio)                                                              AS max_video_ratio
FROM marts.watch_time_reconciliation
GROUP BY view_date
ORDER BY view_date;
