import { createReadStream } from 'node:fs';
import { parse } from 'csv-parse';
import { sqlIdent, sqlString, type Warehouse } from '../../warehouse/duckdb.ts';
import { EVENT_FIELDS, EVENT_FIELD_NAMES, sourceColumnFor, type EventField } from './event-fields.ts';

/**
 * Reads one source file into the temporary table `ingest_rows`: every field as text, with the line
 * (NDJSON, CSV) or row (Parquet) number, the raw text, and `parse_error` when the row could not be read
 * at all. Nothing is validated here; extract/events/classify-rows.sql decides what is accepted.
 * NDJSON and Parquet are read by DuckDB (vectorised); CSV goes through csv-parse, which knows the line
 * of every record, including a malformed one.
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

export async function stageEventFile(warehouse: Warehouse, path: string, format: EventFileFormat): Promise<void> {
  await warehouse.run(`CREATE OR REPLACE TEMP TABLE ingest_rows (${STAGED_COLUMNS.join(', ')})`);
  if (format === 'ndjson') await stageNdjson(warehouse, path);
  else if (format === 'parquet') await stageParquet(warehouse, path);
  else await stageCsv(warehouse, path);
}

/** NDJSON: each line read as one text value (a delimiter that valid JSON never holds raw), then parsed in SQL. */
async function stageNdjson(warehouse: Warehouse, path: string): Promise<void> {
  const unitSeparator = String.fromCharCode(31);
  // A temp table keeps file order in its rowid, which gives the line number (blank lines stay as NULL rows).
  await warehouse.run(`
    CREATE OR REPLACE TEMP TABLE ingest_lines AS
    SELECT line FROM read_csv(${sqlString(path)}, columns = {'line': 'VARCHAR'}, header = false,
      delim = ${sqlString(unitSeparator)}, quote = '', escape = '', auto_detect = false,
      max_line_size = 16777216, strict_mode = false)`);
  const structure = Object.fromEntries(
    EVENT_FIELD_NAMES.flatMap((field) => (EVENT_FIELDS[field] as readonly string[]).map((name) => [name, 'VARCHAR'])),
  );
  const fieldSql = (field: EventField) =>
    `coalesce(${(EVENT_FIELDS[field] as readonly string[]).map((name) => `parsed.fields.${sqlIdent(name)}`).join(', ')})`;
  await warehouse.run(`
    INSERT INTO ingest_rows
    WITH numbered AS (
        SELECT rowid + 1 AS source_row, line FROM ingest_lines
    ),
    checked AS (
        SELECT source_row, line, coalesce(json_type(CASE WHEN json_valid(line) THEN line END) = 'OBJECT', false) AS is_object
        FROM numbered
        WHERE line IS NOT NULL AND trim(line) <> ''
    ),
    parsed AS (
        SELECT source_row, line, is_object,
               json_transform(CASE WHEN is_object THEN line END, ${sqlString(JSON.stringify(structure))}) AS fields
        FROM checked
    )
    SELECT source_row, line, CASE WHEN is_object THEN NULL ELSE 'malformed_json' END,
           ${EVENT_FIELD_NAMES.map(fieldSql).join(', ')}
    FROM parsed
    ORDER BY source_row`);
  await warehouse.run('DROP TABLE ingest_lines');
}

/** Parquet: typed columns are cast to text (timestamps become ISO-like text, epoch numbers digits). */
async function stageParquet(warehouse: Warehouse, path: string): Promise<void> {
  const source = `read_parquet(${sqlString(path)}, file_row_number = true)`;
  const described = await warehouse.rows<{ column_name: string }>(`DESCRIBE SELECT * FROM ${source}`);
  const columns = described.map((row) => row.column_name).filter((name) => name !== 'file_row_number');
  const select = EVENT_FIELD_NAMES.map((field) => {
    const column = sourceColumnFor(field, columns);
    return column ? `CAST(${sqlIdent(column)} AS VARCHAR)` : 'CAST(NULL AS VARCHAR)';
  });
  const rowJson = `to_json(struct_pack(${columns.map((c) => `${sqlIdent(c)} := ${sqlIdent(c)}`).join(', ')}))::VARCHAR`;
  await warehouse.run(`
    INSERT INTO ingest_rows
    SELECT file_row_number + 1, ${rowJson}, NULL, ${select.join(', ')}
    FROM ${source}
    ORDER BY file_row_number`);
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
  const parser = createReadStream(path).pipe(
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
    if (record.length !== header.length) {
      append(firstLine, rawText, 'malformed_csv', EVENT_FIELD_NAMES.map(() => undefined));
      continue;
    }
    append(firstLine, rawText, null, fieldIndex.map((index) => (index === undefined ? undefined : record[index])));
  }
  appender.flushSync();
  appender.closeSync();
}
