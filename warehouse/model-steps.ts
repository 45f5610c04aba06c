import { sqlString, type Warehouse } from './duckdb.ts';
import { incrementalParts } from './incremental-build.ts';
import type { Model } from './models.ts';
import { chainUpTo, parseChain, renderChain, splitStatements, withoutLeadingComments, type Chain } from './sql-chain.ts';

/**
 * Runs one named step (CTE) of a model, as SQLMesh's unit tests do (docs/models.md#step-tests): the
 * model's chain of steps cut after that step, with any earlier step or any table it reads replaced by
 * given rows. What is not given is read from the warehouse as the build would.
 */

/** A query per step name or table name (schema.table) to read instead of it. */
export type GivenRows = Readonly<Record<string, string>>;

/** The model's chain of steps: an incremental model's rules, or a table's or view's query. */
export function modelChain(model: Pick<Model, 'name' | 'sql' | 'file' | 'header'>): Chain {
  if (model.header.kind === 'incremental') return incrementalParts(model.name, model.sql, model.file).chain;
  const pattern = new RegExp(`^CREATE\\s+OR\\s+REPLACE\\s+(?:TABLE|VIEW)\\s+${model.name.replace('.', '\\.')}\\s+AS\\s+([\\s\\S]+)$`, 'i');
  for (const statement of splitStatements(model.sql).map(withoutLeadingComments)) {
    const match = pattern.exec(statement);
    if (match) return parseChain(match[1]!);
  }
  throw new Error(`${model.file}: no "CREATE OR REPLACE TABLE|VIEW ${model.name} AS ..." statement`);
}

/** The names of the model's steps, in order. */
export function stepNames(model: Pick<Model, 'name' | 'sql' | 'file' | 'header'>): string[] {
  return modelChain(model).steps.map((step) => step.name);
}

/** The query of one step of a model, with the given rows in place of steps or tables. */
export function stepQuery(model: Pick<Model, 'name' | 'sql' | 'file' | 'header'>, step: string, given: GivenRows = {}): string {
  const chain = chainUpTo(modelChain(model), step);
  const known = new Set(chain.steps.map((candidate) => candidate.name));
  const bodies = new Map<string, string>();
  const tables: Array<{ table: string; alias: string; query: string }> = [];
  for (const [name, query] of Object.entries(given)) {
    if (known.has(name)) bodies.set(name, query);
    else if (/^[a-z_][a-z0-9_]*\.[a-z_][a-z0-9_]*$/i.test(name)) tables.push({ table: name, alias: `given__${name.replace('.', '__')}`, query });
    else throw new Error(`"${name}" is neither a step before ${step} (${[...known].join(', ')}) nor a schema.table name`);
  }
  let steps = chain.steps.map((candidate) => ({ name: candidate.name, body: bodies.get(candidate.name) ?? candidate.body }));
  for (const { table, alias } of tables) {
    const pattern = new RegExp(`\\b${table.replace('.', '\\.')}\\b`, 'gi');
    steps = steps.map((candidate) => (bodies.has(candidate.name) ? candidate : { ...candidate, body: candidate.body.replace(pattern, alias) }));
  }
  return renderChain({ steps: [...tables.map(({ alias, query }) => ({ name: alias, body: query })), ...steps], tail: chain.tail });
}

/** The rows of one step of a model; `orderBy` (SQL) makes their order part of the answer. */
export async function runStep<T = Record<string, unknown>>(
  warehouse: Warehouse,
  model: Pick<Model, 'name' | 'sql' | 'file' | 'header'>,
  step: string,
  options: { given?: GivenRows; columns?: readonly string[]; orderBy?: string } = {},
): Promise<T[]> {
  const query = stepQuery(model, step, options.given);
  const columns = options.columns === undefined ? '*' : options.columns.join(', ');
  const order = options.orderBy === undefined ? '' : ` ORDER BY ${options.orderBy}`;
  return warehouse.rows<T>(`SELECT ${columns} FROM (\n${query}\n) AS step_rows${order}`);
}

type Value = string | number | bigint | boolean | null;

/**
 * Rows as a query for `given`: `types` gives each column's SQL type (every value is cast to it), in
 * the order the columns come out.
 */
export function rowsQuery(types: Readonly<Record<string, string>>, rows: readonly Readonly<Record<string, Value>>[]): string {
  const columns = Object.entries(types);
  const literal = (value: Value | undefined): string => {
    if (value === null || value === undefined) return 'NULL';
    if (typeof value === 'string') return sqlString(value);
    if (typeof value === 'boolean') return value ? 'true' : 'false';
    return String(value);
  };
  const select = (row: Readonly<Record<string, Value>> | undefined) =>
    `SELECT ${columns.map(([column, type]) => `CAST(${literal(row?.[column])} AS ${type}) AS ${column}`).join(', ')}`;
  if (rows.length === 0) return `${select(undefined)} WHERE false`;
  return rows.map(select).join('\nUNION ALL\n');
}
