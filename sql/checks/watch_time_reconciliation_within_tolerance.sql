-- severity: warning
-- The player events' seconds watched per video and day agree with Brightcove's video_seconds_viewed
-- within the configured tolerance (checks.reconciliation_tolerance, ±20 % by default): returns the days
-- that part by more. A warning: the two measure differently (day boundaries, players without events).
SELECT account_id, video_id, view_date, event_watch_time_s, brightcove_seconds_viewed, watch_time_ratio, tolerance
FROM marts.watch_time_reconciliation
WHERE NOT is_within_tolerance
