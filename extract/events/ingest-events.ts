import { createHash } from 'node:crypto';
import { createReadStream, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { commitTemporaryFile, writeAtomically } from '../../warehouse/atomic-file.ts';
import type { DataDir } from '../../warehouse/data-dir.ts';
import { sqlString, type Warehouse } from '../../warehouse/duckdb.ts';
import { formatOf, stageEventFile, STAGING_TABLES, type EventFileFormat, type StagedRows } from './stage-event-file.ts';
import { crashPoint } from '../../warehouse/crash-point.ts';
import { assignEventNumbers, dropEventNumberTables, EVENT_NUMBER_JOINS } from '../../warehouse/event-numbers.ts';
import { clearStrayFiles, commitEventLoadToLake, markCommitApplied } from '../../warehouse/lake-index.ts';
import type { LakeCommit } from '../../warehouse/lake-log.ts';
import { readLakeLog } from '../../warehouse/lake-log.ts';

/**
 * `pipeline ingest-events <path|folder|glob>...`: validates player events, lands the accepted ones in
 * lake/raw/player_events/event_date=…/ and raw.player_events, the rejected ones in quarantine/ and
 * raw.player_events_quarantine, numbers new users, streams and videos, and marks the touched (user, session)
 * streams for the engagement mart.
 * Per file: the Parquet files are written under temporary names and renamed, then one transaction
 * loads the rows and records the files (meta.landed_files, meta.player_event_files), so a crash leaves
 * either the whole file loaded or nothing. The same bytes are never loaded twice (sha256).
 */

export interface FileIngestResult {
  readonly file: string;
  readonly format: EventFileFormat;
  readonly skipped: boolean;
  readonly read: number;
  readonly accepted: number;
  readonly quarantined: number;
  readonly duplicates: number;
  readonly quarantineReasons: Record<string, number>;
}

export interface IngestSummary {
  readonly files: FileIngestResult[];
  readonly read: number;
  readonly accepted: number;
  readonly quarantined: number;
  readonly duplicates: number;
}

const [TYPE_ROWS_SQL, HASH_VALID_ROWS_SQL, MATCH_LANDED_SQL, SET_ASIDE_REPEATS_SQL, DEDUPLICATE_ROWS_SQL, ACCEPTED_VIEW_SQL] = readFileSync(
  join(import.meta.dirname, '..', '..', 'sql', 'events', 'classify-rows.sql'),
  'utf8',
).split(/^-- @next-statement.*$/m) as [string, string, string, string, string, string];
/** What classify-rows.sql leaves for the lake write and the commit; dropped once the load is committed. */
const CLASSIFICATION_TEMPS = [
  'DROP VIEW IF EXISTS ingest_accepted',
  ...['ingest_classified', 'ingest_repeated_rows', 'ingest_landed_matches', 'ingest_valid_hashes', 'ingest_typed'].map((table) => `DROP TABLE IF EXISTS ${table}`),
].join('; ');
const LAKE_SOURCE = 'player_events';
/**
 * An accepted event's columns in the lake. Not its event_key: Parquet would keep that UHUGEINT as a lossy
 * DOUBLE, so the lake replay computes it again from these columns anyway, and the random 128 bits were
 * the costliest column to compress (a third of the lake COPY's time, two fifths of the files' bytes:
 * docs/benchmarks.md).
 */
const LAKE_COLUMNS =
  'event_id, user_id, session_id, video_id, event_name, event_type, event_at, position_s, video_duration_s, event_date, load_id, source_row, source_file';
const RAW_COLUMNS = `event_key, ${LAKE_COLUMNS}`;

/** Files named by the arguments: a file, every event file below a folder, or a glob (DuckDB's glob). */
export async function expandEventPaths(warehouse: Warehouse, patterns: readonly string[]): Promise<string[]> {
  const found = new Set<string>();
  for (const pattern of patterns) {
    if (existsSync(pattern) && statSync(pattern).isDirectory()) {
      const walk = (folder: string) => {
        for (const entry of readdirSync(folder, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
          const path = join(folder, entry.name);
          if (entry.isDirectory()) walk(path);
          else if (formatOf(entry.name) && !entry.name.startsWith('.')) found.add(resolve(path));
        }
      };
      walk(pattern);
    } else if (existsSync(pattern)) {
      found.add(resolve(pattern));
    } else if (/[*?[]/.test(pattern)) {
      const matches = await warehouse.rows<{ file: string }>(`SELECT file FROM glob(${sqlString(pattern)}) ORDER BY file`);
      if (matches.length === 0) throw new Error(`No file matches ${pattern}`);
      for (const { file } of matches) found.add(resolve(file));
    } else {
      throw new Error(`No such file or folder: ${pattern}`);
    }
  }
  const files = [...found];
  for (const file of files) {
    if (!formatOf(file)) throw new Error(`Cannot tell the format of ${file}: name it .ndjson/.jsonl/.json, .csv or .parquet`);
    const kind = notRegularFileKind(file);
    if (kind) {
      throw new Error(`${file} is ${kind}, not a regular file; nothing was ingested. Save the events to a regular file and ingest that`);
    }
  }
  return files;
}

/**
 * What a path is when it is not a regular file (after following symlinks), or undefined. Refused before
 * anything opens it: opening a FIFO waits for a writer, for ever if none comes, and a device or socket
 * is not a file of events.
 */
function notRegularFileKind(path: string): string | undefined {
  const stats = statSync(path);
  if (stats.isFile()) return undefined;
  if (stats.isFIFO()) return 'a FIFO (named pipe)';
  if (stats.isCharacterDevice()) return 'a character device';
  if (stats.isBlockDevice()) return 'a block device';
  if (stats.isSocket()) return 'a socket';
  if (stats.isDirectory()) return 'a folder';
  return 'not a file';
}

async function sha256Of(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/**
 * Deletes player-event Parquet files that the lake's log does not list (a crash between rename and
 * commit) and leftover temporary folders, so the lake holds exactly the committed loads. Files of a load
 * given up (`verify --accept-loss`) are moved to damaged/, never deleted.
 */
export async function removeUncommittedEventFiles(_warehouse: Warehouse, dir: DataDir): Promise<number> {
  const root = dir.rawLake(LAKE_SOURCE);
  if (!existsSync(root)) return 0;
  for (const entry of readdirSync(root, { withFileTypes: true })) {
    if (entry.name.startsWith('.')) rmSync(join(root, entry.name), { recursive: true, force: true });
  }
  return clearStrayFiles(dir, [root], readLakeLog(dir)).removed;
}

export async function ingestEvents(
  warehouse: Warehouse,
  dir: DataDir,
  runId: string,
  patterns: readonly string[],
  log: (line: string) => void = console.log,
): Promise<IngestSummary> {
  await removeUncommittedEventFiles(warehouse, dir);
  const files = await expandEventPaths(warehouse, patterns);
  const results: FileIngestResult[] = [];
  for (const file of files) {
    const result = await ingestEventFile(warehouse, dir, runId, file);
    results.push(result);
    const reasons = Object.entries(result.quarantineReasons)
      .map(([reason, count]) => `${reason} ${count}`)
      .join(', ');
    log(
      result.skipped
        ? `  ${file}: already ingested (same content), skipped`
        : `  ${file}: read ${result.read} = accepted ${result.accepted} + quarantined ${result.quarantined}` +
            ` + duplicates ${result.duplicates}${reasons ? ` (${reasons})` : ''}`,
    );
  }
  const sum = (key: 'read' | 'accepted' | 'quarantined' | 'duplicates') => results.reduce((total, r) => total + r[key], 0);
  const summary = { files: results, read: sum('read'), accepted: sum('accepted'), quarantined: sum('quarantined'), duplicates: sum('duplicates') };
  log(
    `Events: read ${summary.read} = accepted ${summary.accepted} + quarantined ${summary.quarantined} + duplicates ${summary.duplicates}` +
      ` (${files.length} file(s))`,
  );
  return summary;
}

export async function ingestEventFile(warehouse: Warehouse, dir: DataDir, runId: string, file: string): Promise<FileIngestResult> {
  const format = formatOf(file)!;
  const sha256 = await sha256Of(file);
  const seen = await warehouse.scalar<string>(`SELECT source_file FROM meta.player_event_files WHERE sha256 = $1`, [sha256]);
  if (seen !== undefined) {
    return { file, format, skipped: true, read: 0, accepted: 0, quarantined: 0, duplicates: 0, quarantineReasons: {} };
  }
  const loadId = Number(await warehouse.scalar(`SELECT coalesce(max(load_id), 0) + 1 FROM meta.player_event_files`));
  const staged = await stageEventFile(warehouse, file, format);
  await warehouse.run(`SET VARIABLE ingest_load_id = ${loadId}`);
  await warehouse.run(`SET VARIABLE ingest_source_file = ${sqlString(file)}`);
  // Nothing from here on depends on the order rows come out of a statement (every order is explicit), and
  // keeping it would serialise the parallel writers. Staging keeps it: an NDJSON line's number is its rowid.
  const keptOrder = String(await warehouse.scalar(`SELECT current_setting('preserve_insertion_order')`));
  await warehouse.run(`SET preserve_insertion_order = false`);
  try {
    return await classifyLandAndCommit(warehouse, dir, runId, file, format, sha256, loadId, staged);
  } finally {
    await warehouse.run(`SET preserve_insertion_order = ${keptOrder === 'true'}`);
  }
}

async function classifyLandAndCommit(
  warehouse: Warehouse,
  dir: DataDir,
  runId: string,
  file: string,
  format: EventFileFormat,
  sha256: string,
  loadId: number,
  staged: StagedRows,
): Promise<FileIngestResult> {
  await classifyRows(warehouse, dir, staged);

  const counts = await warehouse.rows<{ outcome: string; reason: string | null; n: string }>(
    `SELECT 'accepted' AS outcome, NULL AS reason, count(*) AS n FROM ingest_accepted
     UNION ALL
     SELECT outcome, reason, sum(copies) AS n FROM ingest_classified WHERE outcome <> 'accepted' GROUP BY ALL
     ORDER BY ALL`,
  );
  const total = (outcome: string) => counts.filter((c) => c.outcome === outcome).reduce((s, c) => s + Number(c.n), 0);
  const quarantineReasons = Object.fromEntries(counts.filter((c) => c.reason).map((c) => [c.reason!, Number(c.n)]));
  const result: FileIngestResult = {
    file,
    format,
    skipped: false,
    read: counts.reduce((s, c) => s + Number(c.n), 0),
    accepted: total('accepted'),
    quarantined: total('quarantined'),
    duplicates: total('duplicate'),
    quarantineReasons,
  };

  const landed = await landAcceptedEvents(warehouse, dir, loadId, sha256, result.accepted);
  const quarantineFile = await writeQuarantineFile(warehouse, dir, loadId, result.quarantined);
  crashPoint('events:files-renamed');
  // The load commits in the lake's own log (docs/reliability.md); work.duckdb follows, or catches up at the next start.
  const lakeCommit = await commitEventLoadToLake(dir, { runId, loadId, sourceSha256: sha256, sourceFile: file, ...result, files: landed, quarantineFile });
  crashPoint('events:lake-committed');

  await commitEventLoad(warehouse, runId, loadId, sha256, file, format, result, landed, lakeCommit);
  crashPoint('events:committed');
  await warehouse.run(CLASSIFICATION_TEMPS);
  await dropEventNumberTables(warehouse);
  return result;
}

/**
 * Types and checks every staged row (temp.ingest_typed), hashes the valid ones, keeps the landed events
 * of the touched dates that share a hash with one (read from the committed lake files), sets aside the
 * valid rows that share a hash (temp.ingest_repeated_rows), de-duplicates those (temp.ingest_classified),
 * and leaves the accepted rows as the view temp.ingest_accepted: the six statements of classify-rows.sql.
 */
async function classifyRows(warehouse: Warehouse, dir: DataDir, staged: StagedRows): Promise<void> {
  await warehouse.run(fillPlaceholders(TYPE_ROWS_SQL, { staged: staged.relation, raw_text: staged.rawText }));
  const dates = (await warehouse.rows<{ event_date: string }>(
    `SELECT DISTINCT CAST(event_date AS VARCHAR) AS event_date FROM ingest_typed WHERE reason IS NULL`,
  )).map((row) => row.event_date);
  const landedFiles = await committedEventFiles(warehouse, dir, dates);
  const landed = landedFiles.length > 0
    ? `(SELECT event_id, user_id, session_id, video_id, event_type, event_at, position_s, event_date
        FROM read_parquet([${landedFiles.map(sqlString).join(', ')}], hive_partitioning = false, union_by_name = true))`
    : `(SELECT CAST(NULL AS VARCHAR) AS event_id, CAST(NULL AS VARCHAR) AS user_id, CAST(NULL AS VARCHAR) AS session_id,
          CAST(NULL AS VARCHAR) AS video_id, CAST(NULL AS VARCHAR) AS event_type, CAST(NULL AS TIMESTAMP) AS event_at,
          CAST(NULL AS DOUBLE) AS position_s, CAST(NULL AS DATE) AS event_date WHERE false)`;
  await warehouse.run(HASH_VALID_ROWS_SQL);
  await warehouse.run(fillPlaceholders(MATCH_LANDED_SQL, { landed }));
  await warehouse.run(SET_ASIDE_REPEATS_SQL);
  await warehouse.run(DEDUPLICATE_ROWS_SQL);
  // A content that conflicts with its eventId's first holder is one row so far: replaced by its rows,
  // each quarantined with its line and raw text (rare: looked up only when there is one).
  const conflicts = Number(await warehouse.scalar(`SELECT count(*) FROM ingest_classified WHERE outcome = 'conflicting_group'`));
  if (conflicts > 0) {
    await warehouse.run(`
      INSERT INTO ingest_classified BY NAME
      SELECT typed.* EXCLUDE (position_key, raw_text, reason), 'quarantined' AS outcome, 'conflicting_event_id' AS reason,
             CAST(getvariable('ingest_load_id') AS BIGINT) AS load_id, CAST(getvariable('ingest_source_file') AS VARCHAR) AS source_file,
             1 AS copies
      FROM ingest_typed AS typed
      SEMI JOIN (SELECT * FROM ingest_classified WHERE outcome = 'conflicting_group') AS conflicting
          ON conflicting.event_date = typed.event_date AND conflicting.event_id = typed.event_id
         AND conflicting.user_id = typed.user_id AND conflicting.session_id = typed.session_id
         AND conflicting.video_id = typed.video_id AND conflicting.event_type = typed.event_type
         AND conflicting.event_at = typed.event_at
         AND conflicting.position_s = typed.position_key -- the group's row holds its position_key
      WHERE typed.reason IS NULL;
      DELETE FROM ingest_classified WHERE outcome = 'conflicting_group';
      UPDATE ingest_classified SET raw_text = CAST(CASE WHEN length(found.raw_text) > 65536
          THEN left(found.raw_text, 65536) || ' …[truncated: ' || length(found.raw_text) || ' characters in all]'
          ELSE found.raw_text END AS VARCHAR)
      FROM (SELECT source_row, ${staged.rawText} AS raw_text FROM ${staged.relation}
            WHERE source_row IN (SELECT source_row FROM ingest_classified WHERE reason = 'conflicting_event_id')) AS found
      WHERE ingest_classified.reason = 'conflicting_event_id' AND ingest_classified.source_row = found.source_row`);
  }
  await warehouse.run(ACCEPTED_VIEW_SQL);
  // the source's rows are classified: the lake write and the commit read the typed rows and the verdicts
  await warehouse.run(STAGING_TABLES.map((table) => `DROP TABLE IF EXISTS ${table};`).join(' '));
}

/** Replaces {{name}} in the SQL's statements (comment lines keep their text). */
function fillPlaceholders(sql: string, values: Record<string, string>): string {
  return sql
    .split('\n')
    .map((line) => (line.trimStart().startsWith('--') ? line : line.replace(/\{\{(\w+)\}\}/g, (_, name: string) => {
      const value = values[name];
      if (value === undefined) throw new Error(`classify-rows.sql: no value for {{${name}}}`);
      return value;
    })))
    .join('\n');
}

/** The committed lake files (absolute paths) of player events on the given dates (YYYY-MM-DD). */
async function committedEventFiles(warehouse: Warehouse, dir: DataDir, dates: readonly string[]): Promise<string[]> {
  if (dates.length === 0) return [];
  const rows = await warehouse.rows<{ file_path: string }>(
    `SELECT file_path FROM meta.landed_files
     WHERE source = $1 AND regexp_extract(file_path, '/event_date=([0-9-]+)/', 1) IN (SELECT unnest(CAST($2 AS VARCHAR[])))
     ORDER BY file_path`,
    [LAKE_SOURCE, JSON.stringify(dates)],
  );
  return rows.map((row) => join(dir.root, row.file_path));
}

/**
 * The one place where an event load becomes committed, after its lake files are fully written and
 * renamed: in one transaction, the numbers of its new ids, its rows in raw.player_events, its
 * quarantine rows, its lake files (meta.landed_files), the file itself (meta.player_event_files) and
 * the streams the engagement mart must rebuild. A crash before the COMMIT leaves none of it.
 */
async function commitEventLoad(
  warehouse: Warehouse,
  runId: string,
  loadId: number,
  sha256: string,
  file: string,
  format: EventFileFormat,
  result: FileIngestResult,
  landed: readonly LandedFile[],
  lakeCommit: LakeCommit,
): Promise<void> {
  await warehouse.transaction(async () => {
    await assignEventNumbers(warehouse, `SELECT user_id, session_id, video_id FROM ingest_accepted`);
    await warehouse.run(
      `INSERT INTO raw.player_events BY NAME
       SELECT ${RAW_COLUMNS}, user_no, stream_no, video_no FROM ingest_accepted ${EVENT_NUMBER_JOINS}`,
    );
    await warehouse.run(
      `INSERT INTO raw.player_events_quarantine
       SELECT load_id, source_file, source_row, reason, raw_text FROM ingest_classified WHERE outcome = 'quarantined' ORDER BY source_row`,
    );
    if (landed.length > 0) {
      // one statement for all of the load's files (one per event date: a statement each cost more than the rows)
      await warehouse.run(
        `INSERT INTO meta.landed_files VALUES ${landed
          .map((_, i) => `($${5 * i + 1}, $${5 * i + 2}, NULL, $${5 * i + 3}, NULL, NULL, NULL, $${5 * i + 4}, $${5 * i + 5}, now()::TIMESTAMP)`)
          .join(', ')}`,
        landed.flatMap((landedFile) => [landedFile.path, LAKE_SOURCE, runId, landedFile.rows, landedFile.bytes]),
      );
    }
    await warehouse.run(`INSERT INTO meta.player_event_files VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, now()::TIMESTAMP)`, [
      loadId,
      sha256,
      file,
      format,
      result.read,
      result.accepted,
      result.quarantined,
      result.duplicates,
      runId,
    ]);
    await markCommitApplied(warehouse, lakeCommit);
    // the load's streams, each once: the numbering's temp table holds exactly them
    await warehouse.run(
      `INSERT INTO meta.engagement_pending_streams
       SELECT user_id, session_id FROM event_stream_numbers AS accepted
       WHERE NOT EXISTS (SELECT 1 FROM meta.engagement_pending_streams AS pending
                         WHERE pending.user_id = accepted.user_id AND pending.session_id = accepted.session_id)`,
    );
  });
}

interface LandedFile {
  readonly path: string;
  readonly rows: number;
  readonly bytes: number;
}

/** Writes the accepted rows as Parquet, one file per event_date, under temporary names, then renames them. */
async function landAcceptedEvents(warehouse: Warehouse, dir: DataDir, loadId: number, sha256: string, accepted: number): Promise<LandedFile[]> {
  if (accepted === 0) return [];
  const root = dir.rawLake(LAKE_SOURCE);
  const temporary = join(root, `.load_${loadId}_${sha256.slice(0, 8)}.tmp`);
  rmSync(temporary, { recursive: true, force: true });
  mkdirSync(root, { recursive: true });
  await warehouse.run(
    `COPY (SELECT ${LAKE_COLUMNS} FROM ingest_accepted)
     TO ${sqlString(temporary)} (FORMAT parquet, COMPRESSION zstd, PARTITION_BY (event_date), WRITE_PARTITION_COLUMNS true,
       FILENAME_PATTERN 'part_{i}')`,
  );
  const landed: LandedFile[] = [];
  for (const partition of readdirSync(temporary).sort()) {
    const parts = readdirSync(join(temporary, partition)).sort();
    parts.forEach((part, index) => {
      const target = join(root, partition, `load_${String(loadId).padStart(6, '0')}_${sha256.slice(0, 8)}_${index}.parquet`);
      mkdirSync(join(root, partition), { recursive: true });
      commitTemporaryFile(join(temporary, partition, part), target);
      landed.push({ path: relative(dir.root, target), rows: 0, bytes: statSync(target).size });
    });
  }
  rmSync(temporary, { recursive: true, force: true });
  // every file's row count from its footer, in one query (a query per file cost more than the COPY at 30 dates)
  const footers = await warehouse.rows<{ file_name: string; num_rows: string }>(
    `SELECT file_name, num_rows FROM parquet_file_metadata([${landed.map((file) => sqlString(join(dir.root, file.path))).join(', ')}])`,
  );
  const rowsOf = new Map(footers.map((footer) => [footer.file_name, Number(footer.num_rows)]));
  return landed.map((file) => ({ ...file, rows: rowsOf.get(join(dir.root, file.path)) ?? 0 }));
}

async function writeQuarantineFile(warehouse: Warehouse, dir: DataDir, loadId: number, quarantined: number): Promise<string | undefined> {
  if (quarantined === 0) return undefined;
  const target = join(dir.quarantine, LAKE_SOURCE, `load_${String(loadId).padStart(6, '0')}.parquet`);
  await writeAtomically(target, async (temporaryPath) => {
    await warehouse.run(
      `COPY (SELECT load_id, source_file, source_row, reason, raw_text FROM ingest_classified WHERE outcome = 'quarantined' ORDER BY source_row)
       TO ${sqlString(temporaryPath)} (FORMAT parquet, COMPRESSION zstd)`,
    );
  });
  return target;
}
