import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, truncateSync, writeFileSync, openSync, writeSync, closeSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compareFingerprints, fingerprint, type Fingerprint } from '../crash/data-dir-fingerprint.ts';
import { TEST_CONFIG_PATH } from '../support/test-config.ts';
import { DuckDBInstance } from '@duckdb/node-api';
import { openWarehouse } from '../../warehouse/duckdb.ts';
import { readLakeLog, type EventLoadCommit, type PageCommit } from '../../warehouse/lake-log.ts';
import { dataDir } from '../../warehouse/data-dir.ts';

/**
 * The lake is the system of record (docs/reliability.md, "The lake is the system of record"): a demo
 * run plus a second event load, then work.duckdb lost, lake files truncated, deleted or altered. Every
 * run is `pipeline run --demo` in a child process on a small simulator catalog, compared with an
 * uninterrupted second run of the same finished data dir (tests/crash/data-dir-fingerprint.ts: exports
 * and deliveries by sha256, published marts row by row, raw data with the event numbers).
 */

const REPO_ROOT = join(import.meta.dirname, '..', '..');
const TSX = pathToFileURL(join(REPO_ROOT, 'node_modules', 'tsx', 'dist', 'loader.mjs')).href;
const AS_OF = '2025-06-30';
const work = mkdtempSync(join(tmpdir(), 'reelhouse-lake-record-'));
const configPath = join(work, 'reelhouse.config.json');

interface Result {
  readonly code: number | null;
  readonly output: string;
}

function pipeline(args: string[]): Promise<Result> {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    REELHOUSE_DEMO_VIDEOS_PER_ACCOUNT: '10',
    REELHOUSE_RETRY_BASE_MS: '2',
    REELHOUSE_RETRY_MAX_MS: '20',
    REELHOUSE_PROCESSING_DELAY_MS: '2',
    REELHOUSE_CMS_RPS: '1000',
  };
  for (const name of ['REELHOUSE_CRASH_AT', 'REELHOUSE_CRASH_TRACE', 'BRIGHTCOVE_CLIENT_ID', 'BRIGHTCOVE_CLIENT_SECRET']) delete env[name];
  const child = spawn(process.execPath, ['--import', TSX, join(REPO_ROOT, 'pipeline.ts'), ...args, '--as-of', AS_OF, '--config', configPath], {
    cwd: REPO_ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, output })));
}

const runDemo = (dir: string) => pipeline(['run', '--demo', '--data-dir', dir]);
const verify = (dir: string, ...more: string[]) => pipeline(['verify', '--data-dir', dir, ...more]);

function lakeFiles(root: string): string[] {
  const lake = join(root, 'lake');
  return readdirSync(lake, { recursive: true, encoding: 'utf8' })
    .filter((name) => statSync(join(lake, name)).isFile())
    .map((name) => `lake/${name.split('\\').join('/')}`)
    .sort();
}

const sha256 = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

/** A second event load: two users the demo's events do not have, so they get new numbers after the demo's. */
const EXTRA_EVENTS = [
  { eventId: 'x-1', userId: 'zz-extra-user-b', sessionId: 's1', videoId: 'v-extra', eventName: 'play', timestamp: '2025-06-20T10:00:00Z', currentTime: 0, videoDuration: 100 },
  { eventId: 'x-2', userId: 'zz-extra-user-b', sessionId: 's1', videoId: 'v-extra', eventName: 'pause', timestamp: '2025-06-20T10:00:40Z', currentTime: 40, videoDuration: 100 },
  { eventId: 'x-3', userId: 'zz-extra-user-a', sessionId: 's9', videoId: 'v-extra', eventName: 'play', timestamp: '2025-06-21T08:00:00Z', currentTime: 0, videoDuration: 100 },
  { eventId: 'x-4', userId: 'zz-extra-user-a', sessionId: 's9', videoId: 'v-extra', eventName: 'end', timestamp: '2025-06-21T08:01:40Z', currentTime: 100, videoDuration: 100 },
];

let base: string;
let reference: Fingerprint;
let referenceDir: string;

function copyOfBase(name: string): string {
  const dir = join(work, name);
  cpSync(base, dir, { recursive: true });
  return dir;
}

beforeAll(async () => {
  const config = JSON.parse(readFileSync(TEST_CONFIG_PATH, 'utf8')) as { extract: Record<string, unknown> };
  config.extract['history_start_date'] = '2025-05-01';
  writeFileSync(configPath, JSON.stringify(config, null, 2));
  base = join(work, 'base');
  const first = await runDemo(base);
  expect(first.code, first.output).toBe(0);
  const extra = join(work, 'extra-events.ndjson');
  writeFileSync(extra, EXTRA_EVENTS.map((event) => JSON.stringify(event)).join('\n') + '\n');
  const load = await pipeline(['ingest-events', extra, '--data-dir', base]);
  expect(load.code, load.output).toBe(0);
  referenceDir = copyOfBase('reference');
  const second = await runDemo(referenceDir);
  expect(second.code, second.output).toBe(0);
  reference = await fingerprint(referenceDir, [base]);
  expect(reference.problems).toEqual([]);
}, 900_000);

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('the lake is the system of record', () => {
  it('logs every landing in the lake: files with rows, bytes and sha256, and what they hold', () => {
    const commits = readLakeLog(dataDir(base));
    const loads = commits.filter((commit): commit is EventLoadCommit => commit.kind === 'event_load');
    expect(loads.map((load) => [load.load_id, load.rows_accepted])).toEqual([
      [1, loads[0]!.rows_accepted],
      [2, 4],
    ]);
    const pages = commits.filter((commit): commit is PageCommit => commit.kind === 'page' && commit.files.length > 0);
    for (const commit of [...pages, ...loads]) {
      for (const file of commit.files) {
        const absolute = join(base, file.path);
        expect(statSync(absolute).size).toBe(file.bytes);
        expect(sha256(absolute)).toBe(file.sha256);
      }
    }
    expect(pages.some((page) => page.source === 'analytics_video_daily' && page.window !== null && page.fetch?.fetch_id)).toBe(true);
  });

  it('regression (issue 10, case 1): work.duckdb moved aside, the next run deletes no lake file, rebuilds, and ends as an uninterrupted run', async () => {
    const dir = copyOfBase('lost');
    const before = lakeFiles(dir);
    renameSync(join(dir, 'work.duckdb'), join(dir, 'work.duckdb.aside'));
    const result = await runDemo(dir);
    expect(result.code, result.output).toBe(0);
    expect(result.output).toContain(`Rebuilding ${join(dir, 'work.duckdb')} from the lake`);
    expect(result.output).not.toMatch(/Removed \d+ uncommitted/);
    const after = new Set(lakeFiles(dir));
    expect(before.filter((path) => !after.has(path))).toEqual([]);
    const actual = await fingerprint(dir, [base]);
    expect(actual.problems).toEqual([]);
    // Exports byte-identical, published marts (user_video_engagement included) row for row, raw events
    // with the same user/stream/video numbers.
    expect(compareFingerprints(reference, actual)).toEqual([]);
    const rebuilt = await openWarehouse(join(dir, 'work.duckdb'), { readOnly: true });
    const original = await openWarehouse(join(referenceDir, 'work.duckdb'), { readOnly: true });
    try {
      const numbers = 'SELECT user_no, user_id FROM raw.player_event_users ORDER BY user_no';
      expect(await rebuilt.rows(numbers)).toEqual(await original.rows(numbers));
      const extra = `SELECT user_id, video_id, total_watch_time_s FROM marts.user_video_engagement WHERE user_id LIKE 'zz-extra-%' ORDER BY ALL`;
      // user b: play 0 s → pause at 40 s = 40 s; user a: play 0 s → end at 100 s = 100 s.
      expect(await rebuilt.rows(extra)).toEqual([
        { user_id: 'zz-extra-user-a', video_id: 'v-extra', total_watch_time_s: 100 },
        { user_id: 'zz-extra-user-b', video_id: 'v-extra', total_watch_time_s: 40 },
      ]);
    } finally {
      rebuilt.close();
      original.close();
    }
  }, 600_000);

  it('regression (issue 10, case 2): truncated and deleted Brightcove files are reported by verify and fetched again by the next run', async () => {
    const dir = copyOfBase('damaged-brightcove');
    const pages = readLakeLog(dataDir(dir)).filter((commit): commit is PageCommit => commit.kind === 'page' && commit.files.length > 0);
    const cms = pages.find((page) => page.source === 'cms_videos')!;
    const daily = pages.find((page) => page.source === 'analytics_video_daily')!;
    const device = pages.find((page) => page.source === 'analytics_video_device_daily')!;
    truncateSync(join(dir, cms.files[0]!.path), 100);
    truncateSync(join(dir, daily.files[0]!.path), 100);
    rmSync(join(dir, device.files[0]!.path));

    const found = await verify(dir);
    expect(found.code).toBe(1);
    expect(found.output).toContain(`DAMAGED ${cms.files[0]!.path}: 100 bytes, the log says ${cms.files[0]!.bytes}`);
    expect(found.output).toContain(`cms_videos of account ${cms.account_id}`);
    expect(found.output).toContain(`DAMAGED ${daily.files[0]!.path}: 100 bytes`);
    expect(found.output).toContain(`analytics_video_daily of account ${daily.account_id}`);
    expect(found.output).toContain(`window ${daily.window!.from}..${daily.window!.to}`);
    expect(found.output).toContain(`DAMAGED ${device.files[0]!.path}: missing — analytics_video_device_daily of account ${device.account_id}`);
    expect(found.output).toContain('3 damaged file(s).');

    const result = await runDemo(dir);
    expect(result.code, result.output).toBe(0);
    expect(result.output).toContain('Lake: 3 committed file(s) damaged or missing');
    const actual = await fingerprint(dir, [base]);
    expect(actual.problems).toEqual([]);
    expect(compareFingerprints(reference, actual)).toEqual([]);
    // The damaged files are kept aside, never deleted; verify is clean again.
    expect(existsSync(join(dir, 'damaged', cms.files[0]!.path))).toBe(true);
    const again = await verify(dir);
    expect(again.code, again.output).toBe(0);
    expect(again.output).toContain('The lake is sound');
  }, 600_000);

  it('a data dir from before the lake log gets its log written from work.duckdb, and can then lose work.duckdb', async () => {
    const dir = copyOfBase('before-the-log');
    rmSync(join(dir, 'lake', '_log'), { recursive: true });
    // An instance of its own (not the process-wide cache), so closing it releases the file for the child process.
    const old = await DuckDBInstance.create(join(dir, 'work.duckdb'));
    const connection = await old.connect();
    await connection.run('DROP TABLE meta.lake_commits');
    connection.closeSync();
    old.closeSync();
    const unverifiable = await verify(dir);
    expect(unverifiable.code).toBe(1);
    expect(unverifiable.output).toContain('but no commit log (lake/_log/commits.ndjson)');
    const adopted = await pipeline(['check', '--data-dir', dir]);
    expect(adopted.code, adopted.output).toBe(0);
    expect(adopted.output).toMatch(/Wrote the lake's commit log from .*work\.duckdb: \d+ commit\(s\)/);
    const sound = await verify(dir);
    expect(sound.code, sound.output).toBe(0);
    rmSync(join(dir, 'work.duckdb'));
    const result = await runDemo(dir);
    expect(result.code, result.output).toBe(0);
    expect(result.output).toContain('Rebuilding');
    const actual = await fingerprint(dir, [base]);
    expect(actual.problems).toEqual([]);
    expect(compareFingerprints(reference, actual)).toEqual([]);
  }, 600_000);

  it('verify reports a file altered in place (same size: only the hash shows it)', async () => {
    const dir = copyOfBase('altered');
    const page = readLakeLog(dataDir(dir)).find((commit): commit is PageCommit => commit.kind === 'page' && commit.files.length > 0)!;
    const path = join(dir, page.files[0]!.path);
    const middle = Math.floor(statSync(path).size / 2);
    const fd = openSync(path, 'r+');
    try {
      const byte = Buffer.alloc(1);
      byte[0] = readFileSync(path)[middle]! ^ 0xff;
      writeSync(fd, byte, 0, 1, middle);
    } finally {
      closeSync(fd);
    }
    const found = await verify(dir);
    expect(found.code).toBe(1);
    expect(found.output).toContain(`DAMAGED ${page.files[0]!.path}: altered: sha256 differs`);
    expect(found.output).toContain(`${page.source} of account ${page.account_id}`);
  }, 120_000);

  it('a damaged event load stops the run before any mart is built or published, until verify --accept-loss records the loss', async () => {
    const dir = copyOfBase('damaged-events');
    const load = readLakeLog(dataDir(dir)).find((commit): commit is EventLoadCommit => commit.kind === 'event_load' && commit.load_id === 2)!;
    truncateSync(join(dir, load.files[0]!.path), 100);
    const published = sha256(join(dir, 'reelhouse.duckdb'));

    const refused = await runDemo(dir);
    expect(refused.code).toBe(1);
    expect(refused.output).toContain('The lake is damaged: 1 committed file(s) are missing or changed, so no mart is built or published from it');
    expect(refused.output).toContain(`event load 2 (source file ${load.source_file}, 4 accepted events)`);
    expect(refused.output).toContain(`--accept-loss 2`);
    expect(sha256(join(dir, 'reelhouse.duckdb'))).toBe(published);

    const found = await verify(dir);
    expect(found.code).toBe(1);
    expect(found.output).toContain(`DAMAGED ${load.files[0]!.path}: 100 bytes, the log says ${load.files[0]!.bytes} (truncated or rewritten) — event load 2`);

    const intact = await verify(dir, '--accept-loss', '1');
    expect(intact.code).toBe(1);
    expect(intact.output).toContain('Event load 1');
    expect(intact.output).toContain('is intact: nothing to give up');

    const accepted = await verify(dir, '--accept-loss', '2');
    expect(accepted.code, accepted.output).toBe(0);
    expect(accepted.output).toContain('event load 2 is given up');
    const loss = readLakeLog(dataDir(dir)).at(-1)!;
    expect(loss).toMatchObject({ kind: 'loss', load_id: 2, lost: load.seq, rows_accepted: 4, source_file: load.source_file });

    const resumed = await runDemo(dir);
    expect(resumed.code, resumed.output).toBe(0);
    const warehouse = await openWarehouse(join(dir, 'reelhouse.duckdb'), { readOnly: true });
    try {
      expect(await warehouse.rows(`SELECT user_id FROM marts.user_video_engagement WHERE user_id LIKE 'zz-extra-%'`)).toEqual([]);
    } finally {
      warehouse.close();
    }
    // Without load 2, the marts are those of the reference minus its two rows.
    const actual = await fingerprint(dir, [base]);
    expect(actual.problems).toEqual([]);
    expect(actual.marts.get('marts.user_video_engagement')).not.toBe(reference.marts.get('marts.user_video_engagement'));
    expect(actual.marts.get('marts.video_catalog')).toBe(reference.marts.get('marts.video_catalog'));
  }, 600_000);
});
