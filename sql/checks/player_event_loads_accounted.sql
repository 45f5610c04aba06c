-- Every player-event load accounts for each row it read: read = accepted + quarantined + duplicates
-- (docs/engagement-rules.md#quarantine). Returns the loads whose counts do not add up, by how many.
SELECT load_id, source_file, rows_read, rows_accepted, rows_quarantined, rows_duplicate,
       rows_read - (rows_accepted + rows_quarantined + rows_duplicate) AS unaccounted_rows
FROM meta.player_event_files
WHERE rows_read <> rows_accepted + rows_quarantined + rows_duplicate
