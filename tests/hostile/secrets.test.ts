import { randomBytes, randomUUID } from 'node:crypto';
import { chmodSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadBrightcoveAccess, secretsFileModeWarning } from '../../extract/brightcove/credentials.ts';
import { parseConfig } from '../../config/load-config.ts';
import { startSimulator, type RunningSimulator } from '../../simulator/server.ts';
import { openWarehouse, sqlString } from '../../warehouse/duckdb.ts';
import { TEST_CONFIG_PATH } from '../support/test-config.ts';
import { REPO_ROOT, simulatorEnv, smallConfig, SMALL_SIMULATOR, spawnPipeline, temporaryFolder, TODAY, type ChildResult } from './pipeline-child.ts';

/**
 * A whole run with real-looking credentials (a UUID client id, an 86-character secret, from a
 * secrets.json that is too widely readable), under faults that make the client refresh its token and
 * retry, plus player events with a quarantine, plus a run with a wrong secret that fails. Then every
 * line the processes printed, every file in the folder (lake, exports, quarantine, distribution, both
 * DuckDB files and any .wal) byte for byte, and the decoded contents of every Parquet and DuckDB file
 * are searched for the client id, the secrets, the Basic header value and every token the simulator issued.
 */

const CLIENT_ID = randomUUID();
const CLIENT_SECRET = randomBytes(64).toString('base64url');
const WRONG_SECRET = randomBytes(64).toString('base64url');
const TOKEN_SHAPE = /SIM-[A-Za-z0-9_-]{20,}/;

function needles(tokens: readonly string[]): Array<[what: string, value: string]> {
  const basic = (secret: string) => Buffer.from(`${CLIENT_ID}:${secret}`).toString('base64');
  return [
    ['client id', CLIENT_ID],
    ['client secret', CLIENT_SECRET],
    ['wrong client secret', WRONG_SECRET],
    ['Basic header value', basic(CLIENT_SECRET)],
    ['Basic header value (wrong secret)', basic(WRONG_SECRET)],
    ...tokens.map((token, index): [string, string] => [`issued token #${index + 1}`, token]),
  ];
}

function filesBelow(folder: string): string[] {
  return readdirSync(folder, { recursive: true, encoding: 'utf8' })
    .map((name) => join(folder, name))
    .filter((path) => statSync(path).isFile());
}

describe('secrets never leave the credentials', () => {
  let sim: RunningSimulator;
  const root = temporaryFolder('secrets');
  const data = join(root, 'data');
  const secretsFile = join(root, 'secrets.json');
  const outputs: Array<[string, ChildResult]> = [];

  beforeAll(async () => {
    sim = await startSimulator({
      ...SMALL_SIMULATOR,
      seed: 23,
      clientId: CLIENT_ID,
      clientSecret: CLIENT_SECRET,
      faults: { staleToken401: 3, rateLimitBurst: { every: 9, length: 1, retryAfterSeconds: 0 }, processing: { every: 4, status: 503 } },
    });
    writeFileSync(secretsFile, JSON.stringify({ client_id: CLIENT_ID, client_secret: CLIENT_SECRET, proxies: { http: null, https: null } }));
    chmodSync(secretsFile, 0o644);
    const config = smallConfig(root);
    const env = simulatorEnv(sim, CLIENT_ID, CLIENT_SECRET);
    delete env['BRIGHTCOVE_CLIENT_ID'];
    delete env['BRIGHTCOVE_CLIENT_SECRET'];

    const ingest = await spawnPipeline(
      ['ingest-events', join(REPO_ROOT, 'tests/hostile/corpus/every-reason.ndjson'), join(REPO_ROOT, 'tests/hostile/corpus/formulas.csv'), '--data-dir', data, '--config', config],
      env,
      root,
    ).done;
    outputs.push(['ingest-events', ingest]);
    // Credentials from ./secrets.json (the working directory), URLs from the environment.
    const run = await spawnPipeline(['run', '--as-of', TODAY, '--data-dir', data, '--config', config], env, root).done;
    outputs.push(['run', run]);
    // A wrong secret: OAuth refuses, the run fails; its error must not carry the secret either.
    const wrong = await spawnPipeline(['extract', '--as-of', TODAY, '--data-dir', data, '--config', config, '--accounts', 'fa_web'], {
      ...env,
      BRIGHTCOVE_CLIENT_ID: CLIENT_ID,
      BRIGHTCOVE_CLIENT_SECRET: WRONG_SECRET,
    }, root).done;
    outputs.push(['extract with a wrong secret', wrong]);
  }, 240_000);
  afterAll(() => sim.stop());

  it('the runs did what a scan needs: events quarantined, marts published, tokens refreshed, a wrong secret refused', () => {
    const [[, ingest], [, run], [, wrong]] = outputs as [[string, ChildResult], [string, ChildResult], [string, ChildResult]];
    expect(ingest.code, ingest.stderr).toBe(0);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/Published \d+ mart\(s\)/);
    expect(wrong.code).not.toBe(0);
    expect(wrong.stderr.length).toBeGreaterThan(0);
    expect(sim.issuedTokens().length).toBeGreaterThanOrEqual(2);
    expect(filesBelow(join(data, 'quarantine')).length).toBeGreaterThan(0);
  });

  it('a secrets.json readable by group or others draws a warning naming the file and the fix', () => {
    const [, run] = outputs[1]!;
    expect(run.stderr).toContain(`${secretsFile} holds the Brightcove client secret but is readable by its group or others (mode 0644)`);
    expect(run.stderr).toContain(`chmod 600 ${secretsFile}`);

    const config = parseConfig(JSON.parse(readFileSync(TEST_CONFIG_PATH, 'utf8')));
    const warnings: string[] = [];
    for (const mode of [0o640, 0o604, 0o600, 0o400]) {
      chmodSync(secretsFile, mode);
      loadBrightcoveAccess(config, { secretsPath: secretsFile, env: {}, warn: (line) => warnings.push(`${mode.toString(8)}: ${line}`) });
    }
    chmodSync(secretsFile, 0o600);
    expect(warnings.map((line) => line.slice(0, 3))).toEqual(['640', '604']);
    expect(secretsFileModeWarning(secretsFile)).toBeUndefined();
    expect(secretsFileModeWarning(secretsFile, 'win32')).toBeUndefined();
  });

  it('no output line, no file byte and no decoded Parquet or DuckDB value holds the id, a secret, the Basic value or a token', async () => {
    const haystacks: Array<[where: string, text: string]> = outputs.flatMap(([name, result]) => [
      [`${name} stdout`, result.stdout],
      [`${name} stderr`, result.stderr],
    ]);
    const files = filesBelow(root).filter((path) => path !== secretsFile);
    const kinds = new Set(files.map((path) => relative(root, path).split('/').slice(0, 2).join('/')));
    // Everything a run leaves is here: lake, both DuckDB files, exports, quarantine, distribution.
    for (const expected of ['data/lake', 'data/work.duckdb', 'data/reelhouse.duckdb', 'data/exports', 'data/quarantine']) {
      expect([...kinds].some((kind) => kind.startsWith(expected)), expected).toBe(true);
    }
    for (const path of files) haystacks.push([relative(root, path), readFileSync(path).toString('latin1')]);

    // Parquet and DuckDB compress their strings: search the decoded values too.
    const reader = await openWarehouse(':memory:');
    for (const path of files.filter((file) => file.endsWith('.parquet'))) {
      const rows = await reader.rows(`SELECT * FROM read_parquet(${sqlString(path)})`);
      haystacks.push([`${relative(root, path)} (decoded)`, JSON.stringify(rows)]);
    }
    for (const path of files.filter((file) => file.endsWith('.duckdb'))) {
      await reader.run(`ATTACH ${sqlString(path)} AS scanned (READ_ONLY)`);
      const tables = await reader.rows<{ schema_name: string; table_name: string }>(
        `SELECT schema_name, table_name FROM duckdb_tables() WHERE database_name = 'scanned'`,
      );
      expect(tables.length).toBeGreaterThan(5);
      for (const { schema_name, table_name } of tables) {
        const rows = await reader.rows(`SELECT * FROM scanned."${schema_name}"."${table_name}"`);
        haystacks.push([`${relative(root, path)} ${schema_name}.${table_name} (decoded)`, JSON.stringify(rows)]);
      }
      await reader.run('DETACH scanned');
    }
    reader.close();

    const searched = needles(sim.issuedTokens());
    // The search itself works: the one file that should hold the secret does.
    expect(readFileSync(secretsFile, 'latin1').includes(CLIENT_SECRET)).toBe(true);
    const found: string[] = [];
    for (const [where, text] of haystacks) {
      for (const [what, value] of searched) if (text.includes(value)) found.push(`${what} in ${where}`);
      if (TOKEN_SHAPE.test(text)) found.push(`something shaped like a token in ${where}`);
    }
    expect(haystacks.length).toBeGreaterThan(50);
    expect(found).toEqual([]);
  });
});
