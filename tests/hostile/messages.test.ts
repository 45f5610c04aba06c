import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseConfig, type ReelhouseConfig } from '../../config/load-config.ts';
import { dataDir } from '../../warehouse/data-dir.ts';
import { distribute } from '../../warehouse/distribute.ts';
import { acquireDataDirLock, DataDirLockedError } from '../../warehouse/run-lock.ts';
import { openSession } from '../../warehouse/session.ts';
import { loadTestConfig, TEST_CONFIG_PATH } from '../support/test-config.ts';
import { REPO_ROOT, spawnPipeline, temporaryFolder } from './pipeline-child.ts';

/**
 * Each message of issue 10's list names the file or account and says what to do next, instead of a bare
 * EEXIST, ENAMETOOLONG, "(pid ?)" or DuckDB's error alone.
 */

const AS_OF = '2025-06-30';
const open = (dir: string, config: Readonly<ReelhouseConfig> = loadTestConfig()) => openSession({ dataDir: dir, config, asOf: AS_OF, command: 'test' });

describe('--data-dir that is not a folder', () => {
  it('a file, or a path below a file: refused naming it, with an example, before anything is created', async () => {
    const folder = temporaryFolder('data-dir-file');
    const file = join(folder, 'hostname');
    writeFileSync(file, 'a file\n');
    await expect(open(file)).rejects.toThrow(`--data-dir ${file}: ${file} is a file, not a folder. Give a folder for the lake`);
    await expect(open(join(file, 'data'))).rejects.toThrow(`--data-dir ${join(file, 'data')}: ${file}, on the way to ${join(file, 'data')}, is a file, not a folder`);
    expect(readdirSync(folder)).toEqual(['hostname']);
    // A folder that does not exist yet is created.
    const session = await open(join(folder, 'new', 'data'));
    session.close();
    expect(statSync(join(folder, 'new', 'data')).isDirectory()).toBe(true);
  });

  it('`pipeline extract --demo --data-dir FILE` stops at once with that message (no simulator started)', async () => {
    const folder = temporaryFolder('data-dir-file-cli');
    const file = join(folder, 'hostname');
    writeFileSync(file, 'a file\n');
    const result = await spawnPipeline(['extract', '--demo', '--data-dir', file, '--config', TEST_CONFIG_PATH], process.env).done;
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`Error: --data-dir ${file}: ${file} is a file, not a folder.`);
    expect(result.stderr).not.toMatch(/EEXIST|ENOTDIR/);
    expect(result.stdout).not.toContain('simulator');
  });
});

describe('a distribution folder name longer than a filesystem allows', () => {
  /** Two Harper accounts; `sumitrust` gets `folder`. Delivers into a fresh root. */
  async function deliverWith(folder: string) {
    const base = loadTestConfig();
    const pick = (slug: string) => base.accounts.find((account) => account.slug === slug)!;
    const root = temporaryFolder('distribution-root');
    const config = parseConfig({ ...base, accounts: [pick('internet'), { ...pick('sumitrust'), distribution_folder: folder }], distribution: { root, month_offset: 1 } });
    const session = await open(temporaryFolder('distribution'), config);
    try {
      mkdirSync(join(session.dir.exports, 'harper'), { recursive: true });
      for (const slug of ['internet', 'sumitrust']) writeFileSync(join(session.dir.exports, 'harper', `${slug}_cms.csv`), 'account_id,id\r\n1,2\r\n');
      const outcome = await distribute(session).then(
        (deliveries) => ({ delivered: deliveries.length, error: undefined }),
        (error: Error) => ({ delivered: 0, error: error.message }),
      );
      return { ...outcome, rootEntries: readdirSync(root) };
    } finally {
      session.close();
    }
  }

  it('at 255 bytes it is delivered; at 256 (ASCII, or 128 two-byte letters) refused naming the account, before any copy', async () => {
    expect(await deliverWith('f'.repeat(255))).toMatchObject({ delivered: 2, error: undefined });

    const tooLong = await deliverWith('f'.repeat(256));
    expect(tooLong.error).toContain('Account sumitrust: distribution_folder is 256 bytes long');
    expect(tooLong.error).toContain('at most 255 bytes');
    expect(tooLong.error).toContain('Shorten distribution_folder of account sumitrust in the config');
    expect(tooLong.error).not.toContain('ENAMETOOLONG');
    // Nothing half-delivered: internet, checked first and fine, was not copied either.
    expect(tooLong.rootEntries).toEqual([]);

    // 'é' is 2 bytes in UTF-8: 127 of them fit (254 bytes), 128 do not (256 bytes).
    expect(await deliverWith('é'.repeat(127))).toMatchObject({ delivered: 2 });
    expect((await deliverWith('é'.repeat(128))).error).toContain('Account sumitrust: distribution_folder is 256 bytes long');
    // The case.
    expect((await deliverWith('x'.repeat(300))).error).toContain('Account sumitrust: distribution_folder is 300 bytes long');
  });
});

describe('a lock file that names no process', () => {
  it('empty or garbage: refused saying so, and what to do, instead of "(pid ?)"', () => {
    const lockFile = join(temporaryFolder('lock-garbage'), '.reelhouse.lock');
    writeFileSync(lockFile, '');
    expect(() => acquireDataDirLock(lockFile, 'run')).toThrow(DataDirLockedError);
    expect(() => acquireDataDirLock(lockFile, 'run')).toThrow(
      `The data dir lock ${lockFile} is empty, so it names no process and which one holds this data dir cannot be told. ` +
        `If no reelhouse command is working on this data dir (ps -ef | grep pipeline), remove ${lockFile} and run again.`,
    );
    writeFileSync(lockFile, '\u0000\u0001garbage');
    expect(() => acquireDataDirLock(lockFile, 'run')).toThrow(`${lockFile} is not a reelhouse lock (it starts "\\u0000\\u0001garbage")`);
    writeFileSync(lockFile, '{"pid": "12"}');
    expect(() => acquireDataDirLock(lockFile, 'run')).toThrow('is not a reelhouse lock');
  });

  it('a live holder known only by its pid is named without question marks', () => {
    const lockFile = join(temporaryFolder('lock-pid-only'), '.reelhouse.lock');
    writeFileSync(lockFile, JSON.stringify({ pid: process.pid }));
    let message = '';
    try {
      acquireDataDirLock(lockFile, 'run');
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toBe(`Another reelhouse process is using this data dir (pid ${process.pid}); wait for it to finish, or remove ${lockFile} if that process is gone.`);
  });
});

describe('a damaged work.duckdb', () => {
  const expectAdvice = (message: string, root: string) => {
    const dir = dataDir(root);
    expect(message).toContain(`The working warehouse ${dir.workingDb} is damaged and cannot be read (DuckDB: `);
    // Only work.duckdb moves: it is an index of the lake, rebuilt from the lake's commit log.
    expect(message).toContain(`Move it aside; nothing will be lost:\n  mv ${dir.workingDb} ${dir.workingDb}.corrupt\n`);
    expect(message).not.toContain(`mv ${dir.lake}`);
    expect(message).toContain('rebuilds it from the lake');
    expect(message).toContain('Keep the lake where it is.');
  };

  it('not a DuckDB file at all: the advice names the file, and the lock is released', async () => {
    const root = temporaryFolder('work-garbage');
    writeFileSync(join(root, 'work.duckdb'), Buffer.alloc(100, 7));
    const error = await open(root).catch((caught: Error) => caught);
    expect(error).toBeInstanceOf(Error);
    expectAdvice((error as Error).message, root);
    expect((error as Error).message).toContain('not a valid DuckDB database file');
    expect(existsSync(dataDir(root).lockFile)).toBe(false);
  });

  it('a DuckDB file whose blocks were overwritten (checksum mismatch), opened by `pipeline build`: the same advice', async () => {
    const root = temporaryFolder('work-checksum');
    const file = dataDir(root).workingDb;
    // Written and read by other processes: this one's DuckDB instance cache would answer from memory.
    const script = `import { DuckDBInstance } from '@duckdb/node-api';
const instance = await DuckDBInstance.create(${JSON.stringify(file)});
const connection = await instance.connect();
await connection.run("CREATE TABLE filler AS SELECT range AS n, repeat('x', 100) AS t FROM range(50000)");
await connection.run('CHECKPOINT');
connection.closeSync();
instance.closeSync();`;
    const created = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: REPO_ROOT, encoding: 'utf8' });
    expect(created.status, created.stderr).toBe(0);
    // DuckDB's three header blocks (3 × 4 KiB) stay; every block after them is overwritten.
    const fd = openSync(file, 'r+');
    try {
      const garbage = Buffer.alloc(4096, 0x5a);
      for (let offset = 12_288; offset < statSync(file).size; offset += garbage.length) writeSync(fd, garbage, 0, garbage.length, offset);
    } finally {
      closeSync(fd);
    }
    const result = await spawnPipeline(['build', '--data-dir', root, '--config', TEST_CONFIG_PATH], process.env).done;
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/Error: The working warehouse .* is damaged and cannot be read \(DuckDB: IO Error: Corrupt database file: computed checksum/);
    expectAdvice(result.stderr, root);
    expect(existsSync(dataDir(root).lockFile)).toBe(false);
  });
});
