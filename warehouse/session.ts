import { randomUUID } from 'node:crypto';
import { loadConfig, type ReelhouseConfig } from '../config/load-config.ts';
import { applySchema, writeRunSettings } from './bootstrap.ts';
import { assertDataDirUsable, dataDir, type DataDir } from './data-dir.ts';
import { openWarehouse, type Warehouse } from './duckdb.ts';
import { acquireDataDirLock } from './run-lock.ts';
import { crashPoint } from './crash-point.ts';
import { MetaStore } from './meta-store.ts';
import { explainWarehouseError } from './warehouse-errors.ts';
import { upgradeEventTables } from './upgrade-event-tables.ts';
import { asOfOfDeliveredBuild } from './build-as-of.ts';
import { recordRunFinished, recordRunStarted, type CheckRecord } from './run-status.ts';

/** Commands that change nothing, so they leave the status file (warehouse/run-status.ts) alone. */
const COMMANDS_WITHOUT_STATUS = new Set(['plan']);
import { adoptLakeIntoLog, syncWarehouseWithLake } from './lake-index.ts';

/** What every command that touches the working warehouse shares: config, paths, the open file, a run id. */
export interface PipelineSession {
  readonly config: Readonly<ReelhouseConfig>;
  readonly dir: DataDir;
  readonly warehouse: Warehouse;
  /** Typed reads and writes of meta.* on the same connection. */
  readonly meta: MetaStore;
  readonly runId: string;
  readonly asOfDate: string;
  finish(status: 'succeeded' | 'failed', error?: string): Promise<void>;
  /** Closes the working file and releases the data dir lock. */
  close(): void;
}

export interface SessionOptions {
  readonly dataDir?: string;
  readonly configPath?: string;
  readonly asOf?: string;
  readonly command: string;
  readonly config?: Readonly<ReelhouseConfig>;
  /** export, distribute, publish: the session takes the as-of date of the build it delivers (warehouse/build-as-of.ts). */
  readonly deliversBuild?: boolean;
  /** Where a start says what it did to work.duckdb (a rebuild from the lake); default stdout. */
  readonly log?: (line: string) => void;
}

export function todayUtc(): string {
  return new Date().toISOString().slice(0, 10);
}

export function assertIsoDate(value: string, flag = '--as-of'): string {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  const date = new Date(`${value}T00:00:00Z`);
  if (!match || Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== value) {
    throw new Error(`${flag} must be a date YYYY-MM-DD, got "${value}" (for example 2025-06-30)`);
  }
  return value;
}

export async function openSession(options: SessionOptions): Promise<PipelineSession> {
  const config = options.config ?? loadConfig(options.configPath);
  let asOfDate = assertIsoDate(options.asOf ?? todayUtc());
  assertDataDirUsable(options.dataDir ?? 'data');
  const dir = dataDir(options.dataDir);
  const lock = acquireDataDirLock(dir.lockFile, options.command);
  let warehouse: Warehouse | undefined;
  const log = options.log ?? ((line: string) => console.log(line));
  const runId = `${new Date().toISOString().replace(/[-:.]/g, '').slice(0, 15)}-${randomUUID().slice(0, 8)}`;
  let meta: MetaStore;
  try {
    warehouse = await openWarehouse(dir.workingDb);
    await applySchema(warehouse);
    // The lake is the system of record: work.duckdb catches up with its log (or is rebuilt from it).
    await adoptLakeIntoLog(warehouse, dir, runId, log);
    await syncWarehouseWithLake(warehouse, dir, log);
    await upgradeEventTables(warehouse);
    if (options.deliversBuild) asOfDate = await asOfOfDeliveredBuild(warehouse, options.asOf, options.command, asOfDate);
    await writeRunSettings(warehouse, config, asOfDate);
    meta = new MetaStore(warehouse);
    await meta.startRun(runId, options.command, asOfDate);
    if (!COMMANDS_WITHOUT_STATUS.has(options.command)) {
      recordRunStarted(dir.root, {
        run_id: runId,
        command: options.command,
        pid: process.pid,
        as_of_date: asOfDate,
        started_at: new Date().toISOString(),
      });
    }
  } catch (error) {
    warehouse?.close();
    lock.release();
    throw explainWarehouseError(error, dir);
  }
  const opened = warehouse;
  crashPoint('session:opened');
  return {
    config,
    dir,
    warehouse: opened,
    meta,
    runId,
    asOfDate,
    async finish(status, error) {
      await meta.finishRun(runId, status, error ?? null);
      if (COMMANDS_WITHOUT_STATUS.has(options.command)) return;
      const checks = await opened.rows<{ check_name: string; severity: string | null; failing_rows: string }>(
        'SELECT check_name, severity, failing_rows FROM meta.check_results WHERE run_id = $1 ORDER BY check_name',
        [runId],
      );
      recordRunFinished(dir.root, runId, {
        status,
        error: error ?? null,
        checks: checks.map(
          (check): CheckRecord => ({
            name: check.check_name,
            severity: check.severity === 'warning' ? 'warning' : 'error',
            failing_rows: Number(check.failing_rows),
          }),
        ),
      });
    },
    close() {
      opened.close();
      lock.release();
    },
  };
}
