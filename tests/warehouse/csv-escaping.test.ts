import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openWarehouse, type Warehouse } from '../../warehouse/duckdb.ts';
import { fileFacts, formulaSafeQuery, writeCsv, writeParquet } from '../../warehouse/export/csv.ts';

/**
 * Formula escaping and the written-file facts of warehouse/export/csv.ts, one starting character at a
 * time: a text cell starting with = + - @ tab or CR gets a leading apostrophe; anything else, and
 * every non-text column, is written as it is.
 */

let warehouse: Warehouse;
let folder: string;

beforeAll(async () => {
  warehouse = await openWarehouse(':memory:');
  folder = mkdtempSync(join(tmpdir(), 'reelhouse-csv-escaping-'));
});
afterAll(() => warehouse.close());

async function exportedCells(values: string[]): Promise<string[]> {
  const rows = values.map((value, index) => `(${index}, '${value.replaceAll("'", "''")}')`).join(', ');
  const safe = await formulaSafeQuery(warehouse, `SELECT * FROM (VALUES ${rows}) AS t(id, cell) ORDER BY id`);
  const result = await warehouse.rows<{ cell: string }>(safe);
  return result.map((row) => row.cell);
}

describe('formula escaping', () => {
  it.each([
    ['=', '=1+1'],
    ['+', '+44 20'],
    ['-', '-2'],
    ['@', '@SUM(A1)'],
    ['tab', '\tx'],
    ['carriage return', '\rx'],
  ])('puts an apostrophe before a text cell starting with %s', async (_name, value) => {
    expect(await exportedCells([value])).toEqual([`'${value}`]);
  });

  it('leaves text that only contains those characters later, or starts with anything else, alone', async () => {
    const plain = ['a=b', ' =1', 'x-1', 'mail@example.com', '', "'=already", 'line\nbreak', '#1', '\\-'];
    expect(await exportedCells(plain)).toEqual(plain);
  });

  it('never touches a number, date or boolean column, and keeps the column names and order', async () => {
    const query = `SELECT -5 AS amount, DATE '2025-01-01' AS day, true AS flag, '-5' AS text_amount, NULL::VARCHAR AS empty`;
    const safe = await formulaSafeQuery(warehouse, query);
    const [row] = await warehouse.rows<Record<string, unknown>>(safe);
    expect(Object.keys(row!)).toEqual(['amount', 'day', 'flag', 'text_amount', 'empty']);
    expect(row!['amount']).toBe(-5);
    expect(row!['flag']).toBe(true);
    expect(row!['text_amount']).toBe("'-5");
    expect(row!['empty']).toBeNull();
  });
});

describe('written files', () => {
  it('writes the CSV with a header and CRLF, and reports rows, bytes and the SHA-256 of the file', async () => {
    const target = join(folder, 'cells.csv');
    const written = await writeCsv(warehouse, `SELECT * FROM (VALUES (1, '-a'), (2, 'b'), (3, 'c')) AS t(id, cell) ORDER BY id`, target);
    const bytes = readFileSync(target);
    expect(bytes.toString('utf8')).toBe("id,cell\r\n1,'-a\r\n2,b\r\n3,c\r\n");
    expect(written).toEqual({
      path: target,
      rows: 3,
      bytes: statSync(target).size,
      sha256: createHash('sha256').update(bytes).digest('hex'),
    });
    expect(written.bytes).toBe(26); // 9 + 7 + 5 + 5 bytes per line
    expect(readdirSync(folder).filter((name) => name.startsWith('cells'))).toEqual(['cells.csv']);
  });

  it('writes Parquet with every row, unescaped, and its facts', async () => {
    const target = join(folder, 'cells.parquet');
    const written = await writeParquet(warehouse, `SELECT * FROM (VALUES (1, '=x'), (2, 'y')) AS t(id, cell) ORDER BY id`, target);
    expect(written.rows).toBe(2);
    expect(written.path).toBe(target);
    expect(written.bytes).toBe(statSync(target).size);
    expect(written.sha256).toBe(createHash('sha256').update(readFileSync(target)).digest('hex'));
    const back = await warehouse.rows<{ id: number; cell: string }>(`SELECT id, cell FROM read_parquet('${target}') ORDER BY id`);
    expect(back).toEqual([
      { id: 1, cell: '=x' },
      { id: 2, cell: 'y' },
    ]);
  });

  it('states the facts of any file', () => {
    const target = join(folder, 'cells.csv');
    expect(fileFacts(target, 7)).toEqual({
      path: target,
      rows: 7,
      bytes: 26,
      sha256: createHash('sha256').update(readFileSync(target)).digest('hex'),
    });
  });
});
