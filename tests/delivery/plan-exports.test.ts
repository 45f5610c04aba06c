import { createHash } from 'node:crypto';
import { appendFileSync, cpSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accountsFor } from '../../config/load-config.ts';
import { checkCommand } from '../../warehouse/checks.ts';
import { openWarehouse } from '../../warehouse/duckdb.ts';
import { exportFiles } from '../../warehouse/export/consumers.ts';
import { exportAll } from '../../warehouse/export/export-command.ts';
import { buildModels, discoverModels, MODELS_DIR, referencedTables, selectModels } from '../../warehouse/models.ts';
import { FLOAT_TOLERANCE, plan, valuesDiffer } from '../../warehouse/plan.ts';
import { renderPlanMarkdown } from '../../warehouse/plan-markdown.ts';
import { publish } from '../../warehouse/publish.ts';
import type { PipelineSession } from '../../warehouse/session.ts';
import { loadScenario, V } from '../models/brightcove-scenario.ts';
import { openTestSession, snapshotWorkingTables, temporaryFolder } from './fixtures.ts';

/**
 * The export files as declared consumers of the models, and what `plan` says about them: the Brightcove
 * scenario (tests/models/brightcove-scenario.ts) is built with a copy of the real models, published,
 * and exported; then video_last_viewed.sql is edited in the copy and planned.
 */

let session: PipelineSession;
let modelsDir: string;
let dataDir: string;
let lastViewedSql: string;
const sha256 = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');
const filesUnder = (root: string): string[] =>
  readdirSync(root, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(root, join(entry.parentPath, entry.name)))
    .sort();

beforeAll(async () => {
  modelsDir = temporaryFolder('plan-exports-models');
  cpSync(MODELS_DIR, modelsDir, { recursive: true });
  lastViewedSql = join(modelsDir, 'marts', 'video_last_viewed.sql');
  dataDir = temporaryFolder('plan-exports');
  session = await openTestSession(dataDir);
  await loadScenario(session.warehouse);
  await buildModels(session.warehouse, selectModels(discoverModels(modelsDir)), session.runId);
}, 300_000);
afterAll(() => session.close());

describe('export files are declared consumers', () => {
  it('declare every file the exporters write, each naming the models its query reads', async () => {
    const written = await exportAll(session, () => undefined);
    const declared = exportFiles(session.config, session.asOfDate);
    expect(declared.map((file) => file.path).sort()).toEqual(written.map((file) => relative(session.dir.exports, file.path)).sort());
    const models = new Set(discoverModels().map((model) => model.name));
    for (const file of declared) {
      const read = referencedTables(await file.query(session.warehouse));
      expect(read.every((table) => models.has(table)), file.path).toBe(true);
      expect(read.every((table) => file.reads.includes(table)), file.path).toBe(true);
      // Read beside the query: the cf_<key> columns of a Harper <slug>_cms file come from the account's
      // field keys; a Reporting catalog JSON writes the CMS objects of marts.video_catalog.
      const besides = file.reads.filter((model) => !read.includes(model));
      const expected = /^harper\/.*_cms\.(csv|json)$/.test(file.path)
        ? ['intermediate.cms_custom_field_keys']
        : /^reporting\/[a-z_]+_cms_[0-9_]+\.json$/.test(file.path) ? ['marts.video_catalog'] : [];
      expect(besides, file.path).toEqual(expected);
    }
  });
});

describe('pipeline check', () => {
  it('names a grain check for every mart, the engagement marts included, beside the hand-written checks', async () => {
    const logged: string[] = [];
    const results = await checkCommand(session, (line) => logged.push(line));
    const marts = discoverModels().filter((model) => model.layer === 'marts').map((model) => model.name);
    for (const mart of marts) {
      expect(logged, mart).toContain(`  pass  ${mart}.grain_unique`);
      expect(logged, mart).toContain(`  pass  ${mart}.grain_not_null`);
    }
    expect(logged).toContain('  pass  user_video_engagement_tier_matches_score');
    expect(results.filter((result) => result.failingRows > 0 && result.severity === 'error')).toEqual([]);
  });
});

describe('plan names the export files a model change affects', () => {
  const harperCmsFiles = () => accountsFor(session.config, 'harper').flatMap((account) => [`harper/${account.slug}_cms.csv`, `harper/${account.slug}_cms.json`]);

  it('a comment appended to video_last_viewed.sql: the model and every Harper <slug>_cms file, nothing changed, nothing published', async () => {
    await publish(session, { modelsDir });
    const publishedHash = sha256(session.dir.publishedDb);
    const original = readFileSync(lastViewedSql, 'utf8');
    appendFileSync(lastViewedSql, '-- a reviewer’s note\n');
    try {
      const before = await snapshotWorkingTables(session);
      const filesBefore = filesUnder(dataDir).map((path) => [path, sha256(join(dataDir, path))]);

      const report = await plan(session, { modelsDir });
      expect(report.models.map((effect) => [effect.model, effect.reason.kind])).toEqual([['marts.video_last_viewed', 'changed']]);
      expect(report.exports.map((effect) => effect.path)).toEqual(harperCmsFiles());
      for (const effect of report.exports) {
        expect(effect).toMatchObject({ via: ['marts.video_last_viewed'], keysAdded: 0, keysRemoved: 0, changedColumns: [], columnsAdded: [], columnsRemoved: [] });
        expect(effect.rowsAfter).toBe(effect.rowsBefore);
      }
      // internet's catalog holds 7 videos (V.recent, never, day91, day90, inactive, unpublished, big)
      expect(report.exports[0]).toMatchObject({ path: 'harper/internet_cms.csv', rowsBefore: 7, rowsAfter: 7, matchedRows: 7 });

      const markdown = renderPlanMarkdown(report);
      expect(markdown).toContain('| `marts.video_last_viewed` | SQL changed |');
      expect(markdown).toContain('| `harper/internet_cms.csv` | `marts.video_last_viewed` | 7 | 7 | 0 | 0 | 0 | unchanged |');
      expect(markdown).toContain(`differ by more than ${FLOAT_TOLERANCE} × max(1, |before|, |after|)`);

      expect(await snapshotWorkingTables(session)).toEqual(before);
      expect(filesUnder(dataDir).map((path) => [path, sha256(join(dataDir, path))])).toEqual(filesBefore);
      expect(sha256(session.dir.publishedDb)).toBe(publishedHash);
    } finally {
      writeFileSync(lastViewedSql, original);
    }
  }, 300_000);

  it('video_view > 0 becoming >= 0: the dt_last_viewed values that change, per export file', async () => {
    const original = readFileSync(lastViewedSql, 'utf8');
    writeFileSync(lastViewedSql, original.replace('WHERE video_view > 0', 'WHERE video_view >= 0'));
    try {
      const report = await plan(session, { modelsDir });
      // 7 viewed videos before (internet: recent, day91, day90, inactive, big; neo; impact). Only V.never
      // has a day with 0 views and none with more (2025-05-05, internet): it gains a row,
      // so its dt_last_viewed goes from empty to 2025-05-05 in internet's two files; no other file changes.
      expect(report.models).toMatchObject([{ model: 'marts.video_last_viewed', rowsBefore: 7, rowsAfter: 8, keysAdded: 1, sampleKeysAdded: [`(1197194721001, ${V.never})`] }]);
      const changed = Object.fromEntries(report.exports.map((effect) => [effect.path, effect.changedColumns]));
      expect(changed['harper/internet_cms.csv']).toEqual([{ column: 'dt_last_viewed', rows: 1 }]);
      expect(changed['harper/internet_cms.json']).toEqual([{ column: 'dt_last_viewed', rows: 1 }]);
      for (const path of harperCmsFiles().filter((path) => !path.startsWith('harper/internet_'))) expect(changed[path], path).toEqual([]);
      expect(renderPlanMarkdown(report)).toContain('| `harper/internet_cms.csv` | `marts.video_last_viewed` | 7 | 7 | 0 | 0 | 0 | dt_last_viewed (1) |');
    } finally {
      writeFileSync(lastViewedSql, original);
    }
  }, 300_000);
});

describe('plan with a model an export reads that was never built', () => {
  it('lists the file with no "before": all its rows are new', async () => {
    // Last in this file: it changes the shared working warehouse.
    await session.warehouse.run('DROP TABLE marts.harper_daily_views');
    await session.warehouse.run(`DELETE FROM meta.model_builds WHERE model = 'marts.harper_daily_views'`);
    const report = await plan(session, { modelsDir });
    expect(report.models.map((effect) => [effect.model, effect.reason.kind])).toEqual([['marts.harper_daily_views', 'new']]);
    const daily = report.exports.filter((effect) => effect.consumer === 'harper/<slug>_daily_views.csv');
    expect(daily.map((effect) => effect.path)).toEqual(accountsFor(session.config, 'harper').map((account) => `harper/${account.slug}_daily_views.csv`));
    // internet's days with views in 2025-05-31 .. 2025-06-30: recent 06-25 and 06-29, inactive 06-20,
    // big 06-10 (big's 06-28 came in fetch f0004, whose 06-27 .. 06-30 the later f0005 replaced without it)
    expect(daily[0]).toMatchObject({ path: 'harper/internet_daily_views.csv', rowsBefore: null, rowsAfter: 4, keysAdded: 4, keysRemoved: 0 });
    expect(renderPlanMarkdown(report)).toContain('| `harper/internet_daily_views.csv` | `marts.harper_daily_views` | — | 4 | — | 4 | — | unchanged |');
  }, 300_000);
});

describe('the float tolerance', () => {
  // |before − after| > 1e-9 × max(1, |before|, |after|) differs; NULL against a value differs.
  it.each([
    ['0', '1e-9', false], // exactly the tolerance: 1e-9 is not > 1e-9 × 1
    ['0', '2e-9', true],
    ['1', '1.0000000005', false],
    ['1', '1.000000002', true],
    ['1e6', '1000000.0005', false], // 5e-4 ≤ 1e-9 × 1e6 = 1e-3 (relative)
    ['1e6', '1000000.002', true], // 2e-3 > 1e-3
    ['-1e6', '-1000000.0005', false], // the magnitude counts, not the sign
    ['-1e6', '-1000000.002', true],
    ['NULL', '0', true],
    ['0', 'NULL', true],
    ['NULL', 'NULL', false],
    [`'inf'`, `'inf'`, false],
    [`'inf'`, '1e300', true],
    [`'nan'`, `'nan'`, false],
  ])('%s against %s: differs %s', async (before, after, differs) => {
    const warehouse = await openWarehouse(':memory:');
    try {
      const sql = valuesDiffer(`CAST(${before} AS DOUBLE)`, `CAST(${after} AS DOUBLE)`, 'DOUBLE');
      expect(await warehouse.scalar(`SELECT ${sql}`)).toBe(differs);
    } finally {
      warehouse.close();
    }
  });
  it('other types compare exactly', async () => {
    const warehouse = await openWarehouse(':memory:');
    try {
      expect(await warehouse.scalar(`SELECT ${valuesDiffer('CAST(1 AS BIGINT)', 'CAST(1 AS BIGINT)', 'BIGINT')}`)).toBe(false);
      expect(await warehouse.scalar(`SELECT ${valuesDiffer(`'a'`, `'a '`, 'VARCHAR')}`)).toBe(true);
      expect(await warehouse.scalar(`SELECT ${valuesDiffer(`CAST('1.0000000001' AS DECIMAL(18,10))`, `CAST('1.0' AS DECIMAL(18,10))`, 'DECIMAL(18,10)')}`)).toBe(true);
    } finally {
      warehouse.close();
    }
  });
});

describe('plan compares a model’s floats with the tolerance', () => {
  it('a sum in another order is no change; a real difference is', async () => {
    const { writeTree } = await import('./fixtures.ts');
    const mart = (share: string, ratio: string) => `-- marts.shares
-- grain: name
CREATE OR REPLACE TABLE marts.shares AS SELECT 'a' AS name, CAST(${share} AS DOUBLE) AS share, CAST(${ratio} AS DOUBLE) AS ratio;
COMMENT ON TABLE marts.shares IS 'Shares.';
COMMENT ON COLUMN marts.shares.name IS 'Name.';
COMMENT ON COLUMN marts.shares.share IS 'Share.';
COMMENT ON COLUMN marts.shares.ratio IS 'Ratio.';
`;
    const dir = writeTree({ 'marts/shares.sql': mart('0.3', '0.5') });
    const own = await openTestSession(temporaryFolder('plan-floats'));
    try {
      await buildModels(own.warehouse, selectModels(discoverModels(dir)), own.runId);
      // In DOUBLE, 0.1 + 0.2 = 0.30000000000000004: 5.6e-17 from 0.3, far inside 1e-9 (but not equal);
      // 0.5 → 0.500000002 is 2e-9 out. (Decimal literals would add exactly: both are cast first.)
      writeFileSync(join(dir, 'marts/shares.sql'), mart('CAST(0.1 AS DOUBLE) + CAST(0.2 AS DOUBLE)', '0.500000002'));
      expect(await own.warehouse.scalar('SELECT CAST(0.1 AS DOUBLE) + CAST(0.2 AS DOUBLE) = CAST(0.3 AS DOUBLE)')).toBe(false);
      const report = await plan(own, { modelsDir: dir });
      expect(report.models[0]).toMatchObject({ model: 'marts.shares', matchedRows: 1, changedColumns: [{ column: 'ratio', rows: 1 }] });
    } finally {
      own.close();
    }
  });
});
