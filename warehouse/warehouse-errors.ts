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
 * What to do with a damaged work.duckdb, as things are today: the pipeline cannot rebuild it from the
 * lake, and the first extract, run or ingest-events on a new work.duckdb deletes the lake files that
 * file has no record of (it takes them for leftovers of an interrupted run). So the advice keeps the lake
 * out of the way and says plainly what has to be fetched or ingested again and what cannot be.
 */
export function damagedWarehouseMessage(dir: DataDir, found: string): string {
  const root = dir.root;
  return [
    `The working warehouse ${dir.workingDb} is damaged and cannot be read (DuckDB: ${found}).`,
    'The pipeline can neither repair it nor rebuild it from the lake yet. To start again with a new one, move both aside:',
    `  mv ${dir.workingDb} ${dir.workingDb}.corrupt`,
    `  mv ${dir.lake} ${dir.lake}.kept`,
    '(the lake too: a new work.duckdb has no record of its files, and the next extract, run or ingest-events would',
    `delete them as leftovers of an interrupted run). Then \`pipeline run --data-dir ${root}\` fetches the Brightcove`,
    `data again (the whole history), and \`pipeline ingest-events FILES --data-dir ${root}\` loads the player-event files`,
    'again. Accepted player events whose source files are gone cannot be loaded back by the pipeline; their rows stay',
    `in ${dir.lake}.kept/raw/player_events (Parquet). ${dir.publishedDb} and the exports stay as they are until the`,
    'next successful run.',
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
