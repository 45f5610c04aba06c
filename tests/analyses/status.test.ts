import { cpSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runChecks, type DataCheck } from '../../warehouse/checks.ts';
import { buildModels, discoverModels, selectModels } from '../../warehouse/models.ts';
import { publish } from '../../warehouse/publish.ts';
import { readStatusFile, recordRunStarted } from '../../warehouse/run-status.ts';
import { openSession } from '../../warehouse/session.ts';
import { statusReport } from '../../warehouse/status.ts';
import { temporaryFolder } from '../delivery/fixtures.ts';
import { spawnPipeline } from '../hostile/pipeline-child.ts';
import { ACCOUNTS, insertAnalyticsFetch } from '../models/brightcove-fixture.ts';
import { loadTestConfig, TEST_CONFIG_PATH } from '../support/test-config.ts';

/**
 * `pipeline status` on data dirs made by real sessions: fresh, with a warning, failed, killed, stale.
 * The freshness limit is the test configuration's (2 days); the base data dir was built and published
 * as of 2025-06-30 with internet's daily analytics landed up to 2025-06-29 (1 day old then).
 */

const config = loadTestConfig();
const AS_OF = '2025-06-30';
let base: string;

const warningCheck: DataCheck = { name: 'always_warns', file: 'always_warns.sql', sql: 'SELECT 1 AS n', severity: 'warning' };

function copyOfBase(name: string): string {
  const copy = join(temporaryFolder(`status-${name}`), 'data');
  cpSync(base, copy, { recursive: true });
  return copy;
}

async function runSession(dataDir: string, command: string, work: (session: Awaited<ReturnType<typeof openSession>>) => Promise<void>, outcome: 'succeeded' | 'failed' = 'succeeded', error?: string) {
  const session = await openSession({ dataDir, config, asOf: AS_OF, command });
  try {
    await work(session);
    await session.finish(outcome, error);
  } finally {
    session.close();
  }
}

beforeAll(async () => {
  base = join(temporaryFolder('status-base'), 'data');
  await runSession(base, 'run', async (session) => {
    await insertAnalyticsFetch(session.warehouse, { source: 'analytics_video_daily', accountId: ACCOUNTS.internet, fetchId: 'f1', from: '2025-06-01', to: '2025-06-29', items: [] });
    await buildModels(session.warehouse, selectModels(discoverModels()), session.runId);
    await runChecks(session);
    await publish(session);
  });
});

describe('pipeline status', () => {
  it('fresh: the last run succeeded, every check passed, every landed source within its age: exit 0', async () => {
    expect(config.checks.freshness_max_age_days).toBe(2);
    const report = await statusReport({ dataDir: base, asOf: '2025-07-01' });
    expect(report.problems).toEqual([]);
    expect(report.warnings).toEqual([]);
    expect(report.exit_code).toBe(0);
    expect(report.last_run).toMatchObject({ command: 'run', status: 'succeeded', as_of_date: AS_OF });
    expect(report.checks!.results.length).toBeGreaterThan(10);
    // 2025-07-01 - 2025-06-29 = 2 days = the maximum: fresh. Accounts never extracted show "no data".
    expect(report.freshness.find((line) => line.account_slug === 'internet')).toMatchObject({ latest_date: '2025-06-29', age_days: 2, state: 'fresh' });
    expect(report.freshness.find((line) => line.account_slug === 'neo')).toMatchObject({ latest_date: null, age_days: null, state: 'no data' });
    expect(report.freshness.find((line) => line.source === 'player_events')).toMatchObject({ state: 'no data' });
    expect(report.published).toMatchObject({ as_of_date: AS_OF });
  });

  it('stale: one day past the maximum against --as-of, and against the clock without it: exit 2', async () => {
    // 2025-07-02 - 2025-06-29 = 3 days > 2
    const stale = await statusReport({ dataDir: base, asOf: '2025-07-02' });
    expect(stale.exit_code).toBe(2);
    expect(stale.problems).toEqual(['internet (analytics_video_daily): latest day 2025-06-29 is 3 day(s) before 2025-07-02, more than 2: stale']);
    // The clock: a scheduler that stopped shows as stale (2025-07-01 here is "today", 2 days: fresh).
    expect((await statusReport({ dataDir: base, now: new Date('2025-07-01T23:59:59Z') })).exit_code).toBe(0);
    const byClock = await statusReport({ dataDir: base, now: new Date('2025-07-02T00:00:00Z') });
    expect(byClock.exit_code).toBe(2);
    expect(byClock.measured_against).toEqual({ date: '2025-07-02', by: 'clock' });
  });

  it('warning: a later run whose warning check failed: exit 1, listed', async () => {
    const dataDir = copyOfBase('warning');
    await runSession(dataDir, 'check', async (session) => {
      await runChecks(session, [warningCheck]);
    });
    const report = await statusReport({ dataDir, asOf: '2025-07-01' });
    expect(report.problems).toEqual([]);
    expect(report.warnings).toEqual([expect.stringMatching(/^check always_warns \(warning\) found 1 row\(s\) in run /)]);
    expect(report.exit_code).toBe(1);
    // a warning beside a problem (stale: 2025-07-02 - 2025-06-29 = 3 days): the problem decides
    const both = await statusReport({ dataDir, asOf: '2025-07-02' });
    expect([both.problems.length, both.warnings.length, both.exit_code]).toEqual([1, 1, 2]);
  });

  it('failed: the last run failed, or an error check failed: exit 2', async () => {
    const failed = copyOfBase('failed');
    await runSession(failed, 'build', async () => undefined, 'failed', 'Model marts.x failed: boom\nmore');
    const report = await statusReport({ dataDir: failed, asOf: '2025-07-01' });
    expect(report.exit_code).toBe(2);
    expect(report.problems).toEqual([expect.stringMatching(/^the last run \S+ \(build, as of 2025-06-30\) failed: Model marts\.x failed: boom$/)]);

    const checkFailed = copyOfBase('check-failed');
    await runSession(checkFailed, 'check', async (session) => {
      await runChecks(session, [{ ...warningCheck, name: 'always_fails', severity: 'error' }]).catch(() => undefined);
    });
    const checks = await statusReport({ dataDir: checkFailed, asOf: '2025-07-01' });
    expect(checks.exit_code).toBe(2);
    expect(checks.problems).toEqual([expect.stringMatching(/^check always_fails \(error\) found 1 row\(s\)/)]);
  });

  it('never finished: a run killed mid-way (SIGKILL at a check) leaves "running" with a dead pid: exit 2, by the CLI', async () => {
    const dataDir = copyOfBase('killed');
    const killed = await spawnPipeline(['check', '--data-dir', dataDir, '--config', TEST_CONFIG_PATH, '--as-of', AS_OF], {
      ...process.env,
      REELHOUSE_CRASH_AT: 'check:ran:1',
    }).done;
    expect(killed.signal).toBe('SIGKILL');
    expect(readStatusFile(dataDir)!.last_run).toMatchObject({ command: 'check', status: 'running' });

    const status = await spawnPipeline(['status', '--data-dir', dataDir, '--as-of', '2025-07-01'], process.env).done;
    expect(status.code).toBe(2);
    expect(status.stdout).toMatch(/^Status: PROBLEM \(exit 2\)/);
    expect(status.stdout).toMatch(/PROBLEM: the last run \S+ \(check, as of 2025-06-30, started [^)]+\) never finished: it was killed or crashed/);
  });

  it('a run in progress (its pid alive) is judged by the last finished run; none finished yet is a problem', async () => {
    const dataDir = copyOfBase('in-progress');
    recordRunStarted(dataDir, { run_id: 'live-run', command: 'run', pid: process.ppid, as_of_date: '2025-07-01', started_at: '2025-07-01T01:00:00.000Z' });
    const report = await statusReport({ dataDir, asOf: '2025-07-01' });
    expect(report.run_in_progress).toBe(true);
    expect(report.exit_code).toBe(0);
    expect(report.last_finished_run).toMatchObject({ command: 'run', status: 'succeeded' });

    // while a new run works, a failed last run still stands
    const afterFailure = copyOfBase('in-progress-after-failure');
    await runSession(afterFailure, 'build', async () => undefined, 'failed', 'boom');
    recordRunStarted(afterFailure, { run_id: 'live-run', command: 'run', pid: process.ppid, as_of_date: '2025-07-01', started_at: '2025-07-01T01:00:00.000Z' });
    const stillFailed = await statusReport({ dataDir: afterFailure, asOf: '2025-07-01' });
    expect([stillFailed.run_in_progress, stillFailed.exit_code]).toEqual([true, 2]);
    expect(stillFailed.problems).toEqual([expect.stringMatching(/\(build, as of 2025-06-30\) failed: boom$/)]);

    const empty = join(temporaryFolder('status-empty'), 'data');
    const nothing = await statusReport({ dataDir: empty, asOf: '2025-07-01' });
    expect(nothing.exit_code).toBe(2);
    expect(nothing.problems).toEqual([expect.stringMatching(/^no pipeline run has recorded a status in /), expect.stringMatching(/^nothing is published yet/)]);
  });

  it('exit codes 0 and 1 and --json through the CLI; status, analyze and query run while a session holds the data dir', async () => {
    const warning = copyOfBase('cli-warning');
    await runSession(warning, 'check', async (session) => {
      await runChecks(session, [warningCheck]);
    });
    // Hold the lock and the working file, as a run does.
    const holder = await openSession({ dataDir: warning, config, asOf: AS_OF, command: 'run' });
    try {
      const json = await spawnPipeline(['status', '--data-dir', warning, '--as-of', '2025-07-01', '--json'], process.env).done;
      expect(json.code).toBe(1);
      expect(JSON.parse(json.stdout)).toMatchObject({ exit_code: 1, run_in_progress: true, last_finished_run: { command: 'check' } });

      const analyze = await spawnPipeline(['analyze', 'freshness', '--data-dir', warning, '--format', 'csv'], process.env).done;
      expect(analyze.code).toBe(0);
      expect(analyze.stdout.split('\r\n')[0]).toBe('source,account_slug,account_id,latest_date,latest_event_at,as_of_date,age_days,days_since_latest,max_age_days,is_stale');
      expect(analyze.stdout).toContain(`analytics_video_daily,internet,${ACCOUNTS.internet},2025-06-29,,2025-06-30,1,`);

      const query = await spawnPipeline(['query', 'SELECT count(*) AS marts FROM duckdb_tables() WHERE schema_name = \'marts\'', '--data-dir', warning, '--format', 'json'], process.env).done;
      expect(query.code).toBe(0);
      // the published file holds every mart of models/marts/
      expect(JSON.parse(query.stdout)).toEqual([{ marts: discoverModels().filter((model) => model.layer === 'marts').length }]);
    } finally {
      holder.close();
    }
    const fresh = await spawnPipeline(['status', '--data-dir', base, '--as-of', '2025-07-01'], process.env).done;
    expect(fresh.code).toBe(0);
    expect(fresh.stdout).toMatch(/^Status: OK \(exit 0\)\nLast run: \S+ run, as of 2025-06-30/);
    expect(readFileSync(join(base, 'status.json'), 'utf8')).toContain('"status": "succeeded"');
  });
});
