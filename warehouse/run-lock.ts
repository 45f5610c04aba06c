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
      const holder = readHolder(lockFile);
      if (typeof holder.pid === 'number' && !isProcessAlive(holder.pid)) {
        rmSync(lockFile, { force: true });
        continue;
      }
      throw new DataDirLockedError(typeof holder.pid === 'number' ? lockedMessage(lockFile, holder) : unreadableLockMessage(lockFile));
    }
  }
  throw new DataDirLockedError(`Could not take the data dir lock ${lockFile}`);
}

interface LockHolder {
  pid?: number;
  command?: string;
  started_at?: string;
}

/** The holder a lock file names, or {} when it names none (empty, garbage, gone). */
function readHolder(lockFile: string): LockHolder {
  try {
    const parsed: unknown = JSON.parse(readFileSync(lockFile, 'utf8'));
    return parsed && typeof parsed === 'object' ? (parsed as LockHolder) : {};
  } catch {
    return {};
  }
}

/**
 * A lock that names no process. This version writes a lock whole (see above), so it was left by an
 * older version killed while taking it, or written by something else: which process, if any, still
 * works on the data dir cannot be told, and only a person can decide.
 */
function unreadableLockMessage(lockFile: string): string {
  let content = '';
  try {
    content = readFileSync(lockFile, 'utf8');
  } catch {
    // removed meanwhile: described as empty
  }
  const what = content.trim() === '' ? 'is empty' : `is not a reelhouse lock (it starts ${JSON.stringify(content.slice(0, 40))})`;
  return (
    `The data dir lock ${lockFile} ${what}, so it names no process and which one holds this data dir cannot be told. ` +
    `If no reelhouse command is working on this data dir (ps -ef | grep pipeline), remove ${lockFile} and run again.`
  );
}

function lockedMessage(lockFile: string, holder: LockHolder): string {
  const command = holder.command ? `, \`${holder.command}\`` : '';
  const since = holder.started_at ? ` since ${holder.started_at}` : '';
  return (
    `Another reelhouse process is using this data dir (pid ${holder.pid}${command}${since}); ` +
    `wait for it to finish, or remove ${lockFile} if that process is gone.`
  );
}

/**
 * Refuses at once, taking nothing, when a live process holds the lock: for commands that prepare
 * something slow (the demo's simulator) before opening their session, which takes the lock for real.
 */
export function assertDataDirFree(lockFile: string): void {
  if (!existsSync(lockFile)) return;
  const holder = readHolder(lockFile);
  // A lock naming no process: acquireDataDirLock decides (and says what to do).
  if (typeof holder.pid === 'number' && isProcessAlive(holder.pid)) throw new DataDirLockedError(lockedMessage(lockFile, holder));
}
