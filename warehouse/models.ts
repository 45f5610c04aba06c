import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import type { Warehouse } from './duckdb.ts';
import { crashPoint } from './crash-point.ts';
import { BUILD_STATE_TABLE, buildIncremental, incrementalParts, scopeQuery, type IncrementalOutcome } from './incremental-build.ts';
import { parseModelHeader, type ModelHeader } from './model-header.ts';

/**
 * Models are plain SQL files, one table each: models/<layer>/<table>.sql builds <layer>.<table>.
 * Each declares in its header what it is (warehouse/model-header.ts, docs/models.md): a view or a
 * table runs as the file says; an incremental model's materialisation is the runner's
 * (warehouse/incremental-build.ts). Dependencies are read from the SQL itself (every schema-qualified
 * name it mentions, its scope query's too) plus those the header declares, so there is no hand-kept
 * list to drift from the code.
 */

export const MODEL_LAYERS = ['staging', 'intermediate', 'marts'] as const;
const SOURCE_SCHEMAS = ['raw', 'meta', ...MODEL_LAYERS];
export const MODELS_DIR = join(import.meta.dirname, '..', 'models');

export interface Model {
  /** schema.table, e.g. marts.video_cache */
  readonly name: string;
  readonly layer: (typeof MODEL_LAYERS)[number];
  readonly file: string;
  readonly sql: string;
  /** sha256 of the file's text: the model's version. */
  readonly sqlHash: string;
  /** Other models this one reads, by name. */
  readonly dependsOn: readonly string[];
  /** Tables outside the models (raw.*, meta.*) this one reads. */
  readonly sources: readonly string[];
  /** Tables outside the models this one also writes (bookkeeping, e.g. meta.engagement_build_state). */
  readonly writes: readonly string[];
  /** What the header declares: kind, grain, and for an incremental model key, scope and slices. */
  readonly header: ModelHeader;
}

/** Removes comments and string literals so that names inside them are not taken as dependencies. */
function stripCommentsAndStrings(sql: string): string {
  return sql
    .replace(/\/\*[\s\S]*?\*\//g, ' ')
    .replace(/--[^\n]*/g, ' ')
    .replace(/'(?:[^']|'')*'/g, "''");
}

export function referencedTables(sql: string): string[] {
  const pattern = new RegExp(`\\b(${SOURCE_SCHEMAS.join('|')})\\.("?)([a-z_][a-z0-9_]*)\\2`, 'gi');
  const found = new Set<string>();
  for (const match of stripCommentsAndStrings(sql).matchAll(pattern)) {
    found.add(`${match[1]!.toLowerCase()}.${match[3]!.toLowerCase()}`);
  }
  return [...found].sort();
}

/** Tables the SQL changes rows of: INSERT [OR REPLACE | OR IGNORE] INTO, DELETE FROM, UPDATE. */
export function writtenTables(sql: string): string[] {
  const pattern = new RegExp(
    `\\b(?:INSERT(?:\\s+OR\\s+(?:REPLACE|IGNORE))?\\s+INTO|DELETE\\s+FROM|UPDATE)\\s+(${SOURCE_SCHEMAS.join('|')})\\.("?)([a-z_][a-z0-9_]*)\\2`,
    'gi',
  );
  const found = new Set<string>();
  for (const match of stripCommentsAndStrings(sql).matchAll(pattern)) {
    found.add(`${match[1]!.toLowerCase()}.${match[3]!.toLowerCase()}`);
  }
  return [...found].sort();
}

export function discoverModels(modelsDir = MODELS_DIR): Model[] {
  const files: Array<{ layer: Model['layer']; file: string }> = [];
  for (const layer of MODEL_LAYERS) {
    let entries: string[] = [];
    try {
      entries = readdirSync(join(modelsDir, layer));
    } catch {
      continue;
    }
    for (const entry of entries.filter((name) => name.endsWith('.sql')).sort()) {
      files.push({ layer, file: join(modelsDir, layer, entry) });
    }
  }
  const names = new Set(files.map(({ layer, file }) => `${layer}.${basename(file, '.sql')}`));
  const read = files.map(({ layer, file }) => {
    const sql = readFileSync(file, 'utf8');
    const name = `${layer}.${basename(file, '.sql')}`;
    const where = relative(process.cwd(), file);
    const parsed = parseModelHeader(sql, where);
    // The scope path is relative to the folder that holds models/; a models tree copied elsewhere (a
    // plan of edited models) without its scope queries reads the project's.
    const besideModels = parsed.incremental === undefined ? undefined : join(modelsDir, '..', parsed.incremental.scope);
    const header: ModelHeader = parsed.incremental === undefined || besideModels === undefined || !existsSync(besideModels)
      ? parsed
      : { ...parsed, incremental: { ...parsed.incremental, scopeFile: besideModels } };
    checkStatementMatchesKind(name, sql, header, where);
    // An incremental model's outputs beside its own table and its bookkeeping are written by the runner.
    const writes = header.incremental === undefined
      ? writtenTables(sql)
      : [...incrementalParts(name, sql, where).outputs.map((output) => output.table), BUILD_STATE_TABLE, ...header.incremental.consumes];
    const readSql = header.incremental === undefined ? sql : `${sql}\n${scopeQuery(header.incremental)}`;
    return { name, layer, file, sql, readSql, header, writes: [...new Set(writes)].filter((table) => table !== name && !names.has(table)).sort() };
  });
  // A table a model writes beside its own (e.g. intermediate.user_video_daily_watch) is that model's
  // output too: a model reading it depends on the model that writes it.
  const writers = new Map(read.flatMap((model) => model.writes.map((table) => [table, model.name] as const)));
  return read.map(({ name, layer, file, sql, readSql, header, writes }) => {
    const referenced = [...new Set([...referencedTables(readSql), ...header.dependsOn])].filter((table) => table !== name).sort();
    const writtenByOthers = referenced.map((table) => writers.get(table)).filter((writer): writer is string => writer !== undefined && writer !== name);
    return Object.freeze({
      name,
      layer,
      file,
      sql,
      sqlHash: createHash('sha256').update(sql).digest('hex'),
      dependsOn: [...new Set([...referenced.filter((table) => names.has(table)), ...writtenByOthers])].sort(),
      sources: referenced.filter((table) => !names.has(table)),
      writes,
      header,
    });
  });
}

/** A view model creates its view, a table or incremental model its table: the header and the SQL agree. */
function checkStatementMatchesKind(name: string, sql: string, header: ModelHeader, where: string): void {
  if (!header.declared) return;
  const object = header.kind === 'view' ? 'VIEW' : 'TABLE';
  const creates = new RegExp(`^\\s*CREATE\\s+OR\\s+REPLACE\\s+${object}\\s+${name.replace('.', '\\.')}\\s+AS\\b`, 'im');
  if (!creates.test(stripCommentsAndStrings(sql))) {
    throw new Error(`${where}: a model of kind ${header.kind} must contain "CREATE OR REPLACE ${object} ${name} AS ..." (docs/models.md)`);
  }
}

/** Dependency order (Kahn), ties broken by layer then name so the order is stable across runs. */
export function orderModels(models: readonly Model[]): Model[] {
  const byName = new Map(models.map((model) => [model.name, model]));
  const remaining = new Map(models.map((model) => [model.name, new Set(model.dependsOn.filter((d) => byName.has(d)))]));
  const rank = (model: Model) => `${MODEL_LAYERS.indexOf(model.layer)}:${model.name}`;
  const ordered: Model[] = [];
  while (remaining.size > 0) {
    const ready = [...remaining.entries()]
      .filter(([, deps]) => deps.size === 0)
      .map(([name]) => byName.get(name)!)
      .sort((a, b) => rank(a).localeCompare(rank(b)));
    if (ready.length === 0) {
      throw new Error(`Models depend on each other in a cycle: ${[...remaining.keys()].join(', ')}`);
    }
    const next = ready[0]!;
    ordered.push(next);
    remaining.delete(next.name);
    for (const deps of remaining.values()) deps.delete(next.name);
  }
  return ordered;
}

/** The models a model feeds, directly or through others. */
export function downstreamOf(models: readonly Model[], names: Iterable<string>): Set<string> {
  const result = new Set(names);
  let grew = true;
  while (grew) {
    grew = false;
    for (const model of models) {
      if (!result.has(model.name) && model.dependsOn.some((dep) => result.has(dep))) {
        result.add(model.name);
        grew = true;
      }
    }
  }
  return result;
}

/** The models a model reads, directly or through others. */
export function upstreamOf(models: readonly Model[], names: Iterable<string>): Set<string> {
  const byName = new Map(models.map((model) => [model.name, model]));
  const result = new Set(names);
  const pending = [...result];
  while (pending.length > 0) {
    for (const dependency of byName.get(pending.pop()!)?.dependsOn ?? []) {
      if (!result.has(dependency)) {
        result.add(dependency);
        pending.push(dependency);
      }
    }
  }
  return result;
}

/**
 * Resolves a --select expression (dbt's graph operators): `marts.video_cache` (or just `video_cache`)
 * builds that model; a trailing `+` adds everything downstream of it, a leading `+` everything it
 * reads. Several may be given, separated by commas or spaces.
 */
export function selectModels(models: readonly Model[], selector?: string): Model[] {
  const ordered = orderModels(models);
  if (!selector || selector.trim() === '') return ordered;
  const chosen = new Set<string>();
  for (const part of selector.split(/[\s,]+/).filter(Boolean)) {
    const withUpstream = part.startsWith('+');
    const withDownstream = part.endsWith('+');
    const bare = part.slice(withUpstream ? 1 : 0, withDownstream ? -1 : undefined);
    const matches = models.filter((model) => model.name === bare || model.name.split('.')[1] === bare);
    if (matches.length === 0) {
      const known = models.map((model) => model.name).join(', ');
      throw new Error(`No model named "${bare}". Known models: ${known}`);
    }
    const names = matches.map((model) => model.name);
    const selected = new Set(names);
    if (withUpstream) for (const name of upstreamOf(models, names)) selected.add(name);
    if (withDownstream) for (const name of downstreamOf(models, names)) selected.add(name);
    for (const name of selected) chosen.add(name);
  }
  return ordered.filter((model) => chosen.has(model.name));
}

export interface ModelBuild {
  readonly model: string;
  readonly rowCount: number;
  readonly seconds: number;
  /** How an incremental model was built (full or incremental, scope, slices). */
  readonly incremental?: IncrementalOutcome;
}

/**
 * Builds the models in order, each in its own transaction so a crash never leaves half a model, and
 * records hash, rows and seconds in meta.model_builds.
 */
export async function buildModels(
  warehouse: Warehouse,
  models: readonly Model[],
  runId: string,
  onBuilt: (build: ModelBuild) => void = () => undefined,
): Promise<ModelBuild[]> {
  const builds: ModelBuild[] = [];
  for (const model of models) {
    const started = performance.now();
    let rowCount = 0;
    let incremental: IncrementalOutcome | undefined;
    try {
      await warehouse.transaction(async () => {
        if (model.header.incremental === undefined) {
          await warehouse.run(model.sql);
        } else {
          incremental = await buildIncremental(warehouse, { ...model, spec: model.header.incremental });
        }
        rowCount = Number(await warehouse.scalar<string | number>(`SELECT count(*) FROM ${model.name}`));
        const seconds = (performance.now() - started) / 1000;
        await warehouse.run(
          `INSERT INTO meta.model_builds (run_id, model, sql_hash, row_count, seconds, built_at, as_of_date)
           VALUES ($1, $2, $3, $4, $5, now()::TIMESTAMP, TRY_CAST(meta.setting('as_of_date') AS DATE))`,
          [runId, model.name, model.sqlHash, rowCount, seconds],
        );
        crashPoint('build:model-uncommitted');
      });
      crashPoint('build:model-committed');
    } catch (error) {
      const where = relative(process.cwd(), model.file);
      throw new Error(`Model ${model.name} (${where}) failed: ${(error as Error).message}`, { cause: error });
    }
    const build: ModelBuild = { model: model.name, rowCount, seconds: (performance.now() - started) / 1000, ...(incremental === undefined ? {} : { incremental }) };
    builds.push(build);
    onBuilt(build);
  }
  return builds;
}
