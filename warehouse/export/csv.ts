import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { writeAtomically } from '../atomic-file.ts';
import { sqlIdent, sqlString, type Warehouse } from '../duckdb.ts';
import { crashPoint } from '../crash-point.ts';

/**
 * RFC 4180 CSV (UTF-8, header row, CRLF, quoted where needed) straight from a DuckDB query, written
 * atomically. Text cells that a spreadsheet would run as a formula (starting with = + - @, or a tab or
 * carriage return) get a leading apostrophe, the OWASP-recommended neutralisation.
 */

export interface WrittenFile {
  readonly path: string;
  readonly rows: number;
  readonly bytes: number;
  readonly sha256: string;
}

const FORMULA_START = `'^[=+\\-@\\t\\r]'`;

/** Wraps every text column of `query` so formula-looking cells are neutralised; other types pass through. */
export async function formulaSafeQuery(warehouse: Warehouse, query: string): Promise<string> {
  const columns = await warehouse.rows<{ column_name: string; column_type: string }>(`DESCRIBE (${query})`);
  const select = columns.map(({ column_name, column_type }) => {
    const column = sqlIdent(column_name);
    if (column_type !== 'VARCHAR') return column;
    return `CASE WHEN regexp_matches(${column}, ${FORMULA_START}) THEN '''' || ${column} ELSE ${column} END AS ${column}`;
  });
  return `SELECT ${select.join(', ')} FROM (${query}) AS export_source`;
}

export function fileFacts(path: string, rows: number): WrittenFile {
  return {
    path,
    rows,
    bytes: statSync(path).size,
    sha256: createHash('sha256').update(readFileSync(path)).digest('hex'),
  };
}

/** A JSON array of already-serialised items, one per line (`[]` when there are none). */
export function jsonArrayText(items: readonly string[]): string {
  return items.length === 0 ? '[]\n' : `[\n${items.join(',\n')}\n]\n`;
}

/** Writes the rows of `query` (keep its ORDER BY: byte-identical exports need a total order) to `target`. */
export async function writeCsv(warehouse: Warehouse, query: string, target: string): Promise<WrittenFile> {
  const safe = await formulaSafeQuery(warehouse, query);
  const rows = await writeAtomically(target, async (temporary) => {
    await warehouse.run(`COPY (${safe}) TO ${sqlString(temporary)} (FORMAT csv, HEADER true, DELIMITER ',', QUOTE '"', NEW_LINE '\r\n')`);
    crashPoint('export:temp-written');
    return Number(await warehouse.scalar(`SELECT count(*) FROM (${query}) AS counted`));
  });
  crashPoint('export:renamed');
  return fileFacts(target, rows);
}

/** Writes the rows of `query` to a Parquet file, atomically. */
export async function writeParquet(warehouse: Warehouse, query: string, target: string): Promise<WrittenFile> {
  const rows = await writeAtomically(target, async (temporary) => {
    await warehouse.run(`COPY (${query}) TO ${sqlString(temporary)} (FORMAT parquet, COMPRESSION zstd)`);
    return Number(await warehouse.scalar(`SELECT count(*) FROM read_parquet(${sqlString(temporary)})`));
  });
  return fileFacts(target, rows);
}
