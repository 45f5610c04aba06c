import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig, type ReelhouseConfig } from '../../config/load-config.ts';
import { runExtract } from '../../extract/run-extract.ts';
import { HOSTILE_KEYS } from '../../simulator/hostile-responses.ts';
import type { RunningSimulator } from '../../simulator/server.ts';
import { HOSTILE_VALUES } from '../../simulator/video-catalog.ts';
import { runAfterExtract } from '../../warehouse/run-stages.ts';
import { openSession } from '../../warehouse/session.ts';
import { FAST_POLICY, simulatorAccess } from '../extract/helpers.ts';
import { ACCOUNTS, matrixConfig, matrixSimulator, TODAY } from './matrix-helpers.ts';

/**
 * Hostile values through a whole `pipeline run` (extract → build → check → export → distribute →
 * publish), in-process: every id sent as a bare JSON number (most beyond 2^53), the planted custom-field
 * values that look like a path, SQL and a formula, a name with quotes, commas and a newline, and
 * custom-field KEYS that look like a path, SQL, a formula, or hold quotes and a newline.
 */

let sim: RunningSimulator;
let parent: string;
let dataDir: string;
let shareDir: string;
let workFiles: string[];
const runLines: string[] = [];
let marts: { catalog: Array<{ account_id: string; video_id: string; name: string | null; custom_fields: string }>; tables: string[]; rejected: number };

function filesUnder(root: string): string[] {
  return readdirSync(root, { recursive: true, encoding: 'utf8' })
    .map((entry) => join(root, entry))
    .filter((path) => statSync(path).isFile());
}

beforeAll(async () => {
  sim = await matrixSimulator({ bareIdEvery: 1, extraKeysEvery: 2 });
  parent = mkdtempSync(join(tmpdir(), 'reelhouse-hostile-'));
  dataDir = join(parent, 'run', 'data');
  shareDir = join(parent, 'run', 'share');
  const config = structuredClone(matrixConfig()) as ReelhouseConfig;
  config.accounts = config.accounts.filter((account) => ACCOUNTS.includes(account.slug));
  config.distribution.root = shareDir;
  const session = await openSession({ dataDir, config: parseConfig(config), asOf: TODAY, command: 'test-hostile' });
  const quiet = () => undefined;
  try {
    await runExtract(session, { access: simulatorAccess(sim), policy: FAST_POLICY, cmsRequestsPerSecond: 1000, tty: false, log: quiet });
    await runAfterExtract(session, (line) => runLines.push(line));
    marts = {
      catalog: await session.warehouse.rows(
        'SELECT account_id, video_id, name, CAST(custom_fields AS VARCHAR) AS custom_fields FROM marts.video_catalog ORDER BY ALL',
      ),
      tables: (await session.warehouse.rows<{ name: string }>(`SELECT schema_name || '.' || table_name AS name FROM duckdb_tables()`)).map((row) => row.name),
      rejected: Number(await session.warehouse.scalar('SELECT count(*) FROM staging.brightcove_rejected_rows WHERE source = \'cms_videos\'')),
    };
    await session.finish('succeeded');
  } finally {
    session.close();
  }
  workFiles = filesUnder(parent);
}, 120_000);

afterAll(async () => {
  await sim?.stop();
});

const datasetVideos = () =>
  ACCOUNTS.flatMap((slug) => {
    const account = sim.dataset.accounts.find((candidate) => candidate.slug === slug)!;
    return sim.dataset.videos[account.id]!.filter((video) => video.state !== 'DELETED').map((video) => ({ slug, accountId: account.id, video }));
  });

function readCsv(path: string): Array<Record<string, string>> {
  return parse(readFileSync(path), { columns: true, bom: true, relax_column_count: false }) as Array<Record<string, string>>;
}

describe('hostile values through a whole run', () => {
  it('served every id as a bare number and the hostile keys, and the run passed its checks', () => {
    expect(sim.itemFaultsApplied()['bareIdEvery']).toBeGreaterThan(50);
    expect(sim.itemFaultsApplied()['extraKeysEvery']).toBeGreaterThan(5);
    expect(marts.rejected).toBe(0);
  });

  it('prints where the landed rows went, and the numbers add up', () => {
    const line = runLines.find((text) => text.includes('Brightcove rows:'));
    const match = /(\d+) landed = (\d+) staged \+ (\d+) rejected \+ (\d+) superseded \+ (\d+) duplicates$/.exec(line ?? '');
    expect(match, line).not.toBeNull();
    const [landed, ...parts] = match!.slice(1).map(Number);
    expect(parts.reduce((sum, part) => sum + part, 0)).toBe(landed);
    // The API's rows outside any video are counted, with their reason.
    expect(runLines.some((text) => /rejected analytics_video_daily: null video id: \d+/.test(text))).toBe(true);
  });

  it('writes nothing outside the data directory and the distribution root', () => {
    expect(workFiles.length).toBeGreaterThan(20);
    const outside = workFiles.filter((path) => {
      const fromRun = relative(join(parent, 'run'), path).split(sep);
      return fromRun[0] === '..' || !['data', 'share'].includes(fromRun[0]!);
    });
    expect(outside).toEqual([]);
    // Nothing named after a hostile value, anywhere.
    const named = workFiles.filter((path) => relative(parent, path).split(sep).some((segment) => segment === 'etc' || /passwd|DROP|calc|HYPERLINK|^\.\.$/.test(segment)));
    expect(named).toEqual([]);
    const delivered = workFiles.filter((path) => path.startsWith(shareDir + sep));
    expect(delivered.length).toBe(ACCOUNTS.length);
  });

  it('executes no value as SQL: every table is still there and the values round-trip byte-exact', () => {
    for (const table of ['raw.cms_videos', 'staging.cms_videos', 'marts.video_catalog', 'marts.daily_video_analytics']) expect(marts.tables).toContain(table);
    expect(marts.catalog.length).toBe(datasetVideos().length);
    const byKey = new Map(marts.catalog.map((row) => [`${row.account_id}|${row.video_id}`, row]));
    for (const { accountId, video } of datasetVideos()) {
      const row = byKey.get(`${accountId}|${video.id}`);
      expect(row, `video ${video.id}`).toBeDefined();
      expect(row!.name).toBe(video.name);
      const fields = JSON.parse(row!.custom_fields) as Record<string, string>;
      for (const [key, value] of Object.entries(video.custom_fields ?? {})) expect(fields[key]).toBe(value);
    }
    const values = marts.catalog.flatMap((row) => Object.values(JSON.parse(row.custom_fields) as Record<string, string>));
    for (const hostile of [HOSTILE_VALUES.pathTraversal, HOSTILE_VALUES.sqlInjection, HOSTILE_VALUES.formula]) expect(values).toContain(hostile);
    expect(marts.catalog.map((row) => row.name)).toContain(HOSTILE_VALUES.name);
    const keys = new Set(marts.catalog.flatMap((row) => Object.keys(JSON.parse(row.custom_fields) as object)));
    for (const key of Object.values(HOSTILE_KEYS)) expect(keys).toContain(key);
  });

  it('keeps the exact digits of ids beyond 2^53 in every export', () => {
    const expected = new Set(datasetVideos().map(({ video }) => video.id));
    expect([...expected].some((id) => !Number.isSafeInteger(Number(id)))).toBe(true);
    const exported = new Set<string>();
    for (const path of workFiles.filter((file) => file.endsWith('.csv'))) {
      for (const row of readCsv(path)) {
        for (const column of ['id', 'video_id', 'video']) if (row[column]) exported.add(row[column]!);
      }
    }
    for (const path of workFiles.filter((file) => file.endsWith('.json') && file.includes(`${sep}exports${sep}`))) {
      const text = readFileSync(path, 'utf8');
      for (const match of text.matchAll(/"(?:id|video_id)":\s*("?)(\d{12,})\1/g)) {
        expect(match[1], `${path}: an id written as a JSON number`).toBe('"');
        exported.add(match[2]!);
      }
    }
    for (const id of exported) if (/^\d{12,}$/.test(id)) expect(expected.has(id) || id.length < 14, `exported id ${id} is not a dataset id`).toBe(true);
    for (const id of expected) expect(exported.has(id), `id ${id} missing from the exports`).toBe(true);
  });

  it('CSV cells parse back to the values, formula-looking ones escaped with a leading quote', () => {
    const cmsCsvs = workFiles.filter((path) => path.includes(`${sep}exports${sep}`) && /_cms\.csv$/.test(path));
    expect(cmsCsvs.length).toBe(ACCOUNTS.length);
    const cells = new Map<string, string[]>();
    const headers = new Set<string>();
    for (const path of cmsCsvs) {
      for (const row of readCsv(path)) {
        for (const [column, value] of Object.entries(row)) {
          headers.add(column);
          cells.set(column, [...(cells.get(column) ?? []), value]);
        }
      }
    }
    const all = [...cells.values()].flat();
    expect(all).toContain(HOSTILE_VALUES.pathTraversal);
    expect(all).toContain(HOSTILE_VALUES.sqlInjection);
    expect(all).toContain(`'${HOSTILE_VALUES.formula}`);
    expect(all).not.toContain(HOSTILE_VALUES.formula);
    expect(all).toContain(HOSTILE_VALUES.name);
    // The hostile keys became cf_ columns, each holding its value (formulas escaped).
    for (const key of Object.values(HOSTILE_KEYS)) expect(headers).toContain(`cf_${key}`);
    expect(cells.get(`cf_${HOSTILE_KEYS.formulaKey}`)).toContain("'=1+1");
    expect(cells.get(`cf_${HOSTILE_KEYS.quotedKey}`)).toContain('a value, "quoted"\nover two lines');
    expect(cells.get(`cf_${HOSTILE_KEYS.sqlKey}`)).toContain('value under a SQL-like key');
    expect(cells.get(`cf_${HOSTILE_KEYS.pathKey}`)).toContain('value under a path-like key');
    // No text cell anywhere starts a formula.
    for (const path of workFiles.filter((file) => file.endsWith('.csv'))) {
      for (const row of readCsv(path)) {
        for (const value of Object.values(row)) expect(/^[=@\t\r]|^\+/.test(value), `${path}: ${value}`).toBe(false);
      }
    }
  });
});
