import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openWarehouse } from '../../warehouse/duckdb.ts';
import { REPO_ROOT, temporaryFolder } from './pipeline-child.ts';

/**
 * Regression: closing a warehouse opened READ_ONLY closed only its connection; the DuckDB instance kept
 * the file lock until garbage collection, so a pipeline process could not open the file afterwards
 * ("Conflicting lock is held").
 */

const OPEN_READ_WRITE = `
  const { DuckDBInstance } = await import('@duckdb/node-api');
  const instance = await DuckDBInstance.create(process.argv[1]);
  const connection = await instance.connect();
  await connection.run('CREATE TABLE IF NOT EXISTS written_by_child (n INTEGER)');
  connection.closeSync();
  instance.closeSync();
`;

describe('a read-only warehouse, once closed', () => {
  it('lets another process open the file read-write', async () => {
    const readOnlyPath = join(temporaryFolder('read-only-close'), 'published.duckdb');
    // Written through ATTACH from an in-memory database, so this process holds no instance of the file.
    const seed = await openWarehouse(':memory:');
    await seed.run(`ATTACH '${readOnlyPath}' AS published; CREATE TABLE published.t AS SELECT 1 AS n; DETACH published`);
    seed.close();

    const reader = await openWarehouse(readOnlyPath, { readOnly: true });
    expect(await reader.scalar('SELECT count(*)::INTEGER FROM t')).toBe(1);
    reader.close();

    const child = spawnSync(process.execPath, ['--input-type=module', '-e', OPEN_READ_WRITE, readOnlyPath], { cwd: REPO_ROOT, encoding: 'utf8' });
    expect(child.stderr).not.toMatch(/lock/i);
    expect(child.status).toBe(0);
  });
});
