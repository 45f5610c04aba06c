import { closeSync, fsyncSync, mkdirSync, openSync, readdirSync, renameSync, rmSync, writeFileSync, type Dirent } from 'node:fs';
import { dirname, basename, join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { isProcessAlive } from './process-alive.ts';

/**
 * Every file a reader may see is written under a temporary name in the same folder, flushed to disk,
 * then renamed over the target: a reader sees the old file or the new one, never half of one.
 *
 * A writer killed before its rename (SIGKILL, power cut) leaves its temporary file behind, and nothing
 * else would ever remove it: the next writer of the same target does (see temporaryPathFor).
 */


function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Removes the temporaries of `target` that a dead process left: `.<name>.<pid>.<id>.tmp` and files
 * derived from them (DuckDB's `.tmp.wal`). A live writer's temporary (its pid still runs) is kept.
 * Returns the names removed.
 */
export function removeAbandonedTemporaries(target: string): string[] {
  const folder = dirname(target);
  const pattern = new RegExp(`^\\.${escapeRegExp(basename(target))}\\.(\\d+)\\.[0-9a-f]{8}\\.tmp(?:\\..+)?$`);
  let entries: string[];
  try {
    entries = readdirSync(folder);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of entries) {
    const pid = Number(pattern.exec(name)?.[1]);
    if (!pid || pid === process.pid || isProcessAlive(pid)) continue;
    rmSync(join(folder, name), { force: true, recursive: true });
    removed.push(name);
  }
  return removed;
}

/** `.<name>.<pid>.<id>.tmp` (and names derived from it), the pid in group 1. */
const ANY_TEMPORARY = /^\..+\.(\d+)\.[0-9a-f]{8}\.tmp(?:\..+)?$/;

/**
 * Removes the temporaries a dead process left in `folder` and its real subfolders (symbolic links are
 * not followed) down to `depth` levels, whatever their target. The next writer of a target removes its
 * own leftovers (temporaryPathFor), but some targets are never written again: an account removed from
 * the configuration, a past month's distribution folder. A whole export or distribution sweeps its
 * folders with this first. Returns the paths removed.
 */
export function sweepAbandonedTemporaries(folder: string, depth = Number.POSITIVE_INFINITY): string[] {
  let entries: Dirent[];
  try {
    entries = readdirSync(folder, { withFileTypes: true });
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const entry of entries) {
    const path = join(folder, entry.name);
    const pid = Number(ANY_TEMPORARY.exec(entry.name)?.[1]);
    if (pid) {
      if (pid === process.pid || isProcessAlive(pid)) continue;
      rmSync(path, { force: true, recursive: true });
      removed.push(path);
    } else if (entry.isDirectory() && depth > 0) {
      removed.push(...sweepAbandonedTemporaries(path, depth - 1));
    }
  }
  return removed;
}

/**
 * A temporary sibling path for `target`, hidden and unique to this writer. Taking one first removes
 * what a killed writer of the same target left behind, so a crash costs no more than one re-run.
 */
export function temporaryPathFor(target: string): string {
  removeAbandonedTemporaries(target);
  return join(dirname(target), `.${basename(target)}.${process.pid}.${randomUUID().slice(0, 8)}.tmp`);
}

function fsyncPath(path: string, flags = 'r'): void {
  const fd = openSync(path, flags);
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Renames a finished temporary file into place, with the data and the folder entry on disk. */
export function commitTemporaryFile(temporary: string, target: string): void {
  fsyncPath(temporary);
  renameSync(temporary, target);
  try {
    fsyncPath(dirname(target));
  } catch {
    // Some filesystems refuse to fsync a directory; the rename itself is still atomic.
  }
}

/** Lets `write` produce the file at a temporary path, then commits it; removes the temporary on failure. */
export async function writeAtomically<T>(target: string, write: (temporaryPath: string) => Promise<T> | T): Promise<T> {
  mkdirSync(dirname(target), { recursive: true });
  const temporary = temporaryPathFor(target);
  try {
    const result = await write(temporary);
    commitTemporaryFile(temporary, target);
    return result;
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  }
}

export function writeFileAtomically(target: string, content: string | Uint8Array): Promise<void> {
  return writeAtomically(target, (temporary) => writeFileSync(temporary, content));
}
