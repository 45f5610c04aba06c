import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { commitTemporaryFile, temporaryPathFor } from './atomic-file.ts';

/**
 * <data-dir>/status.json: what the last pipeline command did, kept outside DuckDB so that `pipeline
 * status` can answer while a run holds the working file, and after a run that never got to publish.
 * Every session (every command but `plan`, which changes nothing) writes it when it starts (running)
 * and when it ends (succeeded or failed), with its as-of date; a session that ran checks also records
 * their results. Written whole to a temporary file and renamed, so a reader sees the old or the new
 * file, never half of one; a run that was killed leaves `running` behind, which `status` tells apart
 * from a live run by its pid.
 */

export const STATUS_FILE_NAME = 'status.json';

export type RunState = 'running' | 'succeeded' | 'failed';

export interface RunRecord {
  readonly run_id: string;
  readonly command: string;
  readonly pid: number;
  readonly as_of_date: string;
  readonly started_at: string;
  readonly finished_at: string | null;
  readonly status: RunState;
  readonly error: string | null;
}

export interface CheckRecord {
  readonly name: string;
  readonly severity: 'error' | 'warning';
  readonly failing_rows: number;
}

export interface ChecksRecord {
  readonly run_id: string;
  readonly as_of_date: string;
  readonly checked_at: string;
  readonly results: readonly CheckRecord[];
}

export interface StatusFile {
  readonly version: 1;
  /** The latest session, possibly still running (or killed while running). */
  readonly last_run: RunRecord;
  /** The latest session that ended (succeeded or failed), if any. */
  readonly last_finished_run: RunRecord | null;
  /** The check results of the latest session that ran checks, if any. */
  readonly last_checks: ChecksRecord | null;
}

export function statusFilePath(dataDirRoot: string): string {
  return join(dataDirRoot, STATUS_FILE_NAME);
}

/** The status file, or undefined when there is none; an unreadable file is reported as such, not guessed at. */
export function readStatusFile(dataDirRoot: string): StatusFile | undefined {
  const path = statusFilePath(dataDirRoot);
  if (!existsSync(path)) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new Error(`The status file ${path} is not valid JSON (${(error as Error).message}); the next pipeline command rewrites it`);
  }
  const file = parsed as Partial<StatusFile>;
  if (file.version !== 1 || typeof file.last_run?.run_id !== 'string') {
    throw new Error(`The status file ${path} is not one this version writes; the next pipeline command rewrites it`);
  }
  return { version: 1, last_run: file.last_run, last_finished_run: file.last_finished_run ?? null, last_checks: file.last_checks ?? null };
}

function writeStatusFile(dataDirRoot: string, status: StatusFile): void {
  const target = statusFilePath(dataDirRoot);
  const temporary = temporaryPathFor(target);
  try {
    writeFileSync(temporary, `${JSON.stringify(status, null, 2)}\n`);
    commitTemporaryFile(temporary, target);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  }
}

function previousOrNothing(dataDirRoot: string): StatusFile | undefined {
  try {
    return readStatusFile(dataDirRoot);
  } catch {
    return undefined; // an unreadable file is replaced
  }
}

export function recordRunStarted(dataDirRoot: string, run: Omit<RunRecord, 'finished_at' | 'status' | 'error'>): void {
  const previous = previousOrNothing(dataDirRoot);
  writeStatusFile(dataDirRoot, {
    version: 1,
    last_run: { ...run, finished_at: null, status: 'running', error: null },
    last_finished_run: previous?.last_finished_run ?? null,
    last_checks: previous?.last_checks ?? null,
  });
}

export function recordRunFinished(
  dataDirRoot: string,
  runId: string,
  outcome: { status: 'succeeded' | 'failed'; error: string | null; checks: readonly CheckRecord[] | null },
): void {
  const previous = previousOrNothing(dataDirRoot);
  if (!previous || previous.last_run.run_id !== runId) return; // a later session has started since (cannot happen under the lock)
  const now = new Date().toISOString();
  const finished: RunRecord = { ...previous.last_run, finished_at: now, status: outcome.status, error: outcome.error };
  writeStatusFile(dataDirRoot, {
    version: 1,
    last_run: finished,
    last_finished_run: finished,
    last_checks:
      outcome.checks && outcome.checks.length > 0
        ? { run_id: runId, as_of_date: finished.as_of_date, checked_at: now, results: outcome.checks }
        : previous.last_checks,
  });
}
