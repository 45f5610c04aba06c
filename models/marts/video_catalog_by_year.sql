-- marts.video_catalog_by_year: the Reporting catalog, ACTIVE and published videos created in the
-- configured reporting years.
-- kind: table
-- grain: account_id, video_id
-- Rows: one row per (account_id, video_id).
-- Why: the original filtered only its CSV, so the next step read unfiltered data; here the filter is a
-- table that every later step and file reads. Years come from meta.setting('reporting_years') (a comma
-- list) and are compared with the UTC creation year.
CREATE OR REPLACE TABLE marts.video_catalog_by_year AS
WITH reporting_years AS (
    SELECT CAST(trim(year_text) AS INTEGER) AS created_year
    FROM (SELECT unnest(string_split(meta.setting('reporting_years'), ',')) AS year_text)
    WHERE trim(year_text) <> ''
),

catalog AS (
    SELECT * EXCLUDE (item_json, fetched_at) FROM marts.video_catalog
),

selected AS (
    SELECT catalog.*, CAST(year(catalog.created_at) AS INTEGER) AS created_year
    FROM catalog
    WHERE catalog.state = 'ACTIVE'
      AND catalog.published_at IS NOT NULL
      AND year(catalog.created_at) IN (SELECT created_year FROM reporting_years)
),

final AS (
    SELECT * FROM selected
)

SELECT * FROM final;

COMMENT ON TABLE marts.video_catalog_by_year IS 'ACTIVE videos with a published_at, created (UTC year) in the configured reporting years; same columns as marts.video_catalog plus created_year.';
COMMENT ON COLUMN marts.video_catalog_by_year.account_id IS 'Brightcove account id.';
COMMENT ON COLUMN marts.video_catalog_by_year.video_id IS 'Brightcove video id.';
COMMENT ON COLUMN marts.video_catalog_by_year.account_slug IS 'Configured account slug.';
COMMENT ON COLUMN marts.video_catalog_by_year.channel IS 'Configured account name.';
COMMENT ON COLUMN marts.video_catalog_by_year.name IS 'Video title.';
COMMENT ON COLUMN marts.video_catalog_by_year.description IS 'Short description.';
COMMENT ON COLUMN marts.video_catalog_by_year.long_description IS 'Long description.';
COMMENT ON COLUMN marts.video_catalog_by_year.reference_id IS 'Publisher reference id.';
COMMENT ON COLUMN marts.video_catalog_by_year.state IS 'Always ACTIVE here.';
COMMENT ON COLUMN marts.video_catalog_by_year.duration_ms IS 'Duration in milliseconds.';
COMMENT ON COLUMN marts.video_catalog_by_year.created_at IS 'Creation time, UTC.';
COMMENT ON COLUMN marts.video_catalog_by_year.updated_at IS 'Last CMS update, UTC.';
COMMENT ON COLUMN marts.video_catalog_by_year.published_at IS 'Publication time, UTC (never NULL here).';
COMMENT ON COLUMN marts.video_catalog_by_year.original_filename IS 'Name of the uploaded source file.';
COMMENT ON COLUMN marts.video_catalog_by_year.created_by IS 'Who created the video (JSON).';
COMMENT ON COLUMN marts.video_catalog_by_year.updated_by IS 'Who last updated the video (JSON).';
COMMENT ON COLUMN marts.video_catalog_by_year.tags IS 'Tags, in CMS order.';
COMMENT ON COLUMN marts.video_catalog_by_year.custom_fields IS 'All custom fields (JSON object).';
COMMENT ON COLUMN marts.video_catalog_by_year.cf_video_content_type IS 'Custom field video_content_type.';
COMMENT ON COLUMN marts.video_catalog_by_year.cf_relatedlinkname IS 'Custom field relatedlinkname.';
COMMENT ON COLUMN marts.video_catalog_by_year.cf_relatedlink IS 'Custom field relatedlink.';
COMMENT ON COLUMN marts.video_catalog_by_year.cf_country IS 'Custom field country.';
COMMENT ON COLUMN marts.video_catalog_by_year.cf_language IS 'Custom field language.';
COMMENT ON COLUMN marts.video_catalog_by_year.cf_business_unit IS 'Custom field business_unit.';
COMMENT ON COLUMN marts.video_catalog_by_year.cf_video_category IS 'Custom field video_category.';
COMMENT ON COLUMN marts.video_catalog_by_year.cf_video_length IS 'Custom field video_length (editor label).';
COMMENT ON COLUMN marts.video_catalog_by_year.cf_video_owner_email IS 'Custom field video_owner_email.';
COMMENT ON COLUMN marts.video_catalog_by_year.cf_1a_comms_sign_off IS 'Custom field 1a_comms_sign_off.';
COMMENT ON COLUMN marts.video_catalog_by_year.cf_1b_comms_sign_off_approver IS 'Custom field 1b_comms_sign_off_approver.';
COMMENT ON COLUMN marts.video_catalog_by_year.cf_2a_data_classification_disclaimer IS 'Custom field 2a_data_classification_disclaimer.';
COMMENT ON COLUMN marts.video_catalog_by_year.cf_3a_records_management_disclaimer IS 'Custom field 3a_records_management_disclaimer.';
COMMENT ON COLUMN marts.video_catalog_by_year.cf_4a_archiving_disclaimer_comms_branding IS 'Custom field 4a_archiving_disclaimer_comms_branding.';
COMMENT ON COLUMN marts.video_catalog_by_year.cf_4b_unique_sharepoint_id IS 'Custom field 4b_unique_sharepoint_id.';
COMMENT ON COLUMN marts.video_catalog_by_year.created_year IS 'UTC year of created_at, one of the configured reporting years.';
