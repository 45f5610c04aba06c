import { execFileSync, spawn } from 'node:child_process';
import { closeSync, constants, existsSync, mkdirSync, openSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isProcessAlive } from '../../warehouse/process-alive.ts';
import { openSession } from '../../warehouse/session.ts';
import { loadTestConfig, TEST_CONFIG_PATH } from '../support/test-config.ts';
import { REPO_ROOT, temporaryFolder, waitFor, type ChildResult } from './pipeline-child.ts';

/**
 * SIGTERM and SIGINT end a pipeline process (issue 10). Run as users run it (`npx tsx pipeline.ts`),
 * tsx turned the signal into `process.exit`, which freed the data dir lock in an exit handler and then
 * waited for the threads still working: a process blocked in a read never ended, while the next command,
 * finding the lock free, failed on DuckDB's own lock naming that still-living pid.
 *
 * Here the process blocks in a read that never returns: its warehouse file is a FIFO nobody writes
 * (a stand-in for a hung disk or network mount; a FIFO given as an event file is refused since).
 */

const TSX_CLI = join(REPO_ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs');
/** Generous on a loaded machine; the process used to live on for ever. */
const LIMIT_MS = 60_000;

function spawnThroughTsx(args: readonly string[]) {
  const child = spawn(process.execPath, [TSX_CLI, join(REPO_ROOT, 'pipeline.ts'), ...args], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const done = new Promise<ChildResult>((resolve) => child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })));
  return { child, done };
}

/** True once some process has `fifo` open for reading (a non-blocking open for writing succeeds only then). */
function fifoHasReader(fifo: string): boolean {
  try {
    closeSync(openSync(fifo, constants.O_WRONLY | constants.O_NONBLOCK));
    return true;
  } catch {
    return false;
  }
}

async function pipelineBlockedInARead(): Promise<{ dataDir: string; fifo: string; pid: number; running: ReturnType<typeof spawnThroughTsx> }> {
  const dataDir = join(temporaryFolder('signal'), 'data');
  mkdirSync(dataDir);
  const fifo = join(dataDir, 'work.duckdb');
  execFileSync('mkfifo', [fifo]);
  const running = spawnThroughTsx(['build', '--data-dir', dataDir, '--config', TEST_CONFIG_PATH]);
  const blocked = await waitFor(() => fifoHasReader(fifo), LIMIT_MS);
  expect(blocked, 'the pipeline opened its warehouse file').toBe(true);
  const pid = (JSON.parse(readFileSync(join(dataDir, '.reelhouse.lock'), 'utf8')) as { pid: number }).pid;
  return { dataDir, fifo, pid, running };
}

async function endedWithin(done: Promise<ChildResult>, what: string): Promise<ChildResult> {
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: still running ${LIMIT_MS / 1000} s after the signal`)), LIMIT_MS);
  });
  try {
    return await Promise.race([done, limit]);
  } finally {
    clearTimeout(timer);
  }
}

describe('a signal ends the pipeline process', () => {
  it('SIGTERM to the process holding the data dir: it ends with 143, and the next command takes the data dir', async () => {
    const { dataDir, fifo, pid, running } = await pipelineBlockedInARead();
    try {
      process.kill(pid, 'SIGTERM');
      const result = await endedWithin(running.done, 'after SIGTERM');
      expect(result.code).toBe(143);
      expect(result.stderr).toContain('Stopped by SIGTERM. Whatever was committed is kept; the next command carries on from there.');
      expect(isProcessAlive(pid), 'the process that held the lock is gone').toBe(false);
    } finally {
      running.child.kill('SIGKILL');
      if (isProcessAlive(pid)) process.kill(pid, 'SIGKILL');
    }

    rmSync(fifo);
    const next = await openSession({ dataDir, config: loadTestConfig(), asOf: '2025-06-30', command: 'build' });
    try {
      expect(JSON.parse(readFileSync(join(dataDir, '.reelhouse.lock'), 'utf8'))).toMatchObject({ pid: process.pid, command: 'build' });
    } finally {
      next.close();
    }
    expect(existsSync(join(dataDir, '.reelhouse.lock'))).toBe(false);
  });

  it('SIGINT (Ctrl-C) to `tsx`: it reaches the pipeline process, which ends with 130', async () => {
    const { pid, running } = await pipelineBlockedInARead();
    try {
      running.child.kill('SIGINT');
      const result = await endedWithin(running.done, 'after SIGINT');
      expect(result.code).toBe(130);
      expect(result.stderr).toContain('Stopped by SIGINT.');
      expect(isProcessAlive(pid)).toBe(false);
    } finally {
      running.child.kill('SIGKILL');
      if (isProcessAlive(pid)) process.kill(pid, 'SIGKILL');
    }
  });
});
