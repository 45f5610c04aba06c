/**
 * A model's grain (the columns that name one row), read from its header comment:
 *
 *   -- grain: account_id, video_id                       an exact list of columns, or
 *   -- Grain: one row per (account_id, video_id) and day  prose: the words that are columns of the table
 *
 * Without a grain line, or when no word of it is a column, the first column is the key.
 * `plan` uses the grain to say which rows a model edit adds, removes or changes.
 */

/** The header: the comment lines (and block comments) before the first statement. */
export function headerComment(sql: string): string {
  const lines: string[] = [];
  let inBlock = false;
  for (const line of sql.split('\n')) {
    const trimmed = line.trim();
    if (inBlock) {
      lines.push(trimmed);
      if (trimmed.includes('*/')) inBlock = false;
    } else if (trimmed.startsWith('--') || trimmed === '') {
      lines.push(trimmed);
    } else if (trimmed.startsWith('/*')) {
      lines.push(trimmed);
      inBlock = !trimmed.includes('*/');
    } else {
      break;
    }
  }
  return lines.join('\n');
}

/** The text after `grain:` in the header, or undefined. */
export function grainLine(sql: string): string | undefined {
  const match = /^[\s\-*/]*grain\s*:\s*(.+)$/im.exec(headerComment(sql));
  return match?.[1]?.trim();
}

function columnsNamedIn(text: string, known: ReadonlyMap<string, string>): string[] {
  const grain: string[] = [];
  for (const word of text.toLowerCase().match(/[a-z_][a-z0-9_]*/g) ?? []) {
    const column = known.get(word);
    if (column !== undefined && !grain.includes(column)) grain.push(column);
  }
  return grain;
}

/**
 * The grain columns of a model whose table has `columns` (in table order). In prose, a parenthesised
 * list wins; otherwise the columns named before the first `:`, `;` or `. ` (what follows is the why).
 */
export function grainColumns(sql: string, columns: readonly string[]): string[] {
  if (columns.length === 0) return [];
  const line = grainLine(sql);
  if (line !== undefined) {
    const known = new Map(columns.map((column) => [column.toLowerCase(), column]));
    const parenthesised = /\(([^)]*)\)/.exec(line)?.[1];
    const statement = line.split(/[:;]|\.(?:\s|$)/)[0] ?? line;
    for (const text of [parenthesised, statement]) {
      const grain = text === undefined ? [] : columnsNamedIn(text, known);
      if (grain.length > 0) return grain;
    }
  }
  return [columns[0]!];
}
