import { parseConfig, type ReelhouseConfig } from '../../config/load-config.ts';
import { loadTestConfig } from '../support/test-config.ts';
import { applySchema, writeRunSettings } from '../../warehouse/bootstrap.ts';
import { openWarehouse, type Warehouse } from '../../warehouse/duckdb.ts';
import { buildModels, discoverModels, selectModels } from '../../warehouse/models.ts';

/**
 * Fixture rows for the Brightcove models, shaped like Brightcove's documented responses (CMS video
 * objects; Analytics report items), inserted into
 * raw.* and meta.analytics_window_fetches the way the extractors land them.
 */

export const ACCOUNTS = {
  internet: '1197194721001',
  intranet: '4413047246001',
  neo: '5972928207001',
  research: '3467683096001',
  impact: '968049871001',
} as const;

/** This area's marts and checks' tables; the leading + brings in whatever they read, as the runner finds it. */
export const BRIGHTCOVE_SELECTOR =
  '+video_catalog +video_last_viewed +video_cache +video_catalog_by_year +daily_video_analytics +daily_analytics_multi_year +brightcove_row_accounting +cms_custom_field_keys +harper_daily_views';

/** The test configuration (the 11 shipped accounts; Reporting years 2024 and 2025; 90-day cache). */
export function testConfig(change: (config: ReelhouseConfig) => void = () => undefined): Readonly<ReelhouseConfig> {
  const copy = structuredClone(loadTestConfig()) as ReelhouseConfig;
  change(copy);
  return parseConfig(copy);
}

export async function fixtureWarehouse(asOf: string, path = ':memory:', config = testConfig()): Promise<Warehouse> {
  const warehouse = await openWarehouse(path);
  await applySchema(warehouse);
  await writeRunSettings(warehouse, config, asOf);
  return warehouse;
}

/** Builds only this area's models (in dependency order), so other areas' work in progress cannot break these tests. */
export async function buildBrightcove(warehouse: Warehouse): Promise<void> {
  await buildModels(warehouse, selectModels(discoverModels(), BRIGHTCOVE_SELECTOR), 'test-run');
}

export interface CmsVideo {
  id: string;
  account_id: string;
  name: string | null;
  description?: string | null;
  state: 'ACTIVE' | 'INACTIVE' | 'PENDING' | 'DELETED';
  created_at: string;
  updated_at?: string;
  published_at: string | null;
  duration?: number | null;
  custom_fields?: Record<string, string>;
  tags?: string[];
  reference_id?: string | null;
  original_filename?: string | null;
  [key: string]: unknown;
}

/** A full CMS video object, every key of the sample, in the sample's key order. */
export function cmsVideo(video: CmsVideo): Record<string, unknown> {
  return {
    id: video.id,
    account_id: video.account_id,
    ad_keys: null,
    clip_source_video_id: null,
    complete: true,
    created_at: video.created_at,
    created_by: { type: 'user', id: '76543', email: 'editor@example.com' },
    cue_points: [],
    custom_fields: video.custom_fields ?? {},
    delivery_type: 'dynamic_origin',
    description: video.description ?? null,
    digital_master_id: null,
    duration: video.duration === undefined ? 31488 : video.duration,
    economics: 'AD_SUPPORTED',
    folder_id: null,
    geo: null,
    has_digital_master: false,
    images: { poster: { src: 'https://example.com/p.jpg', sources: [{ src: 'https://example.com/p.jpg', height: 480, width: 360 }] } },
    link: null,
    long_description: null,
    name: video.name,
    original_filename: video.original_filename === undefined ? `${video.id}.mp4` : video.original_filename,
    projection: null,
    published_at: video.published_at,
    reference_id: video.reference_id ?? null,
    schedule: null,
    sharing: null,
    state: video.state,
    tags: video.tags ?? [],
    text_tracks: [],
    transcripts: [],
    updated_at: video.updated_at ?? video.created_at,
    updated_by: { type: 'user', id: '76543', email: 'editor@example.com' },
    playback_rights_id: null,
    ingestion_profile_id: null,
    ...Object.fromEntries(Object.entries(video).filter(([key]) => !(key in BASE_KEYS))),
  };
}
const BASE_KEYS = Object.fromEntries(
  ['id', 'account_id', 'name', 'description', 'state', 'created_at', 'updated_at', 'published_at', 'duration', 'custom_fields', 'tags', 'reference_id', 'original_filename'].map(
    (key) => [key, true],
  ),
);

let fileCounter = 0;

export async function insertCmsVideos(warehouse: Warehouse, videos: CmsVideo[], fetchedAt = '2025-06-30 06:00:00'): Promise<void> {
  const file = `lake/raw/cms_videos/test-${++fileCounter}.parquet`;
  for (const video of videos) {
    await warehouse.run(
      `INSERT INTO raw.cms_videos VALUES ($1, $2, $3::JSON, $4, $5::TIMESTAMP, 'test-run', $6)`,
      [video.account_id, video.id, JSON.stringify(cmsVideo(video)), `https://cms.test/v1/accounts/${video.account_id}/videos`, fetchedAt, file],
    );
  }
}

export interface AnalyticsItem {
  video: string | null;
  date: string;
  video_view: number;
  video_impression?: number;
  video_percent_viewed?: number;
  video_seconds_viewed?: number;
  engagement_score?: number | null;
  device_type?: string | null;
  [key: string]: unknown;
}

export interface AnalyticsFetch {
  source: 'analytics_video_daily' | 'analytics_video_device_daily';
  accountId: string;
  fetchId: string;
  from: string;
  to: string;
  completed?: boolean;
  reconciled?: boolean;
  items: AnalyticsItem[];
}

/** One analytics window request: its meta.analytics_window_fetches row and its report items. */
export async function insertAnalyticsFetch(warehouse: Warehouse, fetch: AnalyticsFetch): Promise<void> {
  const completed = fetch.completed ?? true;
  await warehouse.run(
    `INSERT INTO meta.analytics_window_fetches VALUES ($1, $2, $3, $4::DATE, $5::DATE, $6, '2025-06-30 05:00:00'::TIMESTAMP, $7::TIMESTAMP, $8)`,
    [fetch.fetchId, fetch.source, fetch.accountId, fetch.from, fetch.to, fetch.reconciled ?? false, completed ? '2025-06-30 05:10:00' : null, fetch.items.length],
  );
  const file = `lake/raw/${fetch.source}/test-${++fileCounter}.parquet`;
  for (const item of fetch.items) {
    await warehouse.run(
      `INSERT INTO raw.${fetch.source} VALUES ($1, $2, $3::JSON, $4, '2025-06-30 05:05:00'::TIMESTAMP, 'test-run', $5)`,
      [fetch.accountId, fetch.fetchId, JSON.stringify(item), `https://analytics.test/v1/data?accounts=${fetch.accountId}`, file],
    );
  }
}

/** Daily items with a full metric set, like the all-metrics sample (engagement counts are floats). */
export function dailyItem(video: string | null, date: string, views: number, extra: Partial<AnalyticsItem> = {}): AnalyticsItem {
  return {
    video,
    date,
    video_view: views,
    video_impression: views * 3,
    play_request: views,
    engagement_score: views > 0 ? 50 : null,
    video_engagement_1: views * 1.0000000000000002,
    video_engagement_25: views * 0.75,
    video_engagement_50: views * 0.5,
    video_engagement_75: views * 0.25,
    video_engagement_100: views * 0.125,
    video_percent_viewed: views * 42.5,
    video_seconds_viewed: views * 60,
    video_duration: '341',
    video_name: 'ignored by staging',
    ...extra,
  };
}

export function shiftDate(date: string, days: number): string {
  const value = new Date(`${date}T00:00:00Z`);
  value.setUTCDate(value.getUTCDate() + days);
  return value.toISOString().slice(0, 10);
}
