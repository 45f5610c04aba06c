import {
  CompiledQuery,
  Kysely,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  type DatabaseConnection,
  type DatabaseIntrospector,
  type Dialect,
  type DialectAdapter,
  type Driver,
  type QueryCompiler,
  type QueryResult,
} from 'kysely';
import type { SqlParam, Warehouse } from './duckdb.ts';
import type { MetaDatabase } from './meta-tables.ts';

/**
 * A small Kysely dialect over our DuckDB connection. kysely-duckdb is unusable here (fails to import
 * with kysely 0.29; BigInt/DECIMAL wrappers with 0.28), and Postgres' compiler emits SQL DuckDB
 * accepts ($n placeholders, double-quoted identifiers). Results come back JSON-safe (BIGINT as string).
 */

class DuckDBAdapter extends PostgresAdapter {
  // Postgres' lock uses pg_advisory_xact_lock, which DuckDB lacks; one process holds the file anyway.
  override async acquireMigrationLock(): Promise<void> {}
  override async releaseMigrationLock(): Promise<void> {}
}

function toParam(value: unknown): SqlParam {
  if (value === undefined || value === null) return null;
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') {
    return value;
  }
  return JSON.stringify(value);
}

class DuckDBKyselyConnection implements DatabaseConnection {
  constructor(private readonly warehouse: Warehouse) {}

  async executeQuery<R>(compiled: CompiledQuery): Promise<QueryResult<R>> {
    const rows = await this.warehouse.rows<Record<string, unknown>>(compiled.sql, compiled.parameters.map(toParam));
    const isWrite = /^\s*(insert|update|delete)\b/i.test(compiled.sql) && !/\breturning\b/i.test(compiled.sql);
    if (isWrite) {
      const count = rows[0]?.['Count'];
      return { rows: [], numAffectedRows: count === undefined ? undefined : BigInt(String(count)) };
    }
    return { rows: rows as R[] };
  }

  // eslint-disable-next-line require-yield
  async *streamQuery<R>(): AsyncIterableIterator<QueryResult<R>> {
    throw new Error('Streaming is not supported by the reelhouse DuckDB dialect');
  }
}

class DuckDBDriver implements Driver {
  private readonly connection: DuckDBKyselyConnection;
  constructor(warehouse: Warehouse) {
    this.connection = new DuckDBKyselyConnection(warehouse);
  }
  async init(): Promise<void> {}
  async acquireConnection(): Promise<DatabaseConnection> {
    return this.connection;
  }
  async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('BEGIN TRANSACTION'));
  }
  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('COMMIT'));
  }
  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('ROLLBACK'));
  }
  async releaseConnection(): Promise<void> {}
  async destroy(): Promise<void> {}
}

export class DuckDBDialect implements Dialect {
  constructor(private readonly warehouse: Warehouse) {}
  createDriver(): Driver {
    return new DuckDBDriver(this.warehouse);
  }
  createQueryCompiler(): QueryCompiler {
    return new PostgresQueryCompiler();
  }
  createAdapter(): DialectAdapter {
    return new DuckDBAdapter();
  }
  createIntrospector(db: Kysely<unknown>): DatabaseIntrospector {
    return new PostgresIntrospector(db);
  }
}

/** Typed access to the meta.* tables on the warehouse's own connection (so it shares its transactions). */
export function metaDb(warehouse: Warehouse): Kysely<MetaDatabase> {
  return new Kysely<MetaDatabase>({ dialect: new DuckDBDialect(warehouse) });
}
