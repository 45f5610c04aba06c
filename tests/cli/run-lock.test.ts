import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
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

  it('takes over a lock left by a process that was killed, and only then', async () => {
    const lockFile = join(mkdtempSync(join(tmpdir(), 'reelhouse-lock-')), '.reelhouse.lock');
    const child = spawn(process.execPath, ['-e', 'process.exit(0)']);
    const deadPid = child.pid!;
    await new Promise((resolve) => child.on('exit', resolve));
    // The same lock naming a live process (this one) is refused, naming that holder.
    writeFileSync(lockFile, JSON.stringify({ pid: process.pid, command: 'build', started_at: '2026-01-01T00:00:00Z' }));
    expect(() => acquireDataDirLock(lockFile, 'run')).toThrow(new RegExp(`pid ${process.pid}, \`build\` since 2026-01-01T00:00:00Z`));
    expect(JSON.parse(readFileSync(lockFile, 'utf8'))).toMatchObject({ pid: process.pid, command: 'build' });

    writeFileSync(lockFile, JSON.stringify({ pid: deadPid, command: 'run', started_at: '2026-01-01T00:00:00Z' }));
    const lock = acquireDataDirLock(lockFile, 'export');
    // The dead holder's lock was replaced by ours: a second taker now meets this process.
    expect(JSON.parse(readFileSync(lockFile, 'utf8'))).toMatchObject({ pid: process.pid, command: 'export' });
    expect(() => acquireDataDirLock(lockFile, 'run')).toThrow(DataDirLockedError);
    lock.release();
    expect(existsSync(lockFile)).toBe(false);
  });
});
