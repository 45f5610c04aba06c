import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { openWarehouse, type Warehouse } from './duckdb.ts';

/**
 * The analysts' questions: every sql/analyses/<name>.sql is one SELECT on the published file
 * (reelhouse.duckdb: the marts and meta.*), runnable as is in the DuckDB CLI. Its header says the
 * question (`-- Question:`), the grain of the answer (`-- Grain:`) and the tables it reads (`-- Reads:`).
 *
 * `pipeline analyze` and `pipeline query` only ever open the published file, read-only: never the working
 * file a run holds, and never the data dir lock, so they neither wait for a run nor block one (a publish
 * renames a new file over the one they read; they keep reading the one they opened).
 */

export const ANALYSES_DIR = join(import.meta.dirname, '..', 'sql', 'analyses');

export interface Analysis {
  readonly name: string;
  readonly file: string;
  readonly sql: string;
  readonly question: string;
  readonly grain: string;
  readonly reads: readonly string[];
}

export interface QueryResult {
  readonly columns: readonly string[];
  /** Numbers for numeric columns (integers as numbers while exact, else strings), dates as YYYY-MM-DD, NULL as null. */
  readonly rows: ReadonlyArray<Record<string, unknown>>;
}

export const OUTPUT_FORMATS = ['table', 'csv', 'json', 'md'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

/** The header fields of an analysis: `-- Field: text` lines, a field's text continuing on indented `--   ` lines. */
function headerFields(text: string): Map<string, string> {
  const fields = new Map<string, string>();
  let current: string | undefined;
  for (const line of text.split(/\r?\n/)) {
    if (!line.startsWith('--')) break;
    const body = line.slice(2);
    const field = /^\s*([A-Za-z]+):\s*(.*)$/.exec(body);
    if (field && !/^\s{2,}/.test(body)) {
      current = field[1]!.toLowerCase();
      fields.set(current, field[2]!.trim());
    } else if (current && /^\s{2,}\S/.test(body)) {
      fields.set(current, `${fields.get(current)} ${body.trim()}`);
    } else {
      current = undefined;
    }
  }
  return fields;
}

export function readAnalysis(file: string): Analysis {
  const text = readFileSync(file, 'utf8');
  const fields = headerFields(text);
  const missing = ['question', 'grain', 'reads'].filter((field) => !fields.get(field));
  if (missing.length > 0) {
    throw new Error(`Analysis ${file}: its header lacks ${missing.map((field) => `-- ${field[0]!.toUpperCase()}${field.slice(1)}:`).join(', ')}`);
  }
  return {
    name: basename(file, '.sql'),
    file,
    // one statement, run inside nothing: only the trailing semicolon goes (the CLI wants it, we do not)
    sql: text.trim().replace(/;\s*$/, ''),
    question: fields.get('question')!,
    grain: fields.get('grain')!,
    reads: fields.get('reads')!.split(',').map((table) => table.trim()).filter(Boolean),
  };
}

/** Every analysis in sql/analyses, by name. */
export function listAnalyses(analysesDir = ANALYSES_DIR): Analysis[] {
  return readdirSync(analysesDir)
    .filter((entry) => entry.endsWith('.sql'))
    .sort()
    .map((entry) => readAnalysis(join(analysesDir, entry)));
}

export function findAnalysis(name: string, analysesDir = ANALYSES_DIR): Analysis {
  const analyses = listAnalyses(analysesDir);
  const found = analyses.find((analysis) => analysis.name === name || `${analysis.name}.sql` === name);
  if (!found) {
    throw new Error(`No analysis named "${name}". Known analyses: ${analyses.map((analysis) => analysis.name).join(', ')} (pipeline analyze --list)`);
  }
  return found;
}

/** Opens the published file read-only; a clear error when nothing was published yet. */
export async function openPublished(publishedPath: string): Promise<Warehouse> {
  if (!existsSync(publishedPath)) {
    throw new Error(
      `No published warehouse at ${publishedPath}: a run publishes it once its build and checks pass ` +
        '(npx tsx pipeline.ts run, or run --demo). Give the data dir that holds it with --data-dir.',
    );
  }
  return openWarehouse(publishedPath, { readOnly: true });
}

const NUMERIC_TYPES = /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|UHUGEINT|FLOAT|DOUBLE|DECIMAL)/;

function jsonValue(value: unknown, numeric: boolean): unknown {
  if (numeric && typeof value === 'string') {
    const number = Number(value);
    // an integer beyond 2^53 (or a DECIMAL with more digits than a double holds) stays exact, as text
    if (Number.isFinite(number) && (Number.isSafeInteger(number) || !/^-?\d+$/.test(value))) return number;
  }
  return value;
}

/** Runs one SELECT on an open warehouse: column names (also without rows) and the rows. */
export async function runSelect(warehouse: Warehouse, sql: string): Promise<QueryResult> {
  const reader = await warehouse.connection.runAndReadAll(sql);
  const columns = reader.columnNames();
  const numeric = reader.columnTypes().map((type) => NUMERIC_TYPES.test(type.toString()));
  const rows = reader.getRowObjectsJson().map((row) =>
    Object.fromEntries(columns.map((column, index) => [column, jsonValue(row[column], numeric[index]!)])),
  );
  return { columns, rows };
}

/** Runs a query on the published file, read-only, and closes it. */
export async function queryPublished(publishedPath: string, sql: string): Promise<QueryResult> {
  const warehouse = await openPublished(publishedPath);
  try {
    return await runSelect(warehouse, sql);
  } finally {
    warehouse.close();
  }
}

/** Runs the analysis `name` (sql/analyses/<name>.sql) on the published file at `publishedPath`. */
export async function runAnalysis(name: string, publishedPath: string, analysesDir = ANALYSES_DIR): Promise<QueryResult> {
  const analysis = findAnalysis(name, analysesDir);
  try {
    return await queryPublished(publishedPath, analysis.sql);
  } catch (error) {
    if ((error as Error).message.startsWith('No published warehouse')) throw error;
    throw new Error(`Analysis ${analysis.name} (${analysis.file}) failed: ${(error as Error).message}`, { cause: error });
  }
}

function text(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

function csvField(value: unknown): string {
  const cell = text(value);
  return /[",\r\n]/.test(cell) ? `"${cell.replaceAll('"', '""')}"` : cell;
}

/** The result as text: an aligned table (NULL shown as NULL), CSV (RFC 4180, CRLF), JSON (an array of objects) or Markdown. */
export function formatResult(result: QueryResult, format: OutputFormat = 'table'): string {
  const { columns, rows } = result;
  switch (format) {
    case 'json':
      return `${JSON.stringify(rows, null, 2)}\n`;
    case 'csv':
      return [columns.map(csvField).join(','), ...rows.map((row) => columns.map((column) => csvField(row[column])).join(','))]
        .map((line) => `${line}\r\n`)
        .join('');
    case 'md': {
      const cell = (value: unknown) => text(value).replaceAll('|', '\\|').replace(/\r?\n/g, ' ');
      const lines = [
        `| ${columns.map(cell).join(' | ')} |`,
        `|${columns.map(() => '---').join('|')}|`,
        ...rows.map((row) => `| ${columns.map((column) => cell(row[column])).join(' | ')} |`),
      ];
      return `${lines.join('\n')}\n`;
    }
    case 'table': {
      const cells = rows.map((row) => columns.map((column) => (row[column] === null ? 'NULL' : text(row[column]).replace(/\r?\n/g, ' '))));
      const widths = columns.map((column, index) => Math.max(column.length, ...cells.map((line) => line[index]!.length)));
      const numericColumn = columns.map((column) => rows.length > 0 && rows.every((row) => row[column] === null || typeof row[column] === 'number'));
      const pad = (value: string, index: number) => (numericColumn[index] ? value.padStart(widths[index]!) : value.padEnd(widths[index]!));
      const lines = [
        columns.map(pad).join('  ').trimEnd(),
        widths.map((width) => '-'.repeat(width)).join('  '),
        ...cells.map((line) => line.map(pad).join('  ').trimEnd()),
        `(${rows.length} row${rows.length === 1 ? '' : 's'})`,
      ];
      return `${lines.join('\n')}\n`;
    }
  }
}

export function assertOutputFormat(format: string): OutputFormat {
  if ((OUTPUT_FORMATS as readonly string[]).includes(format)) return format as OutputFormat;
  throw new Error(`--format must be one of ${OUTPUT_FORMATS.join(', ')}, got "${format}"`);
}
