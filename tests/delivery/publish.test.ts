import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { describe, expect, it } from 'vitest';
import { openWarehouse } from '../../warehouse/duckdb.ts';
import { buildModels, discoverModels, selectModels } from '../../warehouse/models.ts';
import { publish, PublishRefusedError } from '../../warehouse/publish.ts';
import { openTestSession, REPO, temporaryFolder, writeTree } from './fixtures.ts';

/** Two marts whose sizes follow staging.seeds, so each publish has different, checkable row counts. */
const tree = () =>
  writeTree({
    'staging/seeds.sql': `-- grain: n
CREATE OR REPLACE TABLE staging.seeds AS SELECT CAST(range AS BIGINT) AS n FROM range(100000) WHERE range < CAST(meta.setting('cache_window_days') AS BIGINT) * 1000;`,
    'marts/numbers.sql': `-- grain: n
CREATE OR REPLACE TABLE marts.numbers AS SELECT n, CAST(n * 2 AS BIGINT) AS doubled_n FROM staging.seeds;
COMMENT ON TABLE marts.numbers IS 'Numbers.';
COMMENT ON COLUMN marts.numbers.n IS 'The number.';
COMMENT ON COLUMN marts.numbers.doubled_n IS 'Twice the number.';`,
    'marts/evens.sql': `-- grain: n
CREATE OR REPLACE TABLE marts.evens AS SELECT n FROM marts.numbers WHERE n % 2 = 0;
COMMENT ON TABLE marts.evens IS 'Even numbers.';
COMMENT ON COLUMN marts.evens.n IS 'The even number.';`,
  });

const sha256 = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

describe('publish', () => {
  it('writes a complete copy with comments, meta tables, the meta macros and the published row counts', async () => {
    const modelsDir = tree();
    const session = await openTestSession(temporaryFolder('publish'));
    try {
      await buildModels(session.warehouse, selectModels(discoverModels(modelsDir)), session.runId);
      const publication = await publish(session, { modelsDir });
      expect(publication.tables).toEqual([
        { table: 'marts.evens', rows: 45_000 },
        { table: 'marts.numbers', rows: 90_000 },
      ]);
      expect(readdirSync(session.dir.root).sort()).toEqual(['.reelhouse.lock', 'reelhouse.duckdb', 'status.json', 'work.duckdb', 'work.duckdb.wal']);

      const analyst = await openWarehouse(session.dir.publishedDb, { readOnly: true });
      expect(await analyst.rows('SELECT table_name, row_count FROM meta.published_tables ORDER BY 1')).toEqual([
        { table_name: 'marts.evens', row_count: '45000' },
        { table_name: 'marts.numbers', row_count: '90000' },
      ]);
      // meta.published_tables as sql/schema/00_meta.sql defines it (its one definition): columns, types, NOT NULL, COMMENT.
      expect(
        await analyst.rows(
          "SELECT column_name, data_type, is_nullable FROM duckdb_columns() WHERE schema_name = 'meta' AND table_name = 'published_tables' ORDER BY column_index",
        ),
      ).toEqual([
        { column_name: 'table_name', data_type: 'VARCHAR', is_nullable: false },
        { column_name: 'row_count', data_type: 'BIGINT', is_nullable: false },
        { column_name: 'run_id', data_type: 'VARCHAR', is_nullable: false },
        { column_name: 'as_of_date', data_type: 'DATE', is_nullable: false },
        { column_name: 'published_at', data_type: 'TIMESTAMP', is_nullable: false },
      ]);
      expect(await analyst.scalar("SELECT comment FROM duckdb_tables() WHERE table_name = 'published_tables'")).toBe(
        'One row per mart in this file: its row count when published, and which run published it.',
      );
      expect(await analyst.scalar("SELECT comment FROM duckdb_tables() WHERE table_name = 'numbers'")).toBe('Numbers.');
      expect(await analyst.scalar("SELECT comment FROM duckdb_columns() WHERE table_name = 'numbers' AND column_name = 'doubled_n'")).toBe('Twice the number.');
      expect(await analyst.scalar("SELECT meta.setting('as_of_date')")).toBe('2025-06-30');
      expect(await analyst.scalar("SELECT count(*) FROM meta.model_builds")).toBe('3');
      // Only marts and meta: the raw data and the intermediate steps stay in the working file.
      expect(await analyst.rows("SELECT DISTINCT schema_name FROM duckdb_tables() ORDER BY 1")).toEqual([{ schema_name: 'marts' }, { schema_name: 'meta' }]);
      analyst.close();
    } finally {
      session.close();
    }
  });

  it('never blocks or half-shows the file to a reader process that opens it read-only in a loop', async () => {
    const modelsDir = tree();
    const session = await openTestSession(temporaryFolder('publish-concurrent'));
    const rebuild = async (windowDays: number) => {
      await session.warehouse.run(`UPDATE meta.settings SET value = '${windowDays}' WHERE key = 'cache_window_days'`);
      await buildModels(session.warehouse, selectModels(discoverModels(modelsDir)), session.runId);
    };
    try {
      await rebuild(10);
      await publish(session, { modelsDir });
      const reader = spawn(process.execPath, [join(REPO, 'tests/delivery/published-reader.mjs'), session.dir.publishedDb], {
        cwd: REPO,
        stdio: ['pipe', 'pipe', 'inherit'],
      });
      const lines: Array<Record<string, unknown>> = [];
      const waiters: Array<() => void> = [];
      createInterface({ input: reader.stdout! }).on('line', (line) => {
        lines.push(JSON.parse(line) as Record<string, unknown>);
        waiters.splice(0).forEach((wake) => wake());
      });
      const waitFor = async (predicate: (line: Record<string, unknown>) => boolean) => {
        while (!lines.some(predicate)) await new Promise<void>((resolve) => waiters.push(resolve));
      };
      await waitFor((line) => line['ready'] === true);

      for (const windowDays of [20, 5, 30, 15]) {
        await rebuild(windowDays);
        const publication = await publish(session, { modelsDir }); // a lock error would throw here
        const counts = publication.tables.map((t) => `${t.table}=${t.rows}`).join(',');
        await waitFor((line) => line['seen'] === counts); // the reader has opened this very publication
      }
      reader.stdin!.end();
      await waitFor((line) => line['done'] === true);
      const summary = lines.find((line) => line['done'] === true)!;
      expect(summary['errors']).toEqual([]);
      expect(summary['inconsistencies']).toEqual([]);
      expect(summary['publicationsSeen']).toBeGreaterThanOrEqual(5);
      expect(summary['reads']).toBeGreaterThanOrEqual(5);
      expect(summary['heldConnectionStillReadsFirst']).toBe(true);
      expect(readdirSync(session.dir.root).filter((name) => name.endsWith('.tmp') || name.includes('reelhouse.duckdb.'))).toEqual([]);
    } finally {
      session.close();
    }
  });

  it('refuses after a failed check or an unfinished or stale build, leaving the published file byte-identical', async () => {
    const modelsDir = tree();
    const dataDir = temporaryFolder('publish-refused');
    let session = await openTestSession(dataDir);
    const published = session.dir.publishedDb;
    let publishedHash = '';
    let filesBefore: string[] = [];
    const expectUntouched = () => {
      expect(sha256(published)).toBe(publishedHash);
      expect(readdirSync(dataDir).sort()).toEqual(filesBefore);
    };
    try {
      await buildModels(session.warehouse, selectModels(discoverModels(modelsDir)), session.runId);
      await session.warehouse.run(`INSERT INTO meta.check_results VALUES ($1, 'numbers_positive', 0, NULL, now()::TIMESTAMP, 'error')`, [session.runId]);
      // A failing check of severity warning is reported, not a reason to refuse.
      await session.warehouse.run(`INSERT INTO meta.check_results VALUES ($1, 'numbers_small', 7, '[]', now()::TIMESTAMP, 'warning')`, [session.runId]);
      await publish(session, { modelsDir });
      publishedHash = sha256(published);
      filesBefore = readdirSync(dataDir).sort();

      await session.warehouse.run(`INSERT INTO meta.check_results VALUES ($1, 'evens_are_even', 3, '[]', now()::TIMESTAMP, 'error')`, [session.runId]);
      await expect(publish(session, { modelsDir })).rejects.toThrow(/check evens_are_even failed with 3 offending row/);
      expectUntouched();
      session.close();

      // A later run that ran no checks is judged by the latest checks: still refused.
      session = await openTestSession(dataDir);
      await expect(publish(session, { modelsDir })).rejects.toThrow(/check evens_are_even failed/);
      await session.warehouse.run(`DELETE FROM meta.check_results WHERE check_name = 'evens_are_even'`);
      session.close();

      // This run's build stopped after staging.seeds: the marts were not rebuilt by it.
      session = await openTestSession(dataDir);
      await buildModels(session.warehouse, selectModels(discoverModels(modelsDir), 'seeds'), session.runId);
      await expect(publish(session, { modelsDir })).rejects.toThrow(/marts.evens was not built by this run's build/);
      expectUntouched();
      session.close();

      // A model edited after the last build is stale until rebuilt.
      writeFileSync(join(modelsDir, 'marts/evens.sql'), readFileSync(join(modelsDir, 'marts/evens.sql'), 'utf8').replace('= 0', '= 0 AND n > 0'));
      session = await openTestSession(dataDir);
      await expect(publish(session, { modelsDir })).rejects.toThrow(PublishRefusedError);
      await expect(publish(session, { modelsDir })).rejects.toThrow(/marts.evens: its SQL changed since its last build/);
      expectUntouched();

      // Once rebuilt and checked, it publishes again.
      await buildModels(session.warehouse, selectModels(discoverModels(modelsDir)), session.runId);
      await publish(session, { modelsDir });
      expect(sha256(published)).not.toBe(publishedHash);
    } finally {
      session.close();
    }
  });
});
