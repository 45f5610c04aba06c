import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { PipelineSession } from './session.ts';
import { crashPoint } from './crash-point.ts';
import { currentCatalog, listColumns, listTables } from './catalog-objects.ts';
import { sqlIdent } from './duckdb.ts';
import { MetaStore } from './meta-store.ts';
import { grainColumns } from './model-grain.ts';
import { discoverModels, MODEL_LAYERS, type Model } from './models.ts';

/**
 * Data checks: every sql/checks/<name>.sql is one SELECT returning the rows that break a rule, so an
 * empty result means the check passes. `runChecks` runs them all, records each result in
 * meta.check_results and throws a CheckFailedError naming every failing check of severity error, so a
 * bad build is never exported or published.
 *
 * A check's header declares its severity on a line `-- severity: warning` (or `error`, the default):
 * a failing warning is reported and recorded, but does not stop the run or the publish.
 *
 * Beside the files, every table a model builds gets two checks derived from its grain (the model's
 * `grain` header, warehouse/model-grain.ts), both of severity error and named after the model:
 * `<schema>.<table>.grain_unique` (no key occurs twice) and `<schema>.<table>.grain_not_null` (no key
 * column is NULL); a model whose header says `-- grain repeats: <why>` gets the not-null check only.
 * The files hold only what a grain cannot say.
 */

export const CHECKS_DIR = join(import.meta.dirname, '..', 'sql', 'checks');

export const CHECK_SEVERITIES = ['error', 'warning'] as const;
export type CheckSeverity = (typeof CHECK_SEVERITIES)[number];

export interface DataCheck {
  readonly name: string;
  readonly file: string;
  readonly sql: string;
  readonly severity: CheckSeverity;
}

export interface CheckResult {
  readonly name: string;
  readonly severity: CheckSeverity;
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

/**
 * The severity declared in the check's header (the comment lines before the first statement line):
 * `-- severity: error|warning`, any case; error when none is declared. Any other value is refused,
 * naming the file, so a typo never turns an error into a warning silently.
 */
export function checkSeverity(sql: string, file: string): CheckSeverity {
  const header: string[] = [];
  for (const line of sql.split(/\r?\n/)) {
    const trimmed = line.trim();
    if (trimmed === '') continue;
    if (!trimmed.startsWith('--')) break;
    header.push(trimmed.slice(2).trim());
  }
  const declared = header.map((line) => /^severity\s*:\s*(.*)$/i.exec(line)).filter((match) => match !== null);
  if (declared.length === 0) return 'error';
  const values = declared.map((match) => match[1]!.trim().toLowerCase());
  const value = values[0]!;
  if (declared.length > 1 || !(CHECK_SEVERITIES as readonly string[]).includes(value)) {
    throw new Error(
      `Data check ${file}: its header declares severity "${values.join('", "')}"; declare one line ` +
        '`-- severity: error` (stops the publish) or `-- severity: warning` (reported only)',
    );
  }
  return value as CheckSeverity;
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
      const text = readFileSync(file, 'utf8');
      const sql = text.trim().replace(/;\s*$/, '');
      return { name: basename(entry, '.sql'), file, sql, severity: checkSeverity(text, file) };
    });
}

/**
 * True when the model's header says its grain columns may repeat, on a line `-- grain repeats: <why>`
 * (e.g. one row per rejected raw row, where identical rows of one file are each a row): such a model gets
 * the not-null check only.
 */
export function grainRepeats(sql: string): boolean {
  for (const line of sql.split(/\r?\n/)) {
    const trimmed = line.trim();
    if (trimmed !== '' && !trimmed.startsWith('--')) return false;
    if (/^--\s*grain repeats\s*:/i.test(trimmed)) return true;
  }
  return false;
}

/** The SQL of a model's two grain checks: the repeated keys, and the rows with a NULL key column. */
export function grainCheckSql(table: string, grain: readonly string[]): { unique: string; notNull: string } {
  const keys = grain.map(sqlIdent).join(', ');
  return {
    unique: `SELECT ${keys}, count(*) AS row_count FROM ${table} GROUP BY ${keys} HAVING count(*) > 1`,
    notNull: `SELECT * FROM ${table} WHERE ${grain.map((column) => `${sqlIdent(column)} IS NULL`).join(' OR ')}`,
  };
}

/**
 * The grain checks of every model whose table exists in the warehouse (views are skipped: a view holds
 * no rows of its own, the table it reads is checked). The grain is read from the model's header against
 * the built table's columns, so a check always names real columns.
 */
export async function grainChecks(warehouse: PipelineSession['warehouse'], models: readonly Model[] = discoverModels()): Promise<DataCheck[]> {
  const catalog = await currentCatalog(warehouse);
  const tables = new Set((await listTables(warehouse, catalog, MODEL_LAYERS)).filter((table) => table.kind === 'table').map((table) => `${table.schema}.${table.name}`));
  const columns = await listColumns(warehouse, catalog, MODEL_LAYERS);
  const checks: DataCheck[] = [];
  for (const model of [...models].sort((a, b) => a.name.localeCompare(b.name))) {
    if (!tables.has(model.name)) continue;
    const [schema, table] = model.name.split('.') as [string, string];
    const tableColumns = columns.filter((column) => column.schema === schema && column.table === table).map((column) => column.name);
    const sql = grainCheckSql(`${sqlIdent(schema)}.${sqlIdent(table)}`, grainColumns(model.sql, tableColumns));
    if (!grainRepeats(model.sql)) checks.push({ name: `${model.name}.grain_unique`, file: model.file, sql: sql.unique, severity: 'error' });
    checks.push({ name: `${model.name}.grain_not_null`, file: model.file, sql: sql.notNull, severity: 'error' });
  }
  return checks;
}

export async function runCheck(session: Pick<PipelineSession, 'warehouse'>, check: DataCheck): Promise<CheckResult> {
  const { warehouse } = session;
  // The newline keeps a trailing line comment in the check from swallowing the closing parenthesis.
  const source = `(\n${check.sql}\n) AS offending`;
  try {
    const failingRows = Number(await warehouse.scalar<string>(`SELECT count(*) FROM ${source}`));
    const sample = failingRows === 0 ? null : ((await warehouse.rows(`SELECT * FROM ${source} ORDER BY ALL LIMIT 1`))[0] ?? null);
    return { name: check.name, severity: check.severity, failingRows, sample };
  } catch (error) {
    throw new Error(`Data check ${check.name} (${check.file}) could not run: ${(error as Error).message}`, { cause: error });
  }
}

/** Runs every check, records the results under the session's run id, and throws when a check of severity error fails. */
export async function runChecks(
  session: Pick<PipelineSession, 'warehouse' | 'runId'>,
  checks: readonly DataCheck[] = discoverChecks(),
  log: (line: string) => void = () => undefined,
): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  for (const check of checks) {
    const result = await runCheck(session, check);
    const outcome = result.failingRows === 0 ? 'pass' : result.severity === 'error' ? 'FAIL' : 'WARN';
    log(`  ${outcome}  ${check.name}${result.failingRows === 0 ? '' : ` (${result.failingRows} row(s))`}`);
    results.push(result);
    crashPoint('check:ran');
  }
  const meta = new MetaStore(session.warehouse);
  await session.warehouse.transaction(async () => {
    for (const result of results) {
      await meta.recordCheckResult(
        session.runId,
        result.name,
        result.failingRows,
        result.sample === null ? null : JSON.stringify(result.sample),
        result.severity,
      );
    }
  });
  const failures = results.filter((result) => result.failingRows > 0 && result.severity === 'error');
  if (failures.length > 0) throw new CheckFailedError(failures);
  return results;
}

/** `pipeline check`: runs the grain checks and the data checks against the working warehouse and prints one line per check. */
export async function checkCommand(session: PipelineSession, log: (line: string) => void = console.log): Promise<CheckResult[]> {
  const checks = [...(await grainChecks(session.warehouse)), ...discoverChecks()];
  log(`Running ${checks.length} data check(s) on ${session.dir.workingDb}`);
  return runChecks(session, checks, log);
}
