/**
 * A model's header: what the runner needs to know about it, declared in SQL comments at the top of
 * the file so that the file still runs as is in the DuckDB CLI (docs/models.md):
 *
 *   -- marts.video_cache: what the table is (prose)
 *   -- kind: table
 *   -- grain: account_id, video_id
 *   -- Why: ... (prose again)
 *
 * The declarations are one block of `-- <key>: <value>` lines that starts at the `-- kind:` line and
 * ends at the first line that is not such a declaration. Inside the block every key must be known
 * (a misspelt key is an error, not a silently ignored line). Every model of models/ has one; a file
 * without a `-- kind:` line (a test's throwaway model) is taken as its CREATE statement says.
 *
 * Keys:
 *   kind         view | table | incremental (required)
 *   grain        the columns that name one row, comma-separated (required)
 *   depends_on   models read in a way the SQL does not show, comma-separated (optional)
 * incremental only:
 *   key          the columns rows are deleted and inserted by (default: the grain)
 *   scope        a file of the repository holding a query that returns the keys to rebuild
 *   input        the named step (CTE) the runner restricts to the scope and to a slice
 *   narrow       a column of the input step: an incremental build reads the input rows whose value
 *                of it occurs among the input rows of the scope's keys (optional)
 *   slices       `<column>, <n | setting <name>> rows each, at most <m>` (optional): the input in
 *                ranges of the column, about n rows each, built one after the other
 *   consumes     a table of work to do (e.g. pending streams) the runner empties after a build
 */

export const MODEL_KINDS = ['view', 'table', 'incremental'] as const;
export type ModelKind = (typeof MODEL_KINDS)[number];

export interface SliceSpec {
  /** Column of the input step whose ranges are the slices. */
  readonly column: string;
  /** Rows per slice: a number, or the name of a setting (meta.setting) that holds it. */
  readonly rowsPerSlice: number | { readonly setting: string };
  readonly maxSlices: number;
}

export interface IncrementalSpec {
  readonly key: readonly string[];
  /** Path of the scope query, relative to the folder that holds models/ (the repository root). */
  readonly scope: string;
  /** The scope query's file, resolved (discoverModels sets it). */
  readonly scopeFile?: string;
  readonly input: string;
  readonly narrow?: string;
  readonly slices?: SliceSpec;
  readonly consumes: readonly string[];
}

export interface ModelHeader {
  /** false for a file without a `-- kind:` line (test fixtures): kind from its statement, no grain. */
  readonly declared: boolean;
  readonly kind: ModelKind;
  readonly grain: readonly string[];
  readonly dependsOn: readonly string[];
  readonly incremental?: IncrementalSpec;
}

const COMMON_KEYS = ['kind', 'grain', 'depends_on'] as const;
const INCREMENTAL_KEYS = ['key', 'scope', 'input', 'narrow', 'slices', 'consumes'] as const;
const KNOWN_KEYS: readonly string[] = [...COMMON_KEYS, ...INCREMENTAL_KEYS];

const DECLARATION = /^--\s*([a-z][a-z_]*)\s*:\s*(.*?)\s*$/;
const IDENTIFIER = /^[a-z_][a-z0-9_]*$/;
const TABLE_NAME = /^[a-z_][a-z0-9_]*\.[a-z_][a-z0-9_]*$/;

export class ModelHeaderError extends Error {
  constructor(where: string, problem: string) {
    super(`${where}: bad model header: ${problem} (see docs/models.md)`);
    this.name = 'ModelHeaderError';
  }
}

/** The comment lines before the first statement (block comments included). */
export function headerComment(sql: string): string {
  const lines: string[] = [];
  let inBlock = false;
  for (const line of sql.split('\n')) {
    const trimmed = line.trim();
    if (inBlock) {
      lines.push(trimmed);
      if (trimmed.includes('*/')) inBlock = false;
    } else if (trimmed.startsWith('--') || trimmed === '') {
      lines.push(trimmed);
    } else if (trimmed.startsWith('/*')) {
      lines.push(trimmed);
      inBlock = !trimmed.includes('*/');
    } else {
      break;
    }
  }
  return lines.join('\n');
}

/** The declared `key: value` pairs of the header block, in order. */
function declarations(sql: string, where: string): Map<string, string> | undefined {
  const lines = headerComment(sql).split('\n');
  const start = lines.findIndex((line) => /^--\s*kind\s*:/.test(line));
  if (start < 0) return undefined;
  const found = new Map<string, string>();
  for (const line of lines.slice(start)) {
    const match = DECLARATION.exec(line);
    if (!match) break;
    const [, key, value] = match as unknown as [string, string, string];
    if (!KNOWN_KEYS.includes(key)) {
      throw new ModelHeaderError(where, `unknown key "${key}" (known: ${KNOWN_KEYS.join(', ')})`);
    }
    if (found.has(key)) throw new ModelHeaderError(where, `"${key}" is declared twice`);
    if (value === '') throw new ModelHeaderError(where, `"${key}" has no value`);
    found.set(key, value);
  }
  return found;
}

function columnList(value: string, key: string, where: string, pattern = IDENTIFIER): string[] {
  const items = value.split(',').map((item) => item.trim());
  for (const item of items) {
    if (!pattern.test(item)) {
      throw new ModelHeaderError(where, `"${key}" must be a comma-separated list of ${pattern === IDENTIFIER ? 'column names' : 'schema.table names'}; "${item}" is not one`);
    }
  }
  if (new Set(items).size !== items.length) throw new ModelHeaderError(where, `"${key}" names a column twice`);
  return items;
}

const SLICES = /^([a-z_][a-z0-9_]*)\s*,\s*(?:(\d+)|setting\s+([a-z_][a-z0-9_]*))\s+rows each\s*,\s*at most\s+(\d+)$/;

function sliceSpec(value: string, where: string): SliceSpec {
  const match = SLICES.exec(value);
  if (!match) {
    throw new ModelHeaderError(where, `"slices" must read "<column>, <n | setting <name>> rows each, at most <m>", not "${value}"`);
  }
  const [, column, rows, setting, most] = match as unknown as [string, string, string | undefined, string | undefined, string];
  const maxSlices = Number(most);
  if (maxSlices < 1) throw new ModelHeaderError(where, '"slices" needs at most 1 or more slices');
  if (rows !== undefined && Number(rows) < 1) throw new ModelHeaderError(where, '"slices" needs 1 or more rows each');
  return { column, rowsPerSlice: rows !== undefined ? Number(rows) : { setting: setting! }, maxSlices };
}

/** Parses and checks a model's header; `where` names the file in errors. */
export function parseModelHeader(sql: string, where: string): ModelHeader {
  const declared = declarations(sql, where);
  if (declared === undefined) {
    // Every model of models/ declares its header (tests/warehouse/model-header.test.ts); a file
    // without one is read as its statement says, with no grain (the first column stands in for it).
    const kind: ModelKind = /^\s*CREATE\s+(?:OR\s+REPLACE\s+)?VIEW\b/im.test(sql) ? 'view' : 'table';
    return Object.freeze({ declared: false, kind, grain: [], dependsOn: [] });
  }
  const kind = declared.get('kind')!;
  if (!(MODEL_KINDS as readonly string[]).includes(kind)) {
    throw new ModelHeaderError(where, `kind "${kind}" is not one of ${MODEL_KINDS.join(', ')}`);
  }
  const grainText = declared.get('grain');
  if (grainText === undefined) throw new ModelHeaderError(where, 'no `-- grain:` line (the columns that name one row)');
  const grain = columnList(grainText, 'grain', where);
  const dependsOnText = declared.get('depends_on');
  const dependsOn = dependsOnText === undefined ? [] : columnList(dependsOnText, 'depends_on', where, TABLE_NAME);

  if (kind !== 'incremental') {
    const misplaced = INCREMENTAL_KEYS.filter((key) => declared.has(key));
    if (misplaced.length > 0) {
      throw new ModelHeaderError(where, `${misplaced.join(', ')} only apply to kind incremental, not ${kind}`);
    }
    return Object.freeze({ declared: true, kind: kind as ModelKind, grain, dependsOn });
  }
  for (const required of ['scope', 'input'] as const) {
    if (!declared.has(required)) throw new ModelHeaderError(where, `an incremental model needs "${required}"`);
  }
  const input = declared.get('input')!;
  if (!IDENTIFIER.test(input)) throw new ModelHeaderError(where, `"input" must name one step (CTE), not "${input}"`);
  const narrow = declared.get('narrow');
  if (narrow !== undefined && !IDENTIFIER.test(narrow)) throw new ModelHeaderError(where, `"narrow" must name one column, not "${narrow}"`);
  const slicesText = declared.get('slices');
  const consumesText = declared.get('consumes');
  const incremental: IncrementalSpec = Object.freeze({
    key: declared.has('key') ? columnList(declared.get('key')!, 'key', where) : grain,
    scope: declared.get('scope')!,
    input,
    ...(narrow === undefined ? {} : { narrow }),
    ...(slicesText === undefined ? {} : { slices: sliceSpec(slicesText, where) }),
    consumes: consumesText === undefined ? [] : columnList(consumesText, 'consumes', where, TABLE_NAME),
  });
  return Object.freeze({ declared: true, kind: 'incremental', grain, dependsOn, incremental });
}
