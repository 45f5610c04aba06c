import { existsSync } from 'node:fs';
import { dataDir } from './data-dir.ts';
import { openWarehouse, type Warehouse } from './duckdb.ts';
import { isProcessAlive } from './process-alive.ts';
import { readStatusFile, type CheckRecord, type RunRecord, type StatusFile } from './run-status.ts';

/**
 * `pipeline status`: is the warehouse fine, for a person and for a scheduler's alerting. It reads the
 * status file (warehouse/run-status.ts) and the published reelhouse.duckdb (read-only), never the
 * working file or the lock, so it answers while a run works and never blocks one.
 *
 * Exit code: 2 when the last run failed or never finished (killed), a check of severity error failed,
 * a source is stale, or nothing was published or recorded yet; else 1 when a warning check failed;
 * else 0. Freshness is measured against today's date (UTC, the clock: a scheduler that stopped shows as
 * stale), or against --as-of when given (reproducible): per configured account for Brightcove's daily
 * analytics, and once for the player events; a source that never landed anything is listed as "no data"
 * and does not change the exit code (an account not extracted yet, a warehouse without events).
 */

export type ExitCode = 0 | 1 | 2;

export interface FreshnessLine {
  readonly source: string;
  readonly account_id: string;
  readonly account_slug: string | null;
  readonly latest_date: string | null;
  readonly age_days: number | null;
  readonly max_age_days: number;
  readonly state: 'fresh' | 'stale' | 'no data';
}

export interface StatusReport {
  readonly exit_code: ExitCode;
  /** Why the exit code is 2. */
  readonly problems: readonly string[];
  /** Why it is (at least) 1. */
  readonly warnings: readonly string[];
  readonly measured_against: { readonly date: string; readonly by: 'clock' | '--as-of' };
  readonly last_run: RunRecord | null;
  readonly run_in_progress: boolean;
  readonly last_finished_run: RunRecord | null;
  readonly published: { readonly run_id: string; readonly as_of_date: string; readonly published_at: string } | null;
  readonly checks: { readonly run_id: string; readonly checked_at: string; readonly results: readonly CheckRecord[] } | null;
  readonly freshness: readonly FreshnessLine[];
}

export interface StatusOptions {
  readonly dataDir: string;
  /** Measure freshness against this date instead of today (UTC). */
  readonly asOf?: string;
  /** The clock (tests pass a fixed one). */
  readonly now?: Date;
}

function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

async function readPublished(path: string): Promise<{ published: StatusReport['published']; freshness: Array<Omit<FreshnessLine, 'age_days' | 'state'>> } | undefined> {
  if (!existsSync(path)) return undefined;
  let warehouse: Warehouse | undefined;
  try {
    warehouse = await openWarehouse(path, { readOnly: true });
    const [published] = await warehouse.rows<{ run_id: string; as_of_date: string; published_at: string }>(
      `SELECT run_id, CAST(max(as_of_date) AS VARCHAR) AS as_of_date, CAST(max(published_at) AS VARCHAR) AS published_at
       FROM meta.published_tables GROUP BY run_id ORDER BY published_at DESC LIMIT 1`,
    );
    const hasFreshness = await warehouse.scalar<string>(
      `SELECT count(*) FROM duckdb_tables() WHERE schema_name = 'marts' AND table_name = 'data_freshness'`,
    );
    const freshness =
      hasFreshness === '0'
        ? []
        : await warehouse.rows<{ source: string; account_id: string; account_slug: string | null; latest_date: string | null; max_age_days: number }>(
            `SELECT source, account_id, account_slug, CAST(latest_date AS VARCHAR) AS latest_date, max_age_days
             FROM marts.data_freshness ORDER BY source, account_slug`,
          );
    return { published: published ?? null, freshness };
  } finally {
    warehouse?.close();
  }
}

export async function statusReport(options: StatusOptions): Promise<StatusReport> {
  const dir = dataDir(options.dataDir);
  const problems: string[] = [];
  const warnings: string[] = [];
  const today = options.asOf ?? (options.now ?? new Date()).toISOString().slice(0, 10);

  let status: StatusFile | undefined;
  try {
    status = readStatusFile(dir.root);
  } catch (error) {
    problems.push((error as Error).message);
  }
  const lastRun = status?.last_run ?? null;
  let judged = lastRun;
  let inProgress = false;
  if (lastRun?.status === 'running') {
    if (lastRun.pid !== process.pid && isProcessAlive(lastRun.pid)) {
      inProgress = true;
      judged = status?.last_finished_run ?? null;
      if (!judged) problems.push(`no run has finished yet (run ${lastRun.run_id}, ${lastRun.command}, is in progress since ${lastRun.started_at})`);
    } else {
      problems.push(`the last run ${lastRun.run_id} (${lastRun.command}, as of ${lastRun.as_of_date}, started ${lastRun.started_at}) never finished: it was killed or crashed`);
    }
  } else if (!status && problems.length === 0) {
    problems.push(`no pipeline run has recorded a status in ${dir.root} yet`);
  }
  if (judged?.status === 'failed') {
    problems.push(`the last run ${judged.run_id} (${judged.command}, as of ${judged.as_of_date}) failed: ${(judged.error ?? 'no message').split('\n')[0]}`);
  }

  const checks = status?.last_checks ?? null;
  for (const check of checks?.results ?? []) {
    if (check.failing_rows === 0) continue;
    const line = `check ${check.name} (${check.severity}) found ${check.failing_rows} row(s) in run ${checks!.run_id}`;
    if (check.severity === 'error') problems.push(line);
    else warnings.push(line);
  }

  const published = await readPublished(dir.publishedDb);
  if (!published) problems.push(`nothing is published yet: no ${dir.publishedDb}`);
  const freshness: FreshnessLine[] = (published?.freshness ?? []).map((line) => {
    const age = line.latest_date === null ? null : daysBetween(line.latest_date, today);
    const state = age === null ? 'no data' : age > line.max_age_days ? 'stale' : 'fresh';
    return { ...line, age_days: age, state };
  });
  for (const line of freshness.filter((candidate) => candidate.state === 'stale')) {
    const what = line.source === 'player_events' ? 'player events' : `${line.account_slug ?? line.account_id} (${line.source})`;
    problems.push(`${what}: latest day ${line.latest_date} is ${line.age_days} day(s) before ${today}, more than ${line.max_age_days}: stale`);
  }
  if (published && freshness.length === 0) warnings.push('the published file has no marts.data_freshness (published by an older version): freshness unknown');

  const exitCode: ExitCode = problems.length > 0 ? 2 : warnings.length > 0 ? 1 : 0;
  return {
    exit_code: exitCode,
    problems,
    warnings,
    measured_against: { date: today, by: options.asOf ? '--as-of' : 'clock' },
    last_run: lastRun,
    run_in_progress: inProgress,
    last_finished_run: status?.last_finished_run ?? null,
    published: published?.published ?? null,
    checks,
    freshness,
  };
}

/** The report as lines for a person. */
export function formatStatus(report: StatusReport): string {
  const verdict = ['OK', 'WARNING', 'PROBLEM'][report.exit_code]!;
  const lines = [`Status: ${verdict} (exit ${report.exit_code})`];
  const run = report.last_run;
  if (run) {
    lines.push(
      `Last run: ${run.run_id} ${run.command}, as of ${run.as_of_date}, started ${run.started_at}, ` +
        (report.run_in_progress ? 'in progress' : run.status === 'running' ? 'never finished' : `${run.status} ${run.finished_at}`),
    );
  }
  if (report.run_in_progress && report.last_finished_run) {
    const finished = report.last_finished_run;
    lines.push(`Last finished run: ${finished.run_id} ${finished.command}, as of ${finished.as_of_date}, ${finished.status} ${finished.finished_at}`);
  }
  if (report.published) lines.push(`Published: run ${report.published.run_id}, as of ${report.published.as_of_date}, at ${report.published.published_at}`);
  if (report.checks) {
    const failing = report.checks.results.filter((check) => check.failing_rows > 0);
    lines.push(`Checks (run ${report.checks.run_id}): ${report.checks.results.length - failing.length} pass, ${failing.length} failing`);
    for (const check of failing) lines.push(`  ${check.severity === 'error' ? 'FAIL' : 'WARN'}  ${check.name} (${check.failing_rows} row(s))`);
  }
  if (report.freshness.length > 0) {
    lines.push(`Freshness (against ${report.measured_against.date}, ${report.measured_against.by}):`);
    for (const line of report.freshness) {
      const name = line.source === 'player_events' ? 'player events' : (line.account_slug ?? line.account_id);
      const age = line.age_days === null ? '' : `, ${line.age_days} day(s) old (max ${line.max_age_days})`;
      lines.push(`  ${line.state.padEnd(7)}  ${name}: ${line.latest_date ?? 'nothing landed'}${age}`);
    }
  }
  for (const problem of report.problems) lines.push(`PROBLEM: ${problem}`);
  for (const warning of report.warnings) lines.push(`WARNING: ${warning}`);
  return `${lines.join('\n')}\n`;
}
