import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Warehouse } from './duckdb.ts';
import { sqlString } from './duckdb.ts';
import type { IncrementalSpec } from './model-header.ts';
import { chainUpTo, parseChain, renderChain, splitStatements, withoutLeadingComments, type Chain } from './sql-chain.ts';

/**
 * The materialisation of an incremental model (docs/models.md#kinds). The file is a full
 * build that runs as is in the DuckDB CLI:
 *
 *   CREATE OR REPLACE TEMP TABLE <rows> AS WITH <the rules as named steps> SELECT * FROM final;
 *   CREATE OR REPLACE TABLE <the model's table> AS SELECT ... FROM <rows> ...;
 *   CREATE OR REPLACE TABLE <a table kept with it> AS SELECT ... FROM <rows> ...;   (optional)
 *   COMMENT ON ...;
 *
 * The runner runs the same statements restricted: the header's `input` step to the scope (on an
 * incremental build) and to one slice at a time, the rows to the scope's keys, and writes the outputs
 * by delete + insert of those keys. It decides full or incremental by a fingerprint of the logic,
 * and keeps the bookkeeping (meta.engagement_build_state, the consumed work table).
 */

export const BUILD_STATE_TABLE = 'meta.engagement_build_state';
const REPO_ROOT = join(import.meta.dirname, '..');

export interface IncrementalOutput {
  readonly table: string;
  readonly select: string;
}

export interface IncrementalParts {
  /** The temporary table the rules' rows go into (one slice at a time). */
  readonly rowsTable: string;
  readonly chain: Chain;
  /** The model's own table first. */
  readonly outputs: readonly IncrementalOutput[];
  /** The statements after the outputs (COMMENTs), run as they are. */
  readonly after: readonly string[];
}

const ROWS_STATEMENT = /^CREATE\s+OR\s+REPLACE\s+TEMP(?:ORARY)?\s+TABLE\s+([a-z_][a-z0-9_]*)\s+AS\s+([\s\S]+)$/i;
const OUTPUT_STATEMENT = /^CREATE\s+OR\s+REPLACE\s+TABLE\s+([a-z_][a-z0-9_]*\.[a-z_][a-z0-9_]*)\s+AS\s+([\s\S]+)$/i;

/** Splits an incremental model's file into its parts; `where` names the file in errors. */
export function incrementalParts(name: string, sql: string, where: string): IncrementalParts {
  const statements = splitStatements(sql).map(withoutLeadingComments);
  const rows = ROWS_STATEMENT.exec(statements[0] ?? '');
  if (!rows) {
    throw new Error(`${where}: an incremental model starts with "CREATE OR REPLACE TEMP TABLE <rows> AS WITH ..." (docs/models.md)`);
  }
  const outputs: IncrementalOutput[] = [];
  let index = 1;
  for (; index < statements.length; index += 1) {
    const output = OUTPUT_STATEMENT.exec(statements[index]!);
    if (!output) break;
    outputs.push({ table: output[1]!.toLowerCase(), select: output[2]! });
  }
  if (outputs[0]?.table !== name) {
    throw new Error(`${where}: after the rows, an incremental model writes its own table first: "CREATE OR REPLACE TABLE ${name} AS SELECT ... FROM ${rows[1]}"`);
  }
  const after = statements.slice(index);
  const misplaced = after.find((statement) => /^CREATE\b/i.test(statement));
  if (misplaced !== undefined) {
    throw new Error(`${where}: only COMMENTs and the like may follow the outputs, not "${misplaced.slice(0, 60)}..."`);
  }
  return { rowsTable: rows[1]!, chain: parseChain(rows[2]!), outputs, after };
}

/** The settings (meta.setting('...')) a text reads. */
function settingsRead(sql: string): string[] {
  return [...new Set([...sql.matchAll(/meta\.setting\(\s*'([a-z_][a-z0-9_]*)'\s*\)/gi)].map((match) => match[1]!))].sort();
}

export interface SliceRange {
  readonly first: number;
  readonly last: number;
}

export interface IncrementalOutcome {
  /** Every row rebuilt (the logic changed, or the table is new or empty), or only the scope's keys. */
  readonly full: boolean;
  readonly fingerprint: string;
  /** Keys the scope named (incremental builds only). */
  readonly scopeKeys: number | null;
  /** Rows of the input step the build read. */
  readonly inputRows: number;
  /** The slices built, one after the other (one unbounded slice when the model has no slices). */
  readonly sliceCount: number;
  readonly slices: readonly (SliceRange | null)[];
}

interface IncrementalModel {
  readonly name: string;
  readonly file: string;
  readonly sql: string;
  readonly dependsOn: readonly string[];
  readonly spec: IncrementalSpec;
}

/** The scope query's text (a file of the repository). */
export function scopeQuery(spec: IncrementalSpec): string {
  const file = spec.scopeFile ?? join(REPO_ROOT, spec.scope);
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    throw new Error(`The scope query ${spec.scope} cannot be read: ${(error as Error).message}`, { cause: error });
  }
}

/** The keys an incremental build would recompute now (what the scope query returns), in key order. */
export async function scopeKeys(warehouse: Warehouse, spec: IncrementalSpec): Promise<Record<string, unknown>[]> {
  const keyList = spec.key.join(', ');
  return warehouse.rows(`SELECT DISTINCT ${keyList} FROM (\n${scopeQuery(spec)}\n) ORDER BY ${keyList}`);
}

/** In the current catalog only: `plan` builds into a scratch catalog beside the working one. */
async function tableExists(warehouse: Warehouse, table: string): Promise<boolean> {
  const [schema, name] = table.split('.');
  return Number(await warehouse.scalar(
    `SELECT count(*) FROM duckdb_tables() WHERE database_name = current_database() AND schema_name = ${sqlString(schema!)} AND table_name = ${sqlString(name!)}`,
  )) > 0;
}

/**
 * The logic's fingerprint: the model's text, the text of the views it reads (their rows are computed
 * anew on every read), and the values of the settings its SQL reads. A different one means every row
 * must be recomputed.
 */
async function fingerprintOf(warehouse: Warehouse, model: IncrementalModel): Promise<string> {
  const views = await warehouse.rows<{ name: string; sql: string }>(
    `SELECT schema_name || '.' || view_name AS name, sql FROM duckdb_views()
     WHERE database_name = current_database() AND list_contains(${sqlList(model.dependsOn)}, schema_name || '.' || view_name)
     ORDER BY name`,
  );
  const settings = settingsRead(model.sql);
  const values = await warehouse.rows<{ key: string; value: string | null }>(
    `SELECT key, value FROM meta.settings WHERE list_contains(${sqlList(settings)}, key) ORDER BY key`,
  );
  const hash = createHash('sha256').update(model.sql);
  for (const view of views) hash.update(`\nview ${view.name}\n${view.sql}`);
  for (const setting of values) hash.update(`\nsetting ${setting.key}=${setting.value ?? ''}`);
  return hash.digest('hex');
}

function sqlList(values: readonly string[]): string {
  return `[${values.map(sqlString).join(', ')}]::VARCHAR[]`;
}

/** The number of rows per slice the header asks for. */
async function rowsPerSlice(warehouse: Warehouse, spec: IncrementalSpec): Promise<number> {
  const rows = spec.slices!.rowsPerSlice;
  if (typeof rows === 'number') return rows;
  const value = Number(await warehouse.scalar(`SELECT meta.setting(${sqlString(rows.setting)})`));
  if (!Number.isFinite(value) || value < 1) throw new Error(`Setting ${rows.setting} must be a number of rows >= 1, not ${String(value)}`);
  return value;
}

function restrictInput(inputBody: string, conditions: readonly string[]): string {
  return conditions.length === 0 ? inputBody : `SELECT * FROM (\n${inputBody}\n) AS unrestricted_input\nWHERE ${conditions.join('\n  AND ')}`;
}

function sliceCondition(spec: IncrementalSpec, slice: SliceRange | null): string[] {
  return slice === null || spec.slices === undefined ? [] : [`${spec.slices.column} BETWEEN ${slice.first} AND ${slice.last}`];
}

/** The rules' query of a full build over one slice (what a build runs per slice; for profiling). */
export function rulesOverSlice(name: string, sql: string, spec: IncrementalSpec, slice: SliceRange | null): string {
  const parts = incrementalParts(name, sql, name);
  const input = parts.chain.steps.find((step) => step.name === spec.input);
  if (input === undefined) throw new Error(`${name}: the header's input step "${spec.input}" is not a step of the rows' query`);
  return renderChain(parts.chain, new Map([[spec.input, restrictInput(input.body, sliceCondition(spec, slice))]]));
}

/**
 * Builds an incremental model in the caller's transaction. Temporary tables of the build are named
 * after the model's table and dropped at the end.
 */
export async function buildIncremental(warehouse: Warehouse, model: IncrementalModel): Promise<IncrementalOutcome> {
  const { spec } = model;
  const parts = incrementalParts(model.name, model.sql, model.file);
  const inputIndex = parts.chain.steps.findIndex((step) => step.name === spec.input);
  if (inputIndex < 0) throw new Error(`${model.file}: the header's input step "${spec.input}" is not a step of the rows' query`);
  const inputBody = parts.chain.steps[inputIndex]!.body;
  const tableName = model.name.split('.')[1]!;
  const scopeTable = `${tableName}__scope`;
  const narrowTable = `${tableName}__narrow`;
  const keyList = spec.key.join(', ');

  const fingerprint = await fingerprintOf(warehouse, model);
  const lastFingerprint = await warehouse.scalar<string | null>(
    `SELECT logic_hash FROM ${BUILD_STATE_TABLE} WHERE model = ${sqlString(model.name)}`,
  );
  let full = lastFingerprint !== fingerprint;
  for (const output of parts.outputs) {
    if (full) break;
    full = !(await tableExists(warehouse, output.table))
      || Number(await warehouse.scalar(`SELECT count(*) FROM (SELECT 1 FROM ${output.table} LIMIT 1)`)) === 0;
  }

  // The input step restricted: to the streams (or whatever `narrow` names) of the scope's keys on an
  // incremental build, and to one slice's range.
  const conditions: string[] = [];
  let scopeKeys: number | null = null;
  if (!full) {
    await warehouse.run(`CREATE OR REPLACE TEMP TABLE ${scopeTable} AS SELECT DISTINCT ${keyList} FROM (\n${scopeQuery(spec)}\n)`);
    scopeKeys = Number(await warehouse.scalar(`SELECT count(*) FROM ${scopeTable}`));
    if (spec.narrow !== undefined) {
      const upToInput = renderChain({ ...chainUpTo(parts.chain, spec.input), tail: `SELECT DISTINCT ${spec.narrow} FROM ${spec.input} SEMI JOIN ${scopeTable} USING (${keyList})` });
      await warehouse.run(`CREATE OR REPLACE TEMP TABLE ${narrowTable} AS ${upToInput}`);
      conditions.push(`${spec.narrow} IN (SELECT ${spec.narrow} FROM ${narrowTable})`);
    } else {
      conditions.push(`(${keyList}) IN (SELECT (${keyList}) FROM ${scopeTable})`);
    }
  }
  const restrictedInput = (extra: readonly string[]) => restrictInput(inputBody, [...conditions, ...extra]);
  const inputChain = (extra: readonly string[], tail: string) =>
    renderChain({ ...chainUpTo(parts.chain, spec.input), tail }, new Map([[spec.input, restrictedInput(extra)]]));

  const inputRows = Number(await warehouse.scalar(inputChain([], `SELECT count(*) FROM ${spec.input}`)));
  let slices: (SliceRange | null)[] = [null];
  let sliceCount = 1;
  if (spec.slices !== undefined) {
    const { column, maxSlices } = spec.slices;
    sliceCount = Math.min(maxSlices, Math.max(1, Math.ceil(inputRows / (await rowsPerSlice(warehouse, spec)))));
    if (sliceCount > 1) {
      // A slice is a range of the column, cut where the rows counted so far reach the next share of the
      // input (a slice number is missing when one value holds more than a share: its rows are in the
      // slice before).
      const ranges = await warehouse.rows<{ first: bigint | number; last: bigint | number }>(inputChain([], `
        SELECT min(${column}) AS first, max(${column}) AS last
        FROM (
            SELECT ${column},
                   coalesce(sum(n) OVER (ORDER BY ${column} ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS rows_before,
                   sum(n) OVER () AS input_rows
            FROM (SELECT ${column}, count(*) AS n FROM ${spec.input} GROUP BY ${column})
        )
        GROUP BY CAST(floor(rows_before * ${sliceCount} / input_rows) AS BIGINT)
        ORDER BY first`));
      slices = ranges.map((range) => ({ first: Number(range.first), last: Number(range.last) }));
    }
  }

  // Delete + insert by key: a full build replaces the tables with the first slice's rows.
  if (!full) {
    for (const output of parts.outputs) {
      await warehouse.run(`DELETE FROM ${output.table} WHERE (${keyList}) IN (SELECT (${keyList}) FROM ${scopeTable})`);
    }
  }
  for (const [index, slice] of slices.entries()) {
    const rulesOverSlice = renderChain(parts.chain, new Map([[spec.input, restrictedInput(sliceCondition(spec, slice))]]));
    const rows = full ? rulesOverSlice : `SELECT * FROM (\n${rulesOverSlice}\n) AS slice_rows SEMI JOIN ${scopeTable} USING (${keyList})`;
    await warehouse.run(`CREATE OR REPLACE TEMP TABLE ${parts.rowsTable} AS ${rows}`);
    for (const output of parts.outputs) {
      await warehouse.run(full && index === 0
        ? `CREATE OR REPLACE TABLE ${output.table} AS ${output.select}`
        : `INSERT INTO ${output.table} ${output.select}`);
    }
  }

  await warehouse.run(
    `INSERT OR REPLACE INTO ${BUILD_STATE_TABLE} VALUES (${sqlString(model.name)}, ${sqlString(fingerprint)}, now()::TIMESTAMP)`,
  );
  for (const table of spec.consumes) await warehouse.run(`DELETE FROM ${table}`);
  for (const statement of parts.after) await warehouse.run(statement);
  for (const temporary of [parts.rowsTable, scopeTable, narrowTable]) await warehouse.run(`DROP TABLE IF EXISTS temp.${temporary}`);
  return { full, fingerprint, scopeKeys, inputRows, sliceCount, slices };
}
