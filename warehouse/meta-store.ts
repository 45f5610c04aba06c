import { sql, type Kysely } from 'kysely';
import type { Warehouse } from './duckdb.ts';
import { metaDb } from './kysely-duckdb.ts';
import type { MetaDatabase } from './meta-tables.ts';

/**
 * The pipeline's own typed reads and writes of meta.* (runs, extraction checkpoints, check results,
 * deliveries), built with Kysely on the warehouse's connection, so they join its transactions.
 * A typo in a table or column name is a compile error, not a failed night.
 */
export class MetaStore {
  readonly db: Kysely<MetaDatabase>;

  constructor(warehouse: Warehouse) {
    this.db = metaDb(warehouse);
  }

  async startRun(runId: string, command: string, asOfDate: string): Promise<void> {
    // The caller holds the data dir lock, so a run still marked running was killed before it could end.
    await this.db
      .updateTable('meta.runs')
      .set({ status: 'failed', error: `interrupted: the process ended without finishing (killed or crashed); noticed by run ${runId}` })
      .where('status', '=', 'running')
      .execute();
    await this.db
      .insertInto('meta.runs')
      .values({
        run_id: runId,
        command,
        as_of_date: sql<string>`CAST(${asOfDate} AS DATE)`,
        started_at: sql<string>`now()::TIMESTAMP`,
        finished_at: null,
        status: 'running',
        error: null,
      })
      .execute();
  }

  async finishRun(runId: string, status: 'succeeded' | 'failed', error: string | null): Promise<void> {
    await this.db
      .updateTable('meta.runs')
      .set({ status, error, finished_at: sql<string>`now()::TIMESTAMP` })
      .where('run_id', '=', runId)
      .execute();
  }

  async readState(source: string, accountId: string, stateKey: string): Promise<string | undefined> {
    const row = await this.db
      .selectFrom('meta.extract_state')
      .select('state_value')
      .where('source', '=', source)
      .where('account_id', '=', accountId)
      .where('state_key', '=', stateKey)
      .executeTakeFirst();
    return row?.state_value;
  }

  async writeState(source: string, accountId: string, stateKey: string, stateValue: string): Promise<void> {
    await this.db
      .insertInto('meta.extract_state')
      .values({ source, account_id: accountId, state_key: stateKey, state_value: stateValue, updated_at: sql<string>`now()::TIMESTAMP` })
      .onConflict((conflict) =>
        conflict.columns(['source', 'account_id', 'state_key']).doUpdateSet({
          state_value: stateValue,
          updated_at: sql<string>`now()::TIMESTAMP`,
        }),
      )
      .execute();
  }

  async deleteState(source: string, accountId: string, stateKey: string): Promise<void> {
    await this.db
      .deleteFrom('meta.extract_state')
      .where('source', '=', source)
      .where('account_id', '=', accountId)
      .where('state_key', '=', stateKey)
      .execute();
  }

  async recordCheckResult(
    runId: string,
    checkName: string,
    failingRows: number,
    sampleJson: string | null,
    severity: 'error' | 'warning' = 'error',
  ): Promise<void> {
    await this.db
      .insertInto('meta.check_results')
      .values({
        run_id: runId,
        check_name: checkName,
        failing_rows: failingRows,
        sample_json: sampleJson,
        checked_at: sql<string>`now()::TIMESTAMP`,
        severity,
      })
      .execute();
  }

  async recordDelivery(delivery: { runId: string; accountId: string; sourceFile: string; targetPath: string; bytes: number; sha256: string }): Promise<void> {
    await this.db
      .insertInto('meta.deliveries')
      .values({
        run_id: delivery.runId,
        account_id: delivery.accountId,
        source_file: delivery.sourceFile,
        target_path: delivery.targetPath,
        bytes: delivery.bytes,
        sha256: delivery.sha256,
        delivered_at: sql<string>`now()::TIMESTAMP`,
      })
      .execute();
  }
}
