-- staging.cms_videos: the CMS video objects, typed.
-- kind: table
-- grain: account_id, video_id
-- Rows: one row per (account_id, video_id): the most recently fetched version of each video.
-- Why: raw.cms_videos keeps every landed copy (full crawls, incremental updated_at crawls with an
-- overlap, pages that repeat while videos change); everything downstream wants one current row.
-- Renames, casts and de-duplication only: no business rules here.
CREATE OR REPLACE TABLE staging.cms_videos AS
WITH rejected_rows AS (
    -- Items without a usable id (listed with a reason in staging.brightcove_rejected_rows).
    SELECT DISTINCT landed_file, item_hash
    FROM staging.brightcove_rejected_rows
    WHERE source = 'cms_videos'
),

landed_videos AS (
    SELECT landed.account_id, landed.video_id, landed.item_json, landed.fetched_at, landed.landed_file, landed.request_url
    FROM raw.cms_videos AS landed
    ANTI JOIN rejected_rows
        ON rejected_rows.landed_file = landed.landed_file
       AND rejected_rows.item_hash = hash(CAST(landed.item_json AS VARCHAR))
),

latest_version AS (
    -- Latest fetch wins; the CMS updated_at then the file name break ties so a rebuild picks the same row.
    SELECT *
    FROM landed_videos
    QUALIFY row_number() OVER (
        PARTITION BY account_id, video_id
        ORDER BY fetched_at DESC, item_json ->> '$.updated_at' DESC NULLS LAST, landed_file DESC, item_json::VARCHAR DESC
    ) = 1
),

typed AS (
    SELECT
        CAST(account_id AS VARCHAR)                                              AS account_id,
        CAST(video_id AS VARCHAR)                                                AS video_id,
        CAST(item_json ->> '$.name' AS VARCHAR)                                  AS name,
        CAST(item_json ->> '$.description' AS VARCHAR)                           AS description,
        CAST(item_json ->> '$.long_description' AS VARCHAR)                      AS long_description,
        CAST(item_json ->> '$.reference_id' AS VARCHAR)                          AS reference_id,
        CAST(item_json ->> '$.state' AS VARCHAR)                                 AS state,
        TRY_CAST(item_json ->> '$.duration' AS BIGINT)                           AS duration_ms,
        -- The CMS sends ISO strings in UTC ("…Z"); an explicit offset is converted, never dropped.
        timezone('UTC', TRY_CAST(item_json ->> '$.created_at' AS TIMESTAMPTZ))   AS created_at,
        timezone('UTC', TRY_CAST(item_json ->> '$.updated_at' AS TIMESTAMPTZ))   AS updated_at,
        timezone('UTC', TRY_CAST(item_json ->> '$.published_at' AS TIMESTAMPTZ)) AS published_at,
        CAST(item_json ->> '$.original_filename' AS VARCHAR)                     AS original_filename,
        CAST(json_extract(item_json, '$.created_by') AS JSON)                    AS created_by,
        CAST(json_extract(item_json, '$.updated_by') AS JSON)                    AS updated_by,
        -- Unset custom fields are absent from the object; an account without any sends no object.
        CAST(coalesce(json_extract(item_json, '$.custom_fields'), '{}') AS JSON) AS custom_fields,
        CAST(coalesce(TRY_CAST(json_extract(item_json, '$.tags') AS VARCHAR[]), []) AS VARCHAR[]) AS tags,
        CAST(item_json AS JSON)                                                  AS item_json,
        CAST(fetched_at AS TIMESTAMP)                                            AS fetched_at,
        CAST(landed_file AS VARCHAR)                                             AS landed_file
    FROM latest_version
),

final AS (
    SELECT * FROM typed
)

SELECT * FROM final;
