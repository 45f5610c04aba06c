import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { openWarehouse } from '../../warehouse/duckdb.ts';
import { writeCsv } from '../../warehouse/export/csv.ts';

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
});
