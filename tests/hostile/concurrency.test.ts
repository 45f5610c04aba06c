import { spawn } from 'node:child_process';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type RunningSimulator } from '../../simulator/server.ts';
import { dataDir } from '../../warehouse/data-dir.ts';
import { openWarehouse } from '../../warehouse/duckdb.ts';
import { acquireDataDirLock } from '../../warehouse/run-lock.ts';
import { REPO_ROOT, simulatorEnv, smallConfig, SMALL_SIMULATOR, spawnPipeline, temporaryFolder, TODAY, waitFor } from './pipeline-child.ts';

/**
 * Two `pipeline run`s on one data dir: the second stops at once, non-zero, saying why, and the first
 * finishes as if alone. An analyst's process (tests/delivery/published-reader.mjs) opens the published
 * reelhouse.duckdb READ_ONLY in a loop while the pipeline runs and publishes twice: every open sees a
 * complete warehouse (each mart's row count equals meta.published_tables in the same file), never a
 * lock error, and the pipeline is never blocked by the reader.
 */

const CLIENT_ID = 'concurrency-client';
const CLIENT_SECRET = 'Concurrency-Secret-5e4d3c2b1a';

describe('one data dir, two pipelines and an analyst', () => {
  let sim: RunningSimulator;
  const root = temporaryFolder('concurrency');
  const dir = dataDir(join(root, 'data'));
  const config = smallConfig(root);
  const runArgs = ['run', '--as-of', TODAY, '--data-dir', dir.root, '--config', config];

  beforeAll(async () => {
    sim = await startSimulator({ ...SMALL_SIMULATOR, seed: 11, clientId: CLIENT_ID, clientSecret: CLIENT_SECRET });
  });
  afterAll(() => sim.stop());

  const landedFiles = () =>
    existsSync(dir.lake) ? readdirSync(dir.lake, { recursive: true, encoding: 'utf8' }).filter((name) => name.endsWith('.parquet')).length : 0;

  it('a second run while one runs stops at once with a clear message and exit 1; the first finishes undisturbed', async () => {
    const first = spawnPipeline(runArgs, simulatorEnv(sim, CLIENT_ID, CLIENT_SECRET));
    // Well into its work: the lock is held and extraction has landed files.
    expect(await waitFor(() => landedFiles() > 0 || first.exited(), 60_000)).toBe(true);
    expect(first.exited()).toBe(false);

    const second = await spawnPipeline(runArgs, simulatorEnv(sim, CLIENT_ID, CLIENT_SECRET)).done;
    // It stopped while the first was still running, and did nothing else first.
    expect(first.exited()).toBe(false);
    expect(second.code).toBe(1);
    expect(second.stderr).toContain(`Another reelhouse process is using this data dir (pid ${first.child.pid}, \`run\``);
    expect(second.stderr).toContain(dir.lockFile);
    expect(second.stdout).toBe('');

    const result = await first.done;
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/Published \d+ mart\(s\)/);
    expect(existsSync(dir.lockFile)).toBe(false);
    // The second never opened the warehouse: one run, the first, succeeded, and it is the one published.
    const warehouse = await openWarehouse(dir.workingDb, { readOnly: true });
    const runs = await warehouse.rows<{ command: string; status: string; run_id: string }>(`SELECT command, status, run_id FROM meta.runs`);
    warehouse.close();
    expect(runs.map((run) => [run.command, run.status])).toEqual([['run', 'succeeded']]);
    const published = await openWarehouse(dir.publishedDb, { readOnly: true });
    expect(await published.rows(`SELECT DISTINCT run_id FROM meta.published_tables`)).toEqual([{ run_id: runs[0]!.run_id }]);
    published.close();
  });

  it('an analyst opening reelhouse.duckdb READ_ONLY in a loop across two publishes always sees a complete file, never a lock error', async () => {
    expect(existsSync(dir.publishedDb)).toBe(true);
    const reader = spawn(process.execPath, [join(REPO_ROOT, 'tests/delivery/published-reader.mjs'), dir.publishedDb], {
      cwd: REPO_ROOT,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const lines: Array<Record<string, unknown>> = [];
    let stderr = '';
    reader.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    createInterface({ input: reader.stdout! }).on('line', (line) => lines.push(JSON.parse(line)));
    const readerExit = new Promise<number | null>((resolve) => reader.on('close', resolve));
    expect(await waitFor(() => lines.some((line) => line['ready']), 30_000), stderr).toBe(true);

    const runIds: string[] = [];
    for (let publish = 0; publish < 2; publish += 1) {
      const result = await spawnPipeline(runArgs, simulatorEnv(sim, CLIENT_ID, CLIENT_SECRET)).done;
      expect(result.code, result.stderr).toBe(0);
      const published = await openWarehouse(dir.publishedDb, { readOnly: true });
      runIds.push((await published.scalar<string>(`SELECT max(run_id) FROM meta.published_tables`))!);
      published.close();
    }
    expect(new Set(runIds).size).toBe(2);
    // The reader reports each publication it opens for the first time (keyed on run id + row counts).
    const seen = () => lines.filter((line) => line['seen']).length;
    expect(await waitFor(() => seen() >= 3, 20_000), JSON.stringify(lines)).toBe(true);
    reader.stdin!.end();
    expect(await readerExit, stderr).toBe(0);

    const summary = lines.find((line) => line['done']) as
      | { reads: number; errors: string[]; inconsistencies: string[]; publicationsSeen: number; heldConnectionStillReadsFirst: boolean }
      | undefined;
    expect(summary, stderr).toBeDefined();
    expect(summary!.errors).toEqual([]);
    expect(summary!.inconsistencies).toEqual([]);
    expect(summary!.reads).toBeGreaterThan(10);
    expect(summary!.publicationsSeen).toBe(3);
    // A connection opened before both publishes keeps reading the file it opened, whole.
    expect(summary!.heldConnectionStillReadsFirst).toBe(true);
  });

  it('with --demo, a busy data dir refuses before the demo simulator is generated or anything is printed', async () => {
    const busy = dataDir(join(temporaryFolder('concurrency-demo'), 'data'));
    const lock = acquireDataDirLock(busy.lockFile, 'run');
    try {
      const env = { ...process.env };
      delete env['BRIGHTCOVE_CLIENT_ID'];
      delete env['BRIGHTCOVE_CLIENT_SECRET'];
      const second = await spawnPipeline(['run', '--demo', '--as-of', TODAY, '--data-dir', busy.root, '--config', config], env).done;
      expect(second.code).toBe(1);
      expect(second.stderr).toContain(`Another reelhouse process is using this data dir (pid ${process.pid}, \`run\``);
      expect(second.stdout).not.toContain('Demo:');
      expect(existsSync(busy.workingDb)).toBe(false);
    } finally {
      lock.release();
    }
  });

  it('taking and releasing the lock many times in one process leaves no exit listener behind', () => {
    const lockFile = join(temporaryFolder('concurrency-listeners'), '.reelhouse.lock');
    const before = process.listenerCount('exit');
    for (let i = 0; i < 20; i += 1) acquireDataDirLock(lockFile, 'test').release();
    expect(process.listenerCount('exit')).toBe(before);
    // A lock file naming no process (empty) is left to the real acquire, which refuses it, saying so.
    writeFileSync(lockFile, '');
    expect(() => acquireDataDirLock(lockFile, 'test')).toThrow(/is empty, so it names no process/);
  });
});
