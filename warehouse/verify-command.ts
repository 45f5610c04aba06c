import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { loadConfig } from '../config/load-config.ts';
import { dataDir, type DataDir } from './data-dir.ts';
import { openWarehouse, sqlString, type Warehouse } from './duckdb.ts';
import { moveAside } from './lake-index.ts';
import {
  appendLakeCommit,
  cheapProblem,
  describeHolding,
  LAKE_LOG_RELATIVE_PATH,
  liveFiles,
  readLakeLog,
  sha256OfFile,
  type EventLoadCommit,
  type LakeCommit,
  type LiveFile,
} from './lake-log.ts';
import { acquireDataDirLock } from './run-lock.ts';

/**
 * `pipeline verify [--accept-loss LOAD]`: checks every file the lake's commit log lists as live against
 * the log (present, size, rows, sha256), names each damaged file with what it holds (account and window,
 * or event load and its source file), and returns the exit code: 0 when all is well, 1 otherwise.
 * Reads only (no lock, safe beside a running pipeline), except `--accept-loss LOAD`, which records in the
 * log that event load LOAD is given up (and what it held), moves its files to damaged/, and so lets runs
 * build marts again; the next command removes the load's events from work.duckdb.
 */

export interface VerifyOptions {
  readonly dataDir: string;
  readonly configPath?: string;
  readonly acceptLoss?: number;
  readonly log?: (line: string) => void;
}

export interface DamagedFile extends LiveFile {
  readonly problem: string;
}

/** The full check of one live file: presence and size, then sha256, then (for a changed file) its rows. */
async function fullProblem(dir: DataDir, file: LiveFile, reader: Warehouse): Promise<string | undefined> {
  const cheap = cheapProblem(dir, file.entry);
  if (cheap) return cheap;
  const absolute = join(dir.root, ...file.entry.path.split('/'));
  if ((await sha256OfFile(absolute)) === file.entry.sha256) return undefined;
  const rows = await reader
    .scalar<string>(`SELECT sum(num_rows)::VARCHAR FROM parquet_file_metadata(${sqlString(absolute)})`)
    .catch(() => undefined);
  if (rows === undefined) return 'altered: sha256 differs and the file is no longer readable Parquet';
  if (Number(rows) !== file.entry.rows) return `altered: sha256 differs, ${rows} rows, the log says ${file.entry.rows}`;
  return `altered: sha256 differs (same size, same ${rows} rows)`;
}

/** Every live file that fails the full check. */
export async function findDamage(dir: DataDir, commits: readonly LakeCommit[]): Promise<DamagedFile[]> {
  const reader = await openWarehouse(':memory:');
  try {
    const damaged: DamagedFile[] = [];
    for (const file of liveFiles(commits).values()) {
      const problem = await fullProblem(dir, file, reader);
      if (problem) damaged.push({ ...file, problem });
    }
    return damaged;
  } finally {
    reader.close();
  }
}

function accountNames(configPath: string | undefined): (accountId: string) => string | undefined {
  try {
    const config = loadConfig(configPath);
    const names = new Map(config.accounts.map((account) => [account.account_id, account.slug]));
    return (accountId) => names.get(accountId);
  } catch {
    return () => undefined;
  }
}

function lakeFilesOnDisk(dir: DataDir): string[] {
  const root = join(dir.lake, 'raw');
  if (!existsSync(root)) return [];
  return readdirSync(root, { recursive: true, encoding: 'utf8' })
    .map((entry) => join(root, entry))
    .filter((path) => path.endsWith('.parquet') && statSync(path).isFile())
    .map((path) => relative(dir.root, path).split(sep).join('/'));
}

export async function verifyCommand(options: VerifyOptions): Promise<number> {
  const log = options.log ?? ((line: string) => console.log(line));
  const dir = dataDir(options.dataDir);
  if (options.acceptLoss !== undefined) {
    const lock = acquireDataDirLock(dir.lockFile, 'verify --accept-loss');
    try {
      await acceptLoss(dir, options.acceptLoss, log);
    } finally {
      lock.release();
    }
  }
  const commits = readLakeLog(dir);
  const onDisk = lakeFilesOnDisk(dir);
  if (commits.length === 0) {
    if (onDisk.length === 0) {
      log(`The lake of ${dir.root} is empty: nothing to verify.`);
      return 0;
    }
    log(`${dir.lake} holds ${onDisk.length} Parquet file(s) but no commit log (${LAKE_LOG_RELATIVE_PATH}): run any pipeline command once to write it, then verify.`);
    return 1;
  }
  const live = liveFiles(commits);
  const damaged = await findDamage(dir, commits);
  const name = accountNames(options.configPath);
  log(`Checked ${live.size} committed lake file(s) (present, size, rows, sha256) against ${LAKE_LOG_RELATIVE_PATH} (${commits.length} commits)`);
  for (const file of damaged) log(`DAMAGED ${file.entry.path}: ${file.problem} — ${describeHolding(file.commit, name)}`);
  for (const commit of commits) {
    if (commit.kind === 'retract') log(`  (taken back on ${commit.committed_at}: ${commit.paths.length} Brightcove file(s) found damaged; their windows were fetched again)`);
    if (commit.kind === 'loss') {
      log(`  (given up on ${commit.committed_at}: event load ${commit.load_id} of ${commit.source_file}, ${commit.rows_accepted} accepted events, ${commit.rows_quarantined} quarantined rows)`);
    }
  }
  const uncommitted = onDisk.filter((path) => !live.has(path));
  if (uncommitted.length > 0) log(`  (${uncommitted.length} lake file(s) not in the log: left by an interrupted run or being written now; the next run removes them)`);
  if (damaged.length === 0) {
    log('The lake is sound: every committed file is present and unchanged.');
    return 0;
  }
  const loads = [...new Set(damaged.flatMap((file) => (file.commit.kind === 'event_load' ? [file.commit.load_id] : [])))];
  const pages = damaged.filter((file) => file.commit.kind === 'page').length;
  log(`${damaged.length} damaged file(s).`);
  if (pages > 0) log(`Brightcove: \`pipeline run --data-dir ${dir.root}\` fetches the damaged windows again (a file changed but of the same size: move it away first).`);
  for (const load of loads) {
    log(`Event load ${load}: restore its files from a backup, or give it up: \`pipeline verify --data-dir ${dir.root} --accept-loss ${load}\`.`);
  }
  return 1;
}

async function acceptLoss(dir: DataDir, loadId: number, log: (line: string) => void): Promise<void> {
  const commits = readLakeLog(dir);
  const live = [...liveFiles(commits).values()];
  const load = live.find((file): file is LiveFile & { commit: EventLoadCommit } => file.commit.kind === 'event_load' && file.commit.load_id === loadId)?.commit;
  if (!load) {
    const given = commits.find((commit) => commit.kind === 'loss' && commit.load_id === loadId);
    throw new Error(
      given
        ? `Event load ${loadId} was already given up (${given.committed_at}); nothing to do.`
        : `The lake has no event load ${loadId}; \`pipeline verify --data-dir ${dir.root}\` lists the damaged ones.`,
    );
  }
  const damage = (await findDamage(dir, commits)).filter((file) => file.commit.seq === load.seq);
  if (damage.length === 0) throw new Error(`Event load ${loadId} (${load.source_file}) is intact: nothing to give up.`);
  const paths = [...load.files, ...load.quarantine_files].map((file) => file.path);
  appendLakeCommit(dir, {
    kind: 'loss',
    run_id: 'verify',
    lost: load.seq,
    load_id: load.load_id,
    source_file: load.source_file,
    source_sha256: load.source_sha256,
    rows_accepted: load.rows_accepted,
    rows_quarantined: load.rows_quarantined,
    paths,
    damage: damage.map((file) => `${file.entry.path}: ${file.problem}`),
  });
  for (const path of paths) moveAside(dir, path);
  log(
    `Recorded in the lake's log: event load ${loadId} is given up (source file ${load.source_file}, sha256 ${load.source_sha256}, ` +
      `${load.rows_accepted} accepted events, ${load.rows_quarantined} quarantined rows); its files are in ${join(dir.root, 'damaged')}. ` +
      `The next command removes its events from ${dir.workingDb} and rebuilds the engagement mart; if you still have the source file, ` +
      '`pipeline ingest-events` loads it again.',
  );
}
