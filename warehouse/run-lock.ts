import { existsSync, linkSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { temporaryPathFor } from './atomic-file.ts';
import { crashPoint } from './crash-point.ts';
import { isProcessAlive } from './process-alive.ts';

/**
 * One pipeline process per data dir. DuckDB's own file lock would also refuse a second writer, but only
 * once it reaches the open, and with a message about file locks; this says what is going on, at once.
 * A lock left by a killed process (its pid no longer alive) is taken over.
 */

export class DataDirLockedError extends Error {
  override name = 'DataDirLockedError';
}


export interface HeldLock {
  release(): void;
}

export function acquireDataDirLock(lockFile: string, command: string): HeldLock {
  mkdirSync(dirname(lockFile), { recursive: true });
  for (let attempt = 0; attempt < 2; attempt += 1) {
    try {
      // The lock appears complete or not at all: its holder is written to a temporary file that is then
      // hard-linked into place (link fails when the lock exists). Created empty and filled afterwards, a
      // kill in between left a lock naming no process, which every later run refused.
      const holderFile = temporaryPathFor(lockFile);
      writeFileSync(holderFile, JSON.stringify({ pid: process.pid, command, started_at: new Date().toISOString() }));
      crashPoint('lock:writing');
      try {
        linkSync(holderFile, lockFile);
      } finally {
        rmSync(holderFile, { force: true });
      }
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
        // Without this every session of a long process (tests, a scheduler) leaves an exit listener behind.
        process.off('exit', release);
        rmSync(lockFile, { force: true });
      };
      process.once('exit', release);
      return { release };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      let holder: LockHolder = {};
      try {
        holder = JSON.parse(readFileSync(lockFile, 'utf8'));
      } catch {
        // A lock file being written this instant, or garbage: treat as held unless clearly stale below.
      }
      if (typeof holder.pid === 'number' && !isProcessAlive(holder.pid)) {
        rmSync(lockFile, { force: true });
        continue;
      }
      throw new DataDirLockedError(lockedMessage(lockFile, holder));
    }
  }
  throw new DataDirLockedError(`Could not take the data dir lock ${lockFile}`);
}

interface LockHolder {
  pid?: number;
  command?: string;
  started_at?: string;
}

function lockedMessage(lockFile: string, holder: LockHolder): string {
  return (
    `Another reelhouse process is using this data dir (pid ${holder.pid ?? '?'}, \`${holder.command ?? '?'}\` since ${holder.started_at ?? '?'}); ` +
    `wait for it to finish, or remove ${lockFile} if that process is gone.`
  );
}

/**
 * Refuses at once, taking nothing, when a live process holds the lock: for commands that prepare
 * something slow (the demo's simulator) before opening their session, which takes the lock for real.
 */
export function assertDataDirFree(lockFile: string): void {
  if (!existsSync(lockFile)) return;
  let holder: LockHolder;
  try {
    holder = JSON.parse(readFileSync(lockFile, 'utf8'));
  } catch {
    return; // being written this instant, or garbage: acquireDataDirLock decides
  }
  if (typeof holder.pid === 'number' && isProcessAlive(holder.pid)) throw new DataDirLockedError(lockedMessage(lockFile, holder));
}
