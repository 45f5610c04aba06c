-- Every landed Brightcove row is staged, rejected with a reason, superseded by a later fetch or a
-- duplicate of a staged key: returns the (source, account) pairs where some rows went unaccounted.
SELECT source, account_id, raw_rows, staged_rows, rejected_rows, superseded_rows, duplicate_rows, unaccounted_rows
FROM staging.brightcove_row_accounting
WHERE unaccounted_rows <> 0
