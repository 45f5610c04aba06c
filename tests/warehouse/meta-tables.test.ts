import { join } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { applySchema } from '../../warehouse/bootstrap.ts';
import { openWarehouse } from '../../warehouse/duckdb.ts';

/**
 * The meta DDL lives in sql/schema/ only; warehouse/meta-tables.ts states the row types the code reads
 * and writes through Kysely. This test holds the two together: every table the types name exists with
 * exactly those columns, each column's TypeScript type is what our Kysely dialect returns for its
 * DuckDB type, and a column is `| null` exactly when the DDL lets it be NULL.
 */

const META_TABLES_FILE = join(import.meta.dirname, '..', '..', 'warehouse', 'meta-tables.ts');

/** What the dialect returns per DuckDB type (warehouse/kysely-duckdb.ts): BIGINT comes as a string, a count we write as a number. */
const TYPESCRIPT_KINDS_OF: Readonly<Record<string, readonly string[]>> = {
  VARCHAR: ['string'],
  BIGINT: ['number', 'string'],
  INTEGER: ['number'],
  DOUBLE: ['number'],
  BOOLEAN: ['boolean'],
  DATE: ['string'],
  TIMESTAMP: ['string'],
};

interface DeclaredColumn {
  readonly kinds: string[];
  readonly nullable: boolean;
}

/** The tables and columns of the MetaDatabase interface, each column's type reduced to kinds (string, number, boolean) and null. */
function declaredMetaTables(): Map<string, Map<string, DeclaredColumn>> {
  const program = ts.createProgram([META_TABLES_FILE], { strict: true, noEmit: true, allowImportingTsExtensions: true });
  const checker = program.getTypeChecker();
  const source = program.getSourceFile(META_TABLES_FILE)!;
  const declaration = source.statements.find(
    (statement): statement is ts.InterfaceDeclaration => ts.isInterfaceDeclaration(statement) && statement.name.text === 'MetaDatabase',
  );
  if (!declaration) throw new Error('warehouse/meta-tables.ts no longer declares MetaDatabase');
  const tables = new Map<string, Map<string, DeclaredColumn>>();
  for (const table of checker.getTypeAtLocation(declaration).getProperties()) {
    const columns = new Map<string, DeclaredColumn>();
    for (const column of checker.getTypeOfSymbolAtLocation(table, declaration).getProperties()) {
      const type = checker.getTypeOfSymbolAtLocation(column, declaration);
      const parts = type.isUnion() ? type.types : [type];
      const kinds = new Set<string>();
      let nullable = false;
      for (const part of parts) {
        if (part.flags & ts.TypeFlags.Null) nullable = true;
        else if (part.flags & ts.TypeFlags.StringLike) kinds.add('string');
        else if (part.flags & ts.TypeFlags.NumberLike) kinds.add('number');
        else if (part.flags & ts.TypeFlags.BooleanLike) kinds.add('boolean');
        else kinds.add(checker.typeToString(part));
      }
      columns.set(column.name, { kinds: [...kinds].sort(), nullable });
    }
    tables.set(table.name, columns);
  }
  return tables;
}

describe('meta table types (warehouse/meta-tables.ts) against the DDL (sql/schema/)', () => {
  it('every declared table exists with exactly its DDL columns, types and nullability', async () => {
    const declared = declaredMetaTables();
    expect(declared.size).toBeGreaterThanOrEqual(9);
    const warehouse = await openWarehouse(':memory:');
    await applySchema(warehouse);
    const columns = await warehouse.rows<{ table_name: string; column_name: string; data_type: string; is_nullable: boolean }>(
      `SELECT 'meta.' || table_name AS table_name, column_name, data_type, is_nullable
       FROM duckdb_columns() WHERE schema_name = 'meta' ORDER BY table_name, column_index`,
    );
    warehouse.close();
    const mismatches: string[] = [];
    for (const [table, declaredColumns] of declared) {
      const ddlColumns = columns.filter((column) => column.table_name === table);
      if (ddlColumns.length === 0) mismatches.push(`${table}: declared, but sql/schema/ defines no such table`);
      for (const column of ddlColumns) {
        const typed = declaredColumns.get(column.column_name);
        const where = `${table}.${column.column_name}`;
        if (!typed) {
          mismatches.push(`${where}: in the DDL (${column.data_type}), not in MetaDatabase`);
          continue;
        }
        const expectedKinds = TYPESCRIPT_KINDS_OF[column.data_type];
        if (!expectedKinds) mismatches.push(`${where}: DDL type ${column.data_type} has no TypeScript mapping in this test`);
        else if (typed.kinds.join('|') !== expectedKinds.join('|')) {
          mismatches.push(`${where}: ${column.data_type} reads as ${expectedKinds.join(' | ')}, declared ${typed.kinds.join(' | ')}`);
        }
        if (typed.nullable !== column.is_nullable) {
          mismatches.push(`${where}: the DDL ${column.is_nullable ? 'allows' : 'forbids'} NULL, the type ${typed.nullable ? 'allows' : 'forbids'} it`);
        }
      }
      for (const name of declaredColumns.keys()) {
        if (ddlColumns.length > 0 && !ddlColumns.some((column) => column.column_name === name)) {
          mismatches.push(`${table}.${name}: in MetaDatabase, not in the DDL`);
        }
      }
    }
    expect(mismatches).toEqual([]);
  });

  it("reads each column's kinds and nullability from the interface (what the comparison above relies on)", () => {
    const declared = declaredMetaTables();
    const runs = declared.get('meta.runs')!;
    expect(runs.get('finished_at')).toEqual({ kinds: ['string'], nullable: true });
    expect(runs.get('started_at')).toEqual({ kinds: ['string'], nullable: false });
    expect(declared.get('meta.landed_files')!.get('row_count')).toEqual({ kinds: ['number', 'string'], nullable: false });
    expect(declared.get('meta.accounts')!.get('in_harper')).toEqual({ kinds: ['boolean'], nullable: false });
  });
});
