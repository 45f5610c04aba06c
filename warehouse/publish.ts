import { randomUUID } from 'node:crypto';
import { assertLakeSound } from './lake-index.ts';
import { existsSync, renameSync, rmSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import { commitTemporaryFile, temporaryPathFor } from './atomic-file.ts';
import { copyComments, currentCatalog, listTables, qualified, replayMacros, replayTableDefinitions } from './catalog-objects.ts';
import { sqlIdent, sqlString, type Warehouse } from './duckdb.ts';
import { discoverModels, MODELS_DIR, type Model } from './models.ts';
import { lastBuilds } from './plan.ts';
import type { PipelineSession } from './session.ts';
import { crashPoint } from './crash-point.ts';

/**
 * `pipeline publish`: the analysts' file <data-dir>/reelhouse.duckdb is replaced, never written in place.
 *
 * A complete copy (every mart of models/marts with its COMMENTs, the meta.* tables, the meta macros and
 * meta.published_tables) is built in a hidden temporary file in the same folder, checkpointed, closed,
 * fsynced and renamed over the published file. An analyst who has the old file open keeps reading the
 * old one (the rename only changes which file the name points to); the next open sees the new one. The
 * pipeline never opens reelhouse.duckdb, so an analyst's read-only lock can never block it.
 *
 * Publishing refuses when the working marts are not a checked, complete build: see `reasonsNotToPublish`.
 */

export interface PublishOptions {
  readonly modelsDir?: string;
  readonly log?: (line: string) => void;
}

export interface Publication {
  readonly path: string;
  readonly bytes: number;
  readonly tables: ReadonlyArray<{ table: string; rows: number }>;
}

export class PublishRefusedError extends Error {
  override name = 'PublishRefusedError';
}

/**
 * Why the working marts must not be published, or [] when they may:
 * - a check of severity error failed: the check results of this run, or when this run ran none, of the
 *   latest run that did (a failing warning is reported by `pipeline check` and `status`, not here);
 * - a model was never built, or its SQL changed since its last successful build;
 * - this run built models but not all of them (its build stopped at a failing model);
 * - a mart table is missing from the working file.
 */
export async function reasonsNotToPublish(warehouse: Warehouse, runId: string, models: readonly Model[]): Promise<string[]> {
  const reasons: string[] = [];
  const failedChecks = await warehouse.rows<{ run_id: string; check_name: string; failing_rows: string }>(
    `WITH latest AS (
       SELECT run_id FROM meta.check_results ORDER BY (run_id = $1) DESC, checked_at DESC LIMIT 1
     )
     SELECT run_id, check_name, failing_rows FROM meta.check_results
     WHERE run_id = (SELECT run_id FROM latest) AND failing_rows > 0 AND coalesce(severity, 'error') = 'error'
     ORDER BY check_name`,
    [runId],
  );
  for (const check of failedChecks) {
    reasons.push(`check ${check.check_name} failed with ${check.failing_rows} offending row(s) (run ${check.run_id})`);
  }

  const builds = await lastBuilds(warehouse);
  const builtThisRun = new Set(
    (await warehouse.rows<{ model: string }>('SELECT DISTINCT model FROM meta.model_builds WHERE run_id = $1', [runId])).map(
      (row) => row.model,
    ),
  );
  const tables = new Set((await listTables(warehouse, await currentCatalog(warehouse))).map((t) => `${t.schema}.${t.name}`));
  for (const model of models) {
    const last = builds.get(model.name);
    if (!last) reasons.push(`${model.name} has never been built`);
    else if (last.sql_hash !== model.sqlHash) reasons.push(`${model.name}: its SQL changed since its last build (run pipeline build)`);
    else if (builtThisRun.size > 0 && !builtThisRun.has(model.name)) {
      reasons.push(`${model.name} was not built by this run's build (it stopped before reaching it)`);
    }
    if (model.layer === 'marts' && !tables.has(model.name)) reasons.push(`${model.name} is missing from the working warehouse`);
  }
  return reasons;
}

/**
 * A `reelhouse.duckdb.wal` beside the published file is the log of a read-write session on the file
 * being replaced (an analyst's that crashed, or is still open). DuckDB replays `<file>.wal` onto
 * whatever file has the name, even for a read-only reader, so left in place it would change what every
 * reader of the new publication sees. Just before the rename it is moved aside under a name DuckDB
 * never reads, and the move is reported; it is never deleted (it is not ours). Returns the new name.
 */
export function moveStaleWalAside(publishedDb: string, runId: string, log: (line: string) => void): string | undefined {
  const wal = `${publishedDb}.wal`;
  if (!existsSync(wal)) return undefined;
  const aside = `${wal}.stale-${runId}`;
  renameSync(wal, aside);
  log(
    `Warning: moved ${wal} to ${aside}. It is the write-ahead log of a read-write session on the previous ` +
      `${basename(publishedDb)} that did not close (a crash, a kill, or a session still open), and DuckDB would have ` +
      `replayed it onto the new file. Its changes were made to the previous publication, which this one replaces; ` +
      'no pipeline data is in it. Delete it when you no longer need it, and open the published file read-only ' +
      '(duckdb -readonly, read_only=True); a session still open read-write should be closed.',
  );
  return aside;
}

/** Defined in sql/schema/00_meta.sql, filled here: one row per mart of the published copy. */
const PUBLISHED_TABLES = { schema: 'meta', name: 'published_tables' } as const;

export async function publish(session: PipelineSession, options: PublishOptions = {}): Promise<Publication> {
  const { warehouse, dir } = session;
  const log = options.log ?? (() => undefined);
  const models = discoverModels(options.modelsDir ?? MODELS_DIR);
  assertLakeSound(dir);
  const reasons = await reasonsNotToPublish(warehouse, session.runId, models);
  if (reasons.length > 0) {
    throw new PublishRefusedError(
      `Not publishing; ${dir.publishedDb} stays as it was:\n${reasons.map((reason) => `  - ${reason}`).join('\n')}`,
    );
  }
  const work = await currentCatalog(warehouse);
  const marts = models.filter((model) => model.layer === 'marts').map((model) => model.name.split('.')[1]!).sort();
  const metaTables = (await listTables(warehouse, work, ['meta']))
    .filter((table) => table.kind === 'table' && table.name !== PUBLISHED_TABLES.name)
    .map((table) => table.name);
  const copied = [
    ...marts.map((name) => ({ schema: 'marts', name })),
    ...metaTables.map((name) => ({ schema: 'meta', name })),
  ];

  const temporary = temporaryPathFor(dir.publishedDb);
  const alias = `reelhouse_publish_${randomUUID().slice(0, 8)}`;
  let attached = false;
  try {
    await warehouse.run(`ATTACH ${sqlString(temporary)} AS ${sqlIdent(alias)}`);
    attached = true;
    for (const schema of ['marts', 'meta']) await warehouse.run(`CREATE SCHEMA ${sqlIdent(alias)}.${sqlIdent(schema)}`);
    for (const table of copied) {
      await warehouse.run(
        `CREATE TABLE ${qualified(alias, table.schema, table.name)} AS SELECT * FROM ${qualified(work, table.schema, table.name)}`,
      );
      crashPoint('publish:table-copied');
    }
    await copyComments(warehouse, work, alias, copied);
    await warehouse.run(`USE ${sqlIdent(alias)}`);
    try {
      await replayMacros(warehouse, work, ['meta']);
      await replayTableDefinitions(warehouse, work, [PUBLISHED_TABLES]);
    } finally {
      await warehouse.run(`USE ${sqlIdent(work)}`);
    }

    await copyComments(warehouse, work, alias, [PUBLISHED_TABLES]);
    const published = qualified(alias, PUBLISHED_TABLES.schema, PUBLISHED_TABLES.name);
    const tables: Array<{ table: string; rows: number }> = [];
    for (const name of marts) {
      const rows = Number(await warehouse.scalar(`SELECT count(*) FROM ${qualified(alias, 'marts', name)}`));
      tables.push({ table: `marts.${name}`, rows });
      await warehouse.run(`INSERT INTO ${published} VALUES ($1, $2, $3, $4::DATE, now()::TIMESTAMP)`, [
        `marts.${name}`,
        rows,
        session.runId,
        session.asOfDate,
      ]);
    }

    await warehouse.run(`CHECKPOINT ${sqlIdent(alias)}`);
    await warehouse.run(`DETACH ${sqlIdent(alias)}`);
    attached = false;
    if (existsSync(`${temporary}.wal`)) throw new Error(`DuckDB left ${temporary}.wal after CHECKPOINT and DETACH`);
    crashPoint('publish:temp-written');
    moveStaleWalAside(dir.publishedDb, session.runId, log);
    commitTemporaryFile(temporary, dir.publishedDb);
    crashPoint('publish:renamed');
    const bytes = statSync(dir.publishedDb).size;
    log(`Published ${tables.length} mart(s) and ${metaTables.length + 1} meta table(s) to ${dir.publishedDb} (${bytes} bytes)`);
    return { path: dir.publishedDb, bytes, tables };
  } catch (error) {
    if (attached) await warehouse.run(`DETACH ${sqlIdent(alias)}`).catch(() => undefined);
    rmSync(temporary, { force: true });
    rmSync(`${temporary}.wal`, { force: true });
    throw error;
  }
}
