import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { openWarehouse } from '../../warehouse/duckdb.ts';
import { jsonArrayText, writeCsv } from '../../warehouse/export/csv.ts';

describe('CSV export', () => {
  it('writes RFC 4180 with CRLF, quotes, NULL as empty, and neutralises formulas in text only', async () => {
    const warehouse = await openWarehouse(':memory:');
    const folder = mkdtempSync(join(tmpdir(), 'reelhouse-csv-'));
    const target = join(folder, 'out.csv');
    const written = await writeCsv(
      warehouse,
      `SELECT * FROM (VALUES
        (1, 'plain', '=HYPERLINK("http://x")', -5, 'a,b'),
        (2, '@SUM(A1)', '+1', NULL, 'say "hi"
next line')) AS t(id, name, formula, amount, note) ORDER BY id`,
      target,
    );
    expect(written.rows).toBe(2);
    const text = readFileSync(target, 'utf8');
    expect(text.startsWith('id,name,formula,amount,note\r\n')).toBe(true);
    const records = parse(text, { columns: true }) as Array<Record<string, string>>;
    expect(records[0]).toEqual({ id: '1', name: 'plain', formula: `'=HYPERLINK("http://x")`, amount: '-5', note: 'a,b' });
    expect(records[1]).toEqual({ id: '2', name: "'@SUM(A1)", formula: "'+1", amount: '', note: 'say "hi"\nnext line' });
    expect(readdirSync(folder)).toEqual(['out.csv']);
    warehouse.close();
  });

  it('prefixes an apostrophe to a text cell starting with =, +, -, @, tab or CR, and to nothing else', async () => {
    const warehouse = await openWarehouse(':memory:');
    const target = join(mkdtempSync(join(tmpdir(), 'reelhouse-csv-')), 'formulas.csv');
    // Rows in order: each escaped start, then text that merely contains those characters later or
    // starts with something else, then numbers (not text: a negative number stays a number).
    await writeCsv(
      warehouse,
      `SELECT * FROM (VALUES
        (1, '=1+2'), (2, '+1'), (3, '-1'), (4, '@A1'), (5, chr(9) || 'tab'), (6, chr(13) || 'cr'),
        (7, 'a=b'), (8, ' =1'), (9, '1-2'), (10, '''quoted'), (11, ''), (12, '#1')
      ) AS t(id, cell) ORDER BY id`,
      target,
    );
    const records = parse(readFileSync(target, 'utf8'), { columns: true }) as Array<{ id: string; cell: string }>;
    expect(records.map((record) => record.cell)).toEqual([
      "'=1+2", "'+1", "'-1", "'@A1", "'\ttab", "'\rcr",
      'a=b', ' =1', '1-2', "'quoted", '', '#1',
    ]);

    await writeCsv(warehouse, `SELECT -5 AS n, -1.5::DOUBLE AS d, DATE '2025-06-30' AS day, '-5' AS t`, target);
    expect(readFileSync(target, 'utf8')).toBe("n,d,day,t\r\n-5,-1.5,2025-06-30,'-5\r\n");
    warehouse.close();
  });
});

describe('jsonArrayText (the JSON exports: one item a line)', () => {
  it('writes [] for no items, and the items one a line between brackets otherwise', () => {
    expect(jsonArrayText([])).toBe('[]\n');
    expect(jsonArrayText(['{"a":1}'])).toBe('[\n{"a":1}\n]\n');
    expect(jsonArrayText(['{"a":1}', '{"a":2}'])).toBe('[\n{"a":1},\n{"a":2}\n]\n');
  });
});
