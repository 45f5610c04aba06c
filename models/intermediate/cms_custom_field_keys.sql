-- intermediate.cms_custom_field_keys: every custom field key used in an account, in first-seen order.
-- kind: table
-- grain: account_id, field_key
-- Rows: one row per (account_id, field_key).
-- Why: the Harper <slug>_cms files have one cf_<key> column per key seen in the account, in the order
-- the keys first appear when the videos are read in crawl order (created_at, then video id) and each
-- video's keys in the order the CMS sent them. Computed here so the order is the same on every run.
CREATE OR REPLACE TABLE intermediate.cms_custom_field_keys AS
WITH videos AS (
    SELECT account_id, video_id, created_at, json_keys(custom_fields) AS field_keys
    FROM staging.cms_videos
),

key_occurrences AS (
    SELECT
        account_id,
        video_id,
        created_at,
        unnest(field_keys)               AS field_key,
        generate_subscripts(field_keys, 1) AS key_position
    FROM videos
),

first_occurrence AS (
    SELECT *
    FROM key_occurrences
    QUALIFY row_number() OVER (
        PARTITION BY account_id, field_key
        ORDER BY created_at NULLS LAST, video_id, key_position
    ) = 1
),

final AS (
    SELECT
        CAST(account_id AS VARCHAR) AS account_id,
        CAST(field_key AS VARCHAR)  AS field_key,
        CAST(row_number() OVER (
            PARTITION BY account_id
            ORDER BY created_at NULLS LAST, video_id, key_position
        ) AS INTEGER)               AS first_seen_rank
    FROM first_occurrence
)

SELECT * FROM final;
