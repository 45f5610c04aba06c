import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { PipelineSession } from './session.ts';
import { crashPoint } from './crash-point.ts';
import { MetaStore } from './meta-store.ts';

/**
 * Data checks: every sql/checks/<name>.sql is one SELECT returning the rows that break a rule, so an
 * empty result means the check passes. `runChecks` runs them all, records each result in
 * meta.check_results and throws a CheckFailedError naming every failing check, so a bad build is never
 * exported or published.
 */

export const CHECKS_DIR = join(import.meta.dirname, '..', 'sql', 'checks');

export interface DataCheck {
  readonly name: string;
  readonly file: string;
  readonly sql: string;
}

export interface CheckResult {
  readonly name: string;
  readonly failingRows: number;
  /** The first offending row (in a stable order), or null when the check passes. */
  readonly sample: Record<string, unknown> | null;
}

export class CheckFailedError extends Error {
  override name = 'CheckFailedError';
  constructor(readonly failures: readonly CheckResult[]) {
    super(
      `${failures.length} data check(s) failed:\n` +
        failures.map((failure) => `  - ${failure.name}: ${failure.failingRows} row(s), e.g. ${JSON.stringify(failure.sample)}`).join('\n'),
    );
  }
}

export function discoverChecks(checksDir = CHECKS_DIR): DataCheck[] {
  let entries: string[] = [];
  try {
    entries = readdirSync(checksDir);
  } catch {
    return [];
  }
  return entries
    .filter((entry) => entry.endsWith('.sql'))
    .sort()
    .map((entry) => {
      const file = join(checksDir, entry);
      // A check is wrapped as a subquery: a trailing semicolon would end the statement early.
      const sql = readFileSync(file, 'utf8').trim().replace(/;\s*$/, '');
      return { name: basename(entry, '.sql'), file, sql };
    });
}

export async function runCheck(session: Pick<PipelineSession, 'warehouse'>, check: DataCheck): Promise<CheckResult> {
  const { warehouse } = session;
  // The newline keeps a trailing line comment in the check from swallowing the closing parenthesis.
  const source = `(\n${check.sql}\n) AS offending`;
  try {
    const failingRows = Number(await warehouse.scalar<string>(`SELECT count(*) FROM ${source}`));
    const sample = failingRows === 0 ? null : ((await warehouse.rows(`SELECT * FROM ${source} ORDER BY ALL LIMIT 1`))[0] ?? null);
    return { name: check.name, failingRows, sample };
  } catch (error) {
    throw new Error(`Data check ${check.name} (${check.file}) could not run: ${(error as Error).message}`, { cause: error });
  }
}

/** Runs every check, records the results under the session's run id, and throws when any check fails. */
export async function runChecks(
  session: Pick<PipelineSession, 'warehouse' | 'runId'>,
  checks: readonly DataCheck[] = discoverChecks(),
  log: (line: string) => void = () => undefined,
): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  for (const check of checks) {
    const result = await runCheck(session, check);
    log(`  ${result.failingRows === 0 ? 'pass' : 'FAIL'}  ${check.name}${result.failingRows === 0 ? '' : ` (${result.failingRows} row(s))`}`);
    results.push(result);
    crashPoint('check:ran');
  }
  const meta = new MetaStore(session.warehouse);
  await session.warehouse.transaction(async () => {
    for (const result of results) {
      await meta.recordCheckResult(session.runId, result.name, result.failingRows, result.sample === null ? null : JSON.stringify(result.sample));
    }
  });
  const failures = results.filter((result) => result.failingRows > 0);
  if (failures.length > 0) throw new CheckFailedError(failures);
  return results;
}

/** `pipeline check`: runs the data checks against the working warehouse and prints one line per check. */
export async function checkCommand(session: PipelineSession, log: (line: string) => void = console.log): Promise<CheckResult[]> {
  const checks = discoverChecks();
  log(`Running ${checks.length} data check(s) on ${session.dir.workingDb}`);
  return runChecks(session, checks, log);
}
