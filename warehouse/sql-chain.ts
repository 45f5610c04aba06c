/**
 * The few pieces of SQL structure the runner needs, read without a full parser: a file's statements,
 * and a query's chain of named steps (`WITH a AS (...), b AS (...) SELECT ...`). Strings, quoted
 * names and comments are skipped, so a `;` or `)` inside them never cuts a statement or a step.
 */

/** The index just past the string, quoted name or comment starting at `i`, or `i` when none starts there. */
function skipQuotedOrComment(sql: string, i: number): number {
  const char = sql[i];
  if (char === "'" || char === '"') {
    let j = i + 1;
    while (j < sql.length) {
      if (sql[j] === char) {
        if (sql[j + 1] === char) j += 2;
        else return j + 1;
      } else j += 1;
    }
    throw new Error(`Unterminated ${char === "'" ? 'string' : 'quoted name'} in SQL at offset ${i}`);
  }
  if (char === '-' && sql[i + 1] === '-') {
    const end = sql.indexOf('\n', i);
    return end < 0 ? sql.length : end + 1;
  }
  if (char === '/' && sql[i + 1] === '*') {
    const end = sql.indexOf('*/', i + 2);
    if (end < 0) throw new Error(`Unterminated comment in SQL at offset ${i}`);
    return end + 2;
  }
  return i;
}

/** The index of the first character at or after `i` that is neither white space nor a comment. */
function skipTrivia(sql: string, i: number): number {
  let j = i;
  for (;;) {
    while (j < sql.length && /\s/.test(sql[j]!)) j += 1;
    const next = sql[j] === '-' || sql[j] === '/' ? skipQuotedOrComment(sql, j) : j;
    if (next === j) return j;
    j = next;
  }
}

/** The statements of a file, each without its `;`, empty ones (comments only) left out. */
export function splitStatements(sql: string): string[] {
  const statements: string[] = [];
  let start = 0;
  let i = 0;
  while (i < sql.length) {
    const skipped = skipQuotedOrComment(sql, i);
    if (skipped !== i) {
      i = skipped;
    } else if (sql[i] === ';') {
      statements.push(sql.slice(start, i));
      start = i + 1;
      i += 1;
    } else i += 1;
  }
  statements.push(sql.slice(start));
  return statements.map((statement) => statement.trim()).filter((statement) => skipTrivia(statement, 0) < statement.length);
}

/** The statement's text from its first keyword on (leading comments removed). */
export function withoutLeadingComments(statement: string): string {
  return statement.slice(skipTrivia(statement, 0));
}

/** The index of the `)` that closes the `(` at `open`. */
function closingParen(sql: string, open: number): number {
  let depth = 0;
  let i = open;
  while (i < sql.length) {
    const skipped = skipQuotedOrComment(sql, i);
    if (skipped !== i) {
      i = skipped;
      continue;
    }
    if (sql[i] === '(') depth += 1;
    else if (sql[i] === ')') {
      depth -= 1;
      if (depth === 0) return i;
    }
    i += 1;
  }
  throw new Error(`Unbalanced parentheses in SQL from offset ${open}`);
}

export interface Step {
  readonly name: string;
  /** The step's query, between its parentheses. */
  readonly body: string;
}

export interface Chain {
  readonly steps: readonly Step[];
  /** What follows the last step: the query that reads them (e.g. `SELECT * FROM final`). */
  readonly tail: string;
}

/** Reads `WITH a AS (...), b AS (...) <tail>`; a query without WITH is a chain of no steps. */
export function parseChain(query: string): Chain {
  const start = skipTrivia(query, 0);
  const withMatch = /^WITH\s+(?:RECURSIVE\s+)?/i.exec(query.slice(start));
  if (!withMatch) return { steps: [], tail: query.slice(start) };
  const steps: Step[] = [];
  let i = start + withMatch[0].length;
  for (;;) {
    i = skipTrivia(query, i);
    const head = /^([a-z_][a-z0-9_]*)\s+AS\s+(?:NOT\s+)?(?:MATERIALIZED\s+)?/i.exec(query.slice(i));
    if (!head) throw new Error(`Expected "<name> AS (" for a step of the chain at: ${query.slice(i, i + 60)}`);
    const open = skipTrivia(query, i + head[0].length);
    if (query[open] !== '(') throw new Error(`Expected "(" after "${head[1]} AS"`);
    const close = closingParen(query, open);
    steps.push({ name: head[1]!, body: query.slice(open + 1, close) });
    i = skipTrivia(query, close + 1);
    if (query[i] === ',') {
      i += 1;
      continue;
    }
    return { steps, tail: query.slice(i) };
  }
}

/** The query of a chain, with the given steps' bodies replaced. */
export function renderChain(chain: Chain, replaced: ReadonlyMap<string, string> = new Map()): string {
  if (chain.steps.length === 0) return chain.tail;
  const steps = chain.steps.map((step) => `${step.name} AS (\n${replaced.get(step.name) ?? step.body}\n)`);
  return `WITH ${steps.join(',\n')}\n${chain.tail}`;
}

/** The chain cut after `stepName`, ending in `SELECT * FROM <stepName>`. */
export function chainUpTo(chain: Chain, stepName: string): Chain {
  const index = chain.steps.findIndex((step) => step.name === stepName);
  if (index < 0) {
    throw new Error(`No step named "${stepName}"; the steps are: ${chain.steps.map((step) => step.name).join(', ')}`);
  }
  return { steps: chain.steps.slice(0, index + 1), tail: `SELECT * FROM ${stepName}` };
}
