import { createHash } from 'node:crypto';
import { closeSync, createReadStream, existsSync, fsyncSync, ftruncateSync, mkdirSync, openSync, readFileSync, statSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { DataDir } from './data-dir.ts';

/**
 * The lake's own commit log: `lake/_log/commits.ndjson`, one JSON line per commit, appended and fsynced
 * before the warehouse hears of it. A landing (a Brightcove page, an event load) exists exactly when its
 * line is in this file, whole and ended by a newline; work.duckdb is an index of the log that the
 * pipeline rebuilds from it (warehouse/lake-index.ts). Why one append-only NDJSON file (docs/reliability.md,
 * "The lake commit log"): one write + fsync per commit; a crash can only tear the last line, which
 * readers ignore and the next writer cuts off; readers never see a half-written commit because a line
 * counts only once its newline is there; and the order of the lines is the order of the commits, which
 * rebuilding needs (event numbers are given load by load).
 *
 * Only one process writes (the data dir lock); any number may read at the same time.
 */

export const LAKE_LOG_RELATIVE_PATH = 'lake/_log/commits.ndjson';

/** One file a commit made durable: its path relative to the data dir and what it held when committed. */
export interface LakeFileEntry {
  readonly path: string;
  readonly rows: number;
  readonly bytes: number;
  readonly sha256: string;
}

/** An extraction checkpoint write; value null deletes the checkpoint. */
export interface CheckpointEntry {
  readonly source: string;
  readonly account_id: string;
  readonly key: string;
  readonly value: string | null;
}

interface CommitBase {
  readonly seq: number;
  readonly committed_at: string;
  readonly run_id: string;
}

/** A Brightcove page (or a page-less checkpoint of one): what it covers, its file, its checkpoints. */
export interface PageCommit extends CommitBase {
  readonly kind: 'page';
  readonly source: string;
  readonly account_id: string;
  readonly request_url: string;
  readonly fetched_at: string;
  readonly window: { readonly from: string; readonly to: string } | null;
  readonly files: readonly LakeFileEntry[];
  readonly checkpoints: readonly CheckpointEntry[];
  /** Analytics: the window request this page belongs to, and whether it was its last page. */
  readonly fetch: { readonly fetch_id: string; readonly reconciled: boolean; readonly done: boolean } | null;
}

/** Checkpoints committed without a page (a crawl starting or finishing). */
export interface StateCommit extends CommitBase {
  readonly kind: 'state';
  readonly checkpoints: readonly CheckpointEntry[];
}

/** One player-event file loaded: its numbers, its lake files and its quarantine file. */
export interface EventLoadCommit extends CommitBase {
  readonly kind: 'event_load';
  readonly load_id: number;
  readonly source_sha256: string;
  readonly source_file: string;
  readonly format: string;
  readonly rows_read: number;
  readonly rows_accepted: number;
  readonly rows_quarantined: number;
  readonly rows_duplicate: number;
  readonly files: readonly LakeFileEntry[];
  readonly quarantine_files: readonly LakeFileEntry[];
}

/**
 * Brightcove pages whose files were found damaged or gone: no longer part of the lake; their windows
 * are fetched again (analytics fetches marked incomplete, the account's CMS crawl state dropped).
 */
export interface RetractCommit extends CommitBase {
  readonly kind: 'retract';
  readonly retracted: readonly number[];
  readonly paths: readonly string[];
  readonly reason: string;
  readonly checkpoints: readonly CheckpointEntry[];
  readonly fetches_incomplete: readonly string[];
}

/** An event load whose files are damaged, given up by a person (`pipeline verify --accept-loss LOAD`). */
export interface LossCommit extends CommitBase {
  readonly kind: 'loss';
  readonly lost: number;
  readonly load_id: number;
  readonly source_file: string;
  readonly source_sha256: string;
  readonly rows_accepted: number;
  readonly rows_quarantined: number;
  readonly paths: readonly string[];
  readonly damage: readonly string[];
}

export type LakeCommit = PageCommit | StateCommit | EventLoadCommit | RetractCommit | LossCommit;
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
export type NewLakeCommit = DistributiveOmit<LakeCommit, 'seq' | 'committed_at'>;

export function lakeLogPath(dir: DataDir): string {
  return join(dir.root, ...LAKE_LOG_RELATIVE_PATH.split('/'));
}

/** The whole lines of the log text: a last line without its newline is a torn write and does not count. */
function parseLog(text: string): LakeCommit[] {
  const end = text.lastIndexOf('\n');
  if (end < 0) return [];
  return text
    .slice(0, end)
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as LakeCommit);
}

/** Every commit in the log, in order (an empty list when there is no log yet). Safe while a writer appends. */
export function readLakeLog(dir: DataDir): LakeCommit[] {
  const path = lakeLogPath(dir);
  if (!existsSync(path)) return [];
  return parseLog(readFileSync(path, 'utf8'));
}

/** This process's view of the log's end, so an append does not re-read the file: seq of the last line. */
const lastSeqByLog = new Map<string, { readonly bytes: number; readonly seq: number }>();

/**
 * Appends one commit and makes it durable (write, fsync); returns it with its sequence number and time.
 * A torn last line (a writer killed mid-write) is cut off first: that commit never happened.
 */
export function appendLakeCommit(dir: DataDir, commit: NewLakeCommit): LakeCommit {
  const path = lakeLogPath(dir);
  let known = lastSeqByLog.get(path);
  const bytes = existsSync(path) ? statSync(path).size : 0;
  if (!known || known.bytes !== bytes) {
    mkdirSync(dirname(path), { recursive: true });
    const text = existsSync(path) ? readFileSync(path, 'utf8') : '';
    const whole = text.lastIndexOf('\n') + 1;
    if (whole !== Buffer.byteLength(text)) {
      const fd = openSync(path, 'r+');
      try {
        ftruncateSync(fd, Buffer.byteLength(text.slice(0, whole)));
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
    }
    const commits = parseLog(text);
    known = { bytes: Buffer.byteLength(text.slice(0, whole)), seq: commits.at(-1)?.seq ?? 0 };
  }
  const full = { seq: known.seq + 1, committed_at: new Date().toISOString(), ...commit } as LakeCommit;
  const line = `${JSON.stringify(full)}\n`;
  const created = known.bytes === 0 && !existsSync(path);
  const fd = openSync(path, 'a');
  try {
    writeSync(fd, line);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  if (created) fsyncFolder(dirname(path));
  lastSeqByLog.set(path, { bytes: known.bytes + Buffer.byteLength(line), seq: full.seq });
  return full;
}

function fsyncFolder(folder: string): void {
  try {
    const fd = openSync(folder, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    // Some filesystems refuse to fsync a folder; the append itself was fsynced.
  }
}

export async function sha256OfFile(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** What the log records for a file just written: size and sha256 read back once (the page cache still holds it). */
export async function describeLakeFile(dir: DataDir, relativePath: string, rows: number): Promise<LakeFileEntry> {
  const absolute = join(dir.root, ...relativePath.split('/'));
  return { path: relativePath, rows, bytes: statSync(absolute).size, sha256: await sha256OfFile(absolute) };
}

/** A file of the log that is part of the lake now, with the commit that made it so. */
export interface LiveFile {
  readonly entry: LakeFileEntry;
  readonly commit: PageCommit | EventLoadCommit;
}

/** The commits no later retract or loss took back. */
export function takenBack(commits: readonly LakeCommit[]): Set<number> {
  const gone = new Set<number>();
  for (const commit of commits) {
    if (commit.kind === 'retract') for (const seq of commit.retracted) gone.add(seq);
    if (commit.kind === 'loss') gone.add(commit.lost);
  }
  return gone;
}

/** Every file the lake holds according to the log (committed and not taken back), by path. */
export function liveFiles(commits: readonly LakeCommit[]): Map<string, LiveFile> {
  const gone = takenBack(commits);
  const files = new Map<string, LiveFile>();
  for (const commit of commits) {
    if (gone.has(commit.seq)) continue;
    if (commit.kind === 'page') for (const entry of commit.files) files.set(entry.path, { entry, commit });
    if (commit.kind === 'event_load') for (const entry of [...commit.files, ...commit.quarantine_files]) files.set(entry.path, { entry, commit });
  }
  return files;
}

/** Every path the log ever listed (also those taken back since): the pipeline never deletes one of them. */
export function everListed(commits: readonly LakeCommit[]): Set<string> {
  const paths = new Set<string>();
  for (const commit of commits) {
    if (commit.kind === 'page') for (const entry of commit.files) paths.add(entry.path);
    if (commit.kind === 'event_load') for (const entry of [...commit.files, ...commit.quarantine_files]) paths.add(entry.path);
  }
  return paths;
}

/** What is wrong with one file, or undefined: the cheap check (presence, size). */
export function cheapProblem(dir: DataDir, entry: LakeFileEntry): string | undefined {
  const stats = statSync(join(dir.root, ...entry.path.split('/')), { throwIfNoEntry: false });
  if (!stats) return 'missing';
  if (!stats.isFile()) return 'not a file';
  if (stats.size !== entry.bytes) return `${stats.size} bytes, the log says ${entry.bytes} (truncated or rewritten)`;
  return undefined;
}

/** The live files that fail the cheap check, with the problem. */
export function cheapDamage(dir: DataDir, commits: readonly LakeCommit[]): Array<LiveFile & { problem: string }> {
  const damaged: Array<LiveFile & { problem: string }> = [];
  for (const file of liveFiles(commits).values()) {
    const problem = cheapProblem(dir, file.entry);
    if (problem) damaged.push({ ...file, problem });
  }
  return damaged;
}

/** Where a damaged file is moved aside to (kept for a person to look at, out of the lake's way). */
export function damagedPathFor(dir: DataDir, relativePath: string): string {
  return join(dir.root, 'damaged', ...relativePath.split('/'));
}

/** "account 123, window 2025-04-01..2025-04-30" or "event load 3 of /in/events.ndjson": what a file holds. */
export function describeHolding(commit: PageCommit | EventLoadCommit, accountName?: (accountId: string) => string | undefined): string {
  if (commit.kind === 'event_load') return `event load ${commit.load_id} (source file ${commit.source_file}, ${commit.rows_accepted} accepted events)`;
  const name = accountName?.(commit.account_id);
  const account = `account ${commit.account_id}${name ? ` (${name})` : ''}`;
  const window = commit.window ? `window ${commit.window.from}..${commit.window.to}` : `page ${commit.request_url}`;
  return `${commit.source} of ${account}, ${window}`;
}
