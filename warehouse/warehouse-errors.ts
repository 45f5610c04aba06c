import type { DataDir } from './data-dir.ts';

/**
 * DuckDB's errors about the working file say what DuckDB saw, not what to do. These add the next step,
 * naming the file.
 */

export class DamagedWarehouseError extends Error {
  override name = 'DamagedWarehouseError';
}

/** The first line of DuckDB's message, which names what it found. */
const firstLine = (error: Error) => error.message.split('\n')[0]!;

/**
 * What to do with a damaged work.duckdb: move it aside. It is an index of the lake, whose own commit log
 * (lake/_log/commits.ndjson) says what is committed, so the next command rebuilds it from the lake and
 * nothing is lost (warehouse/lake-index.ts).
 */
export function damagedWarehouseMessage(dir: DataDir, found: string): string {
  return [
    `The working warehouse ${dir.workingDb} is damaged and cannot be read (DuckDB: ${found}).`,
    'Move it aside; nothing will be lost:',
    `  mv ${dir.workingDb} ${dir.workingDb}.corrupt`,
    `The next command (for example \`pipeline run --data-dir ${dir.root}\`) rebuilds it from the lake, whose commit log`,
    `(lake/_log/commits.ndjson) lists every committed file: raw data, player events and their numbers, extraction state.`,
    `Keep the lake where it is. \`pipeline verify --data-dir ${dir.root}\` checks the lake's files first, if you want.`,
    `${dir.publishedDb} and the exports stay as they are until the next successful run. Delete the .corrupt file when you no longer need it.`,
  ].join('\n');
}

/**
 * The same error, or one that says what to do when it is about the working file: damaged (a block
 * checksum, a truncated or foreign file) or held by another process (DuckDB's own lock).
 */
export function explainWarehouseError(error: unknown, dir: DataDir): unknown {
  if (!(error instanceof Error) || error instanceof DamagedWarehouseError) return error;
  const message = error.message;
  const aboutWorkingFile = message.includes(dir.workingDb);
  if (/Corrupt database file/i.test(message) || (aboutWorkingFile && /not a valid DuckDB database|Could not read enough bytes/i.test(message))) {
    return new DamagedWarehouseError(damagedWarehouseMessage(dir, firstLine(error)), { cause: error });
  }
  const holder = aboutWorkingFile ? /Conflicting lock is held in (.*?) \(PID (\d+)\)/.exec(message) : null;
  if (holder) {
    return new Error(
      `${dir.workingDb} is open in another process (PID ${holder[2]}, ${holder[1]}) that does not hold the data dir lock: ` +
        'a DuckDB session someone opened on the working file, or a reelhouse process that is ending. Close that session ' +
        `(analysts open ${dir.publishedDb}, read-only) or wait for the process to end, then run again.`,
      { cause: error },
    );
  }
  return error;
}
