import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DataDir } from '../warehouse/data-dir.ts';
import { sqlString, type SqlParam, type Warehouse } from '../warehouse/duckdb.ts';
import { temporaryPathFor, writeAtomically } from '../warehouse/atomic-file.ts';
import { crashPoint } from '../warehouse/crash-point.ts';
import { MetaStore } from '../warehouse/meta-store.ts';
import { appendLakeCommit, describeLakeFile, type CheckpointEntry, type LakeFileEntry, type NewLakeCommit } from '../warehouse/lake-log.ts';
import { markCommitApplied, recoverBrightcoveLake, type LakeRecovery } from '../warehouse/lake-index.ts';

/**
 * Landing: one fetched page becomes one Parquet file in the lake
 * (`lake/raw/<source>/account_id=<id>/fetch_date=<YYYY-MM-DD>/<run>-<seq>.parquet`), written under a
 * temporary name and renamed; then the page commits in the lake itself: one line in the lake's commit
 * log (warehouse/lake-log.ts: file, rows, bytes, sha256, what it covers, its checkpoints). Then ONE
 * DuckDB transaction inserts its rows into raw.<source>, its meta.landed_files row, the extraction
 * checkpoint and the log position (work.duckdb is an index of the log, rebuilt from it when lost). A
 * crash between rename and log commit leaves a file the log does not list: `recoverLake` deletes it at
 * start-up and the page is fetched again; a crash after the log commit is caught up at the next start.
 *
 * The rows go NDJSON temp file → DuckDB `read_ndjson` → `COPY … TO parquet` (the measured fast path in
 * duckdb-node-notes), and raw.* is filled from the Parquet file itself, so the table and the lake hold
 * the same rows. All warehouse access of the extractors goes through `exclusive`: the extractors run
 * accounts concurrently over one connection, and DuckDB transactions must not interleave.
 */

export type RawSource = 'cms_videos' | 'analytics_video_daily' | 'analytics_video_device_daily' | 'analytics_video_browser_daily';
export const RAW_SOURCES: readonly RawSource[] = ['cms_videos', 'analytics_video_daily', 'analytics_video_device_daily', 'analytics_video_browser_daily'];

/** One raw row before landing: `key` is video_id (cms) or fetch_id (analytics); item is the JSON text. */
export interface RawItem {
  readonly key: string;
  readonly itemJson: string;
}

export interface CheckpointWrite {
  readonly source: string;
  readonly accountId: string;
  readonly stateKey: string;
  /** null deletes the checkpoint. */
  readonly stateValue: string | null;
}

export interface Statement {
  readonly sql: string;
  readonly params?: readonly SqlParam[];
}

export interface PageToLand {
  readonly source: RawSource;
  readonly accountId: string;
  readonly requestUrl: string;
  readonly fetchedAt: string;
  readonly items: readonly RawItem[];
  readonly window?: { readonly from: string; readonly to: string };
  /** Checkpoint rows committed with the page. */
  readonly checkpoints?: readonly CheckpointWrite[];
  /** Further bookkeeping committed with the page (e.g. the analytics fetch row). */
  readonly statements?: readonly Statement[];
  /** Analytics: the window request of the page, as the lake's log records it (the statements' facts). */
  readonly fetch?: { readonly fetchId: string; readonly reconciled: boolean; readonly done: boolean };
}

export interface LandedFile {
  readonly filePath: string;
  readonly rows: number;
  readonly bytes: number;
}

const KEY_COLUMN: Record<RawSource, string> = {
  cms_videos: 'video_id',
  analytics_video_daily: 'fetch_id',
  analytics_video_device_daily: 'fetch_id',
  analytics_video_browser_daily: 'fetch_id',
};

function checkpointEntry(checkpoint: CheckpointWrite): CheckpointEntry {
  return { source: checkpoint.source, account_id: checkpoint.accountId, key: checkpoint.stateKey, value: checkpoint.stateValue };
}

export class Lander {
  private queue: Promise<unknown> = Promise.resolve();
  private sequence = 0;
  readonly rowsLanded: Record<RawSource, number> = { cms_videos: 0, analytics_video_daily: 0, analytics_video_device_daily: 0, analytics_video_browser_daily: 0 };
  filesLanded = 0;

  private readonly meta: MetaStore;

  constructor(
    readonly warehouse: Warehouse,
    readonly dir: DataDir,
    readonly runId: string,
  ) {
    this.meta = new MetaStore(warehouse);
  }

  /** Runs fn alone on the warehouse: landings and state reads never interleave. */
  exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const result = this.queue.then(fn, fn);
    this.queue = result.catch(() => undefined);
    return result;
  }

  /**
   * Brings the lake in order before extracting (warehouse/lake-index.ts): removes files the lake's log
   * does not list (left by an interrupted run), and takes back the committed pages whose files are damaged
   * or gone, so their windows are fetched again. Never deletes a file the log lists.
   */
  recoverLake(): Promise<LakeRecovery> {
    return this.exclusive(() => recoverBrightcoveLake(this.warehouse, this.dir, this.runId));
  }

  private targetFor(page: PageToLand): { absolute: string; relativePath: string } {
    this.sequence += 1;
    const fetchDate = page.fetchedAt.slice(0, 10);
    const name = `${this.runId}-${String(this.sequence).padStart(6, '0')}.parquet`;
    const relativePath = ['lake', 'raw', page.source, `account_id=${page.accountId}`, `fetch_date=${fetchDate}`, name].join('/');
    return { absolute: join(this.dir.root, ...relativePath.split('/')), relativePath };
  }

  /**
   * Lands one page (with its checkpoint) or nothing. A page without items writes no file but still
   * commits its checkpoint and statements.
   */
  land(page: PageToLand): Promise<LandedFile | undefined> {
    return this.exclusive(async () => {
      if (page.items.length === 0) {
        const commit = appendLakeCommit(this.dir, this.pageCommit(page, []));
        await this.warehouse.transaction(async () => {
          await this.writeBookkeeping(page);
          await markCommitApplied(this.warehouse, commit);
        });
        return undefined;
      }
      const { absolute, relativePath } = this.targetFor(page);
      await writeAtomically(absolute, async (temporaryParquet) => {
        const ndjson = temporaryPathFor(`${absolute}.ndjson`);
        try {
          const lines = page.items.map((item) =>
            JSON.stringify({
              account_id: page.accountId,
              key: item.key,
              item_json: item.itemJson,
              request_url: page.requestUrl,
              fetched_at: page.fetchedAt.replace('T', ' ').replace('Z', ''),
              run_id: this.runId,
              landed_file: relativePath,
            }),
          );
          writeFileSync(ndjson, `${lines.join('\n')}\n`);
          const columns = `{account_id: 'VARCHAR', key: 'VARCHAR', item_json: 'VARCHAR', request_url: 'VARCHAR', fetched_at: 'VARCHAR', run_id: 'VARCHAR', landed_file: 'VARCHAR'}`;
          await this.warehouse.run(
            `COPY (
               SELECT account_id, key AS ${KEY_COLUMN[page.source]}, item_json::JSON AS item_json, request_url,
                      fetched_at::TIMESTAMP AS fetched_at, run_id, landed_file
               FROM read_ndjson(${sqlString(ndjson)}, columns = ${columns}, format = 'newline_delimited')
             ) TO ${sqlString(temporaryParquet)} (FORMAT parquet, COMPRESSION zstd)`,
          );
        } finally {
          rmSync(ndjson, { force: true });
        }
        crashPoint('land:parquet-temp-written');
      });
      crashPoint('land:parquet-renamed');
      const file = await describeLakeFile(this.dir, relativePath, page.items.length);
      const bytes = file.bytes;
      const commit = appendLakeCommit(this.dir, this.pageCommit(page, [file]));
      crashPoint('land:lake-committed');
      // From here the page is committed (the lake's log lists it): a failing transaction is caught up
      // from the log at the next start, and the file is never deleted.
      await this.warehouse.transaction(async () => {
        await this.warehouse.run(
          `INSERT INTO raw.${page.source} BY NAME SELECT * FROM read_parquet(${sqlString(absolute)}, hive_partitioning = false)`,
        );
        await this.warehouse.run(
          `INSERT INTO meta.landed_files VALUES ($1, $2, $3, $4, $5, $6::DATE, $7::DATE, $8, $9, now()::TIMESTAMP)`,
          [
            relativePath,
            page.source,
            page.accountId,
            this.runId,
            page.requestUrl,
            page.window?.from ?? null,
            page.window?.to ?? null,
            page.items.length,
            bytes,
          ],
        );
        await this.writeBookkeeping(page);
        await markCommitApplied(this.warehouse, commit);
      });
      crashPoint('land:committed');
      this.rowsLanded[page.source] += page.items.length;
      this.filesLanded += 1;
      return { filePath: relativePath, rows: page.items.length, bytes };
    });
  }

  private pageCommit(page: PageToLand, files: LakeFileEntry[]): NewLakeCommit {
    return {
      kind: 'page' as const,
      run_id: this.runId,
      source: page.source,
      account_id: page.accountId,
      request_url: page.requestUrl,
      fetched_at: page.fetchedAt,
      window: page.window ? { from: page.window.from, to: page.window.to } : null,
      files,
      checkpoints: (page.checkpoints ?? []).map(checkpointEntry),
      fetch: page.fetch ? { fetch_id: page.fetch.fetchId, reconciled: page.fetch.reconciled, done: page.fetch.done } : null,
    };
  }

  private async writeBookkeeping(page: PageToLand): Promise<void> {
    for (const checkpoint of page.checkpoints ?? []) await this.writeState(checkpoint);
    for (const statement of page.statements ?? []) await this.warehouse.run(statement.sql, statement.params);
  }

  private writeState(checkpoint: CheckpointWrite): Promise<void> {
    if (checkpoint.stateValue === null) return this.meta.deleteState(checkpoint.source, checkpoint.accountId, checkpoint.stateKey);
    return this.meta.writeState(checkpoint.source, checkpoint.accountId, checkpoint.stateKey, checkpoint.stateValue);
  }

  /**
   * Commits checkpoints and statements without a page. Checkpoints are extraction state the lake
   * determines: they commit in the lake's log first, like a page.
   */
  commit(checkpoints: readonly CheckpointWrite[], statements: readonly Statement[] = []): Promise<void> {
    return this.exclusive(async () => {
      const commit =
        checkpoints.length > 0 ? appendLakeCommit(this.dir, { kind: 'state', run_id: this.runId, checkpoints: checkpoints.map(checkpointEntry) }) : undefined;
      await this.warehouse.transaction(async () => {
        for (const checkpoint of checkpoints) await this.writeState(checkpoint);
        for (const statement of statements) await this.warehouse.run(statement.sql, statement.params);
        if (commit) await markCommitApplied(this.warehouse, commit);
      });
    });
  }

  readState(source: string, accountId: string, stateKey: string): Promise<string | undefined> {
    return this.exclusive(() => this.meta.readState(source, accountId, stateKey));
  }

  query<T>(sql: string, params?: readonly SqlParam[]): Promise<T[]> {
    return this.exclusive(() => this.warehouse.rows<T>(sql, params));
  }
}
