import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type RunningSimulator } from '../../simulator/server.ts';
import { openWarehouse } from '../../warehouse/duckdb.ts';
import { dataDir } from '../../warehouse/data-dir.ts';
import { differences, HISTORY_START, readSnapshot, REPO_ROOT, tempDataDir, testConfig, TODAY, type Snapshot } from './helpers.ts';

/**
 * `pipeline extract` as a child process against a simulator this test starts: killed with SIGKILL at
 * several points and started again it ends with the same data as an uninterrupted run; retries that
 * run out exit non-zero naming account, endpoint and window; without credentials it says how to set
 * them; and no secret or token ever reaches output, the lake or the DuckDB file.
 */

const CLIENT_ID = 'cli-test-client-id';
const CLIENT_SECRET = 'Cli-Test-Secret-9f8e7d6c5b4a';
const ACCOUNTS = 'internet,neo,impact,myway';
const TOKEN_SHAPE = /SIM-[A-Za-z0-9_-]{20,}/;
// By URL, so the child also finds tsx when its working directory is elsewhere.
const TSX = pathToFileURL(join(REPO_ROOT, 'node_modules', 'tsx', 'dist', 'loader.mjs')).href;

interface ChildResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

const allOutput: string[] = [];

function configFile(overrides: Record<string, unknown> = {}): string {
  const path = join(mkdtempSync(join(tmpdir(), 'reelhouse-cli-config-')), 'config.json');
  writeFileSync(path, JSON.stringify({ ...testConfig(), extract: { ...testConfig().extract, ...overrides } }));
  return path;
}

function baseEnv(sim?: RunningSimulator): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, REELHOUSE_RETRY_BASE_MS: '2', REELHOUSE_RETRY_MAX_MS: '20', REELHOUSE_PROCESSING_DELAY_MS: '2', REELHOUSE_CMS_RPS: '1000' };
  for (const name of ['BRIGHTCOVE_CLIENT_ID', 'BRIGHTCOVE_CLIENT_SECRET', 'HTTPS_PROXY', 'https_proxy', 'HTTP_PROXY', 'http_proxy', 'REELHOUSE_SECRETS_FILE']) delete env[name];
  if (sim) {
    Object.assign(env, {
      BRIGHTCOVE_CLIENT_ID: CLIENT_ID,
      BRIGHTCOVE_CLIENT_SECRET: CLIENT_SECRET,
      BRIGHTCOVE_OAUTH_URL: sim.url,
      BRIGHTCOVE_CMS_URL: sim.url,
      BRIGHTCOVE_ANALYTICS_URL: sim.url,
    });
  }
  return env;
}

function spawnExtract(args: string[], env: NodeJS.ProcessEnv, cwd = REPO_ROOT): { child: ChildProcess; done: Promise<ChildResult> } {
  const child = spawn(process.execPath, ['--import', TSX, join(REPO_ROOT, 'pipeline.ts'), 'extract', '--as-of', TODAY, ...args], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const done = new Promise<ChildResult>((resolve) =>
    child.on('close', (code, signal) => {
      allOutput.push(stdout, stderr);
      resolve({ code, signal, stdout, stderr });
    }),
  );
  return { child, done };
}

function parquetFiles(root: string): string[] {
  const lake = join(root, 'lake');
  if (!existsSync(lake)) return [];
  return readdirSync(lake, { recursive: true, encoding: 'utf8' }).filter((name) => name.endsWith('.parquet'));
}

async function snapshotOf(root: string): Promise<{ snapshot: Snapshot; unlisted: string[]; missing: string[]; mismatched: string[] }> {
  const warehouse = await openWarehouse(dataDir(root).workingDb);
  const snapshot = await readSnapshot(warehouse);
  const listed = await warehouse.rows<{ file_path: string; row_count: string; in_raw: string }>(`
    SELECT f.file_path, f.row_count::VARCHAR AS row_count,
      ((SELECT count(*) FROM raw.cms_videos r WHERE r.landed_file = f.file_path)
       + (SELECT count(*) FROM raw.analytics_video_daily r WHERE r.landed_file = f.file_path)
       + (SELECT count(*) FROM raw.analytics_video_device_daily r WHERE r.landed_file = f.file_path)
       + (SELECT count(*) FROM raw.analytics_video_browser_daily r WHERE r.landed_file = f.file_path))::VARCHAR AS in_raw
    FROM meta.landed_files f`);
  const onDisk = new Set(parquetFiles(root).map((name) => `lake/${name.split('\\').join('/')}`));
  const mismatched: string[] = [];
  for (const row of listed) {
    const inFile = Number(await warehouse.scalar(`SELECT count(*) FROM read_parquet('${join(root, row.file_path)}')`));
    if (inFile !== Number(row.row_count) || Number(row.in_raw) !== inFile) mismatched.push(row.file_path);
  }
  warehouse.close();
  const listedPaths = new Set(listed.map((row) => row.file_path));
  return {
    snapshot,
    unlisted: [...onDisk].filter((path) => !listedPaths.has(path)),
    missing: [...listedPaths].filter((path) => !onDisk.has(path)),
    mismatched,
  };
}

function strayTemporaries(root: string): string[] {
  return readdirSync(root, { recursive: true, encoding: 'utf8' }).filter((name) => name.endsWith('.tmp'));
}

async function waitFor(condition: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (condition()) return true;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return false;
}

describe('pipeline extract (child process)', () => {
  let sim: RunningSimulator;
  const config = configFile();
  const dirs: string[] = [];

  beforeAll(async () => {
    sim = await startSimulator({ seed: 31, today: TODAY, historyStart: HISTORY_START, videosPerAccount: 20, clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, faults: { cmsLimits: null } });
  });
  afterAll(() => sim.stop());

  it('killed with SIGKILL at several points and started again, ends with the same data as an uninterrupted run', async () => {
    const reference = tempDataDir();
    dirs.push(reference);
    const uninterrupted = await spawnExtract(['--data-dir', reference, '--config', config, '--accounts', ACCOUNTS], baseEnv(sim)).done;
    expect(uninterrupted.code, uninterrupted.stderr).toBe(0);
    const totalFiles = parquetFiles(reference).length;
    expect(totalFiles).toBeGreaterThan(20);

    const resumed = tempDataDir();
    dirs.push(resumed);
    const killPoints = [1, Math.floor(totalFiles / 3), Math.floor((2 * totalFiles) / 3)];
    let kills = 0;
    for (const files of killPoints) {
      const { child, done } = spawnExtract(['--data-dir', resumed, '--config', config, '--accounts', ACCOUNTS], baseEnv(sim));
      if (await waitFor(() => parquetFiles(resumed).length >= files, 60_000)) {
        child.kill('SIGKILL');
        kills += 1;
      }
      const result = await done;
      if (result.signal !== 'SIGKILL') expect(result.code, result.stderr).toBe(0);
    }
    expect(kills).toBeGreaterThanOrEqual(2);
    const final = await spawnExtract(['--data-dir', resumed, '--config', config, '--accounts', ACCOUNTS], baseEnv(sim)).done;
    expect(final.code, final.stderr).toBe(0);

    const expected = await snapshotOf(reference);
    const actual = await snapshotOf(resumed);
    expect(actual.snapshot.duplicateKeys).toBe(0);
    expect(differences(expected.snapshot.cms, actual.snapshot.cms)).toEqual([]);
    expect(differences(expected.snapshot.daily, actual.snapshot.daily)).toEqual([]);
    expect(differences(expected.snapshot.devices, actual.snapshot.devices)).toEqual([]);
    // Every file in the lake is committed, complete and loaded exactly once; nothing half-written is left.
    expect(actual.unlisted).toEqual([]);
    expect(actual.missing).toEqual([]);
    expect(actual.mismatched).toEqual([]);
    expect(strayTemporaries(resumed)).toEqual([]);
  }, 600_000); // five whole extractions in child processes: about 60 s alone, several minutes on a loaded machine

  it('exits non-zero naming account, endpoint and window when retries run out', async () => {
    sim.setFaults({ processing: { every: 1, status: 503 } });
    try {
      const dir = tempDataDir();
      dirs.push(dir);
      const result = await spawnExtract(['--data-dir', dir, '--config', configFile({ max_attempts: 2 }), '--accounts', 'fa_web'], baseEnv(sim)).done;
      expect(result.code).not.toBe(0);
      expect(result.stderr).toMatch(/fa_web \(807049819001\)/);
      expect(result.stderr).toMatch(/analytics:\/v1\/data/);
      expect(result.stderr).toMatch(/window \d{4}-\d{2}-\d{2}\.\.\d{4}-\d{2}-\d{2}/);
    } finally {
      sim.setFaults({ processing: null });
    }
  });

  it('without credentials and without --demo, says how to configure them or try the demo', async () => {
    const emptyCwd = mkdtempSync(join(tmpdir(), 'reelhouse-no-secrets-'));
    const result = await spawnExtract(['--data-dir', join(emptyCwd, 'data'), '--config', config], baseEnv(), emptyCwd).done;
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/BRIGHTCOVE_CLIENT_ID/);
    expect(result.stderr).toMatch(/BRIGHTCOVE_CLIENT_SECRET/);
    expect(result.stderr).toMatch(/secrets\.json/);
    expect(result.stderr).toMatch(/npm run demo/);
  });

  it('never writes the client secret or a token to output, errors, the lake or the DuckDB file', () => {
    const basic = Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString('base64');
    const haystacks: Array<[string, string]> = allOutput.map((text, index) => [`output ${index}`, text]);
    for (const dir of dirs) {
      for (const name of readdirSync(dir, { recursive: true, encoding: 'utf8' })) {
        const path = join(dir, name);
        if (statSync(path).isFile()) haystacks.push([path, readFileSync(path).toString('latin1')]);
      }
    }
    expect(haystacks.length).toBeGreaterThan(10);
    for (const [where, text] of haystacks) {
      expect(text.includes(CLIENT_SECRET), where).toBe(false);
      expect(text.includes(basic), where).toBe(false);
      expect(TOKEN_SHAPE.test(text), where).toBe(false);
    }
  });
});
