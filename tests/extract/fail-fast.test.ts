import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseConfig, type ReelhouseConfig } from '../../config/load-config.ts';
import { startSimulator, type RunningSimulator } from '../../simulator/server.ts';
import { openWarehouse } from '../../warehouse/duckdb.ts';
import { dataDir } from '../../warehouse/data-dir.ts';
import { spawnPipeline, type RunningChild } from '../hostile/pipeline-child.ts';
import { loadTestConfig, TEST_CONFIG_PATH } from '../support/test-config.ts';
import { extractOnce, HISTORY_START, tempDataDir, TODAY } from './helpers.ts';
import { closedPort, startSilentServer, type SilentServer } from './local-server.ts';

/**
 * Extraction failures that every account shares end the run at once, and say what to do (issue 10):
 * with the OAuth endpoint unreachable, one account took 130 s and 36 token attempts (each analytics
 * window retried the token, then was split and retried again), and progress lines were cut at
 * "(endpoi" (a 160-character slice of a message that repeated account, endpoint and window).
 */

const started: RunningSimulator[] = [];
const children: RunningChild[] = [];
const silentServers: SilentServer[] = [];
afterEach(async () => {
  await Promise.all(started.splice(0).map((sim) => sim.stop()));
  await Promise.all(silentServers.splice(0).map((server) => server.close()));
  // A run that outlived the test's time limit must not go on retrying in the background.
  for (const running of children.splice(0)) if (!running.exited()) running.child.kill('SIGKILL');
});

function pipelineEnv(origin: string, secret: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of ['HTTPS_PROXY', 'https_proxy', 'HTTP_PROXY', 'http_proxy', 'REELHOUSE_SECRETS_FILE', 'REELHOUSE_RETRY_BASE_MS', 'REELHOUSE_RETRY_MAX_MS']) {
    delete env[name];
  }
  return Object.assign(env, {
    BRIGHTCOVE_CLIENT_ID: 'unreachable-test-client-id',
    BRIGHTCOVE_CLIENT_SECRET: secret,
    BRIGHTCOVE_OAUTH_URL: origin,
    BRIGHTCOVE_CMS_URL: origin,
    BRIGHTCOVE_ANALYTICS_URL: origin,
  });
}

/** `pipeline extract` of every configured account against `origin`: how it ended, how long it took, its one error line. */
async function extractAgainst(origin: string, folder: string, secret: string) {
  const startedAt = performance.now();
  const running = spawnPipeline(['extract', '--data-dir', folder, '--config', TEST_CONFIG_PATH, '--as-of', TODAY], pipelineEnv(origin, secret));
  children.push(running);
  const result = await running.done;
  const seconds = (performance.now() - startedAt) / 1000;
  const errorLines = result.stderr.trim().split('\n').filter((line) => line.startsWith('Error:'));
  return { result, seconds, errorLines };
}

describe('an unreachable token endpoint', () => {
  it('fails the whole extract once its retries run out, within 60 s, naming the URL and what to check, never a secret', async () => {
    const config = loadTestConfig();
    const port = await closedPort();
    const origin = `http://127.0.0.1:${port}`;
    const folder = tempDataDir();
    const secret = 'unreachable-test-client-secret-8d1f';
    // Every configured account, the shipped retry policy (no fast-retry overrides): the real budget.
    const { result, seconds, errorLines: error } = await extractAgainst(origin, folder, secret);

    expect(result.code, result.stderr).toBe(1);
    expect(seconds).toBeLessThan(60);
    expect(error).toHaveLength(1);
    expect(error[0]).toContain(`Cannot reach the Brightcove OAuth token endpoint ${origin}/v4/access_token (ECONNREFUSED: connect ECONNREFUSED 127.0.0.1:${port} (${config.extract.max_attempts} attempts))`);
    expect(error[0]).toContain('Check the network and the proxy (HTTPS_PROXY');
    expect(error[0]).toContain('BRIGHTCOVE_OAUTH_URL');
    for (const output of [result.stdout, result.stderr]) {
      expect(output).not.toContain(secret);
      expect(output).not.toContain(Buffer.from(`unreachable-test-client-id:${secret}`).toString('base64'));
    }

    // The token endpoint was tried max_attempts times in all, for the 11 accounts together; nothing else was asked.
    const warehouse = await openWarehouse(dataDir(folder).workingDb, { readOnly: true });
    try {
      const requests = await warehouse.rows<{ endpoint: string; outcome: string; requests: string }>(
        'SELECT endpoint, outcome, requests::VARCHAR AS requests FROM meta.api_requests ORDER BY ALL',
      );
      expect(requests).toEqual([{ endpoint: 'oauth:/v4/access_token', outcome: 'network_error', requests: String(config.extract.max_attempts) }]);
      expect(await warehouse.scalar("SELECT error FROM meta.runs WHERE command = 'extract'")).toContain('Cannot reach the Brightcove OAuth token endpoint');
    } finally {
      warehouse.close();
    }
    expect(readFileSync(join(folder, 'work.duckdb')).includes(secret)).toBe(false);
  });

  it('that takes connections and never answers (packets dropped) fails the extract within 60 s, with the shipped limits', async () => {
    const silent = await startSilentServer();
    silentServers.push(silent);
    const origin = `http://127.0.0.1:${silent.port}`;
    const { result, seconds, errorLines: error } = await extractAgainst(origin, tempDataDir(), 'silent-test-client-secret-51c2');

    // Before the limits: 6 attempts of up to 9 minutes each. Now 8 s an attempt, none past 40 s: attempt 3
    // ends at 25.5-27 s, a 4th at 35.5-39 s when the jitter lets it start, a 5th would end past 40 s.
    expect(result.code, result.stderr).toBe(1);
    expect(seconds).toBeLessThan(60);
    expect(error).toHaveLength(1);
    expect(error[0]).toMatch(new RegExp(`Cannot reach the Brightcove OAuth token endpoint ${origin}/v4/access_token \\(no answer within the time limit of one attempt \\([34] attempts\\)\\)`));
    expect(result.stderr).not.toContain('silent-test-client-secret-51c2');
  });
});

describe('progress lines', () => {
  it('a window that is split says why in full: the reason and the attempts, never a message cut mid-word', async () => {
    const base = loadTestConfig();
    const config: Readonly<ReelhouseConfig> = parseConfig({ ...base, extract: { ...base.extract, history_start_date: HISTORY_START, max_attempts: 2 } });
    const sim = await startSimulator({ seed: 23, today: TODAY, historyStart: HISTORY_START, videosPerAccount: 20, faults: { cmsLimits: null, processing: { every: 1, status: 503 } } });
    started.push(sim);
    const run = await extractOnce(sim, tempDataDir(), { accounts: ['sumitrust'], config });
    expect(run.error?.name).toBe('ExtractFailedError');
    const splits = run.lines.filter((line) => line.includes('splitting it'));
    expect(splits.length).toBeGreaterThan(0);
    for (const line of splits) {
      // [slug] names the account; the window is in the line; the reason follows whole, with the attempts.
      expect(line).toMatch(/^\[sumitrust\] analytics analytics_video(_device)?_daily: window \d{4}-\d{2}-\d{2}\.\.\d{4}-\d{2}-\d{2} failed, splitting it: HTTP 503 PROCESSING.* \(2 attempts\)$/);
    }
  });
});
