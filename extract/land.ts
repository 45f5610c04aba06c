import { readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import type { DataDir } from '../warehouse/data-dir.ts';
import { sqlString, type SqlParam, type Warehouse } from '../warehouse/duckdb.ts';
import { temporaryPathFor, writeAtomically } from '../warehouse/atomic-file.ts';
import { crashPoint } from '../warehouse/crash-point.ts';
import { MetaStore } from '../warehouse/meta-store.ts';

/**
 * Landing: one fetched page becomes one Parquet file in the lake
 * (`lake/raw/<source>/account_id=<id>/fetch_date=<YYYY-MM-DD>/<run>-<seq>.parquet`), written under a
 * temporary name and renamed; then ONE DuckDB transaction inserts its rows into raw.<source>, its
 * meta.landed_files row and the extraction checkpoint. A crash between rename and commit leaves a file
 * without a landed_files row: `recoverLake` deletes it at start-up and the page is fetched again.
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
  readonly stateValue: string;
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

function filesUnder(root: string): string[] {
  let entries: string[];
  try {
    entries = readdirSync(root, { recursive: true, encoding: 'utf8' });
  } catch {
    return [];
  }
  return entries.map((entry) => join(root, entry));
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
   * Deletes what an interrupted run left behind: Parquet files of our sources that no committed
   * meta.landed_files row lists, and temporary files. Returns how many files were removed.
   */
  recoverLake(): Promise<number> {
    return this.exclusive(async () => {
      const committed = new Set(
        (await this.warehouse.rows<{ file_path: string }>('SELECT file_path FROM meta.landed_files')).map((row) => row.file_path),
      );
      let removed = 0;
      for (const source of RAW_SOURCES) {
        for (const path of filesUnder(this.dir.rawLake(source))) {
          const relativePath = relative(this.dir.root, path).split(sep).join('/');
          const stray = path.endsWith('.tmp') || (path.endsWith('.parquet') && !committed.has(relativePath));
          if (stray && statSync(path, { throwIfNoEntry: false })?.isFile()) {
            rmSync(path, { force: true });
            removed += 1;
          }
        }
      }
      return removed;
    });
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
        await this.warehouse.transaction(() => this.writeBookkeeping(page));
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
      const bytes = statSync(absolute).size;
      try {
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
        });
      } catch (error) {
        rmSync(absolute, { force: true });
        throw error;
      }
      crashPoint('land:committed');
      this.rowsLanded[page.source] += page.items.length;
      this.filesLanded += 1;
      return { filePath: relativePath, rows: page.items.length, bytes };
    });
  }

  private async writeBookkeeping(page: PageToLand): Promise<void> {
    for (const checkpoint of page.checkpoints ?? []) await this.writeState(checkpoint);
    for (const statement of page.statements ?? []) await this.warehouse.run(statement.sql, statement.params);
  }

  private writeState(checkpoint: CheckpointWrite): Promise<void> {
    return this.meta.writeState(checkpoint.source, checkpoint.accountId, checkpoint.stateKey, checkpoint.stateValue);
  }

  /** Commits checkpoints and statements without a page. */
  commit(checkpoints: readonly CheckpointWrite[], statements: readonly Statement[] = []): Promise<void> {
    return this.exclusive(() =>
      this.warehouse.transaction(async () => {
        for (const checkpoint of checkpoints) await this.writeState(checkpoint);
        for (const statement of statements) await this.warehouse.run(statement.sql, statement.params);
      }),
    );
  }

  readState(source: string, accountId: string, stateKey: string): Promise<string | undefined> {
    return this.exclusive(() => this.meta.readState(source, accountId, stateKey));
  }

  query<T>(sql: string, params?: readonly SqlParam[]): Promise<T[]> {
    return this.exclusive(() => this.warehouse.rows<T>(sql, params));
  }
}
