import { sqlIdent, sqlString, type Warehouse } from './duckdb.ts';

/**
 * What a DuckDB catalog holds (tables, columns, comments, macros), read from duckdb_tables(),
 * duckdb_columns() and duckdb_functions(). Plan, publish and the data dictionary all copy or describe
 * tables between catalogs, so they share one reading of them.
 */

export interface CatalogTable {
  readonly schema: string;
  readonly name: string;
  readonly comment: string | null;
  /** 'table' or 'view' */
  readonly kind: 'table' | 'view';
}

export interface CatalogColumn {
  readonly schema: string;
  readonly table: string;
  readonly name: string;
  readonly type: string;
  readonly comment: string | null;
  readonly position: number;
}

export async function currentCatalog(warehouse: Warehouse): Promise<string> {
  return String(await warehouse.scalar('SELECT current_database()'));
}

/** Tables and views of `catalog` in `schemas` (all schemas when omitted), ordered by schema then name. */
export async function listTables(warehouse: Warehouse, catalog: string, schemas?: readonly string[]): Promise<CatalogTable[]> {
  const rows = await warehouse.rows<{ schema_name: string; table_name: string; comment: string | null; kind: 'table' | 'view' }>(
    `SELECT schema_name, table_name, comment, 'table' AS kind FROM duckdb_tables() WHERE database_name = $1 AND NOT temporary
     UNION ALL
     SELECT schema_name, view_name, comment, 'view' FROM duckdb_views() WHERE database_name = $1 AND NOT temporary AND NOT internal
     ORDER BY 1, 2`,
    [catalog],
  );
  return rows
    .filter((row) => !schemas || schemas.includes(row.schema_name))
    .map((row) => ({ schema: row.schema_name, name: row.table_name, comment: row.comment, kind: row.kind }));
}

/** Columns of the tables of `catalog` in `schemas`, in table then column order. */
export async function listColumns(warehouse: Warehouse, catalog: string, schemas: readonly string[]): Promise<CatalogColumn[]> {
  const rows = await warehouse.rows<{
    schema_name: string;
    table_name: string;
    column_name: string;
    data_type: string;
    comment: string | null;
    column_index: number;
  }>(
    `SELECT schema_name, table_name, column_name, data_type, comment, column_index
     FROM duckdb_columns() WHERE database_name = $1 ORDER BY schema_name, table_name, column_index`,
    [catalog],
  );
  return rows
    .filter((row) => schemas.includes(row.schema_name))
    .map((row) => ({
      schema: row.schema_name,
      table: row.table_name,
      name: row.column_name,
      type: row.data_type,
      comment: row.comment,
      position: Number(row.column_index),
    }));
}

/** `catalog.schema.name`, quoted. */
export function qualified(catalog: string, schema: string, name: string): string {
  return `${sqlIdent(catalog)}.${sqlIdent(schema)}.${sqlIdent(name)}`;
}

/** COMMENT statements that give `target` (catalog) the table and column comments `source` has. */
export async function copyComments(
  warehouse: Warehouse,
  source: string,
  target: string,
  tables: ReadonlyArray<{ schema: string; name: string }>,
): Promise<void> {
  const wanted = new Set(tables.map((table) => `${table.schema}.${table.name}`));
  const schemas = [...new Set(tables.map((table) => table.schema))];
  for (const table of await listTables(warehouse, source, schemas)) {
    if (!wanted.has(`${table.schema}.${table.name}`) || table.comment === null) continue;
    await warehouse.run(`COMMENT ON TABLE ${qualified(target, table.schema, table.name)} IS ${sqlString(table.comment)}`);
  }
  for (const column of await listColumns(warehouse, source, schemas)) {
    if (!wanted.has(`${column.schema}.${column.table}`) || column.comment === null) continue;
    await warehouse.run(
      `COMMENT ON COLUMN ${qualified(target, column.schema, column.table)}.${sqlIdent(column.name)} IS ${sqlString(column.comment)}`,
    );
  }
}

/**
 * Creates in the current default catalog empty tables defined as `source` defines them (columns, types,
 * NOT NULL, keys): a table whose DDL is in sql/schema but whose rows are written elsewhere.
 */
export async function replayTableDefinitions(
  warehouse: Warehouse,
  source: string,
  tables: ReadonlyArray<{ schema: string; name: string }>,
): Promise<void> {
  for (const table of tables) {
    const ddl = await warehouse.scalar(
      `SELECT sql FROM duckdb_tables() WHERE database_name = $1 AND schema_name = $2 AND table_name = $3`,
      [source, table.schema, table.name],
    );
    if (typeof ddl !== 'string') throw new Error(`${source}.${table.schema}.${table.name} does not exist: sql/schema defines it`);
    await warehouse.run(ddl);
  }
}

/**
 * Re-creates in the current default catalog the macros `source` has in `schemas` (meta.setting, …), so
 * SQL that calls them runs the same there. Their bodies bind to the current catalog's tables.
 */
export async function replayMacros(warehouse: Warehouse, source: string, schemas: readonly string[]): Promise<void> {
  const macros = await warehouse.rows<{
    schema_name: string;
    function_name: string;
    function_type: string;
    parameters: string[];
    macro_definition: string;
  }>(
    `SELECT DISTINCT schema_name, function_name, function_type, parameters, macro_definition
     FROM duckdb_functions()
     WHERE database_name = $1 AND NOT internal AND function_type IN ('macro', 'table_macro')
     ORDER BY schema_name, function_name`,
    [source],
  );
  for (const macro of macros.filter((m) => schemas.includes(m.schema_name))) {
    const name = `${sqlIdent(macro.schema_name)}.${sqlIdent(macro.function_name)}`;
    const parameters = macro.parameters.map((parameter) => sqlIdent(parameter)).join(', ');
    const body = macro.function_type === 'table_macro' ? `TABLE ${macro.macro_definition}` : macro.macro_definition;
    await warehouse.run(`CREATE OR REPLACE MACRO ${name}(${parameters}) AS ${body}`);
  }
}
