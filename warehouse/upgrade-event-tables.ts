import type { Warehouse } from './duckdb.ts';
import { numberUnnumberedEvents } from './event-numbers.ts';

/**
 * Brings the player-event tables of a data dir written by an earlier version up to date, at start-up.
 * Each step checks first and does nothing once done, so a current data dir pays two small queries.
 */
export async function upgradeEventTables(warehouse: Warehouse): Promise<void> {
  await numberUnnumberedEvents(warehouse);
  await dropPendingStreamsKey(warehouse);
}

/** meta.engagement_pending_streams without its former PRIMARY KEY (see sql/schema/20_events.sql: emptying it was slow). */
async function dropPendingStreamsKey(warehouse: Warehouse): Promise<void> {
  const keys = await warehouse.scalar(
    `SELECT count(*) FROM duckdb_constraints()
     WHERE schema_name = 'meta' AND table_name = 'engagement_pending_streams' AND constraint_type IN ('PRIMARY KEY', 'UNIQUE')`,
  );
  if (Number(keys) === 0) return;
  await warehouse.transaction(async () => {
    await warehouse.run(`CREATE TABLE meta.engagement_pending_streams_unkeyed (user_id VARCHAR NOT NULL, session_id VARCHAR NOT NULL)`);
    await warehouse.run(`INSERT INTO meta.engagement_pending_streams_unkeyed SELECT DISTINCT user_id, session_id FROM meta.engagement_pending_streams`);
    await warehouse.run(`DROP TABLE meta.engagement_pending_streams`);
    await warehouse.run(`ALTER TABLE meta.engagement_pending_streams_unkeyed RENAME TO engagement_pending_streams`);
  });
}
