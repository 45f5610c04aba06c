import { mkdtempSync } from 'node:fs';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfig, type ReelhouseConfig } from '../../config/load-config.ts';
import type { BrightcoveAccess } from '../../extract/brightcove/credentials.ts';
import { runExtract, type ExtractOptions, type ExtractSummary } from '../../extract/run-extract.ts';
import type { Warehouse } from '../../warehouse/duckdb.ts';
import { openSession } from '../../warehouse/session.ts';
import { TEST_CONFIG_PATH } from '../support/test-config.ts';
import { DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, type RunningSimulator } from '../../simulator/server.ts';

/** Shared by the extraction tests: a small config, fast retries, a session on a temp data dir. */

export const TODAY = '2025-06-30';
export const HISTORY_START = '2025-01-01';
export const REPO_ROOT = join(import.meta.dirname, '..', '..');

export function testConfig(extract: Partial<ReelhouseConfig['extract']> = {}): Readonly<ReelhouseConfig> {
  const raw = JSON.parse(readFileSync(TEST_CONFIG_PATH, 'utf8')) as ReelhouseConfig;
  return parseConfig({ ...raw, extract: { ...raw.extract, history_start_date: HISTORY_START, ...extract } });
}

export function simulatorAccess(sim: RunningSimulator): BrightcoveAccess {
  return {
    defaultCredential: { clientId: DEMO_CLIENT_ID, clientSecret: DEMO_CLIENT_SECRET },
    perAccount: {},
    proxy: {},
    baseUrls: { oauth: sim.url, cms: sim.url, analytics: sim.url },
  };
}

export const FAST_POLICY = { baseDelayMs: 2, maxDelayMs: 20, processingDelayMs: 2, timeoutMs: 10_000 };

export function tempDataDir(): string {
  return mkdtempSync(join(tmpdir(), 'reelhouse-extract-'));
}

export interface ExtractRun {
  summary?: ExtractSummary;
  error?: Error;
  lines: string[];
  snapshot: Snapshot;
}

/** Runs one extraction in-process, then reads the deduplicated snapshot, and closes the session. */
export async function extractOnce(
  sim: RunningSimulator,
  dataDir: string,
  options: { config?: Readonly<ReelhouseConfig>; accounts?: string[]; asOf?: string; extra?: Partial<ExtractOptions> } = {},
): Promise<ExtractRun> {
  const session = await openSession({ dataDir, config: options.config ?? testConfig(), asOf: options.asOf ?? TODAY, command: 'test-extract' });
  const lines: string[] = [];
  let summary: ExtractSummary | undefined;
  let error: Error | undefined;
  try {
    summary = await runExtract(session, {
      access: simulatorAccess(sim),
      accounts: options.accounts,
      policy: FAST_POLICY,
      cmsRequestsPerSecond: 1000,
      tty: false,
      log: (line) => lines.push(line),
      ...options.extra,
    });
  } catch (caught) {
    error = caught as Error;
  }
  const snapshot = await readSnapshot(session.warehouse);
  session.close();
  return { summary, error, lines, snapshot };
}

export interface Snapshot {
  /** account|video_id → item_json of the latest landed version */
  cms: Map<string, string>;
  /** account|video|date → item_json, from the latest completed fetch covering the day */
  daily: Map<string, string>;
  /** account|video|date|device → item_json */
  devices: Map<string, string>;
  /** raw rows per source before de-duplication */
  rawRows: Record<string, number>;
  duplicateKeys: number;
}

const latestFetchRows = (source: string, keyExpr: string) => `
  WITH fetches AS (
    SELECT fetch_id, account_id, window_from, window_to FROM meta.analytics_window_fetches
    WHERE source = '${source}' AND completed_at IS NOT NULL
  ), days AS (
    SELECT account_id, CAST(day AS DATE) AS day, max(fetch_id) AS fetch_id
    FROM fetches, LATERAL unnest(generate_series(window_from::TIMESTAMP, window_to::TIMESTAMP, INTERVAL 1 DAY)) AS t(day)
    GROUP BY ALL
  )
  SELECT r.account_id || '|' || ${keyExpr} AS key, r.item_json::VARCHAR AS item_json
  FROM raw.${source} AS r
  JOIN days ON days.account_id = r.account_id AND days.fetch_id = r.fetch_id AND days.day = TRY_CAST(r.item_json->>'date' AS DATE)`;

/** Staging-style de-duplication, written independently of models/ so the test checks the raw contract. */
export async function readSnapshot(warehouse: Warehouse): Promise<Snapshot> {
  const cmsRows = await warehouse.rows<{ key: string; item_json: string }>(`
    SELECT account_id || '|' || video_id AS key, item_json::VARCHAR AS item_json FROM raw.cms_videos
    QUALIFY row_number() OVER (PARTITION BY account_id, video_id ORDER BY fetched_at DESC, landed_file DESC) = 1`);
  const daily = await warehouse.rows<{ key: string; item_json: string }>(latestFetchRows('analytics_video_daily', `coalesce(r.item_json->>'video', 'null') || '|' || (r.item_json->>'date')`));
  const devices = await warehouse.rows<{ key: string; item_json: string }>(
    latestFetchRows('analytics_video_device_daily', `coalesce(r.item_json->>'video', 'null') || '|' || (r.item_json->>'date') || '|' || (r.item_json->>'device_type')`),
  );
  const toMap = (rows: Array<{ key: string; item_json: string }>) => new Map(rows.map((row) => [row.key, row.item_json]));
  const rawRows: Record<string, number> = {};
  for (const source of ['cms_videos', 'analytics_video_daily', 'analytics_video_device_daily']) {
    rawRows[source] = Number(await warehouse.scalar(`SELECT count(*) FROM raw.${source}`));
  }
  const duplicateKeys = daily.length - new Set(daily.map((row) => row.key)).size + (devices.length - new Set(devices.map((row) => row.key)).size);
  return { cms: toMap(cmsRows), daily: toMap(daily), devices: toMap(devices), rawRows, duplicateKeys };
}

/** Keys whose values differ between two maps (missing on either side included). */
export function differences(a: Map<string, string>, b: Map<string, string>): string[] {
  const keys = new Set([...a.keys(), ...b.keys()]);
  return [...keys].filter((key) => a.get(key) !== b.get(key)).sort();
}
