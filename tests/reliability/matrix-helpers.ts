import type { ReelhouseConfig } from '../../config/load-config.ts';
import { HOSTILE_KEYS } from '../../simulator/hostile-responses.ts';
import { startSimulator, type FaultConfig, type RunningSimulator } from '../../simulator/server.ts';
import { dataDir } from '../../warehouse/data-dir.ts';
import { openWarehouse } from '../../warehouse/duckdb.ts';
import { buildModels, discoverModels, selectModels } from '../../warehouse/models.ts';
import { extractOnce, testConfig, type ExtractRun } from '../extract/helpers.ts';

/**
 * The small world the reliability tests run in (2 accounts × 12 videos, six weeks of views, CMS pages
 * of 5 so that paging faults have pages to hit), and what they compare: the landed rows (as the
 * extraction tests read them) and the staged rows with the row accounting.
 */

export const SEED = 31;
export const TODAY = '2025-06-30';
export const HISTORY_START = '2025-05-15';
export const ACCOUNTS = ['internet', 'neo'];
export const VIDEOS_PER_ACCOUNT = 12;

export function matrixConfig(extract: Partial<ReelhouseConfig['extract']> = {}): Readonly<ReelhouseConfig> {
  return testConfig({ history_start_date: HISTORY_START, analytics_window_days: 15, cms_page_size: 5, ...extract });
}

export async function matrixSimulator(faults: Partial<FaultConfig> = {}): Promise<RunningSimulator> {
  return startSimulator({ seed: SEED, today: TODAY, historyStart: HISTORY_START, videosPerAccount: VIDEOS_PER_ACCOUNT, faults: { cmsLimits: null, ...faults } });
}

export function runExtraction(sim: RunningSimulator, dir: string, config = matrixConfig()): Promise<ExtractRun> {
  return extractOnce(sim, dir, { accounts: ACCOUNTS, config, asOf: TODAY });
}

const STAGING_SELECTOR = '+cms_videos +analytics_video_daily +analytics_video_device_daily +brightcove_row_accounting';

export interface Accounting {
  source: string;
  account_id: string;
  raw_rows: string;
  staged_rows: string;
  rejected_rows: string;
  superseded_rows: string;
  duplicate_rows: string;
  unaccounted_rows: string;
}

export interface StagedSnapshot {
  /** source → key → the staged row's values as JSON text (lineage columns left out). */
  rows: Record<string, Map<string, string>>;
  /** source → reason → rejected rows */
  rejected: Record<string, Record<string, number>>;
  accounting: Accounting[];
}

/** Custom fields without the keys the extraKeysEvery fault adds, as sorted JSON text. */
function withoutHostileKeys(json: string | null): string | null {
  if (json === null) return null;
  const fields = JSON.parse(json) as Record<string, unknown>;
  for (const key of Object.values(HOSTILE_KEYS)) delete fields[key];
  return JSON.stringify(Object.fromEntries(Object.entries(fields).sort(([a], [b]) => a.localeCompare(b))));
}

/** Builds the Brightcove staging models on a data dir's working file and reads them back. */
export async function stagedSnapshot(dir: string): Promise<StagedSnapshot> {
  const warehouse = await openWarehouse(dataDir(dir).workingDb);
  try {
    await buildModels(warehouse, selectModels(discoverModels(), STAGING_SELECTOR), 'reliability-test');
    const cms = await warehouse.rows<Record<string, string | null>>(`
      SELECT account_id || '|' || video_id AS key, name, description, long_description, reference_id, state,
             CAST(duration_ms AS VARCHAR) AS duration_ms, CAST(created_at AS VARCHAR) AS created_at,
             CAST(updated_at AS VARCHAR) AS updated_at, CAST(published_at AS VARCHAR) AS published_at,
             original_filename, CAST(tags AS VARCHAR) AS tags, CAST(custom_fields AS VARCHAR) AS custom_fields
      FROM staging.cms_videos`);
    const daily = await warehouse.rows<Record<string, string | null>>(`
      SELECT account_id || '|' || video_id || '|' || CAST(view_date AS VARCHAR) AS key,
             * EXCLUDE (fetch_id, fetched_at)
      FROM staging.analytics_video_daily`);
    const devices = await warehouse.rows<Record<string, string | null>>(`
      SELECT account_id || '|' || video_id || '|' || CAST(view_date AS VARCHAR) || '|' || device_type AS key,
             * EXCLUDE (fetch_id, fetched_at)
      FROM staging.analytics_video_device_daily`);
    const toMap = (rows: Array<Record<string, string | null>>, normalize?: (row: Record<string, string | null>) => void) =>
      new Map(
        rows.map(({ key, ...values }) => {
          normalize?.(values);
          return [key!, JSON.stringify(values)];
        }),
      );
    const rejectedRows = await warehouse.rows<{ source: string; reason: string; rows: string }>(
      `SELECT source, reason, count(*)::VARCHAR AS rows FROM staging.brightcove_rejected_rows GROUP BY ALL`,
    );
    const rejected: StagedSnapshot['rejected'] = {};
    for (const row of rejectedRows) (rejected[row.source] ??= {})[row.reason] = Number(row.rows);
    const accounting = await warehouse.rows<Accounting>(`SELECT * FROM staging.brightcove_row_accounting ORDER BY source, account_id`);
    return {
      rows: {
        cms_videos: toMap(cms, (values) => {
          values['custom_fields'] = withoutHostileKeys(values['custom_fields'] ?? null);
        }),
        analytics_video_daily: toMap(daily),
        analytics_video_device_daily: toMap(devices),
      },
      rejected,
      accounting,
    };
  } finally {
    warehouse.close();
  }
}

export function rejectedTotal(snapshot: StagedSnapshot, source: string): number {
  return Object.values(snapshot.rejected[source] ?? {}).reduce((sum, rows) => sum + rows, 0);
}

/** How the staged rows of a faulty run differ from a fault-free run's. */
export function compareStaged(clean: StagedSnapshot, faulty: StagedSnapshot, source: string) {
  const a = clean.rows[source]!;
  const b = faulty.rows[source]!;
  const changed = [...b.keys()].filter((key) => a.has(key) && a.get(key) !== b.get(key));
  // A changed row whose every differing value is null lost a value the API left out; any other is wrong.
  const wrong = changed.filter((key) => {
    const before = JSON.parse(a.get(key)!) as Record<string, unknown>;
    const after = JSON.parse(b.get(key)!) as Record<string, unknown>;
    return Object.keys(before).some((column) => before[column] !== after[column] && after[column] !== null);
  });
  return {
    changed,
    wrong,
    extra: [...b.keys()].filter((key) => !a.has(key)),
    missing: [...a.keys()].filter((key) => !b.has(key)),
  };
}
