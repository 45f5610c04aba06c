import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { applySchema } from '../../warehouse/bootstrap.ts';
import { openWarehouse } from '../../warehouse/duckdb.ts';
import { MetaStore } from '../../warehouse/meta-store.ts';

async function store() {
  const warehouse = await openWarehouse(':memory:');
  await applySchema(warehouse);
  return { warehouse, meta: new MetaStore(warehouse) };
}

describe('typed meta queries (Kysely over DuckDB)', () => {
  it('compiles to SQL DuckDB accepts: schema-qualified names, $n placeholders, ON CONFLICT upsert', async () => {
    const { warehouse, meta } = await store();
    const compiled = meta.db
      .insertInto('meta.extract_state')
      .values({ source: 's', account_id: 'a', state_key: 'k', state_value: 'v', updated_at: sql<string>`now()::TIMESTAMP` })
      .onConflict((conflict) => conflict.columns(['source', 'account_id', 'state_key']).doUpdateSet({ state_value: 'v' }))
      .compile();
    expect(compiled.sql).toBe(
      'insert into "meta"."extract_state" ("source", "account_id", "state_key", "state_value", "updated_at") values ($1, $2, $3, $4, now()::TIMESTAMP) on conflict ("source", "account_id", "state_key") do update set "state_value" = $5',
    );
    expect(compiled.parameters).toEqual(['s', 'a', 'k', 'v', 'v']);

    await meta.writeState('cms_videos', '123', 'updated_at_watermark', '2025-01-01T00:00:00Z');
    await meta.writeState('cms_videos', '123', 'updated_at_watermark', '2025-02-01T00:00:00Z');
    expect(await meta.readState('cms_videos', '123', 'updated_at_watermark')).toBe('2025-02-01T00:00:00Z');
    expect(await meta.readState('cms_videos', '999', 'updated_at_watermark')).toBeUndefined();
    expect(await warehouse.scalar('SELECT count(*) FROM meta.extract_state')).toBe('1');
    warehouse.close();
  });

  it('marks a run a kill left running as interrupted when the next run starts', async () => {
    const { warehouse, meta } = await store();
    await meta.startRun('run-1', 'run', '2025-06-30');
    await meta.startRun('run-2', 'run', '2025-06-30');
    await meta.finishRun('run-2', 'succeeded', null);
    const runs = await meta.db.selectFrom('meta.runs').select(['run_id', 'status', 'error', 'as_of_date']).orderBy('run_id').execute();
    expect(runs.map((run) => [run.run_id, run.status, run.as_of_date])).toEqual([
      ['run-1', 'failed', '2025-06-30'],
      ['run-2', 'succeeded', '2025-06-30'],
    ]);
    expect(runs[0]!.error).toMatch(/^interrupted: .*noticed by run run-2$/);
    warehouse.close();
  });

  it('joins the warehouse transaction: a rollback takes the meta write with it', async () => {
    const { warehouse, meta } = await store();
    await expect(
      warehouse.transaction(async () => {
        await meta.recordCheckResult('run-1', 'some_check', 0, null);
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(await warehouse.scalar('SELECT count(*) FROM meta.check_results')).toBe('0');
    warehouse.close();
  });
});
