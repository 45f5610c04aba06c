import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { acquireDataDirLock } from '../../warehouse/run-lock.ts';

/**
 * A process killed while taking the data dir lock must not lock the data dir for ever. Found by the
 * crash suite (kill point lock:writing): the lock file was created empty and its owner written
 * afterwards, so a kill in between left a lock without a pid, which every later run refused.
 */

const REPO_ROOT = join(import.meta.dirname, '..', '..');
const TSX = pathToFileURL(join(REPO_ROOT, 'node_modules', 'tsx', 'dist', 'loader.mjs')).href;
const MODULE = pathToFileURL(join(REPO_ROOT, 'warehouse', 'run-lock.ts')).href;

describe('data dir lock after a crash', () => {
  it('is taken by the next run when its holder was killed while taking it, and leaves no temporary', () => {
    const folder = mkdtempSync(join(tmpdir(), 'reelhouse-lock-'));
    const lockFile = join(folder, '.reelhouse.lock');
    const script = `import { acquireDataDirLock } from ${JSON.stringify(MODULE)}; acquireDataDirLock(${JSON.stringify(lockFile)}, 'run');`;
    const killed = spawnSync(process.execPath, ['--import', TSX, '--input-type=module', '-e', script], {
      env: { ...process.env, REELHOUSE_CRASH_AT: 'lock:writing:1' },
      encoding: 'utf8',
    });
    expect(killed.signal).toBe('SIGKILL');

    const lock = acquireDataDirLock(lockFile, 'run');
    lock.release();
    expect(existsSync(lockFile)).toBe(false);
    expect(readdirSync(folder)).toEqual([]);
  });
});
