-- marts.video_catalog: every video of every account, in every state, with its business custom fields.
-- kind: table
-- grain: account_id, video_id
-- Rows: one row per (account_id, video_id).
-- Why: the catalog analysts query and every Brightcove export starts from (Harper <slug>_cms_metadata
-- and <slug>_cms files, the Reporting catalogs). The 15 custom fields the business reads get their
-- own cf_ columns; every other custom field stays in custom_fields, and item_json keeps the object as
-- the CMS sent it.
CREATE OR REPLACE TABLE marts.video_catalog AS
WITH videos AS (
    SELECT * FROM staging.cms_videos
),

accounts AS (
    SELECT account_id, slug, name FROM meta.accounts
),

with_custom_fields AS (
    SELECT
        videos.*,
        accounts.slug AS account_slug,
        accounts.name AS account_name,
        videos.custom_fields ->> '$."video_content_type"'                     AS cf_video_content_type,
        videos.custom_fields ->> '$."relatedlinkname"'                        AS cf_relatedlinkname,
        videos.custom_fields ->> '$."relatedlink"'                            AS cf_relatedlink,
        videos.custom_fields ->> '$."country"'                                AS cf_country,
        videos.custom_fields ->> '$."language"'                               AS cf_language,
        videos.custom_fields ->> '$."business_unit"'                          AS cf_business_unit,
        videos.custom_fields ->> '$."video_category"'                         AS cf_video_category,
        videos.custom_fields ->> '$."video_length"'                           AS cf_video_length,
        videos.custom_fields ->> '$."video_owner_email"'                      AS cf_video_owner_email,
        videos.custom_fields ->> '$."1a_comms_sign_off"'                      AS cf_1a_comms_sign_off,
        videos.custom_fields ->> '$."1b_comms_sign_off_approver"'             AS cf_1b_comms_sign_off_approver,
        videos.custom_fields ->> '$."2a_data_classification_disclaimer"'      AS cf_2a_data_classification_disclaimer,
        videos.custom_fields ->> '$."3a_records_management_disclaimer"'       AS cf_3a_records_management_disclaimer,
        videos.custom_fields ->> '$."4a_archiving_disclaimer_comms_branding"' AS cf_4a_archiving_disclaimer_comms_branding,
        videos.custom_fields ->> '$."4b_unique_sharepoint_id"'                AS cf_4b_unique_sharepoint_id
    FROM videos
    LEFT JOIN accounts USING (account_id)
),

final AS (
    SELECT
        CAST(account_id AS VARCHAR)                                AS account_id,
        CAST(video_id AS VARCHAR)                                  AS video_id,
        CAST(account_slug AS VARCHAR)                              AS account_slug,
        CAST(account_name AS VARCHAR)                              AS channel,
        CAST(name AS VARCHAR)                                      AS name,
        CAST(description AS VARCHAR)                               AS description,
        CAST(long_description AS VARCHAR)                          AS long_description,
        CAST(reference_id AS VARCHAR)                              AS reference_id,
        CAST(state AS VARCHAR)                                     AS state,
        CAST(duration_ms AS BIGINT)                                AS duration_ms,
        CAST(created_at AS TIMESTAMP)                              AS created_at,
        CAST(updated_at AS TIMESTAMP)                              AS updated_at,
        CAST(published_at AS TIMESTAMP)                            AS published_at,
        CAST(original_filename AS VARCHAR)                         AS original_filename,
        CAST(created_by AS JSON)                                   AS created_by,
        CAST(updated_by AS JSON)                                   AS updated_by,
        CAST(tags AS VARCHAR[])                                    AS tags,
        CAST(custom_fields AS JSON)                                AS custom_fields,
        CAST(cf_video_content_type AS VARCHAR)                     AS cf_video_content_type,
        CAST(cf_relatedlinkname AS VARCHAR)                        AS cf_relatedlinkname,
        CAST(cf_relatedlink AS VARCHAR)                            AS cf_relatedlink,
        CAST(cf_country AS VARCHAR)                                AS cf_country,
        CAST(cf_language AS VARCHAR)                               AS cf_language,
        CAST(cf_business_unit AS VARCHAR)                          AS cf_business_unit,
        CAST(cf_video_category AS VARCHAR)                         AS cf_video_category,
        CAST(cf_video_length AS VARCHAR)                           AS cf_video_length,
        CAST(cf_video_owner_email AS VARCHAR)                      AS cf_video_owner_email,
        CAST(cf_1a_comms_sign_off AS VARCHAR)                      AS cf_1a_comms_sign_off,
        CAST(cf_1b_comms_sign_off_approver AS VARCHAR)             AS cf_1b_comms_sign_off_approver,
        CAST(cf_2a_data_classification_disclaimer AS VARCHAR)      AS cf_2a_data_classification_disclaimer,
        CAST(cf_3a_records_management_disclaimer AS VARCHAR)       AS cf_3a_records_management_disclaimer,
        CAST(cf_4a_archiving_disclaimer_comms_branding AS VARCHAR) AS cf_4a_archiving_disclaimer_comms_branding,
        CAST(cf_4b_unique_sharepoint_id AS VARCHAR)                AS cf_4b_unique_sharepoint_id,
        CAST(item_json AS JSON)                                    AS item_json,
        CAST(fetched_at AS TIMESTAMP)                              AS fetched_at
    FROM with_custom_fields
)

SELECT * FROM final;

COMMENT ON TABLE marts.video_catalog IS 'Every Brightcove video of every account, any state; one row per (account_id, video_id), the latest fetched version.';
COMMENT ON COLUMN marts.video_catalog.account_id IS 'Brightcove account id (text).';
COMMENT ON COLUMN marts.video_catalog.video_id IS 'Brightcove video id (text; ids can exceed 2^53).';
COMMENT ON COLUMN marts.video_catalog.account_slug IS 'Configured account slug (reelhouse.config.json); NULL for an account no longer configured.';
COMMENT ON COLUMN marts.video_catalog.channel IS 'Configured account name, e.g. Internet, NEO.';
COMMENT ON COLUMN marts.video_catalog.name IS 'Video title.';
COMMENT ON COLUMN marts.video_catalog.description IS 'Short description.';
COMMENT ON COLUMN marts.video_catalog.long_description IS 'Long description.';
COMMENT ON COLUMN marts.video_catalog.reference_id IS 'Publisher reference id.';
COMMENT ON COLUMN marts.video_catalog.state IS 'ACTIVE, INACTIVE, PENDING or DELETED.';
COMMENT ON COLUMN marts.video_catalog.duration_ms IS 'Duration in milliseconds, as the CMS gives it; NULL when unknown.';
COMMENT ON COLUMN marts.video_catalog.created_at IS 'Creation time, UTC.';
COMMENT ON COLUMN marts.video_catalog.updated_at IS 'Last CMS update, UTC.';
COMMENT ON COLUMN marts.video_catalog.published_at IS 'Publication time, UTC; NULL when never published.';
COMMENT ON COLUMN marts.video_catalog.original_filename IS 'Name of the uploaded source file.';
COMMENT ON COLUMN marts.video_catalog.created_by IS 'Who created the video (CMS object, JSON).';
COMMENT ON COLUMN marts.video_catalog.updated_by IS 'Who last updated the video (CMS object, JSON).';
COMMENT ON COLUMN marts.video_catalog.tags IS 'Tags, in CMS order.';
COMMENT ON COLUMN marts.video_catalog.custom_fields IS 'All custom fields set on the video (JSON object of strings).';
COMMENT ON COLUMN marts.video_catalog.cf_video_content_type IS 'Custom field video_content_type.';
COMMENT ON COLUMN marts.video_catalog.cf_relatedlinkname IS 'Custom field relatedlinkname.';
COMMENT ON COLUMN marts.video_catalog.cf_relatedlink IS 'Custom field relatedlink.';
COMMENT ON COLUMN marts.video_catalog.cf_country IS 'Custom field country.';
COMMENT ON COLUMN marts.video_catalog.cf_language IS 'Custom field language.';
COMMENT ON COLUMN marts.video_catalog.cf_business_unit IS 'Custom field business_unit (the video''s, not the account''s).';
COMMENT ON COLUMN marts.video_catalog.cf_video_category IS 'Custom field video_category.';
COMMENT ON COLUMN marts.video_catalog.cf_video_length IS 'Custom field video_length (a label set by editors, not a measured duration).';
COMMENT ON COLUMN marts.video_catalog.cf_video_owner_email IS 'Custom field video_owner_email.';
COMMENT ON COLUMN marts.video_catalog.cf_1a_comms_sign_off IS 'Custom field 1a_comms_sign_off.';
COMMENT ON COLUMN marts.video_catalog.cf_1b_comms_sign_off_approver IS 'Custom field 1b_comms_sign_off_approver.';
COMMENT ON COLUMN marts.video_catalog.cf_2a_data_classification_disclaimer IS 'Custom field 2a_data_classification_disclaimer.';
COMMENT ON COLUMN marts.video_catalog.cf_3a_records_management_disclaimer IS 'Custom field 3a_records_management_disclaimer.';
COMMENT ON COLUMN marts.video_catalog.cf_4a_archiving_disclaimer_comms_branding IS 'Custom field 4a_archiving_disclaimer_comms_branding.';
COMMENT ON COLUMN marts.video_catalog.cf_4b_unique_sharepoint_id IS 'Custom field 4b_unique_sharepoint_id.';
COMMENT ON COLUMN marts.video_catalog.item_json IS 'The whole video object as the CMS API returned it.';
COMMENT ON COLUMN marts.video_catalog.fetched_at IS 'When this version was fetched, UTC.';
