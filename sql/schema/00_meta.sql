-- The pipeline's own bookkeeping. Every statement is idempotent: the pipeline runs this file at start-up.
CREATE SCHEMA IF NOT EXISTS meta;
CREATE SCHEMA IF NOT EXISTS raw;
CREATE SCHEMA IF NOT EXISTS staging;
CREATE SCHEMA IF NOT EXISTS intermediate;
CREATE SCHEMA IF NOT EXISTS marts;

CREATE TABLE IF NOT EXISTS meta.runs (
  run_id VARCHAR PRIMARY KEY,
  command VARCHAR NOT NULL,
  as_of_date DATE NOT NULL,
  started_at TIMESTAMP NOT NULL,
  finished_at TIMESTAMP,
  status VARCHAR NOT NULL,            -- running | succeeded | failed
  error VARCHAR
);

-- Run parameters the models read (as-of date, windows, years): written before each build, so a model
-- file run by hand in the DuckDB CLI sees the same values the pipeline used.
CREATE TABLE IF NOT EXISTS meta.settings (
  key VARCHAR PRIMARY KEY,
  value VARCHAR NOT NULL
);
CREATE OR REPLACE MACRO meta.setting(setting_key) AS (SELECT value FROM meta.settings WHERE key = setting_key);

-- The configured accounts, copied from reelhouse.config.json before each build.
CREATE TABLE IF NOT EXISTS meta.accounts (
  account_id VARCHAR PRIMARY KEY,
  slug VARCHAR NOT NULL,
  name VARCHAR NOT NULL,
  business_unit VARCHAR NOT NULL,
  distribution_folder VARCHAR NOT NULL,
  category VARCHAR NOT NULL,
  in_harper BOOLEAN NOT NULL,
  in_reporting BOOLEAN NOT NULL
);

-- Every Parquet file in the lake that has been loaded into raw.*; a file not listed here was never
-- committed (a crash between rename and commit) and is removed and fetched again.
CREATE TABLE IF NOT EXISTS meta.landed_files (
  file_path VARCHAR PRIMARY KEY,      -- relative to the data dir
  source VARCHAR NOT NULL,            -- cms_videos | analytics_video_daily | analytics_video_device_daily | analytics_video_browser_daily | player_events
  account_id VARCHAR,
  run_id VARCHAR NOT NULL,
  request_url VARCHAR,                -- without credentials
  window_from DATE,                   -- analytics: the date window the request covered (inclusive)
  window_to DATE,
  row_count BIGINT NOT NULL,
  bytes BIGINT NOT NULL,
  landed_at TIMESTAMP NOT NULL
);

-- Extraction checkpoints (watermarks, finished windows), committed with the page they describe.
CREATE TABLE IF NOT EXISTS meta.extract_state (
  source VARCHAR NOT NULL,
  account_id VARCHAR NOT NULL,
  state_key VARCHAR NOT NULL,
  state_value VARCHAR NOT NULL,
  updated_at TIMESTAMP NOT NULL,
  PRIMARY KEY (source, account_id, state_key)
);

-- HTTP requests by endpoint and outcome (ok, retried_429, http_500, network_error, …).
CREATE TABLE IF NOT EXISTS meta.api_requests (
  run_id VARCHAR NOT NULL,
  endpoint VARCHAR NOT NULL,
  outcome VARCHAR NOT NULL,
  requests BIGINT NOT NULL,
  PRIMARY KEY (run_id, endpoint, outcome)
);

CREATE TABLE IF NOT EXISTS meta.model_builds (
  run_id VARCHAR NOT NULL,
  model VARCHAR NOT NULL,             -- schema.table
  sql_hash VARCHAR NOT NULL,          -- sha256 of the model file: the model's version
  row_count BIGINT NOT NULL,
  seconds DOUBLE NOT NULL,
  built_at TIMESTAMP NOT NULL
);
-- The as-of date the model was built with (meta.settings at build time): export, distribute and publish
-- deliver the marts for this date (warehouse/build-as-of.ts). Added later: NULL in older rows.
ALTER TABLE meta.model_builds ADD COLUMN IF NOT EXISTS as_of_date DATE;

CREATE TABLE IF NOT EXISTS meta.check_results (
  run_id VARCHAR NOT NULL,
  check_name VARCHAR NOT NULL,
  failing_rows BIGINT NOT NULL,
  sample_json VARCHAR,
  checked_at TIMESTAMP NOT NULL
);
-- The check's declared severity (sql/checks/*.sql header): error stops the publish, warning does not.
ALTER TABLE meta.check_results ADD COLUMN IF NOT EXISTS severity VARCHAR DEFAULT 'error';

CREATE TABLE IF NOT EXISTS meta.deliveries (
  run_id VARCHAR NOT NULL,
  account_id VARCHAR NOT NULL,
  source_file VARCHAR NOT NULL,
  target_path VARCHAR NOT NULL,
  bytes BIGINT NOT NULL,
  sha256 VARCHAR NOT NULL,
  delivered_at TIMESTAMP NOT NULL
);

-- The lake's commits (lake/_log/commits.ndjson, warehouse/lake-log.ts) this file holds: work.duckdb is an
-- index of the lake's log. A commit is recorded here in the same transaction that applies it, so a start
-- finds exactly the commits still to apply (all of them when work.duckdb was lost: a rebuild).
-- Filled in the published copy (reelhouse.duckdb) only, by `pipeline publish` (warehouse/publish.ts),
-- which creates it there from this definition; empty in the working file.
CREATE TABLE IF NOT EXISTS meta.published_tables (
  table_name VARCHAR NOT NULL,
  row_count BIGINT NOT NULL,
  run_id VARCHAR NOT NULL,
  as_of_date DATE NOT NULL,
  published_at TIMESTAMP NOT NULL
);
COMMENT ON TABLE meta.published_tables IS 'One row per mart in this file: its row count when published, and which run published it.';

CREATE TABLE IF NOT EXISTS meta.lake_commits (
  seq BIGINT PRIMARY KEY,             -- the commit's line in the log, 1, 2, …
  kind VARCHAR NOT NULL,              -- page | state | event_load | retract | loss
  applied_at TIMESTAMP NOT NULL
);
