import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, startSimulator, type RunningSimulator } from '../../simulator/server.ts';
import { openWarehouse } from '../../warehouse/duckdb.ts';
import { integrationConfig } from '../integration/simulator-pipeline.ts';

/**
 * The as-of date belongs to the build: after `run --as-of A`, a plain `export`, `distribute` and
 * `publish` (run as child processes, whose clock says a later day) deliver A: A's windows, A's
 * distribution month, A in the published file. With `--as-of B` each one exits non-zero, says why and
 * delivers nothing.
 */

const REPO_ROOT = join(import.meta.dirname, '..', '..');
const TSX = pathToFileURL(join(REPO_ROOT, 'node_modules', 'tsx', 'dist', 'loader.mjs')).href;
const AS_OF = '2025-06-30'; // A: the simulator's today, and the build's as-of
const OTHER = '2025-07-15'; // B
const config = integrationConfig('2025-01-01');

let sim: RunningSimulator;
let root: string;
let dataDir: string;
let configPath: string;
/** exports/<family>/<file> → sha256, as `run --as-of A` wrote them. */
let runExports: Record<string, string>;

function childEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    BRIGHTCOVE_CLIENT_ID: DEMO_CLIENT_ID,
    BRIGHTCOVE_CLIENT_SECRET: DEMO_CLIENT_SECRET,
    BRIGHTCOVE_OAUTH_URL: sim.url,
    BRIGHTCOVE_CMS_URL: sim.url,
    BRIGHTCOVE_ANALYTICS_URL: sim.url,
    REELHOUSE_RETRY_BASE_MS: '2',
    REELHOUSE_RETRY_MAX_MS: '20',
    REELHOUSE_PROCESSING_DELAY_MS: '2',
    REELHOUSE_CMS_RPS: '1000',
  };
  for (const name of ['HTTPS_PROXY', 'https_proxy', 'HTTP_PROXY', 'http_proxy', 'REELHOUSE_SECRETS_FILE']) delete env[name];
  return env;
}

const pipelineArgs = (args: string[]) => ['--import', TSX, join(REPO_ROOT, 'pipeline.ts'), ...args, '--data-dir', dataDir, '--config', configPath];

/** A delivering command as its own process (so no DuckDB file stays open in this one); it needs no simulator. */
function pipeline(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, pipelineArgs(args), { cwd: root, env: childEnv(), encoding: 'utf8' });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** `pipeline run` as its own process; asynchronous, since the simulator it talks to runs in this one. */
function pipelineRun(...args: string[]): Promise<{ status: number | null; stderr: string }> {
  const child = spawn(process.execPath, pipelineArgs(['run', ...args]), { cwd: root, env: childEnv(), stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve) => child.on('close', (status) => resolve({ status, stderr })));
}

function hashTree(folder: string): Record<string, string> {
  const out: Record<string, string> = {};
  if (!existsSync(folder)) return out;
  for (const name of readdirSync(folder, { recursive: true, encoding: 'utf8' })) {
    const path = join(folder, name);
    try {
      out[relative(folder, path)] = createHash('sha256').update(readFileSync(path)).digest('hex');
    } catch {
      // a folder
    }
  }
  return out;
}

async function readWorking<T>(sql: string): Promise<T[]> {
  const warehouse = await openWarehouse(join(dataDir, 'work.duckdb'), { readOnly: true });
  try {
    return await warehouse.rows<T>(sql);
  } finally {
    warehouse.close();
  }
}

beforeAll(async () => {
  sim = await startSimulator({ seed: 7, today: AS_OF, historyStart: '2025-01-01', videosPerAccount: 6, faults: { cmsLimits: null } });
  root = mkdtempSync(join(tmpdir(), 'reelhouse-as-of-'));
  dataDir = join(root, 'data');
  configPath = join(root, 'config.json');
  writeFileSync(configPath, JSON.stringify(config));
  const result = await pipelineRun('--as-of', AS_OF);
  expect(result.status, result.stderr).toBe(0);
  runExports = hashTree(join(dataDir, 'exports'));
  expect(Object.keys(runExports).length).toBeGreaterThan(60);
}, 900_000);
afterAll(() => sim?.stop());

describe('export, distribute and publish without --as-of deliver the as-of of the build', () => {
  it('export: the same bytes as the run wrote for A (A windows, report_generated_on A)', () => {
    rmSync(join(dataDir, 'exports'), { recursive: true });
    const result = pipeline('export');
    expect(result.status, result.stderr).toBe(0);
    expect(hashTree(join(dataDir, 'exports'))).toEqual(runExports);
    const daily = parse(readFileSync(join(dataDir, 'exports', 'reporting', 'daily_analytics_2024_2025_internet.csv'), 'utf8'), { columns: true }) as Array<Record<string, string>>;
    expect(daily.length).toBeGreaterThan(0);
    expect(new Set(daily.map((row) => row['report_generated_on']))).toEqual(new Set([AS_OF]));
    // Harper daily views: A - 30 = 2025-05-31 .. A.
    const views = parse(readFileSync(join(dataDir, 'exports', 'harper', 'internet_daily_views.csv'), 'utf8'), { columns: true }) as Array<Record<string, string>>;
    expect(views.length).toBeGreaterThan(0);
    expect(views.every((row) => row['date']! >= '2025-05-31' && row['date']! <= AS_OF)).toBe(true);
  });

  it('distribute: the month after A (2025_07), recorded by a run with as-of A', async () => {
    const result = pipeline('distribute');
    expect(result.status, result.stderr).toBe(0);
    const internet = config.accounts.find((account) => account.slug === 'internet')!;
    expect(readdirSync(join(dataDir, 'distribution', internet.distribution_folder))).toEqual(['2025_07']);
    const runs = await readWorking<{ command: string; as_of_date: string }>(
      `SELECT command, CAST(as_of_date AS VARCHAR) AS as_of_date FROM meta.runs WHERE command IN ('export', 'distribute') ORDER BY started_at`,
    );
    expect(runs).toEqual([{ command: 'export', as_of_date: AS_OF }, { command: 'distribute', as_of_date: AS_OF }]);
  });

  it('publish: meta.published_tables.as_of_date and meta.settings say A', async () => {
    const result = pipeline('publish');
    expect(result.status, result.stderr).toBe(0);
    const published = await openWarehouse(join(dataDir, 'reelhouse.duckdb'), { readOnly: true });
    try {
      expect(await published.rows('SELECT DISTINCT CAST(as_of_date AS VARCHAR) AS as_of_date FROM meta.published_tables')).toEqual([{ as_of_date: AS_OF }]);
      expect(await published.scalar("SELECT meta.setting('as_of_date')")).toBe(AS_OF);
      // Every mart's latest build records A.
      expect(await published.rows(`SELECT DISTINCT CAST(as_of_date AS VARCHAR) AS as_of_date FROM meta.model_builds`)).toEqual([{ as_of_date: AS_OF }]);
    } finally {
      published.close();
    }
  });
});

describe('with an --as-of other than the build, each refuses, says why and delivers nothing', () => {
  it('export --as-of B', () => {
    rmSync(join(dataDir, 'exports'), { recursive: true });
    const result = pipeline('export', '--as-of', OTHER);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(`export --as-of ${OTHER} refused: the marts were built for as-of ${AS_OF}`);
    expect(existsSync(join(dataDir, 'exports'))).toBe(false);
  });

  it('distribute --as-of B', async () => {
    const before = hashTree(join(dataDir, 'distribution'));
    const deliveries = await readWorking<{ n: string }>('SELECT count(*) AS n FROM meta.deliveries');
    const result = pipeline('distribute', '--as-of', OTHER);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(`distribute --as-of ${OTHER} refused: the marts were built for as-of ${AS_OF}`);
    expect(hashTree(join(dataDir, 'distribution'))).toEqual(before);
    expect(await readWorking('SELECT count(*) AS n FROM meta.deliveries')).toEqual(deliveries);
  });

  it('publish --as-of B', () => {
    const before = createHash('sha256').update(readFileSync(join(dataDir, 'reelhouse.duckdb'))).digest('hex');
    const result = pipeline('publish', '--as-of', OTHER);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(`publish --as-of ${OTHER} refused: the marts were built for as-of ${AS_OF}`);
    expect(createHash('sha256').update(readFileSync(join(dataDir, 'reelhouse.duckdb'))).digest('hex')).toBe(before);
  });

  it('--as-of A itself is accepted', () => {
    const result = pipeline('export', '--as-of', AS_OF);
    expect(result.status, result.stderr).toBe(0);
    expect(hashTree(join(dataDir, 'exports'))).toEqual(runExports);
  });
});
