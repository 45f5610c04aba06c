import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DataDirLockedError, acquireDataDirLock } from '../../warehouse/run-lock.ts';

describe('data dir lock', () => {
  it('refuses a second holder with a message naming the holder, and frees on release', () => {
    const lockFile = join(mkdtempSync(join(tmpdir(), 'reelhouse-lock-')), '.reelhouse.lock');
    const first = acquireDataDirLock(lockFile, 'run');
    expect(() => acquireDataDirLock(lockFile, 'build')).toThrow(DataDirLockedError);
    expect(() => acquireDataDirLock(lockFile, 'build')).toThrow(new RegExp(`pid ${process.pid}, \`run\``));
    first.release();
    expect(existsSync(lockFile)).toBe(false);
    acquireDataDirLock(lockFile, 'build').release();
  });

  it('takes over a lock left by a process that was killed', async () => {
    const lockFile = join(mkdtempSync(join(tmpdir(), 'reelhouse-lock-')), '.reelhouse.lock');
    const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 10)']);
    const deadPid = child.pid!;
    await new Promise((resolve) => child.on('exit', resolve));
    writeFileSync(lockFile, JSON.stringify({ pid: deadPid, command: 'run', started_at: '2026-01-01T00:00:00Z' }));
    const lock = acquireDataDirLock(lockFile, 'run');
    lock.release();
  });
});
