import { createHash } from 'node:crypto';
import { cpSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parse } from 'csv-parse/sync';
import { loadConfig, parseConfig, type ReelhouseConfig } from '../../config/load-config.ts';
import { runExtract } from '../../extract/run-extract.ts';
import { DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, type RunningSimulator } from '../../simulator/server.ts';
import { runAfterExtract } from '../../warehouse/run-stages.ts';
import { openSession } from '../../warehouse/session.ts';
import { TEST_CONFIG_PATH } from '../support/test-config.ts';

/**
 * One whole pipeline run in-process against the simulator (extract, then build → check → export →
 * distribute → publish, as `pipeline run --as-of D` does), and what the tests read back from it: the
 * marts (queried before the session closes) and a sha256 of every file under exports/.
 */

/** The test configuration (11 accounts, Reporting years 2024 and 2025, 90-day cache) with the simulator's history start. */
export function integrationConfig(historyStart: string): Readonly<ReelhouseConfig> {
  const config = structuredClone(loadConfig(TEST_CONFIG_PATH)) as ReelhouseConfig;
  config.extract.history_start_date = historyStart;
  return parseConfig(config);
}

/** Tiny retry delays, as the extraction tests use. */
const FAST_POLICY = { baseDelayMs: 2, maxDelayMs: 20, processingDelayMs: 2, timeoutMs: 10_000 };

export type MartRow = Record<string, string | number | boolean | null>;

export interface PipelineRun {
  asOf: string;
  /** A copy of this run's exports/ (the data dir's own folder is rewritten by the next run). */
  exportsCopy: string;
  marts: {
    catalog: MartRow[];
    lastViewed: MartRow[];
    cache: MartRow[];
    catalogByYear: MartRow[];
    daily: MartRow[];
    multiYear: MartRow[];
    browser: MartRow[];
  };
  /** How many raw video × date rows were landed for the key account|video|date (all fetches). */
  rawDayVersions: Map<string, number>;
  /** exports/<family>/<file> → sha256 of the bytes. */
  exportHashes: Record<string, string>;
}

export async function runPipeline(
  sim: RunningSimulator,
  dataDir: string,
  config: Readonly<ReelhouseConfig>,
  asOf: string,
  exportsCopy: string,
): Promise<PipelineRun> {
  const session = await openSession({ dataDir, config, asOf, command: 'test-run' });
  const quiet = () => undefined;
  try {
    await runExtract(session, {
      access: {
        defaultCredential: { clientId: DEMO_CLIENT_ID, clientSecret: DEMO_CLIENT_SECRET },
        perAccount: {},
        proxy: {},
        baseUrls: { oauth: sim.url, cms: sim.url, analytics: sim.url },
      },
      policy: FAST_POLICY,
      cmsRequestsPerSecond: 1000,
      tty: false,
      log: quiet,
    });
    await runAfterExtract(session, quiet);
    await session.finish('succeeded');
    const { warehouse } = session;
    // Doubles stay doubles; BIGINTs are cast to DOUBLE (small counts here) so rows compare as numbers.
    const marts = {
      catalog: await warehouse.rows<MartRow>('SELECT account_id, video_id, state FROM marts.video_catalog'),
      lastViewed: await warehouse.rows<MartRow>(
        `SELECT account_id, video_id, CAST(last_viewed_date AS VARCHAR) AS last_viewed_date, CAST(first_viewed_date AS VARCHAR) AS first_viewed_date,
                CAST(viewed_days AS DOUBLE) AS viewed_days, CAST(total_video_views AS DOUBLE) AS total_video_views
         FROM marts.video_last_viewed`,
      ),
      cache: await warehouse.rows<MartRow>(
        `SELECT account_id, video_id, channel, CAST(last_viewed_date AS VARCHAR) AS last_viewed_date, CAST(window_video_views AS DOUBLE) AS window_video_views,
                CAST(window_start_date AS VARCHAR) AS window_start_date, CAST(window_end_date AS VARCHAR) AS window_end_date
         FROM marts.video_cache`,
      ),
      catalogByYear: await warehouse.rows<MartRow>('SELECT account_id, video_id FROM marts.video_catalog_by_year'),
      daily: await warehouse.rows<MartRow>(
        `SELECT account_id, video_id, CAST(view_date AS VARCHAR) AS view_date, channel,
                CAST(video_view AS DOUBLE) AS video_view, CAST(video_impression AS DOUBLE) AS video_impression, CAST(play_request AS DOUBLE) AS play_request,
                CAST(views_desktop AS DOUBLE) AS views_desktop, CAST(views_mobile AS DOUBLE) AS views_mobile,
                CAST(views_tablet AS DOUBLE) AS views_tablet, CAST(views_other AS DOUBLE) AS views_other,
                play_rate, engagement_score, video_percent_viewed, video_seconds_viewed,
                video_engagement_1, video_engagement_25, video_engagement_50, video_engagement_75, video_engagement_100, is_reconciled
         FROM marts.daily_video_analytics`,
      ),
      multiYear: await warehouse.rows<MartRow>(
        'SELECT account_id, video_id, CAST(view_date AS VARCHAR) AS view_date, category, CAST(video_view AS DOUBLE) AS video_view FROM marts.daily_analytics_multi_year',
      ),
      browser: await warehouse.rows<MartRow>(
        'SELECT account_id, video_id, CAST(view_date AS VARCHAR) AS view_date, channel, browser_type, CAST(video_view AS DOUBLE) AS video_view FROM marts.daily_browser_views',
      ),
    };
    const versions = await warehouse.rows<{ day_key: string; versions: number }>(
      `SELECT account_id || '|' || (item_json->>'video') || '|' || (item_json->>'date') AS day_key, CAST(count(*) AS DOUBLE) AS versions
       FROM raw.analytics_video_daily WHERE item_json->>'video' IS NOT NULL GROUP BY ALL`,
    );
    cpSync(join(dataDir, 'exports'), exportsCopy, { recursive: true });
    return {
      asOf,
      exportsCopy,
      marts,
      rawDayVersions: new Map(versions.map((row) => [row.day_key, row.versions])),
      exportHashes: hashTree(exportsCopy),
    };
  } catch (error) {
    await session.finish('failed', (error as Error).message);
    throw error;
  } finally {
    session.close();
  }
}

function hashTree(root: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (folder: string) => {
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      const path = join(folder, entry.name);
      if (entry.isDirectory()) walk(path);
      else out[relative(root, path)] = createHash('sha256').update(readFileSync(path)).digest('hex');
    }
  };
  walk(root);
  return out;
}

/** An export CSV of `run` as objects keyed by header (RFC 4180, CRLF). */
export function readExportCsv(run: PipelineRun, file: string): Array<Record<string, string>> {
  return parse(readFileSync(join(run.exportsCopy, file), 'utf8'), { columns: true }) as Array<Record<string, string>>;
}
