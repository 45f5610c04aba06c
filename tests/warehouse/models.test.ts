import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildModels, discoverModels, referencedTables, selectModels } from '../../warehouse/models.ts';
import { openWarehouse } from '../../warehouse/duckdb.ts';
import { applySchema } from '../../warehouse/bootstrap.ts';

function modelTree(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'reelhouse-models-'));
  for (const [path, sql] of Object.entries(files)) {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), sql);
  }
  return root;
}

const tree = () =>
  modelTree({
    'staging/things.sql': 'CREATE OR REPLACE TABLE staging.things AS SELECT range AS id FROM range(5);',
    'intermediate/even_things.sql':
      "-- reads staging.things, not marts.ignored_in_comment\nCREATE OR REPLACE TABLE intermediate.even_things AS SELECT id, 'marts.in_string' AS s FROM staging.things WHERE id % 2 = 0;",
    'marts/thing_summary.sql':
      'CREATE OR REPLACE TABLE marts.thing_summary AS SELECT count(*) AS n FROM intermediate.even_things JOIN staging.things USING (id);',
    'marts/other.sql': 'CREATE OR REPLACE TABLE marts.other AS SELECT 1 AS one;',
  });

describe('model runner', () => {
  it('reads dependencies from the SQL, ignoring comments and strings', () => {
    expect(referencedTables("select * from staging.a join \"marts\".x -- raw.b\n where y = 'meta.c'")).toEqual(['staging.a']);
    const models = discoverModels(tree());
    const summary = models.find((m) => m.name === 'marts.thing_summary')!;
    expect(summary.dependsOn).toEqual(['intermediate.even_things', 'staging.things']);
    expect(models.find((m) => m.name === 'intermediate.even_things')!.dependsOn).toEqual(['staging.things']);
  });

  it('orders by dependency and selects a model with what depends on it', () => {
    const models = discoverModels(tree());
    expect(selectModels(models).map((m) => m.name).indexOf('staging.things')).toBe(0);
    expect(selectModels(models, 'even_things+').map((m) => m.name)).toEqual([
      'intermediate.even_things',
      'marts.thing_summary',
    ]);
    expect(selectModels(models, '+thing_summary').map((m) => m.name)).toEqual([
      'staging.things',
      'intermediate.even_things',
      'marts.thing_summary',
    ]);
    expect(selectModels(models, '+even_things+').map((m) => m.name)).toEqual([
      'staging.things',
      'intermediate.even_things',
      'marts.thing_summary',
    ]);
    expect(() => selectModels(models, 'nope')).toThrow(/No model named "nope"/);
  });

  it('reports a dependency cycle', () => {
    const root = modelTree({
      'staging/a.sql': 'CREATE TABLE staging.a AS SELECT * FROM staging.b;',
      'staging/b.sql': 'CREATE TABLE staging.b AS SELECT * FROM staging.a;',
    });
    expect(() => selectModels(discoverModels(root))).toThrow(/cycle: staging.a, staging.b/);
  });

  it('builds into a real DuckDB and records hash, rows and seconds', async () => {
    const warehouse = await openWarehouse(':memory:');
    await applySchema(warehouse);
    const models = selectModels(discoverModels(tree()));
    const builds = await buildModels(warehouse, models, 'run-1');
    expect(builds.find((b) => b.model === 'marts.thing_summary')?.rowCount).toBe(1);
    expect(await warehouse.scalar('SELECT n FROM marts.thing_summary')).toBe('3');
    const recorded = await warehouse.rows<{ model: string; row_count: string; sql_hash: string }>(
      'SELECT model, row_count, sql_hash FROM meta.model_builds ORDER BY model',
    );
    expect(recorded.map((r) => r.model)).toEqual(models.map((m) => m.name).sort());
    expect(recorded.find((r) => r.model === 'staging.things')?.row_count).toBe('5');
    expect(recorded[0]!.sql_hash).toMatch(/^[0-9a-f]{64}$/);
    warehouse.close();
  });

  it('leaves no half-built model when a file fails midway', async () => {
    const warehouse = await openWarehouse(':memory:');
    await applySchema(warehouse);
    const root = modelTree({
      'marts/broken.sql': 'CREATE TABLE marts.broken AS SELECT 1 AS x; SELECT * FROM no_such_table;',
    });
    await expect(buildModels(warehouse, discoverModels(root), 'run-1')).rejects.toThrow(/marts.broken .*failed/);
    expect(await warehouse.scalar("SELECT count(*) FROM duckdb_tables() WHERE table_name = 'broken'")).toBe('0');
    warehouse.close();
  });
});
