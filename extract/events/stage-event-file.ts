import { isUtf8 } from 'node:buffer';
import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { parse } from 'csv-parse';
import { sqlIdent, sqlString, type Warehouse } from '../../warehouse/duckdb.ts';
import { EVENT_FIELDS, EVENT_FIELD_NAMES, sourceColumnFor, type EventField } from './event-fields.ts';

/**
 * Makes one source file readable as staged rows: every field as text, with the line (NDJSON, CSV) or row
 * (Parquet) number, the row as read (`raw_source`: the text, or the Parquet row), and `parse_error`
 * when the row could not be read at all. Nothing is validated here; sql/events/classify-rows.sql
 * decides what is accepted. NDJSON lines are read by DuckDB (vectorised) into the temporary table
 * `ingest_lines`, and its staged rows are a query that parses them; CSV goes through csv-parse, which
 * knows the line of every record, including a malformed one, into the temporary table `ingest_rows`. A
 * Parquet file is not copied at all: its staged rows are a query over the file. Either query is read
 * once by the classification.
 */

export type EventFileFormat = 'ndjson' | 'csv' | 'parquet';

const STAGED_COLUMNS = ['source_row BIGINT', 'raw_text VARCHAR', 'parse_error VARCHAR', ...EVENT_FIELD_NAMES.map((f) => `${f} VARCHAR`)];

export function formatOf(path: string): EventFileFormat | undefined {
  const lower = path.toLowerCase();
  if (/\.(ndjson|jsonl|json)(\.gz)?$/.test(lower)) return 'ndjson';
  if (/\.csv(\.gz)?$/.test(lower)) return 'csv';
  if (lower.endsWith('.parquet')) return 'parquet';
  return undefined;
}

/**
 * The text of an event file, decompressed when its name ends in .gz, so every reader here sees the same
 * lines whether the file was gzipped or not (DuckDB's own readers decompress .gz by name). A .gz that is
 * not gzip fails the whole file, naming it, never as rows of mangled bytes.
 */
function openEventFile(path: string): Readable {
  const file = createReadStream(path);
  if (!path.toLowerCase().endsWith('.gz')) return file;
  const gunzip = createGunzip();
  file.on('error', (error) => gunzip.destroy(error));
  gunzip.on('error', () => file.destroy());
  return file.pipe(gunzip);
}

/** The chunks of openEventFile, with a decompression error that names the file (zlib does not). */
async function* decompressedChunks(path: string): AsyncIterable<Buffer> {
  try {
    yield* openEventFile(path) as AsyncIterable<Buffer>;
  } catch (error) {
    if (!((error as NodeJS.ErrnoException).code ?? '').startsWith('Z_')) throw error;
    throw new Error(`${path} is named .gz but is not a readable gzip file (${(error as Error).message}); fix or rename it and ingest again`);
  }
}

/** Where classify-rows.sql reads a file's staged rows from. */
export interface StagedRows {
  /** A relation (table name or parenthesised query) with source_row, raw_source, parse_error and the fields as text. */
  readonly relation: string;
  /** The SQL expression that gives the raw text of a row from its raw_source. */
  readonly rawText: string;
}

const TABLE_STAGED: StagedRows = {
  relation: '(SELECT * RENAME (raw_text AS raw_source) FROM ingest_rows)',
  rawText: 'raw_source',
};

export async function stageEventFile(warehouse: Warehouse, path: string, format: EventFileFormat): Promise<StagedRows> {
  if (format === 'parquet') return stageParquet(warehouse, path);
  if (format === 'ndjson') return stageNdjson(warehouse, path);
  await warehouse.run(`CREATE OR REPLACE TEMP TABLE ingest_rows (${STAGED_COLUMNS.join(', ')})`);
  await stageCsv(warehouse, path);
  return TABLE_STAGED;
}

/** The temp tables staging leaves for the classification; dropped once it is done with them. */
export const STAGING_TABLES = ['ingest_rows', 'ingest_lines', 'ingest_invalid_lines'] as const;

/**
 * NDJSON: each line read as one text value (a delimiter that valid JSON never holds raw) into
 * temp.ingest_lines; the staged rows are a query that parses them, read once by the classification
 * (parsing into a second table cost as much as the parse: docs/benchmarks.md).
 */
async function stageNdjson(warehouse: Warehouse, path: string): Promise<StagedRows> {
  const unitSeparator = String.fromCharCode(31);
  // A temp table keeps file order in its rowid, which gives the line number (blank lines stay as NULL rows).
  let invalidLines: number[] = [];
  try {
    await warehouse.run(`
      CREATE OR REPLACE TEMP TABLE ingest_lines AS
      SELECT line FROM read_csv(${sqlString(path)}, columns = {'line': 'VARCHAR'}, header = false,
        delim = ${sqlString(unitSeparator)}, quote = '', escape = '', auto_detect = false,
        max_line_size = 16777216, buffer_size = 67108864, strict_mode = false)`);
  } catch (error) {
    // Bytes that are not UTF-8 (a Latin-1 line, binary garbage, Parquet named .ndjson) or a line over
    // 16 MiB stop DuckDB's reader for the whole file; read it line by line instead so only those lines fail.
    if (!/CSV Error|unicode|line size/i.test((error as Error).message)) throw error;
    invalidLines = await readLinesLeniently(warehouse, path);
  }
  await warehouse.run(
    `CREATE OR REPLACE TEMP TABLE ingest_invalid_lines AS
     SELECT unnest(CAST(${sqlString(JSON.stringify(invalidLines))} AS BIGINT[])) AS source_row`,
  );
  const structure = Object.fromEntries(
    EVENT_FIELD_NAMES.flatMap((field) => (EVENT_FIELDS[field] as readonly string[]).map((name) => [name, 'VARCHAR'])),
  );
  const fieldSql = (field: EventField) =>
    `coalesce(${(EVENT_FIELDS[field] as readonly string[]).map((name) => `parsed.fields.${sqlIdent(name)}`).join(', ')}) AS ${field}`;
  const relation = `(
    WITH numbered AS (
        SELECT rowid + 1 AS source_row, line FROM ingest_lines
    ),
    checked AS (
        SELECT source_row, line, coalesce(json_type(CASE WHEN json_valid(line) THEN line END) = 'OBJECT', false) AS is_object
        FROM numbered
        -- blank: nothing but spaces (what trim() strips), tested without trim(), which copied every line
        -- (2.5 s of a 3.46 M-line file's staging: docs/benchmarks.md)
        WHERE line IS NOT NULL AND regexp_matches(line, '[^ ]')
    ),
    parsed AS (
        SELECT source_row, line, is_object,
               json_transform(CASE WHEN is_object THEN line END, ${sqlString(JSON.stringify(structure))}) AS fields
        FROM checked
    )
    SELECT source_row, line AS raw_source,
           CASE WHEN source_row IN (SELECT source_row FROM ingest_invalid_lines) THEN 'invalid_utf8'
                WHEN NOT is_object THEN 'malformed_json' END AS parse_error,
           ${EVENT_FIELD_NAMES.map(fieldSql).join(', ')}
    FROM parsed)`;
  return { relation, rawText: 'raw_source' };
}

/**
 * Fills temp.ingest_lines with every line of the file (one row per line, in order, like DuckDB's reader),
 * decoding bytes that are not UTF-8 as U+FFFD; returns the numbers of those lines (they are quarantined
 * as invalid_utf8, never accepted with a replaced character in an id).
 */
async function readLinesLeniently(warehouse: Warehouse, path: string): Promise<number[]> {
  await warehouse.run('CREATE OR REPLACE TEMP TABLE ingest_lines (line VARCHAR)');
  const appender = await warehouse.connection.createAppender('ingest_lines', 'main', 'temp');
  const invalid: number[] = [];
  let lineNumber = 0;
  const appendLine = (bytes: Buffer) => {
    lineNumber += 1;
    const line = bytes.length > 0 && bytes[bytes.length - 1] === 0x0d ? bytes.subarray(0, -1) : bytes;
    if (!isUtf8(line)) invalid.push(lineNumber);
    appender.appendVarchar(line.toString('utf8'));
    appender.endRow();
  };
  let pending: Buffer[] = [];
  for await (const chunk of decompressedChunks(path)) {
    let start = 0;
    for (let newline = chunk.indexOf(0x0a); newline >= 0; newline = chunk.indexOf(0x0a, start)) {
      appendLine(Buffer.concat([...pending, chunk.subarray(start, newline)]));
      pending = [];
      start = newline + 1;
    }
    if (start < chunk.length) pending.push(chunk.subarray(start));
  }
  if (pending.length > 0) appendLine(Buffer.concat(pending));
  appender.flushSync();
  appender.closeSync();
  return invalid;
}

/**
 * Parquet: typed columns are cast to text (timestamps become ISO-like text, epoch numbers digits); the
 * row itself (a struct of every column) becomes JSON only when classify-rows.sql rejects it.
 */
async function stageParquet(warehouse: Warehouse, path: string): Promise<StagedRows> {
  const source = `read_parquet(${sqlString(path)}, file_row_number = true)`;
  // A file named .parquet that is not one has no rows to quarantine: the whole file fails, loudly.
  const described = await warehouse.rows<{ column_name: string }>(`DESCRIBE SELECT * FROM ${source}`).catch((error: Error) => {
    throw new Error(`${path} is not a readable Parquet file (${error.message.split('\n')[0]}); fix or remove it and ingest again`);
  });
  const columns = described.map((row) => row.column_name).filter((name) => name !== 'file_row_number');
  const select = EVENT_FIELD_NAMES.map((field) => {
    const column = sourceColumnFor(field, columns);
    return `${column ? `CAST(${sqlIdent(column)} AS VARCHAR)` : 'CAST(NULL AS VARCHAR)'} AS ${field}`;
  });
  const row = `struct_pack(${columns.map((c) => `${sqlIdent(c)} := ${sqlIdent(c)}`).join(', ')})`;
  return {
    relation: `(SELECT file_row_number + 1 AS source_row, ${row} AS raw_source, CAST(NULL AS VARCHAR) AS parse_error, ${select.join(', ')} FROM ${source})`,
    rawText: 'to_json(raw_source)::VARCHAR',
  };
}

/** CSV: header row names the fields; a record that cannot be parsed or has the wrong width is malformed_csv. */
async function stageCsv(warehouse: Warehouse, path: string): Promise<void> {
  const appender = await warehouse.connection.createAppender('ingest_rows', 'main', 'temp');
  let header: string[] | undefined;
  let fieldIndex: Array<number | undefined> = [];
  const append = (line: number, raw: string, error: string | null, values: Array<string | undefined>) => {
    appender.appendBigInt(BigInt(line));
    appender.appendVarchar(raw);
    if (error) appender.appendVarchar(error);
    else appender.appendNull();
    for (const value of values) {
      if (value === undefined) appender.appendNull();
      else appender.appendVarchar(value);
    }
    appender.endRow();
  };
  // csv-parse decodes bytes that are not UTF-8 as U+FFFD; such a record is quarantined (invalid_utf8)
  // when the file really holds invalid bytes (checked once, only if a U+FFFD shows up).
  let fileIsUtf8: boolean | undefined;
  const replacedBytes = async (rawText: string) => rawText.includes('\uFFFD') && !(fileIsUtf8 ??= await isUtf8File(path));
  // Errors of the file (unreadable, a .gz that is not gzip) are passed on, so the loop below ends with them.
  const source = Readable.from(decompressedChunks(path), { objectMode: false });
  const parser = source.pipe(
    parse({
      bom: true,
      raw: true,
      info: true,
      relax_column_count: true,
      skip_empty_lines: true,
      skip_records_with_error: true,
      on_skip: (error, raw) => {
        const line = (error as { lines?: number } | undefined)?.lines ?? 0;
        append(line, (raw ?? '').replace(/\r?\n$/, ''), 'malformed_csv', EVENT_FIELD_NAMES.map(() => undefined));
        return undefined;
      },
    }),
  );
  source.on('error', (error) => parser.destroy(error));
  for await (const { record, raw, info } of parser as AsyncIterable<{ record: string[]; raw: string; info: { lines: number } }>) {
    const rawText = raw.replace(/\r?\n$/, '');
    if (!header) {
      header = record.map((name) => name.trim());
      fieldIndex = EVENT_FIELD_NAMES.map((field) => {
        const column = sourceColumnFor(field, header!);
        return column === undefined ? undefined : header!.indexOf(column);
      });
      continue;
    }
    const firstLine = info.lines - (rawText.match(/\n/g)?.length ?? 0);
    if (await replacedBytes(rawText)) {
      append(firstLine, rawText, 'invalid_utf8', EVENT_FIELD_NAMES.map(() => undefined));
      continue;
    }
    if (record.length !== header.length) {
      append(firstLine, rawText, 'malformed_csv', EVENT_FIELD_NAMES.map(() => undefined));
      continue;
    }
    append(firstLine, rawText, null, fieldIndex.map((index) => (index === undefined ? undefined : record[index])));
  }
  appender.flushSync();
  appender.closeSync();
}

async function isUtf8File(path: string): Promise<boolean> {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  try {
    for await (const chunk of decompressedChunks(path)) decoder.decode(chunk, { stream: true });
    decoder.decode();
    return true;
  } catch {
    return false;
  }
}
