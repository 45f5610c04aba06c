import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { RunningSimulator } from '../../simulator/server.ts';
import { TEST_CONFIG_PATH } from '../support/test-config.ts';

/**
 * `pipeline …` as a child process, the way an operator runs it: against a small simulator this test
 * process serves, with credentials and base URLs in the environment and fast retries.
 */

export const REPO_ROOT = join(import.meta.dirname, '..', '..');
export const TODAY = '2025-06-30';
/** About three months of history: enough for every mart, small enough for a run of seconds. */
export const HISTORY_START = '2025-04-01';
export const SMALL_SIMULATOR = { today: TODAY, historyStart: HISTORY_START, videosPerAccount: 10 } as const;
// By URL, so the child finds tsx whatever its working directory.
const TSX = pathToFileURL(join(REPO_ROOT, 'node_modules', 'tsx', 'dist', 'loader.mjs')).href;

export interface ChildResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface RunningChild {
  readonly child: ChildProcess;
  readonly done: Promise<ChildResult>;
  exited(): boolean;
}

export function temporaryFolder(purpose: string): string {
  return mkdtempSync(join(tmpdir(), `reelhouse-hostile-${purpose}-`));
}

/** The test configuration with the short history, written into `folder`. */
export function smallConfig(folder: string): string {
  const config = JSON.parse(readFileSync(TEST_CONFIG_PATH, 'utf8'));
  config.extract.history_start_date = HISTORY_START;
  const path = join(folder, 'reelhouse.config.json');
  writeFileSync(path, JSON.stringify(config, null, 2));
  return path;
}

/** The environment of a child: only these credentials, the simulator's URLs, fast retries. */
export function simulatorEnv(sim: RunningSimulator, clientId: string, clientSecret: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of ['HTTPS_PROXY', 'https_proxy', 'HTTP_PROXY', 'http_proxy', 'REELHOUSE_SECRETS_FILE']) delete env[name];
  return Object.assign(env, {
    BRIGHTCOVE_CLIENT_ID: clientId,
    BRIGHTCOVE_CLIENT_SECRET: clientSecret,
    BRIGHTCOVE_OAUTH_URL: sim.url,
    BRIGHTCOVE_CMS_URL: sim.url,
    BRIGHTCOVE_ANALYTICS_URL: sim.url,
    REELHOUSE_RETRY_BASE_MS: '2',
    REELHOUSE_RETRY_MAX_MS: '20',
    REELHOUSE_PROCESSING_DELAY_MS: '2',
    REELHOUSE_CMS_RPS: '1000',
  });
}

export function spawnPipeline(args: readonly string[], env: NodeJS.ProcessEnv, cwd = REPO_ROOT): RunningChild {
  const child = spawn(process.execPath, ['--import', TSX, join(REPO_ROOT, 'pipeline.ts'), ...args], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  let hasExited = false;
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const done = new Promise<ChildResult>((resolve) =>
    child.on('close', (code, signal) => {
      hasExited = true;
      resolve({ code, signal, stdout, stderr });
    }),
  );
  return { child, done, exited: () => hasExited };
}

export async function waitFor(condition: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (condition()) return true;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return condition();
}
