import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { temporaryPathFor, writeFileAtomically } from './atomic-file.ts';
import { currentCatalog, listColumns, listTables, qualified, replayMacros, type CatalogColumn } from './catalog-objects.ts';
import { sqlIdent, sqlString, type Warehouse } from './duckdb.ts';
import { exportFiles, type ExportFile } from './export/consumers.ts';
import { grainColumns } from './model-grain.ts';
import { discoverModels, downstreamOf, MODELS_DIR, orderModels, type Model } from './models.ts';
import type { PipelineSession } from './session.ts';

/**
 * `pipeline plan`: what a model edit would do, before it is merged or built.
 *
 * A model is "changed" when its SQL hash differs from its last successful build in meta.model_builds
 * (or it was never built); it and everything downstream are rebuilt into a scratch DuckDB file that is
 * ATTACHed next to the working file and made the default catalog (`USE`). In the scratch catalog,
 * every table the rebuilt models do not produce is a view onto the working catalog, so the model SQL
 * runs unmodified (no schema-name rewriting) and reads the working data without copying it; only
 * meta.settings is a copy, so the plan can use the as-of date of the last build. The working tables
 * and the published file are never written; the scratch file is deleted afterwards.
 *
 * The export files are declared consumers of the models (export/consumers.ts): every file that reads a
 * rebuilt model is listed with its effect, its rows and values taken with the exporter's own query once
 * against the working catalog and once against the scratch one. Floating-point values (DOUBLE, FLOAT)
 * count as changed only beyond FLOAT_TOLERANCE, so a sum computed in another order is not a change.
 */

/** Floats differ when |before − after| > FLOAT_TOLERANCE × max(1, |before|, |after|): absolute below 1, relative above. */
export const FLOAT_TOLERANCE = 1e-9;
const FLOAT_TYPES = new Set(['DOUBLE', 'FLOAT', 'REAL']);

/** SQL that is true when two values of a column of `type` differ (NULL and a value differ; floats beyond the tolerance). */
export function valuesDiffer(before: string, after: string, type: string): string {
  if (!FLOAT_TYPES.has(type.toUpperCase())) return `${before} IS DISTINCT FROM ${after}`;
  return (
    `(${before} IS DISTINCT FROM ${after} AND (${before} IS NULL OR ${after} IS NULL OR NOT isfinite(${before}) OR NOT isfinite(${after})` +
    ` OR abs(${before} - ${after}) > ${FLOAT_TOLERANCE} * greatest(1, abs(${before}), abs(${after}))))`
  );
}

export interface PlanOptions {
  readonly modelsDir?: string;
  /** The as-of date models see; default: the as-of date of the last build, so only the SQL differs. */
  readonly asOf?: string;
  /** How many added / removed keys to show per model. */
  readonly sampleSize?: number;
  readonly log?: (line: string) => void;
}

export interface ColumnChange {
  readonly column: string;
  readonly rows: number;
}

export interface ModelEffect {
  readonly model: string;
  readonly file: string;
  /** Why it is in the plan: its SQL changed, it is new, or it reads a changed model. */
  readonly reason: { kind: 'changed'; lastBuiltAt: string } | { kind: 'new' } | { kind: 'downstream'; of: string[] };
  readonly grain: string[];
  readonly rowsBefore: number | null;
  readonly rowsAfter: number;
  readonly keysAdded: number;
  readonly keysRemoved: number;
  readonly sampleKeysAdded: string[];
  readonly sampleKeysRemoved: string[];
  /** Rows whose key is in both versions (the rows the column counts are out of). */
  readonly matchedRows: number;
  readonly changedColumns: ColumnChange[];
  readonly columnsAdded: string[];
  readonly columnsRemoved: string[];
  readonly typeChanges: Array<{ column: string; before: string; after: string }>;
  /** Keys that occur more than once (before, after): the grain is then not a key. */
  readonly duplicateKeys: { before: number; after: number };
}

/** What a model change does to one export file. */
export interface ExportEffect {
  readonly path: string;
  readonly consumer: string;
  /** The rebuilt models it reads. */
  readonly via: string[];
  readonly key: readonly string[];
  /** null when the file's query cannot run on the working catalog (a model it reads is new). */
  readonly rowsBefore: number | null;
  readonly rowsAfter: number;
  readonly keysAdded: number;
  readonly keysRemoved: number;
  readonly matchedRows: number;
  readonly changedColumns: ColumnChange[];
  readonly columnsAdded: string[];
  readonly columnsRemoved: string[];
}

export interface PlanReport {
  readonly asOfDate: string;
  readonly asOfSource: 'flag' | 'last build' | 'run date';
  readonly models: ModelEffect[];
  /** The export files that read a rebuilt model, in the order the exporters write them. */
  readonly exports: ExportEffect[];
  readonly floatTolerance: number;
  /** Models built before whose file is gone. */
  readonly removedModels: string[];
  readonly unchangedModels: number;
}

export interface LastBuild {
  model: string;
  sql_hash: string;
  built_at: string;
}

/** Each model's last successful build (meta.model_builds only holds successes: a failed build rolls back). */
export async function lastBuilds(warehouse: Warehouse): Promise<Map<string, LastBuild>> {
  const rows = await warehouse.rows<LastBuild>(
    `SELECT model, sql_hash, built_at FROM meta.model_builds
     QUALIFY row_number() OVER (PARTITION BY model ORDER BY built_at DESC, run_id DESC) = 1`,
  );
  return new Map(rows.map((row) => [row.model, row]));
}

async function lastBuildAsOf(warehouse: Warehouse): Promise<string | undefined> {
  return warehouse.scalar<string>(
    `SELECT CAST(coalesce(b.as_of_date, r.as_of_date) AS VARCHAR) FROM meta.model_builds b LEFT JOIN meta.runs r USING (run_id)
     ORDER BY b.built_at DESC LIMIT 1`,
  );
}

/**
 * Makes the scratch catalog (already the default) look like the working one, minus the models to
 * rebuild: views of the working tables, and copies of those a rebuilt model writes (its bookkeeping,
 * Model.writes) and of meta.settings, so that the working file is never written.
 */
async function mirrorWorkingCatalog(warehouse: Warehouse, work: string, rebuilt: ReadonlySet<string>, written: ReadonlySet<string>, asOf: string) {
  const schemas = await warehouse.rows<{ schema_name: string }>(
    `SELECT schema_name FROM duckdb_schemas() WHERE database_name = $1 AND NOT internal ORDER BY 1`,
    [work],
  );
  const schemaNames = schemas.map((row) => row.schema_name);
  for (const schema of new Set([...schemaNames, 'staging', 'intermediate', 'marts'])) {
    await warehouse.run(`CREATE SCHEMA IF NOT EXISTS ${sqlIdent(schema)}`);
  }
  for (const table of await listTables(warehouse, work)) {
    const name = `${table.schema}.${table.name}`;
    if (rebuilt.has(name)) continue;
    const target = `${sqlIdent(table.schema)}.${sqlIdent(table.name)}`;
    const source = qualified(work, table.schema, table.name);
    if (name === 'meta.settings' || written.has(name)) {
      // the working table's own DDL (no catalog in it: it lands in the scratch one), so its keys come
      // along: the mart's INSERT OR REPLACE needs them
      const ddl = await warehouse.scalar<string>(
        `SELECT sql FROM duckdb_tables() WHERE database_name = $1 AND schema_name = $2 AND table_name = $3`,
        [work, table.schema, table.name],
      );
      await warehouse.run(ddl!);
      await warehouse.run(`INSERT INTO ${target} SELECT * FROM ${source}`);
    } else {
      await warehouse.run(`CREATE VIEW ${target} AS SELECT * FROM ${source}`);
    }
  }
  await replayMacros(warehouse, work, schemaNames);
  await warehouse.run(`UPDATE meta.settings SET value = $1 WHERE key = 'as_of_date'`, [asOf]).catch(() => undefined);
}

function keyList(alias: string, grain: readonly string[]): string {
  return grain.map((column) => `${alias}.${sqlIdent(column)}`).join(', ');
}

function keysMatch(grain: readonly string[]): string {
  return grain.map((column) => `b.${sqlIdent(column)} IS NOT DISTINCT FROM a.${sqlIdent(column)}`).join(' AND ');
}

function renderKey(row: Record<string, unknown>): string {
  const values = Object.values(row).map((value) => (value === null ? 'NULL' : typeof value === 'string' ? value : JSON.stringify(value)));
  return values.length === 1 ? values[0]! : `(${values.join(', ')})`;
}

async function count(warehouse: Warehouse, sql: string): Promise<number> {
  return Number(await warehouse.scalar(sql));
}

async function compareModel(
  warehouse: Warehouse,
  model: Model,
  reason: ModelEffect['reason'],
  work: string,
  scratch: string,
  sampleSize: number,
): Promise<ModelEffect> {
  const [schema, table] = model.name.split('.') as [string, string];
  const columnsOf = async (catalog: string) =>
    (await listColumns(warehouse, catalog, [schema])).filter((column) => column.table === table);
  const afterColumns = await columnsOf(scratch);
  const beforeColumns = await columnsOf(work);
  const after = qualified(scratch, schema, table);
  const before = qualified(work, schema, table);
  const grain = grainColumns(model.sql, afterColumns.map((column) => column.name));
  const byName = (columns: CatalogColumn[]) => new Map(columns.map((column) => [column.name, column]));
  const beforeByName = byName(beforeColumns);
  const afterByName = byName(afterColumns);

  const rowsAfter = await count(warehouse, `SELECT count(*) FROM ${after}`);
  const exists = beforeColumns.length > 0;
  const rowsBefore = exists ? await count(warehouse, `SELECT count(*) FROM ${before}`) : null;
  const comparable = exists && grain.every((column) => beforeByName.has(column));

  const keys = keyList('t', grain);
  const duplicates = (relation: string) =>
    count(warehouse, `SELECT count(*) FROM (SELECT ${keys} FROM ${relation} AS t GROUP BY ALL HAVING count(*) > 1)`);
  const duplicateKeys = { before: comparable ? await duplicates(before) : 0, after: await duplicates(after) };

  const difference = (from: string, minus: string) =>
    `SELECT ${keys} FROM ${from} AS t EXCEPT SELECT ${keys} FROM ${minus} AS t`;
  const keysAddedSql = comparable ? difference(after, before) : `SELECT DISTINCT ${keys} FROM ${after} AS t`;
  const keysAdded = await count(warehouse, `SELECT count(*) FROM (${keysAddedSql})`);
  const keysRemoved = comparable ? await count(warehouse, `SELECT count(*) FROM (${difference(before, after)})`) : 0;
  const sample = async (sql: string) =>
    (await warehouse.rows<Record<string, unknown>>(`SELECT * FROM (${sql}) ORDER BY ALL LIMIT ${sampleSize}`)).map(renderKey);
  const sampleKeysAdded = keysAdded > 0 ? await sample(keysAddedSql) : [];
  const sampleKeysRemoved = keysRemoved > 0 ? await sample(difference(before, after)) : [];

  const common = afterColumns.filter((column) => beforeByName.has(column.name) && !grain.includes(column.name));
  const typeChanges = common
    .filter((column) => beforeByName.get(column.name)!.type !== column.type)
    .map((column) => ({ column: column.name, before: beforeByName.get(column.name)!.type, after: column.type }));
  const changedTypes = new Set(typeChanges.map((change) => change.column));
  const valueOf = (alias: string, column: string) =>
    changedTypes.has(column) ? `CAST(${alias}.${sqlIdent(column)} AS VARCHAR)` : `${alias}.${sqlIdent(column)}`;
  const differ = (column: CatalogColumn) =>
    valuesDiffer(valueOf('b', column.name), valueOf('a', column.name), changedTypes.has(column.name) ? 'VARCHAR' : column.type);

  let matchedRows = 0;
  const changedColumns: ColumnChange[] = [];
  if (comparable) {
    const join = `${before} AS b JOIN ${after} AS a ON ${keysMatch(grain)}`;
    if (duplicateKeys.before === 0 && duplicateKeys.after === 0) {
      // One pass over the matched rows counts every column's changes.
      const counts = common.map((column, index) => `count_if(${differ(column)}) AS c${index}`);
      const [row] = await warehouse.rows<Record<string, string>>(`SELECT ${['count(*) AS matched', ...counts].join(', ')} FROM ${join}`);
      matchedRows = Number(row?.['matched'] ?? 0);
      common.forEach((column, index) => {
        const rows = Number(row?.[`c${index}`] ?? 0);
        if (rows > 0) changedColumns.push({ column: column.name, rows });
      });
    } else {
      // The grain repeats, so rows cannot be paired: count the new version's rows (of keys in both) whose
      // (key, value) pair the old version does not have at all.
      const matchedAfter = `(SELECT * FROM ${after} AS a SEMI JOIN ${before} AS b ON ${keysMatch(grain)})`;
      matchedRows = await count(warehouse, `SELECT count(*) FROM ${matchedAfter}`);
      for (const column of common) {
        const sameValue = `NOT ${differ(column)}`;
        const rows = await count(
          warehouse,
          `SELECT count(*) FROM ${matchedAfter} AS a ANTI JOIN ${before} AS b ON ${keysMatch(grain)} AND ${sameValue}`,
        );
        if (rows > 0) changedColumns.push({ column: column.name, rows });
      }
    }
  }

  return {
    model: model.name,
    file: model.file,
    reason,
    grain,
    rowsBefore,
    rowsAfter,
    keysAdded,
    keysRemoved,
    sampleKeysAdded,
    sampleKeysRemoved,
    matchedRows,
    changedColumns,
    columnsAdded: exists ? afterColumns.filter((column) => !beforeByName.has(column.name)).map((column) => column.name) : [],
    columnsRemoved: beforeColumns.filter((column) => !afterByName.has(column.name)).map((column) => column.name),
    typeChanges,
    duplicateKeys,
  };
}

/** The file's rows from `catalog` into a temporary table; false when its query cannot run there. */
async function exportRows(warehouse: Warehouse, file: ExportFile, catalog: string, table: string, work: string): Promise<boolean> {
  await warehouse.run(`USE ${sqlIdent(catalog)}`);
  try {
    await warehouse.run(`CREATE OR REPLACE TEMP TABLE ${table} AS ${await file.query(warehouse)}`);
    return true;
  } catch (error) {
    // a model the file reads is new (not in the working catalog yet): the file has no "before"
    if (catalog === work && /Catalog Error/i.test((error as Error).message)) return false;
    throw new Error(`plan: the rows of ${file.path} cannot be read from the rebuilt models: ${(error as Error).message}`, { cause: error });
  } finally {
    await warehouse.run(`USE ${sqlIdent(work)}`);
  }
}

async function compareExportFile(warehouse: Warehouse, file: ExportFile, via: string[], work: string, scratch: string): Promise<ExportEffect> {
  const beforeTable = 'reelhouse_plan_export_before';
  const afterTable = 'reelhouse_plan_export_after';
  try {
    const exists = await exportRows(warehouse, file, work, beforeTable, work);
    await exportRows(warehouse, file, scratch, afterTable, work);
    const columnsOf = async (table: string) => (await listColumns(warehouse, 'temp', ['main'])).filter((column) => column.table === table);
    const afterColumns = await columnsOf(afterTable);
    const beforeColumns = exists ? await columnsOf(beforeTable) : [];
    const beforeByName = new Map(beforeColumns.map((column) => [column.name, column]));
    const after = `temp.main.${afterTable}`;
    const before = `temp.main.${beforeTable}`;
    const keys = keyList('t', file.key);
    const rowsAfter = await count(warehouse, `SELECT count(*) FROM ${after}`);
    const difference = (from: string, minus: string) => `SELECT count(*) FROM (SELECT ${keys} FROM ${from} AS t EXCEPT SELECT ${keys} FROM ${minus} AS t)`;
    const effect = {
      path: file.path,
      consumer: file.consumer,
      via,
      key: file.key,
      rowsAfter,
      columnsAdded: exists ? afterColumns.filter((column) => !beforeByName.has(column.name)).map((column) => column.name) : [],
      columnsRemoved: beforeColumns.filter((column) => !afterColumns.some((other) => other.name === column.name)).map((column) => column.name),
    };
    if (!exists) {
      return { ...effect, rowsBefore: null, keysAdded: await count(warehouse, `SELECT count(*) FROM (SELECT DISTINCT ${keys} FROM ${after} AS t)`), keysRemoved: 0, matchedRows: 0, changedColumns: [] };
    }
    const common = afterColumns.filter((column) => beforeByName.has(column.name) && !file.key.includes(column.name));
    const differ = (column: CatalogColumn) => {
      const typeBefore = beforeByName.get(column.name)!.type;
      const value = (alias: string) => (typeBefore === column.type ? `${alias}.${sqlIdent(column.name)}` : `CAST(${alias}.${sqlIdent(column.name)} AS VARCHAR)`);
      return valuesDiffer(value('b'), value('a'), typeBefore === column.type ? column.type : 'VARCHAR');
    };
    const counts = common.map((column, index) => `count_if(${differ(column)}) AS c${index}`);
    const [row] = await warehouse.rows<Record<string, string>>(
      `SELECT ${['count(*) AS matched', ...counts].join(', ')} FROM ${before} AS b JOIN ${after} AS a ON ${keysMatch(file.key)}`,
    );
    const changedColumns: ColumnChange[] = [];
    common.forEach((column, index) => {
      const rows = Number(row?.[`c${index}`] ?? 0);
      if (rows > 0) changedColumns.push({ column: column.name, rows });
    });
    return {
      ...effect,
      rowsBefore: await count(warehouse, `SELECT count(*) FROM ${before}`),
      keysAdded: await count(warehouse, difference(after, before)),
      keysRemoved: await count(warehouse, difference(before, after)),
      matchedRows: Number(row?.['matched'] ?? 0),
      changedColumns,
    };
  } finally {
    await warehouse.run(`DROP TABLE IF EXISTS temp.main.${beforeTable}`);
    await warehouse.run(`DROP TABLE IF EXISTS temp.main.${afterTable}`);
  }
}

export async function plan(session: PipelineSession, options: PlanOptions = {}): Promise<PlanReport> {
  const { warehouse } = session;
  const log = options.log ?? (() => undefined);
  const models = orderModels(discoverModels(options.modelsDir ?? MODELS_DIR));
  const builds = await lastBuilds(warehouse);

  const reasons = new Map<string, ModelEffect['reason']>();
  for (const model of models) {
    const last = builds.get(model.name);
    if (!last) reasons.set(model.name, { kind: 'new' });
    else if (last.sql_hash !== model.sqlHash) reasons.set(model.name, { kind: 'changed', lastBuiltAt: last.built_at });
  }
  const toRebuild = downstreamOf(models, reasons.keys());
  for (const model of models) {
    if (reasons.has(model.name) || !toRebuild.has(model.name)) continue;
    reasons.set(model.name, { kind: 'downstream', of: model.dependsOn.filter((dep) => toRebuild.has(dep)) });
  }
  const rebuilt = models.filter((model) => toRebuild.has(model.name));
  const known = new Set(models.map((model) => model.name));
  const removedModels = [...builds.keys()].filter((name) => !known.has(name)).sort();

  const lastAsOf = options.asOf ? undefined : await lastBuildAsOf(warehouse);
  const asOfDate = options.asOf ?? lastAsOf ?? session.asOfDate;
  const asOfSource: PlanReport['asOfSource'] = options.asOf ? 'flag' : lastAsOf ? 'last build' : 'run date';
  const report = { asOfDate, asOfSource, removedModels, unchangedModels: models.length - rebuilt.length, floatTolerance: FLOAT_TOLERANCE };
  if (rebuilt.length === 0) return { ...report, models: [], exports: [] };

  const work = await currentCatalog(warehouse);
  const scratch = `reelhouse_plan_${randomUUID().slice(0, 8)}`;
  const scratchFile = temporaryPathFor(join(session.dir.root, 'plan-scratch.duckdb'));
  await warehouse.run(`ATTACH ${sqlString(scratchFile)} AS ${sqlIdent(scratch)}`);
  try {
    await warehouse.run(`USE ${sqlIdent(scratch)}`);
    try {
      const written = new Set(rebuilt.flatMap((model) => model.writes));
      await mirrorWorkingCatalog(warehouse, work, toRebuild, written, asOfDate);
      for (const model of rebuilt) {
        log(`plan: building ${model.name} in the scratch copy`);
        try {
          await warehouse.run(model.sql);
        } catch (error) {
          throw new Error(`plan: model ${model.name} fails to build: ${(error as Error).message}`, { cause: error });
        }
      }
    } finally {
      await warehouse.run(`USE ${sqlIdent(work)}`);
    }
    const effects: ModelEffect[] = [];
    for (const model of rebuilt) {
      effects.push(await compareModel(warehouse, model, reasons.get(model.name)!, work, scratch, options.sampleSize ?? 5));
    }
    const exports: ExportEffect[] = [];
    for (const file of exportFiles(session.config, asOfDate)) {
      const via = file.reads.filter((name) => toRebuild.has(name));
      if (via.length === 0) continue;
      log(`plan: comparing ${file.path}`);
      exports.push(await compareExportFile(warehouse, file, via, work, scratch));
    }
    return { ...report, models: effects, exports };
  } finally {
    await warehouse.run(`DETACH ${sqlIdent(scratch)}`).catch(() => undefined);
    rmSync(scratchFile, { force: true });
    rmSync(`${scratchFile}.wal`, { force: true });
  }
}

/** `pipeline plan [--output FILE]`: the Markdown on stdout (progress on stderr), and in FILE when given. */
export async function planCommand(session: PipelineSession, options: PlanOptions & { output?: string }): Promise<PlanReport> {
  const { renderPlanMarkdown } = await import('./plan-markdown.ts');
  const report = await plan(session, { log: (line) => console.error(line), ...options });
  const markdown = renderPlanMarkdown(report);
  process.stdout.write(markdown);
  if (options.output) await writeFileAtomically(options.output, markdown);
  return report;
}
