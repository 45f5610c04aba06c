import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { assignEventNumbers, dropEventNumberTables, EVENT_NUMBER_JOINS } from './event-numbers.ts';
import type { DataDir } from './data-dir.ts';
import type { MetaDatabase } from './meta-tables.ts';
import { sqlIdent, sqlString, type Warehouse } from './duckdb.ts';
import { crashPoint } from './crash-point.ts';
import {
  appendLakeCommit,
  cheapDamage,
  cheapProblem,
  damagedPathFor,
  describeHolding,
  describeLakeFile,
  everListed,
  liveFiles,
  readLakeLog,
  takenBack,
  type CheckpointEntry,
  type EventLoadCommit,
  type LakeCommit,
  type LakeFileEntry,
  type LiveFile,
  type NewLakeCommit,
  type PageCommit,
} from './lake-log.ts';

/**
 * work.duckdb as an index of the lake (docs/reliability.md, "The lake is the system of record"): every
 * commit of the lake's log (warehouse/lake-log.ts) is applied to the warehouse once, in one transaction
 * that also records it in meta.lake_commits. At every start the commits not applied yet are applied:
 * the one a kill interrupted between the log and the warehouse, or all of them when work.duckdb was lost
 * (a rebuild: raw rows from the lake's files, landed files, extraction checkpoints, analytics fetches,
 * event loads with their quarantine, and the event numbers, given load by load in log order exactly as
 * ingest gave them).
 */

// The raw sources of extract/land.ts (RAW_SOURCES), every one of them landed page by page.
const BRIGHTCOVE_SOURCES = ['cms_videos', 'analytics_video_daily', 'analytics_video_device_daily', 'analytics_video_browser_daily'] as const;
const EVENT_SOURCE = 'player_events';
const EVENT_RAW_COLUMNS =
  'event_key, event_id, user_id, session_id, video_id, event_name, event_type, event_at, position_s, video_duration_s, event_date, load_id, source_row, source_file';
/** The event_key of ingest, computed again from a lake file's columns (raw.event_key in sql/schema/20_events.sql). */
const EVENT_KEY_SQL = `raw.event_key(event_id, event_date, user_id, session_id, video_id, event_type, event_at,
                                   CASE WHEN position_s = 0 THEN 0.0 ELSE position_s END)`;

const absolutePath = (dir: DataDir, relativePath: string) => join(dir.root, ...relativePath.split('/'));
const asTimestamp = (iso: string) => iso.replace('T', ' ').replace('Z', '');

/** Records, inside the transaction that applies it, that the warehouse holds this commit. */
export async function markCommitApplied(warehouse: Warehouse, commit: LakeCommit): Promise<void> {
  await warehouse.run(`INSERT INTO meta.lake_commits VALUES ($1, $2, now()::TIMESTAMP)`, [commit.seq, commit.kind]);
}

async function applyCheckpoint(warehouse: Warehouse, checkpoint: CheckpointEntry): Promise<void> {
  await warehouse.run(`DELETE FROM meta.extract_state WHERE source = $1 AND account_id = $2 AND state_key = $3`, [
    checkpoint.source,
    checkpoint.account_id,
    checkpoint.key,
  ]);
  if (checkpoint.value !== null) {
    await warehouse.run(`INSERT INTO meta.extract_state VALUES ($1, $2, $3, $4, now()::TIMESTAMP)`, [
      checkpoint.source,
      checkpoint.account_id,
      checkpoint.key,
      checkpoint.value,
    ]);
  }
}

async function applyPage(warehouse: Warehouse, dir: DataDir, commit: PageCommit, unreadable: ReadonlySet<string>): Promise<void> {
  for (const file of commit.files) {
    if (unreadable.has(file.path)) continue;
    await warehouse.run(
      `INSERT INTO raw.${sqlIdent(commit.source)} BY NAME SELECT * FROM read_parquet(${sqlString(absolutePath(dir, file.path))}, hive_partitioning = false)`,
    );
    await warehouse.run(`INSERT INTO meta.landed_files VALUES ($1, $2, $3, $4, $5, $6::DATE, $7::DATE, $8, $9, $10::TIMESTAMP)`, [
      file.path,
      commit.source,
      commit.account_id,
      commit.run_id,
      commit.request_url,
      commit.window?.from ?? null,
      commit.window?.to ?? null,
      file.rows,
      file.bytes,
      asTimestamp(commit.committed_at),
    ]);
  }
  for (const checkpoint of commit.checkpoints) await applyCheckpoint(warehouse, checkpoint);
  if (commit.fetch && commit.window) {
    const at = asTimestamp(commit.committed_at);
    await warehouse.run(
      `INSERT INTO meta.analytics_window_fetches
       SELECT $1, $2, $3, $4::DATE, $5::DATE, $6, $7::TIMESTAMP, NULL, 0
       WHERE NOT EXISTS (SELECT 1 FROM meta.analytics_window_fetches WHERE fetch_id = $1)`,
      [commit.fetch.fetch_id, commit.source, commit.account_id, commit.window.from, commit.window.to, commit.fetch.reconciled, at],
    );
    const rows = commit.files.reduce((sum, file) => sum + file.rows, 0);
    await warehouse.run(
      `UPDATE meta.analytics_window_fetches
       SET row_count = row_count + $2, completed_at = CASE WHEN $3 THEN $4::TIMESTAMP ELSE completed_at END
       WHERE fetch_id = $1`,
      [commit.fetch.fetch_id, rows, commit.fetch.done, at],
    );
  }
}

async function applyEventLoad(warehouse: Warehouse, dir: DataDir, commit: EventLoadCommit): Promise<void> {
  const files = commit.files.map((file) => sqlString(absolutePath(dir, file.path)));
  const columns = EVENT_RAW_COLUMNS.split(', ').filter((column) => column !== 'event_key').join(', ');
  await warehouse.run(
    files.length === 0
      ? `CREATE OR REPLACE TEMP TABLE lake_replay_events AS SELECT ${EVENT_RAW_COLUMNS} FROM raw.player_events LIMIT 0`
      : `CREATE OR REPLACE TEMP TABLE lake_replay_events AS
         SELECT CAST(${EVENT_KEY_SQL} AS UHUGEINT) AS event_key, ${columns}
         FROM read_parquet([${files.join(', ')}], hive_partitioning = false)`,
  );
  await assignEventNumbers(warehouse, `SELECT user_id, session_id, video_id FROM lake_replay_events`);
  await warehouse.run(
    `INSERT INTO raw.player_events BY NAME
     SELECT ${EVENT_RAW_COLUMNS}, user_no, stream_no, video_no FROM lake_replay_events ${EVENT_NUMBER_JOINS}`,
  );
  for (const file of commit.quarantine_files) {
    await warehouse.run(
      `INSERT INTO raw.player_events_quarantine
       SELECT load_id, source_file, source_row, reason, raw_text FROM read_parquet(${sqlString(absolutePath(dir, file.path))}) ORDER BY source_row`,
    );
  }
  for (const file of commit.files) {
    await warehouse.run(`INSERT INTO meta.landed_files VALUES ($1, $2, NULL, $3, NULL, NULL, NULL, $4, $5, $6::TIMESTAMP)`, [
      file.path,
      EVENT_SOURCE,
      commit.run_id,
      file.rows,
      file.bytes,
      asTimestamp(commit.committed_at),
    ]);
  }
  await warehouse.run(`INSERT INTO meta.player_event_files VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10::TIMESTAMP)`, [
    commit.load_id,
    commit.source_sha256,
    commit.source_file,
    commit.format,
    commit.rows_read,
    commit.rows_accepted,
    commit.rows_quarantined,
    commit.rows_duplicate,
    commit.run_id,
    asTimestamp(commit.committed_at),
  ]);
  await warehouse.run(
    `INSERT INTO meta.engagement_pending_streams
     SELECT DISTINCT user_id, session_id FROM lake_replay_events AS loaded
     WHERE NOT EXISTS (SELECT 1 FROM meta.engagement_pending_streams AS pending
                       WHERE pending.user_id = loaded.user_id AND pending.session_id = loaded.session_id)`,
  );
}

function sourceOfPath(path: string): string | undefined {
  return /^lake\/raw\/([^/]+)\//.exec(path)?.[1];
}

/** Applies one commit's effect (not its meta.lake_commits row). */
async function applyCommit(warehouse: Warehouse, dir: DataDir, commit: LakeCommit, unreadable: ReadonlySet<string>): Promise<void> {
  switch (commit.kind) {
    case 'page':
      return applyPage(warehouse, dir, commit, unreadable);
    case 'state':
      for (const checkpoint of commit.checkpoints) await applyCheckpoint(warehouse, checkpoint);
      return;
    case 'event_load':
      return applyEventLoad(warehouse, dir, commit);
    case 'retract':
      for (const path of commit.paths) {
        const source = sourceOfPath(path);
        if (source && (BRIGHTCOVE_SOURCES as readonly string[]).includes(source)) {
          await warehouse.run(`DELETE FROM raw.${sqlIdent(source)} WHERE landed_file = $1`, [path]);
        }
        await warehouse.run(`DELETE FROM meta.landed_files WHERE file_path = $1`, [path]);
      }
      for (const fetchId of commit.fetches_incomplete) {
        await warehouse.run(`UPDATE meta.analytics_window_fetches SET completed_at = NULL WHERE fetch_id = $1`, [fetchId]);
      }
      for (const checkpoint of commit.checkpoints) await applyCheckpoint(warehouse, checkpoint);
      return;
    case 'loss':
      await warehouse.run(`DELETE FROM raw.player_events WHERE load_id = $1`, [commit.load_id]);
      await warehouse.run(`DELETE FROM raw.player_events_quarantine WHERE load_id = $1`, [commit.load_id]);
      for (const path of commit.paths) await warehouse.run(`DELETE FROM meta.landed_files WHERE file_path = $1`, [path]);
      await warehouse.run(`DELETE FROM meta.player_event_files WHERE load_id = $1`, [commit.load_id]);
      // Pairs whose events are all gone have no pending stream to find them: the mart is rebuilt whole.
      await warehouse.run(`DELETE FROM meta.engagement_build_state WHERE model = 'marts.user_video_engagement'`);
      return;
  }
}

export interface LakeSync {
  readonly commits: number;
  readonly applied: number;
  /** Event loads left out because their files are damaged (the build refuses until a person decides). */
  readonly skippedLoads: number[];
}

/**
 * Applies every commit of the lake's log that work.duckdb does not hold yet, in log order, one
 * transaction each. A page whose file is damaged or gone is applied without its rows (the next extract
 * fetches its window again); an event load whose files are damaged is left out (and tried again at the
 * next start: restoring its files brings it back) until `pipeline verify --accept-loss` gives it up.
 */
export async function syncWarehouseWithLake(warehouse: Warehouse, dir: DataDir, log: (line: string) => void = () => undefined): Promise<LakeSync> {
  const commits = readLakeLog(dir);
  if (commits.length === 0) return { commits: 0, applied: 0, skippedLoads: [] };
  const applied = new Set(
    (await warehouse.rows<{ seq: string }>(`SELECT seq::VARCHAR AS seq FROM meta.lake_commits`)).map((row) => Number(row.seq)),
  );
  const pending = commits.filter((commit) => !applied.has(commit.seq));
  if (pending.length === 0) return { commits: commits.length, applied: 0, skippedLoads: [] };
  const rebuilding = applied.size === 0;
  if (rebuilding) log(`Rebuilding ${dir.workingDb} from the lake: ${pending.length} commit(s) in lake/_log/commits.ndjson; no lake file is deleted`);
  const gone = takenBack(commits);
  const unreadable = new Set<string>();
  for (const commit of pending) {
    if (commit.kind !== 'page') continue;
    for (const file of commit.files) if (gone.has(commit.seq) || cheapProblem(dir, file)) unreadable.add(file.path);
  }
  const skippedLoads: number[] = [];
  let count = 0;
  for (const commit of pending) {
    if (commit.kind === 'event_load' && !gone.has(commit.seq)) {
      const damaged = [...commit.files, ...commit.quarantine_files].some((file) => cheapProblem(dir, file));
      if (damaged) {
        skippedLoads.push(commit.load_id);
        continue;
      }
    }
    await warehouse.transaction(async () => {
      if (!(commit.kind === 'event_load' && gone.has(commit.seq))) await applyCommit(warehouse, dir, commit, unreadable);
      await markCommitApplied(warehouse, commit);
    });
    await dropEventNumberTables(warehouse);
    await warehouse.run('DROP TABLE IF EXISTS lake_replay_events');
    count += 1;
    crashPoint('lake:commit-applied');
  }
  if (rebuilding) log(`Rebuilt ${dir.workingDb} from ${count} lake commit(s)`);
  else if (count > 0) log(`Caught up ${count} lake commit(s) that an interrupted run had not applied to ${dir.workingDb}`);
  if (skippedLoads.length > 0) {
    log(`Event load(s) ${skippedLoads.join(', ')} left out: their lake files are damaged (see \`pipeline verify --data-dir ${dir.root}\`)`);
  }
  return { commits: commits.length, applied: count, skippedLoads };
}

function filesUnder(root: string): string[] {
  let entries: string[];
  try {
    entries = readdirSync(root, { recursive: true, encoding: 'utf8' });
  } catch {
    return [];
  }
  return entries.map((entry) => join(root, entry)).filter((path) => statSync(path, { throwIfNoEntry: false })?.isFile());
}

/** Moves a file the log once listed out of the lake, to damaged/… (never deleted: a person may want it). */
export function moveAside(dir: DataDir, relativePath: string): string | undefined {
  const from = absolutePath(dir, relativePath);
  if (!existsSync(from)) return undefined;
  let to = damagedPathFor(dir, relativePath);
  if (existsSync(to)) to = `${to}.${Date.now()}`;
  mkdirSync(dirname(to), { recursive: true });
  renameSync(from, to);
  return to;
}

/**
 * Files under `roots` that no live commit lists: removed when the log never listed them (a landing
 * killed before its commit: the page is fetched or the file ingested again), moved to damaged/ when a
 * retract or a loss took them back. Returns how many files were removed and moved.
 */
export function clearStrayFiles(dir: DataDir, roots: readonly string[], commits: readonly LakeCommit[]): { removed: number; moved: number } {
  const live = liveFiles(commits);
  const listed = everListed(commits);
  let removed = 0;
  let moved = 0;
  for (const root of roots) {
    for (const path of filesUnder(root)) {
      const relativePath = relative(dir.root, path).split(sep).join('/');
      if (live.has(relativePath)) continue;
      if (listed.has(relativePath)) {
        if (moveAside(dir, relativePath)) moved += 1;
      } else if (path.endsWith('.tmp') || path.endsWith('.parquet')) {
        rmSync(path, { force: true });
        removed += 1;
      }
    }
  }
  return { removed, moved };
}

export interface LakeRecovery {
  /** Files the log never listed, removed. */
  readonly removed: number;
  /** Committed pages taken back because their files are damaged or gone: their windows are fetched again. */
  readonly retracted: string[];
}

/**
 * Before extracting: takes back the committed Brightcove pages whose files are damaged or gone (presence
 * and size), so their windows are fetched again (the analytics fetch counts as incomplete, the account's
 * CMS crawl starts over), then clears the files the log does not list.
 */
export async function recoverBrightcoveLake(warehouse: Warehouse, dir: DataDir, runId: string): Promise<LakeRecovery> {
  let commits = readLakeLog(dir);
  const damaged = cheapDamage(dir, commits).filter(
    (file): file is LiveFile & { problem: string; commit: PageCommit } => file.commit.kind === 'page',
  );
  const retracted: string[] = [];
  if (damaged.length > 0) {
    const pages = [...new Map(damaged.map((file) => [file.commit.seq, file.commit])).values()];
    const cmsAccounts = [...new Set(pages.filter((page) => page.source === 'cms_videos').map((page) => page.account_id))];
    const stateKeys = (await warehouse.rows<{ account_id: string; state_key: string }>(
      `SELECT account_id, state_key FROM meta.extract_state WHERE source = 'cms_videos'`,
    )).filter((row) => cmsAccounts.includes(row.account_id));
    const checkpoints: CheckpointEntry[] = stateKeys.map((row) => ({ source: 'cms_videos', account_id: row.account_id, key: row.state_key, value: null }));
    const commit = appendLakeCommit(dir, {
      kind: 'retract',
      run_id: runId,
      retracted: pages.map((page) => page.seq),
      paths: pages.flatMap((page) => page.files.map((file) => file.path)),
      reason: damaged.map((file) => `${file.entry.path}: ${file.problem}`).join('; '),
      checkpoints,
      fetches_incomplete: [...new Set(pages.flatMap((page) => (page.fetch ? [page.fetch.fetch_id] : [])))],
    });
    await warehouse.transaction(async () => {
      await applyCommit(warehouse, dir, commit, new Set());
      await markCommitApplied(warehouse, commit);
    });
    for (const file of damaged) retracted.push(`${file.entry.path} (${file.problem}): ${describeHolding(file.commit)}`);
    commits = [...commits, commit];
  }
  const { removed } = clearStrayFiles(
    dir,
    BRIGHTCOVE_SOURCES.map((source) => dir.rawLake(source)),
    commits,
  );
  return { removed, retracted };
}

/** The set of lake paths the log lists as live, for the event ingest's clean-up of uncommitted files. */
export function liveLakePaths(dir: DataDir): Set<string> {
  return new Set(liveFiles(readLakeLog(dir)).keys());
}

/** Commits one event load in the lake's log: its files with their hashes (read back once), its numbers. */
export async function commitEventLoadToLake(
  dir: DataDir,
  load: {
    readonly runId: string;
    readonly loadId: number;
    readonly sourceSha256: string;
    readonly sourceFile: string;
    readonly format: string;
    readonly read: number;
    readonly accepted: number;
    readonly quarantined: number;
    readonly duplicates: number;
    readonly files: ReadonlyArray<{ readonly path: string; readonly rows: number }>;
    /** Absolute path of the load's quarantine Parquet file, when it has one. */
    readonly quarantineFile?: string;
  },
): Promise<LakeCommit> {
  const files: LakeFileEntry[] = [];
  for (const file of load.files) files.push(await describeLakeFile(dir, file.path.split(sep).join('/'), file.rows));
  const quarantineFiles = load.quarantineFile
    ? [await describeLakeFile(dir, relative(dir.root, load.quarantineFile).split(sep).join('/'), load.quarantined)]
    : [];
  const commit: NewLakeCommit = {
    kind: 'event_load',
    run_id: load.runId,
    load_id: load.loadId,
    source_sha256: load.sourceSha256,
    source_file: load.sourceFile,
    format: load.format,
    rows_read: load.read,
    rows_accepted: load.accepted,
    rows_quarantined: load.quarantined,
    rows_duplicate: load.duplicates,
    files,
    quarantine_files: quarantineFiles,
  };
  return appendLakeCommit(dir, commit);
}

/**
 * The build's and the publish's guard (the cheap check: presence and size of every live file): refuses
 * marts built on a damaged lake, naming each file and what it held, and the way out.
 */
export function assertLakeSound(dir: DataDir): void {
  const damaged = cheapDamage(dir, readLakeLog(dir));
  if (damaged.length === 0) return;
  const events = damaged.filter((file) => file.commit.kind === 'event_load');
  const pages = damaged.filter((file) => file.commit.kind === 'page');
  const lines = damaged.map((file) => `  ${file.entry.path}: ${file.problem} — ${describeHolding(file.commit)}`);
  const loads = [...new Set(events.map((file) => (file.commit as EventLoadCommit).load_id))];
  throw new Error(
    [
      `The lake is damaged: ${damaged.length} committed file(s) are missing or changed, so no mart is built or published from it:`,
      ...lines,
      ...(pages.length > 0 ? [`Brightcove data: \`pipeline run --data-dir ${dir.root}\` (or \`extract\`) fetches those windows again.`] : []),
      ...(loads.length > 0
        ? [
            `Player events: restore the file(s) from a backup, or give the load(s) up with ` +
              loads.map((load) => `\`pipeline verify --data-dir ${dir.root} --accept-loss ${load}\``).join(', ') +
              ' (recorded in the lake; the source file may then be ingested again).',
          ]
        : []),
    ].join('\n'),
  );
}

/**
 * A data dir from before the lake's log: writes the log from what work.duckdb says is committed (the
 * lake's files with their hashes, the checkpoints, the analytics fetches, the event loads), so the lake
 * is the system of record from here on. Does nothing once the log exists. Without a log and without a
 * work.duckdb that lists the lake's files, nothing can tell committed files from leftovers: it refuses,
 * deleting nothing.
 */
export async function adoptLakeIntoLog(warehouse: Warehouse, dir: DataDir, runId: string, log: (line: string) => void = () => undefined): Promise<number> {
  if (readLakeLog(dir).length > 0) return 0;
  const landed = await warehouse.rows<Omit<MetaDatabase['meta.landed_files'], 'bytes' | 'row_count'> & { row_count: string }>(`SELECT file_path, source, account_id, run_id, request_url, window_from::VARCHAR AS window_from, window_to::VARCHAR AS window_to,
             row_count::VARCHAR AS row_count, strftime(landed_at, '%Y-%m-%dT%H:%M:%S.%gZ') AS landed_at
      FROM meta.landed_files ORDER BY landed_at, file_path`);
  if (landed.length === 0) {
    const lakeFiles = filesUnder(join(dir.lake, 'raw')).filter((path) => path.endsWith('.parquet'));
    if (lakeFiles.length > 0) {
      throw new Error(
        `${dir.lake} holds ${lakeFiles.length} Parquet file(s) but has no commit log (lake/_log/commits.ndjson), and ${dir.workingDb} ` +
          'lists none of them: this lake was written by an earlier version whose work.duckdb is gone, so nothing can tell its ' +
          'committed files from leftovers. Nothing was deleted. Put the old work.duckdb back (the next command then writes the log), ' +
          `or move the lake aside (mv ${dir.lake} ${dir.lake}.kept) and run again.`,
      );
    }
    return 0;
  }
  const fetches = await warehouse.rows<{ fetch_id: string; source: string; account_id: string; window_from: string; window_to: string; reconciled: boolean; done: boolean }>(
    `SELECT fetch_id, source, account_id, window_from::VARCHAR AS window_from, window_to::VARCHAR AS window_to, reconciled, completed_at IS NOT NULL AS done
     FROM meta.analytics_window_fetches ORDER BY fetch_id`,
  );
  const fetchOfFile = new Map<string, string>();
  for (const source of BRIGHTCOVE_SOURCES.filter((source) => source !== 'cms_videos')) {
    for (const row of await warehouse.rows<{ landed_file: string; fetch_id: string }>(`SELECT DISTINCT landed_file, fetch_id FROM raw.${sqlIdent(source)}`)) {
      fetchOfFile.set(row.landed_file, row.fetch_id);
    }
  }
  const fetchById = new Map(fetches.map((fetch) => [fetch.fetch_id, fetch]));
  const commits: NewLakeCommit[] = [];
  const filesWithFetch = new Set<string>();
  for (const row of landed.filter((file) => file.source !== EVENT_SOURCE)) {
    const fetch = fetchById.get(fetchOfFile.get(row.file_path) ?? '');
    if (fetch) filesWithFetch.add(fetch.fetch_id);
    commits.push({
      kind: 'page',
      run_id: row.run_id,
      source: row.source,
      account_id: row.account_id ?? '',
      request_url: row.request_url ?? '',
      fetched_at: row.landed_at,
      window: row.window_from && row.window_to ? { from: row.window_from, to: row.window_to } : null,
      files: [await describeLakeFile(dir, row.file_path, Number(row.row_count))],
      checkpoints: [],
      fetch: fetch ? { fetch_id: fetch.fetch_id, reconciled: fetch.reconciled, done: fetch.done } : null,
    });
  }
  // Completed windows that came back empty have no file, and still decide what staging shows.
  for (const fetch of fetches.filter((candidate) => candidate.done && !filesWithFetch.has(candidate.fetch_id))) {
    commits.push({
      kind: 'page',
      run_id: runId,
      source: fetch.source,
      account_id: fetch.account_id,
      request_url: '',
      fetched_at: new Date().toISOString(),
      window: { from: fetch.window_from, to: fetch.window_to },
      files: [],
      checkpoints: [],
      fetch: { fetch_id: fetch.fetch_id, reconciled: fetch.reconciled, done: true },
    });
  }
  const state = await warehouse.rows<{ source: string; account_id: string; state_key: string; state_value: string }>(
    `SELECT source, account_id, state_key, state_value FROM meta.extract_state ORDER BY ALL`,
  );
  if (state.length > 0) {
    commits.push({ kind: 'state', run_id: runId, checkpoints: state.map((row) => ({ source: row.source, account_id: row.account_id, key: row.state_key, value: row.state_value })) });
  }
  const loads = await warehouse.rows<{ load_id: string; sha256: string; source_file: string; file_format: string; rows_read: string; rows_accepted: string; rows_quarantined: string; rows_duplicate: string; run_id: string }>(
    `SELECT load_id::VARCHAR AS load_id, sha256, source_file, file_format, rows_read::VARCHAR AS rows_read, rows_accepted::VARCHAR AS rows_accepted,
            rows_quarantined::VARCHAR AS rows_quarantined, rows_duplicate::VARCHAR AS rows_duplicate, run_id
     FROM meta.player_event_files ORDER BY load_id`,
  );
  for (const load of loads) {
    const prefix = `load_${load.load_id.padStart(6, '0')}_${load.sha256.slice(0, 8)}_`;
    const files = landed.filter((file) => file.source === EVENT_SOURCE && file.file_path.split('/').at(-1)!.startsWith(prefix));
    const quarantine = join(dir.quarantine, EVENT_SOURCE, `load_${load.load_id.padStart(6, '0')}.parquet`);
    commits.push({
      kind: 'event_load',
      run_id: load.run_id,
      load_id: Number(load.load_id),
      source_sha256: load.sha256,
      source_file: load.source_file,
      format: load.file_format,
      rows_read: Number(load.rows_read),
      rows_accepted: Number(load.rows_accepted),
      rows_quarantined: Number(load.rows_quarantined),
      rows_duplicate: Number(load.rows_duplicate),
      files: await Promise.all(files.map((file) => describeLakeFile(dir, file.file_path, Number(file.row_count)))),
      quarantine_files:
        Number(load.rows_quarantined) > 0 && existsSync(quarantine)
          ? [await describeLakeFile(dir, relative(dir.root, quarantine).split(sep).join('/'), Number(load.rows_quarantined))]
          : [],
    });
  }
  await warehouse.transaction(async () => {
    for (const commit of commits) await markCommitApplied(warehouse, appendLakeCommit(dir, commit));
  });
  log(`Wrote the lake's commit log from ${dir.workingDb}: ${commits.length} commit(s), ${landed.length} file(s) with their sha256`);
  return commits.length;
}
