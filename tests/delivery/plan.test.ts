import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildModels, discoverModels, selectModels } from '../../warehouse/models.ts';
import { grainColumns } from '../../warehouse/model-grain.ts';
import { plan } from '../../warehouse/plan.ts';
import { renderPlanMarkdown } from '../../warehouse/plan-markdown.ts';
import { publish } from '../../warehouse/publish.ts';
import { openTestSession, snapshotWorkingTables, temporaryFolder, writeTree } from './fixtures.ts';

const things = `-- staging.things: ten things with a colour.
-- grain: thing_id
CREATE OR REPLACE TABLE staging.things AS
SELECT CAST(range AS INTEGER) AS thing_id, CAST(range % 3 AS INTEGER) AS colour_id, CAST(meta.setting('as_of_date') AS DATE) AS as_of_date
FROM range(10);
`;
const bigThings = (filter: string, size: string) => `-- intermediate.big_things
-- Grain: one row per thing_id. Why: only big things count.
CREATE OR REPLACE TABLE intermediate.big_things AS
WITH things AS (SELECT * FROM staging.things),
final AS (SELECT thing_id, colour_id, CAST(${size} AS INTEGER) AS size_mm FROM things WHERE ${filter})
SELECT * FROM final;
`;
const colourSummary = `-- marts.colour_summary
-- grain: colour_id
CREATE OR REPLACE TABLE marts.colour_summary AS
SELECT colour_id, CAST(count(*) AS BIGINT) AS things, CAST(sum(size_mm) AS BIGINT) AS total_size_mm
FROM intermediate.big_things GROUP BY ALL;
COMMENT ON TABLE marts.colour_summary IS 'Big things per colour.';
COMMENT ON COLUMN marts.colour_summary.colour_id IS 'The colour.';
COMMENT ON COLUMN marts.colour_summary.things IS 'How many big things.';
COMMENT ON COLUMN marts.colour_summary.total_size_mm IS 'Their summed size.';
`;
const unrelated = `-- marts.thing_dates (no grain line: the first column is the key)
CREATE OR REPLACE TABLE marts.thing_dates AS SELECT thing_id, as_of_date FROM staging.things;
COMMENT ON TABLE marts.thing_dates IS 'Things and the as-of date.';
COMMENT ON COLUMN marts.thing_dates.thing_id IS 'The thing.';
COMMENT ON COLUMN marts.thing_dates.as_of_date IS 'The as-of date.';
`;

const sha256 = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

describe('model grain', () => {
  it('reads the declared list in its order, ignores prose and the body, or falls back to the first column', () => {
    const columns = ['account_id', 'video_id', 'date', 'name'];
    expect(grainColumns('-- kind: table\n-- grain: video_id, account_id\nSELECT 1', columns)).toEqual(['video_id', 'account_id']);
    expect(grainColumns('-- Rows: one row per (video_id, date): the latest name\nSELECT 1', columns)).toEqual(['account_id']);
    expect(grainColumns('-- what\nSELECT 1 -- grain: name', columns)).toEqual(['account_id']);
    expect(grainColumns('/* grain: name */\nSELECT 1', columns)).toEqual(['name']);
    expect(() => grainColumns('-- grain: account_id, day\nSELECT 1', columns)).toThrow(/"day", which is not a column/);
  });
});

describe('pipeline plan', () => {
  it('lists an edited model and its dependents with their row effects, and changes nothing', async () => {
    const modelsDir = writeTree({
      'staging/things.sql': things,
      'intermediate/big_things.sql': bigThings('thing_id >= 2', 'thing_id * 10'),
      'marts/colour_summary.sql': colourSummary,
      'marts/thing_dates.sql': unrelated,
    });
    const dataDir = temporaryFolder('plan');
    const session = await openTestSession(dataDir);
    try {
      await buildModels(session.warehouse, selectModels(discoverModels(modelsDir)), session.runId);
      await publish(session, { modelsDir });
      const publishedHash = sha256(session.dir.publishedDb);

      const unchanged = await plan(session, { modelsDir });
      expect(unchanged.models).toEqual([]);
      expect(renderPlanMarkdown(unchanged)).toContain("No model's SQL changed");

      // The edit: thing 1 becomes big, thing 5 stops being big, thing 9 grows by 1 mm; plus a brand-new mart.
      writeFileSync(join(modelsDir, 'intermediate/big_things.sql'), bigThings('thing_id >= 1 AND thing_id <> 5', 'thing_id * 10 + CASE WHEN thing_id = 9 THEN 1 ELSE 0 END'));
      writeTree({ 'marts/new_mart.sql': 'CREATE OR REPLACE TABLE marts.new_mart AS SELECT 1 AS one;' }, modelsDir);
      const before = await snapshotWorkingTables(session);
      const filesBefore = readdirSync(dataDir).sort();

      const report = await plan(session, { modelsDir });
      expect(report.models.map((m) => [m.model, m.reason.kind])).toEqual([
        ['intermediate.big_things', 'changed'],
        ['marts.colour_summary', 'downstream'],
        ['marts.new_mart', 'new'],
      ]);
      const [big, summary, fresh] = report.models;
      expect(big).toMatchObject({
        grain: ['thing_id'],
        rowsBefore: 8,
        rowsAfter: 8,
        keysAdded: 1,
        keysRemoved: 1,
        sampleKeysAdded: ['1'],
        sampleKeysRemoved: ['5'],
        matchedRows: 7,
        changedColumns: [{ column: 'size_mm', rows: 1 }],
      });
      // Per colour before: 0 → {3,6,9}, 1 → {4,7}, 2 → {2,5,8}; after: 0 → {3,6,9+1mm}, 1 → {1,4,7}, 2 → {2,8}.
      expect(summary).toMatchObject({
        grain: ['colour_id'],
        reason: { kind: 'downstream', of: ['intermediate.big_things'] },
        rowsBefore: 3,
        rowsAfter: 3,
        keysAdded: 0,
        keysRemoved: 0,
        changedColumns: [
          { column: 'things', rows: 2 },
          { column: 'total_size_mm', rows: 3 },
        ],
      });
      expect(fresh).toMatchObject({ rowsBefore: null, rowsAfter: 1, keysAdded: 1 });

      const markdown = renderPlanMarkdown(report);
      expect(markdown).toContain('| `intermediate.big_things` | SQL changed | 8 | 8 | 0 | 1 | 1 | size_mm (1) |');
      expect(markdown).toContain('| `marts.colour_summary` | reads `intermediate.big_things` | 3 | 3 | 0 | 0 | 0 | things (2); total_size_mm (3) |');
      expect(markdown).not.toContain('thing_dates');

      // No side effects: working tables, model builds, published file and data-dir contents are as they were.
      expect(await snapshotWorkingTables(session)).toEqual(before);
      expect(sha256(session.dir.publishedDb)).toBe(publishedHash);
      expect(readdirSync(dataDir).sort()).toEqual(filesBefore);
      expect(await session.warehouse.scalar('SELECT current_database()')).toBe('work');
    } finally {
      session.close();
    }
  });

  it('builds a model that also writes bookkeeping tables (keyed ones too) into copies, leaving the working ones as they were', async () => {
    // like marts.user_video_engagement: INSERT OR REPLACE into a keyed meta table, DELETE from another
    const tallies = (factor: number) => `-- marts.tallies
-- grain: name
CREATE OR REPLACE TABLE marts.tallies AS SELECT 'things' AS name, CAST(count(*) * ${factor} AS BIGINT) AS n FROM staging.things;
INSERT OR REPLACE INTO meta.engagement_build_state SELECT 'marts.tallies', 'factor ${factor}', now()::TIMESTAMP;
DELETE FROM meta.engagement_pending_streams;
COMMENT ON TABLE marts.tallies IS 'Things counted.';
COMMENT ON COLUMN marts.tallies.name IS 'What.';
COMMENT ON COLUMN marts.tallies.n IS 'How many.';
`;
    expect(discoverModels(writeTree({ 'staging/things.sql': things, 'marts/tallies.sql': tallies(1) })).find((m) => m.name === 'marts.tallies')!.writes)
      .toEqual(['meta.engagement_build_state', 'meta.engagement_pending_streams']);
    expect(discoverModels().find((m) => m.name === 'marts.user_video_engagement')!.writes)
      .toEqual(['intermediate.user_video_daily_watch', 'meta.engagement_build_state', 'meta.engagement_pending_streams']);
    // what the engagement build writes beside its mart is read by the reconciliation: built after it
    expect(discoverModels().find((m) => m.name === 'marts.watch_time_reconciliation')!.dependsOn).toContain('marts.user_video_engagement');

    const modelsDir = writeTree({ 'staging/things.sql': things, 'marts/tallies.sql': tallies(1) });
    const session = await openTestSession(temporaryFolder('plan-bookkeeping'));
    try {
      await buildModels(session.warehouse, selectModels(discoverModels(modelsDir)), session.runId);
      await session.warehouse.run(`INSERT INTO meta.engagement_pending_streams VALUES ('someone', 'some-session')`);
      writeFileSync(join(modelsDir, 'marts/tallies.sql'), tallies(2));
      const before = await snapshotWorkingTables(session);

      const report = await plan(session, { modelsDir });
      expect(report.models).toMatchObject([{ model: 'marts.tallies', rowsBefore: 1, rowsAfter: 1, changedColumns: [{ column: 'n', rows: 1 }] }]);
      expect(await session.warehouse.rows(`SELECT logic_hash FROM meta.engagement_build_state`)).toEqual([{ logic_hash: 'factor 1' }]);
      expect(await session.warehouse.rows(`SELECT * FROM meta.engagement_pending_streams`)).toEqual([{ user_id: 'someone', session_id: 'some-session' }]);
      expect(await snapshotWorkingTables(session)).toEqual(before);
    } finally {
      session.close();
    }
  });

  it('builds with the as-of date of the last build unless told otherwise, and reports repeated grains', async () => {
    const modelsDir = writeTree({ 'staging/things.sql': things, 'marts/thing_dates.sql': unrelated });
    const session = await openTestSession(temporaryFolder('plan-asof'));
    try {
      await buildModels(session.warehouse, selectModels(discoverModels(modelsDir)), session.runId);
      writeFileSync(join(modelsDir, 'marts/thing_dates.sql'), unrelated.replace('SELECT thing_id, as_of_date FROM staging.things', "SELECT thing_id, CAST(meta.setting('as_of_date') AS DATE) AS as_of_date FROM staging.things, range(2)"));
      const sameDate = await plan(session, { modelsDir });
      expect(sameDate.asOfSource).toBe('last build');
      expect(sameDate.models[0]).toMatchObject({ rowsBefore: 10, rowsAfter: 20, keysAdded: 0, duplicateKeys: { before: 0, after: 10 }, changedColumns: [] });

      // Only the rebuilt models see the other date: unchanged upstream models are read as built.
      const later = await plan(session, { modelsDir, asOf: '2026-01-01' });
      expect(later.asOfDate).toBe('2026-01-01');
      expect(later.models[0]!.changedColumns).toEqual([{ column: 'as_of_date', rows: 20 }]);
      expect(renderPlanMarkdown(later)).toContain('the grain is not unique');
    } finally {
      session.close();
    }
  });
});
