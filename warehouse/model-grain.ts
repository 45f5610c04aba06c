import { headerComment } from './model-header.ts';

/**
 * A model's grain (the columns that name one row), as its header declares it (warehouse/model-header.ts,
 * docs/models.md):
 *
 *   -- grain: account_id, video_id
 *
 * `plan` uses the grain to say which rows a model edit adds, removes or changes; the derived checks
 * test it for unique and not-null keys. Only the declared list counts (prose such as "one row per ..."
 * is for the reader): a model without a `-- grain:` line falls back to its first column.
 */

export { headerComment };

/** The text after `-- grain:` in the header, or undefined. */
export function grainLine(sql: string): string | undefined {
  const match = /^(?:--|\/\*)?\s*grain\s*:\s*(.+?)\s*(?:\*\/)?$/m.exec(headerComment(sql));
  return match?.[1]?.trim();
}

/**
 * The grain columns of a model whose table has `columns` (in table order), in the order declared.
 * A declared column the table does not have is an error: the header and the SQL disagree.
 */
export function grainColumns(sql: string, columns: readonly string[]): string[] {
  if (columns.length === 0) return [];
  const line = grainLine(sql);
  if (line === undefined) return [columns[0]!];
  const known = new Map(columns.map((column) => [column.toLowerCase(), column]));
  return line.split(',').map((item) => {
    const column = known.get(item.trim().toLowerCase());
    if (column === undefined) {
      throw new Error(`The grain names "${item.trim()}", which is not a column of the table (columns: ${columns.join(', ')})`);
    }
    return column;
  });
}
