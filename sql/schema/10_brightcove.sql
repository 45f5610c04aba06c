-- Landed Brightcove responses, one row per item, as the API returned it, with the request that
-- produced it. The same rows are in the Parquet lake (data/lake/raw/<source>/account_id=…/…);
-- meta.landed_files lists which files these tables hold. Staging models type and de-duplicate them.

CREATE TABLE IF NOT EXISTS raw.cms_videos (
  account_id VARCHAR NOT NULL,
  video_id VARCHAR NOT NULL,          -- the item's "id", as text exactly as sent (ids can exceed 2^53)
  item_json JSON NOT NULL,            -- the whole video object as returned
  request_url VARCHAR NOT NULL,       -- the request that returned it, without credentials
  fetched_at TIMESTAMP NOT NULL,      -- UTC
  run_id VARCHAR NOT NULL,
  landed_file VARCHAR NOT NULL        -- relative to the data dir
);

-- Analytics report rows (`dimensions=video,date`), one per item.
CREATE TABLE IF NOT EXISTS raw.analytics_video_daily (
  account_id VARCHAR NOT NULL,
  fetch_id VARCHAR NOT NULL,          -- one id for all pages of one window request (meta.analytics_window_fetches)
  item_json JSON NOT NULL,            -- the item as returned: {"video": "…", "date": "YYYY-MM-DD", "video_view": …}
  request_url VARCHAR NOT NULL,
  fetched_at TIMESTAMP NOT NULL,
  run_id VARCHAR NOT NULL,
  landed_file VARCHAR NOT NULL
);

-- Analytics report rows (`dimensions=video,date,device_type`), one per item.
CREATE TABLE IF NOT EXISTS raw.analytics_video_device_daily (
  account_id VARCHAR NOT NULL,
  fetch_id VARCHAR NOT NULL,
  item_json JSON NOT NULL,            -- {"video": "…", "date": "…", "device_type": "mobile", "video_view": …}
  request_url VARCHAR NOT NULL,
  fetched_at TIMESTAMP NOT NULL,
  run_id VARCHAR NOT NULL,
  landed_file VARCHAR NOT NULL
);

-- Analytics report rows (`dimensions=video,date,browser_type`), one per item.
CREATE TABLE IF NOT EXISTS raw.analytics_video_browser_daily (
  account_id VARCHAR NOT NULL,
  fetch_id VARCHAR NOT NULL,
  item_json JSON NOT NULL,            -- {"video": "…", "date": "…", "browser_type": "chrome", "video_view": …}
  request_url VARCHAR NOT NULL,
  fetched_at TIMESTAMP NOT NULL,
  run_id VARCHAR NOT NULL,
  landed_file VARCHAR NOT NULL
);

-- One row per analytics window request (all its pages). Staging takes, for each account, source and
-- date, the rows of the latest *completed* fetch whose window covers that date: a re-fetched
-- provisional day replaces the earlier numbers, and a day that dropped to no rows really drops.
CREATE TABLE IF NOT EXISTS meta.analytics_window_fetches (
  fetch_id VARCHAR PRIMARY KEY,       -- sortable: later fetches sort after earlier ones
  source VARCHAR NOT NULL,            -- analytics_video_daily | analytics_video_device_daily | analytics_video_browser_daily
  account_id VARCHAR NOT NULL,
  window_from DATE NOT NULL,          -- inclusive
  window_to DATE NOT NULL,            -- inclusive
  reconciled BOOLEAN NOT NULL,        -- asked with reconciled=true
  started_at TIMESTAMP NOT NULL,
  completed_at TIMESTAMP,             -- NULL while pages are still missing
  row_count BIGINT NOT NULL DEFAULT 0
);
