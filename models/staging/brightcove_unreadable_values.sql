-- staging.brightcove_unreadable_values: values of staged Brightcove rows that could not be read as their
-- type and were staged as NULL (or left out of the typed column), each with the field and the reason.
-- kind: table
-- grain: source, account_id, video_id, field
-- Rows: one row per (source, account_id, video_id, field).
-- Why: a CMS video with an unreadable created_at is still a video (it stays in the catalog and the Harper
-- files), so it is staged rather than rejected; but the value it lost must not vanish silently.
-- staging.brightcove_row_accounting counts the staged rows listed here (unreadable_value_rows), and
-- `pipeline run` prints the reasons. A value that is absent or JSON null is not unreadable.
CREATE OR REPLACE TABLE staging.brightcove_unreadable_values AS
WITH staged AS (
    SELECT account_id, video_id, item_json, created_at, updated_at, published_at, duration_ms
    FROM staging.cms_videos
),

fields AS (
    SELECT account_id, video_id, item_json, 'created_at' AS field, created_at IS NULL AS lost, 'not a timestamp' AS reason FROM staged
    UNION ALL
    SELECT account_id, video_id, item_json, 'updated_at', updated_at IS NULL, 'not a timestamp' FROM staged
    UNION ALL
    SELECT account_id, video_id, item_json, 'published_at', published_at IS NULL, 'not a timestamp' FROM staged
    UNION ALL
    SELECT account_id, video_id, item_json, 'duration', duration_ms IS NULL, 'not a whole number of milliseconds' FROM staged
    UNION ALL
    SELECT account_id, video_id, item_json, 'tags',
           TRY_CAST(json_extract(item_json, '$.tags') AS VARCHAR[]) IS NULL, 'not a list of tags'
    FROM staged
    UNION ALL
    SELECT account_id, video_id, item_json, 'custom_fields',
           json_type(item_json, '$.custom_fields') <> 'OBJECT', 'not an object'
    FROM staged
),

unreadable AS (
    SELECT *
    FROM fields
    WHERE lost
      AND coalesce(json_type(item_json, '$."' || field || '"'), 'NULL') <> 'NULL'
),

final AS (
    SELECT
        CAST('cms_videos' AS VARCHAR)                                                    AS source,
        CAST(account_id AS VARCHAR)                                                      AS account_id,
        CAST(video_id AS VARCHAR)                                                        AS video_id,
        CAST(field AS VARCHAR)                                                           AS field,
        CAST('unreadable ' || field || ': ' || reason AS VARCHAR)                        AS reason,
        CAST(CAST(json_extract(item_json, '$."' || field || '"') AS VARCHAR) AS VARCHAR) AS raw_value
    FROM unreadable
)

SELECT * FROM final;
