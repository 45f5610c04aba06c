import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Warehouse } from '../../warehouse/duckdb.ts';
import { discoverChecks, grainChecks, grainRepeats, runCheck, type DataCheck } from '../../warehouse/checks.ts';
import { buildModels, discoverModels, selectModels } from '../../warehouse/models.ts';
import { fixtureWarehouse } from './brightcove-fixture.ts';

/**
 * The checks derived from the grains: every table model gets `<model>.grain_unique` and
 * `<model>.grain_not_null`. Every model is built on empty sources; then each check is run after planting
 * one row (passes), the same key twice (the unique check fails, 1 key, 2 rows) and a NULL in each key
 * column (the not-null check fails, 1 row), each inside a rolled-back transaction.
 */

let warehouse: Warehouse;
let checks: DataCheck[];
const models = discoverModels();
// The declared grains, as the model headers say them (the runner reads the same headers).
const GRAINS: Record<string, string[]> = {
  'marts.daily_analytics_multi_year': ['account_id', 'video_id', 'view_date'],
  'marts.daily_browser_views': ['account_id', 'video_id', 'view_date', 'browser_type'],
  'marts.daily_video_analytics': ['account_id', 'video_id', 'view_date'],
  'marts.data_freshness': ['source', 'account_id'],
  'marts.harper_daily_views': ['account_id', 'video_id', 'view_date'],
  'marts.rejected_rows': ['source', 'reason'],
  'marts.user_video_engagement': ['user_id', 'video_id'],
  'marts.video_cache': ['account_id', 'video_id'],
  'marts.video_catalog': ['account_id', 'video_id'],
  'marts.video_catalog_by_year': ['account_id', 'video_id'],
  'marts.video_engagement_summary': ['video_id'],
  'marts.video_last_viewed': ['account_id', 'video_id'],
  'marts.watch_time_reconciliation': ['account_id', 'video_id', 'view_date'],
};

beforeAll(async () => {
  warehouse = await fixtureWarehouse('2025-06-30');
  await buildModels(warehouse, selectModels(models), 'grain-checks');
  checks = await grainChecks(warehouse, models);
});
afterAll(() => warehouse.close());

const checkNamed = (name: string) => {
  const found = checks.find((check) => check.name === name);
  if (!found) throw new Error(`no check ${name}`);
  return found;
};

/** A value of `type` for a planted key column (all planted keys are equal, so they collide). */
function keyValue(type: string): string {
  if (type.endsWith('[]')) return `CAST([] AS ${type})`;
  if (type === 'DATE') return `DATE '2025-06-30'`;
  if (type.startsWith('TIMESTAMP')) return `TIMESTAMP '2025-06-30 00:00:00'`;
  if (/INT|DOUBLE|FLOAT|DECIMAL/.test(type)) return `CAST(1 AS ${type})`;
  return `'k'`;
}

async function columnTypes(table: string): Promise<Map<string, string>> {
  const [schema, name] = table.split('.') as [string, string];
  const rows = await warehouse.rows<{ column_name: string; data_type: string }>(
    `SELECT column_name, data_type FROM duckdb_columns() WHERE database_name = current_database() AND schema_name = $1 AND table_name = $2`,
    [schema, name],
  );
  return new Map(rows.map((row) => [row.column_name, row.data_type]));
}

/** The columns declared NOT NULL (a table the model creates with its own DDL): a planted row fills them. */
async function requiredColumns(table: string): Promise<Record<string, string>> {
  const [schema, name] = table.split('.') as [string, string];
  const rows = await warehouse.rows<{ column_name: string; data_type: string }>(
    `SELECT column_name, data_type FROM duckdb_columns() WHERE database_name = current_database() AND schema_name = $1 AND table_name = $2 AND NOT is_nullable`,
    [schema, name],
  );
  return Object.fromEntries(rows.map((row) => [row.column_name, keyValue(row.data_type)]));
}

/** The grain a check names: the columns of its GROUP BY. */
const grainOf = (check: DataCheck) => /GROUP BY (.*) HAVING/.exec(check.sql)![1]!.split(', ').map((column) => column.replaceAll('"', ''));

async function afterPlanting(check: DataCheck, rows: Array<Record<string, string>>): Promise<{ failingRows: number; sample: Record<string, unknown> | null }> {
  const table = check.name.replace(/\.grain_(unique|not_null)$/, '');
  await warehouse.run('BEGIN TRANSACTION');
  try {
    await warehouse.run(`DELETE FROM ${table}`);
    const required = await requiredColumns(table);
    // A key column the table itself declares NOT NULL cannot hold the planted NULL: the constraint is
    // lifted for this transaction, so the check is shown to catch what a table without it could hold.
    for (const column of Object.keys(required)) {
      if (rows.some((row) => row[column] === 'NULL')) await warehouse.run(`ALTER TABLE ${table} ALTER COLUMN "${column}" DROP NOT NULL`);
    }
    for (const planted of rows) {
      const row = { ...required, ...planted };
      await warehouse.run(`INSERT INTO ${table} (${Object.keys(row).map((column) => `"${column}"`).join(', ')}) VALUES (${Object.values(row).join(', ')})`);
    }
    return await runCheck({ warehouse }, check);
  } finally {
    await warehouse.run('ROLLBACK');
  }
}

describe('a grain check for every table model', () => {
  it('names both checks after each mart, the engagement marts included, on the grain its header declares', () => {
    const marts = models.filter((model) => model.layer === 'marts').map((model) => model.name);
    expect(marts).toEqual(Object.keys(GRAINS));
    for (const mart of marts) {
      expect(grainOf(checkNamed(`${mart}.grain_unique`))).toEqual(GRAINS[mart]);
      expect(checkNamed(`${mart}.grain_not_null`).sql).toBe(`SELECT * FROM "marts"."${mart.split('.')[1]}" WHERE ${GRAINS[mart]!.map((column) => `"${column}" IS NULL`).join(' OR ')}`);
    }
  });

  it('derives two checks for each of the 25 table models, none for the view, one for a repeating grain', () => {
    expect(tableModels).toHaveLength(models.length - 1);
    expect(checks).toHaveLength(2 * tableModels.length - 1);
  });

  it('skips views and gives a grain that repeats by design only the not-null check', () => {
    expect(checks.some((check) => check.name.startsWith('staging.player_events.'))).toBe(false);
    expect(checks.map((check) => check.name).filter((name) => name.startsWith('staging.brightcove_rejected_rows.'))).toEqual(['staging.brightcove_rejected_rows.grain_not_null']);
    expect(grainRepeats('-- x\n-- grain repeats: why\nSELECT 1')).toBe(true);
    expect(grainRepeats('-- x\nSELECT 1\n-- grain repeats: too late')).toBe(false);
    expect(checks.every((check) => check.severity === 'error')).toBe(true);
  });
});

// Every model but the views (player_events); the unique check also skips a grain that repeats by design.
const tableModels = models.filter((model) => !/CREATE\s+(OR\s+REPLACE\s+)?VIEW/i.test(model.sql));
const uniqueChecks = () => tableModels.filter((model) => !grainRepeats(model.sql)).map((model) => `${model.name}.grain_unique`);
describe('grain_unique: one row passes, the same key twice fails', () => {
  it.each(uniqueChecks())('%s', async (name) => {
    const check = checkNamed(name);
    const types = await columnTypes(name.replace('.grain_unique', ''));
    const key = Object.fromEntries(grainOf(check).map((column) => [column, keyValue(types.get(column)!)]));
    expect((await afterPlanting(check, [key])).failingRows).toBe(0);
    const twice = await afterPlanting(check, [key, key]);
    expect(twice.failingRows).toBe(1);
    expect(twice.sample).toMatchObject({ row_count: '2' });
  });
});

describe('grain_not_null: a NULL in each key column fails', () => {
  it.each(tableModels.map((model) => `${model.name}.grain_not_null`))('%s', async (name) => {
    const check = checkNamed(name);
    const table = name.replace('.grain_not_null', '');
    const unique = checks.find((candidate) => candidate.name === `${table}.grain_unique`);
    const grain = unique ? grainOf(unique) : /WHERE (.*)$/.exec(check.sql)![1]!.split(' OR ').map((term) => term.replace(' IS NULL', '').replaceAll('"', ''));
    const types = await columnTypes(table);
    const key = Object.fromEntries(grain.map((column) => [column, keyValue(types.get(column)!)]));
    expect((await afterPlanting(check, [key])).failingRows).toBe(0);
    for (const column of grain) {
      const result = await afterPlanting(check, [key, { ...key, [column]: 'NULL' }]);
      expect(result.failingRows, `${column} NULL`).toBe(1);
      expect(result.sample?.[column]).toBeNull();
    }
  });
});

describe('daily_browser_views_not_negative (what the grain of marts.daily_browser_views cannot say)', () => {
  const row = (views: number) =>
    `INSERT INTO marts.daily_browser_views (account_id, video_id, view_date, browser_type, video_view) VALUES ('a', 'v', DATE '2025-06-30', 'chrome', ${views})`;
  const run = async (views: number) => {
    const check = discoverChecks().find((candidate) => candidate.name === 'daily_browser_views_not_negative')!;
    await warehouse.run('BEGIN TRANSACTION');
    try {
      await warehouse.run(row(views));
      return await runCheck({ warehouse }, check);
    } finally {
      await warehouse.run('ROLLBACK');
    }
  };
  it('0 views passes, -1 fails', async () => {
    expect((await run(0)).failingRows).toBe(0);
    expect(await run(-1)).toMatchObject({ failingRows: 1, sample: { browser_type: 'chrome', video_view: '-1' } });
  });
});
