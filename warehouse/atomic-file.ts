import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, basename, join } from 'node:path';
import { randomUUID } from 'node:crypto';

/**
 * Every file a reader may see is written under a temporary name in the same folder, flushed to disk,
 * then renamed over the target: a reader sees the old file or the new one, never half of one.
 */

/** A temporary sibling path for `target`, hidden and unique to this writer. */
export function temporaryPathFor(target: string): string {
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
