import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { applySchema } from '../../warehouse/bootstrap.ts';
import { openWarehouse } from '../../warehouse/duckdb.ts';
import { grainColumns } from '../../warehouse/model-grain.ts';
import { parseModelHeader } from '../../warehouse/model-header.ts';
import { buildModels, discoverModels, selectModels } from '../../warehouse/models.ts';
import { openSession } from '../../warehouse/session.ts';
import { loadTestConfig } from '../support/test-config.ts';

/** A repository-like tree: models/<layer>/<table>.sql and whatever else is given (e.g. sql/scopes/). */
function repoTree(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'reelhouse-header-'));
  for (const [path, sql] of Object.entries(files)) {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), sql);
  }
  return join(root, 'models');
}

describe('model headers', () => {
  it('every model of models/ declares its kind and grain', () => {
    const models = discoverModels();
    expect(models.filter((model) => !model.header.declared || model.header.grain.length === 0).map((model) => model.name)).toEqual([]);
    expect(models.find((model) => model.name === 'staging.player_events')!.header.kind).toBe('view');
    expect(models.find((model) => model.name === 'marts.video_cache')!.header).toMatchObject({ kind: 'table', grain: ['account_id', 'video_id'] });
    expect(models.find((model) => model.name === 'marts.user_video_engagement')!.header).toMatchObject({
      kind: 'incremental',
      grain: ['user_id', 'video_id'],
      incremental: {
        key: ['user_id', 'video_id'],
        scope: 'sql/scopes/user_video_engagement.sql',
        input: 'scope_events',
        narrow: 'stream_no',
        slices: { column: 'user_no', rowsPerSlice: { setting: 'events_per_build_slice' }, maxSlices: 12 },
        consumes: ['meta.engagement_pending_streams'],
      },
    });
  });

  it("every declared grain names columns of the model's table (built on empty raw tables)", async () => {
    const session = await openSession({ dataDir: mkdtempSync(join(tmpdir(), 'reelhouse-grains-')), config: loadTestConfig(), asOf: '2025-06-30', command: 'test' });
    try {
      const models = discoverModels();
      await buildModels(session.warehouse, selectModels(models), session.runId);
      for (const model of models) {
        const columns = (await session.warehouse.rows<{ column_name: string }>(`DESCRIBE ${model.name}`)).map((row) => row.column_name);
        expect(grainColumns(model.sql, columns), model.name).toEqual(model.header.grain);
      }
    } finally {
      session.close();
    }
  });

  it('reads the declaration block only, and says what is wrong with a bad one', () => {
    const sql = (lines: string) => `-- marts.x: what it is\n${lines}\n-- Why: prose, e.g. "kind: of thing"\nCREATE OR REPLACE TABLE marts.x AS SELECT 1 AS a;`;
    expect(parseModelHeader(sql('-- kind: table\n-- grain: a'), 'x.sql')).toMatchObject({ declared: true, kind: 'table', grain: ['a'], dependsOn: [] });
    expect(parseModelHeader(sql('-- kind: view\n-- grain: a, b\n-- depends_on: staging.y'), 'x.sql')).toMatchObject({ kind: 'view', grain: ['a', 'b'], dependsOn: ['staging.y'] });
    // no kind line: a throwaway model, taken as its statement says
    expect(parseModelHeader('CREATE OR REPLACE VIEW staging.v AS SELECT 1', 'v.sql')).toMatchObject({ declared: false, kind: 'view', grain: [] });

    const bad: Array<[string, RegExp]> = [
      ['-- kind: tabel\n-- grain: a', /x\.sql: bad model header: kind "tabel" is not one of view, table, incremental/],
      ['-- kind: table', /no `-- grain:` line/],
      ['-- kind: table\n-- grian: a', /unknown key "grian"/],
      ['-- kind: table\n-- grain: a\n-- grain: b', /"grain" is declared twice/],
      ['-- kind: table\n-- grain: one row per a', /"one row per a" is not one/],
      ['-- kind: table\n-- grain: a, a', /names a column twice/],
      ['-- kind: table\n-- grain: a\n-- key: a', /key only apply to kind incremental, not table/],
      ['-- kind: incremental\n-- grain: a\n-- input: s', /an incremental model needs "scope"/],
      ['-- kind: incremental\n-- grain: a\n-- scope: q.sql\n-- input: s\n-- slices: a in 12 parts', /"slices" must read "<column>, <n \| setting <name>> rows each, at most <m>"/],
      ['-- kind: incremental\n-- grain: a\n-- scope: q.sql\n-- input: s\n-- slices: a, 10 rows each, at most 0', /at most 1 or more slices/],
      ['-- kind: table\n-- grain: a\n-- depends_on: y', /schema\.table names; "y" is not one/],
    ];
    for (const [lines, error] of bad) expect(() => parseModelHeader(sql(lines), 'x.sql'), lines).toThrow(error);
  });

  it('a model whose statement is not the kind it declares is an error', () => {
    const modelsDir = repoTree({ 'models/marts/x.sql': '-- kind: view\n-- grain: a\nCREATE OR REPLACE TABLE marts.x AS SELECT 1 AS a;' });
    expect(() => discoverModels(modelsDir)).toThrow(/a model of kind view must contain "CREATE OR REPLACE VIEW marts\.x AS/);
  });
});

describe('the runner builds an incremental model', () => {
  // A small incremental model: totals per (owner, item) of the rows of staging.ledger; the scope is
  // item a of the owners listed in meta.engagement_pending_streams (user_id = owner), the input
  // narrowed to those owners' rows (all their items) and sliced by owner_no.
  const ledger = (rows: string) => `-- kind: table
-- grain: entry
CREATE OR REPLACE TABLE staging.ledger AS
SELECT * FROM (VALUES ${rows}) AS t(entry, owner, owner_no, item, amount);`;
  const totals = `-- marts.totals: amounts per owner and item
-- kind: incremental
-- grain: owner, item
-- scope: sql/scopes/totals.sql
-- input: entries
-- narrow: owner_no
-- slices: owner_no, 2 rows each, at most 3
-- consumes: meta.engagement_pending_streams
CREATE OR REPLACE TEMP TABLE totals_rows AS
WITH entries AS (
    SELECT owner, owner_no, item, amount FROM staging.ledger
),
final AS (
    SELECT owner, item, CAST(sum(amount) * CAST(meta.setting('factor') AS INTEGER) AS BIGINT) AS total FROM entries GROUP BY ALL
)
SELECT * FROM final;
CREATE OR REPLACE TABLE marts.totals AS SELECT * FROM totals_rows ORDER BY owner, item;
COMMENT ON TABLE marts.totals IS 'Amounts per owner and item.';`;
  const scope = `SELECT DISTINCT owner, item FROM staging.ledger WHERE item = 'a' AND owner IN (SELECT user_id FROM meta.engagement_pending_streams)`;

  it('full, then by delete + insert of the scope keys only, and full again when a setting it reads changes', async () => {
    const rows1 = "(1, 'ann', 1, 'a', 5), (2, 'ann', 1, 'b', 1), (3, 'bob', 2, 'a', 2), (4, 'cy', 3, 'a', 7), (5, 'cy', 3, 'a', 1)";
    const modelsDir = repoTree({ 'models/staging/ledger.sql': ledger(rows1), 'models/marts/totals.sql': totals, 'sql/scopes/totals.sql': scope });
    const warehouse = await openWarehouse(':memory:');
    try {
      await applySchema(warehouse);
      await warehouse.run(`INSERT OR REPLACE INTO meta.settings VALUES ('factor', '1')`);
      const build = async () => (await buildModels(warehouse, selectModels(discoverModels(modelsDir)), 'run')).find((b) => b.model === 'marts.totals')!;
      const totalsNow = () => warehouse.rows(`SELECT owner, item, total FROM marts.totals ORDER BY ALL`);

      // 5 input rows, 2 per slice: ceil(5 / 2) = 3 slices (at most 3), cut by owner_no where the rows
      // counted so far reach a third: ann (2 rows before 0) → slice 0, bob (2 before) → floor(2*3/5) = 1,
      // cy (3 before) → floor(3*3/5) = 1: two ranges
      const first = await build();
      expect(first.incremental).toMatchObject({ full: true, scopeKeys: null, inputRows: 5, sliceCount: 3, slices: [{ first: 1, last: 1 }, { first: 2, last: 3 }] });
      expect(await totalsNow()).toEqual([
        { owner: 'ann', item: 'a', total: '5' }, { owner: 'ann', item: 'b', total: '1' }, { owner: 'bob', item: 'a', total: '2' }, { owner: 'cy', item: 'a', total: '8' },
      ]);

      // new rows for ann and bob; only ann is pending: (ann, a) is recomputed, bob's row stays stale, and
      // (ann, b), read through the narrowing but not in the scope, is neither deleted nor inserted again
      writeFileSync(join(modelsDir, 'staging/ledger.sql'), ledger(`${rows1}, (6, 'ann', 1, 'a', 10), (7, 'bob', 2, 'a', 100)`));
      await warehouse.run(`INSERT INTO meta.engagement_pending_streams VALUES ('ann', 's')`);
      const second = await build();
      // the scope: (ann, a); the input narrowed to owner_no 1: ann's 3 rows, ceil(3 / 2) = 2 slices'
      // worth, but one owner: one range
      expect(second.incremental).toMatchObject({ full: false, scopeKeys: 1, inputRows: 3, sliceCount: 2, slices: [{ first: 1, last: 1 }] });
      expect(await totalsNow()).toEqual([
        { owner: 'ann', item: 'a', total: '15' }, { owner: 'ann', item: 'b', total: '1' }, { owner: 'bob', item: 'a', total: '2' }, { owner: 'cy', item: 'a', total: '8' },
      ]);
      expect(await warehouse.rows(`SELECT * FROM meta.engagement_pending_streams`)).toEqual([]);
      expect(await warehouse.scalar(`SELECT count(*) FROM duckdb_tables() WHERE temporary`)).toBe('0');

      // the setting the model reads changes: every row is rebuilt (bob's too)
      await warehouse.run(`UPDATE meta.settings SET value = '2' WHERE key = 'factor'`);
      const third = await build();
      expect(third.incremental).toMatchObject({ full: true });
      expect(await totalsNow()).toEqual([
        { owner: 'ann', item: 'a', total: '30' }, { owner: 'ann', item: 'b', total: '2' }, { owner: 'bob', item: 'a', total: '204' }, { owner: 'cy', item: 'a', total: '16' },
      ]);
    } finally {
      warehouse.close();
    }
  });
});
