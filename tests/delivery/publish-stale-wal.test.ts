import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { openWarehouse } from '../../warehouse/duckdb.ts';
import { buildModels, discoverModels, selectModels } from '../../warehouse/models.ts';
import { publish } from '../../warehouse/publish.ts';
import { loadTestConfig } from '../support/test-config.ts';
import { openTestSession, REPO, temporaryFolder, writeTree } from './fixtures.ts';

/**
 * An analyst opened the published file read-write, changed it and crashed, leaving
 * `reelhouse.duckdb.wal` (issue 10). DuckDB replays `<file>.wal` onto whatever file has that name, even
 * for a read-only reader, so after the next publish every reader saw the crashed session's changes
 * applied to the new file (video_cache 1,679 rows while meta.published_tables said 1,682). Publishing
 * now moves such a WAL aside, reported and kept, so readers of the new file see exactly what was published.
 */

const tree = () =>
  writeTree({
    'staging/seeds.sql': `-- grain: n
CREATE OR REPLACE TABLE staging.seeds AS SELECT CAST(range AS BIGINT) AS n FROM range(100000) WHERE range < CAST(meta.setting('cache_window_days') AS BIGINT) * 10;`,
    'marts/numbers.sql': `-- grain: n
CREATE OR REPLACE TABLE marts.numbers AS SELECT n FROM staging.seeds;
COMMENT ON TABLE marts.numbers IS 'Numbers.';
COMMENT ON COLUMN marts.numbers.n IS 'The number.';`,
  });

/** A read-write session of another process on `file` that deletes `rows` rows of marts.numbers and is killed before it closes. */
function crashReadWriteSession(file: string, rows: number): void {
  const script = `import { DuckDBInstance } from '@duckdb/node-api';
const instance = await DuckDBInstance.create(${JSON.stringify(file)});
const connection = await instance.connect();
await connection.run('DELETE FROM marts.numbers WHERE n < ${rows}');
process.kill(process.pid, 'SIGKILL');`;
  const crashed = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: REPO, encoding: 'utf8' });
  expect(crashed.signal, crashed.stderr).toBe('SIGKILL');
}

async function readPublished(file: string): Promise<{ recorded: string | undefined; actual: string | undefined }> {
  const reader = await openWarehouse(file, { readOnly: true });
  try {
    return {
      recorded: await reader.scalar<string>("SELECT row_count::VARCHAR FROM meta.published_tables WHERE table_name = 'marts.numbers'"),
      actual: await reader.scalar<string>('SELECT count(*)::VARCHAR FROM marts.numbers'),
    };
  } finally {
    reader.close();
  }
}

describe('publish after a crashed read-write session on the published file', () => {
  it('moves the stale WAL aside (kept, reported), so readers of the new file see exactly what was published', async () => {
    const modelsDir = tree();
    const config = loadTestConfig();
    const session = await openTestSession(temporaryFolder('publish-stale-wal'), config);
    const lines: string[] = [];
    try {
      await buildModels(session.warehouse, selectModels(discoverModels(modelsDir)), session.runId);
      await publish(session, { modelsDir });
      // cache_window_days × 10 rows, from the test config.
      const published = String(config.reporting.cache_window_days * 10);
      expect(await readPublished(session.dir.publishedDb)).toEqual({ recorded: published, actual: published });

      crashReadWriteSession(session.dir.publishedDb, 3);
      const wal = `${session.dir.publishedDb}.wal`;
      expect(existsSync(wal), 'the crashed session left its WAL').toBe(true);
      const walBytes = readFileSync(wal);
      // What every reader saw of the old file since: the crashed session's delete, replayed.
      expect(await readPublished(session.dir.publishedDb)).toEqual({ recorded: published, actual: String(Number(published) - 3) });

      await session.warehouse.run("UPDATE meta.settings SET value = '20' WHERE key = 'cache_window_days'");
      await buildModels(session.warehouse, selectModels(discoverModels(modelsDir)), session.runId);
      await publish(session, { modelsDir, log: (line) => lines.push(line) });

      // 20 days × 10 rows, all of them: nothing of the crashed session reaches the new file's readers.
      expect(await readPublished(session.dir.publishedDb)).toEqual({ recorded: '200', actual: '200' });
      expect(existsSync(wal)).toBe(false);
      const aside = `${wal}.stale-${session.runId}`;
      expect(readFileSync(aside).equals(walBytes), 'the WAL is kept, byte for byte, under its new name').toBe(true);
      expect(readdirSync(session.dir.root).filter((name) => name.startsWith('reelhouse.duckdb')).sort()).toEqual([
        'reelhouse.duckdb',
        `reelhouse.duckdb.wal.stale-${session.runId}`,
      ]);
      const warning = lines.find((line) => line.startsWith('Warning:'));
      expect(warning).toContain(`moved ${wal} to ${aside}`);
      expect(warning).toContain('write-ahead log of a read-write session on the previous reelhouse.duckdb');
      expect(warning).toContain('open the published file read-only');
    } finally {
      session.close();
    }
  });
});
