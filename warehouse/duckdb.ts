import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { DuckDBConnection, DuckDBInstance, type DuckDBValue } from '@duckdb/node-api';

/**
 * One DuckDB instance per file per process (DuckDBInstance.fromCache): a second instance on the same
 * file in one process would not be stopped by the file lock and risks corruption.
 */

export type SqlParam = string | number | boolean | bigint | null;

export interface Warehouse {
  readonly path: string;
  readonly connection: DuckDBConnection;
  /** Runs one or more statements; returns nothing. */
  run(sql: string, params?: readonly SqlParam[]): Promise<void>;
  /** Rows as JSON-safe objects: BIGINT and DECIMAL as strings, DATE/TIMESTAMP as ISO-like strings. */
  rows<T = Record<string, unknown>>(sql: string, params?: readonly SqlParam[]): Promise<T[]>;
  /** The first column of the first row, JSON-safe, or undefined when there is no row. */
  scalar<T = unknown>(sql: string, params?: readonly SqlParam[]): Promise<T | undefined>;
  /** Runs fn in one transaction: all of it commits, or none of it. */
  transaction<T>(fn: () => Promise<T>): Promise<T>;
  close(): void;
}

export interface OpenOptions {
  readonly readOnly?: boolean;
  readonly threads?: number;
  readonly memoryLimit?: string;
}

export async function openWarehouse(path: string, options: OpenOptions = {}): Promise<Warehouse> {
  if (path !== ':memory:' && !options.readOnly) mkdirSync(dirname(path), { recursive: true });
  const duckdbOptions: Record<string, string> = {};
  if (options.readOnly) duckdbOptions['access_mode'] = 'READ_ONLY';
  if (options.threads) duckdbOptions['threads'] = String(options.threads);
  if (options.memoryLimit) duckdbOptions['memory_limit'] = options.memoryLimit;
  const ownInstance = path === ':memory:' || options.readOnly === true;
  const instance = ownInstance ? await DuckDBInstance.create(path, duckdbOptions) : await DuckDBInstance.fromCache(path, duckdbOptions);
  const connection = await instance.connect();
  return wrapConnection(path, connection, () => {
    connection.closeSync();
    // An instance of our own holds the file lock until closed (not merely until garbage collection):
    // a read-only open that was closed must not keep a pipeline process out of the file.
    if (ownInstance) instance.closeSync();
  });
}

export function wrapConnection(path: string, connection: DuckDBConnection, onClose: () => void): Warehouse {
  const bind = (params?: readonly SqlParam[]) => (params && params.length > 0 ? (params as DuckDBValue[]) : undefined);
  let inTransaction = false;
  const warehouse: Warehouse = {
    path,
    connection,
    async run(sql, params) {
      if (params && params.length > 0) await connection.run(sql, bind(params));
      else await connection.run(sql);
    },
    async rows<T>(sql: string, params?: readonly SqlParam[]) {
      const reader = await connection.runAndReadAll(sql, bind(params));
      return reader.getRowObjectsJson() as unknown as T[];
    },
    async scalar<T>(sql: string, params?: readonly SqlParam[]) {
      const [first] = await warehouse.rows<Record<string, unknown>>(sql, params);
      return first === undefined ? undefined : (Object.values(first)[0] as T);
    },
    async transaction(fn) {
      if (inTransaction) return fn();
      await connection.run('BEGIN TRANSACTION');
      inTransaction = true;
      try {
        const result = await fn();
        await connection.run('COMMIT');
        return result;
      } catch (error) {
        await connection.run('ROLLBACK').catch(() => undefined);
        throw error;
      } finally {
        inTransaction = false;
      }
    },
    close: onClose,
  };
  return warehouse;
}

/** Quotes a string as a SQL literal: for the few places DuckDB takes no parameter (file paths in COPY/ATTACH). */
export function sqlString(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

/** Quotes an identifier. */
export function sqlIdent(value: string): string {
  return `"${value.replaceAll('"', '""')}"`;
}
