import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseCrashTarget } from '../../warehouse/crash-point.ts';

/** The failpoint the crash suite relies on: silent by default, SIGKILL on exactly the n-th pass, a trace on request. */

const REPO_ROOT = join(import.meta.dirname, '..', '..');
const TSX = pathToFileURL(join(REPO_ROOT, 'node_modules', 'tsx', 'dist', 'loader.mjs')).href;
const MODULE = pathToFileURL(join(REPO_ROOT, 'warehouse', 'crash-point.ts')).href;

function passThreeTimes(env: Record<string, string>) {
  const script = `import { crashPoint } from ${JSON.stringify(MODULE)};
for (let i = 1; i <= 3; i += 1) { crashPoint('other:point'); crashPoint('land:parquet-renamed'); console.log('passed ' + i); }`;
  const environment: NodeJS.ProcessEnv = { ...process.env, ...env };
  delete environment['REELHOUSE_CRASH_AT'];
  delete environment['REELHOUSE_CRASH_TRACE'];
  Object.assign(environment, env);
  return spawnSync(process.execPath, ['--import', TSX, '--input-type=module', '-e', script], { env: environment, encoding: 'utf8' });
}

describe('crashPoint', () => {
  it('does nothing without REELHOUSE_CRASH_AT', () => {
    const result = passThreeTimes({});
    expect(result.status).toBe(0);
    expect(result.stdout.trim().split('\n')).toEqual(['passed 1', 'passed 2', 'passed 3']);
  });

  it('kills the process with SIGKILL the n-th time the named point is reached, and not before', () => {
    const result = passThreeTimes({ REELHOUSE_CRASH_AT: 'land:parquet-renamed:2' });
    expect(result.signal).toBe('SIGKILL');
    expect(result.stdout.trim().split('\n')).toEqual(['passed 1']);
  });

  it('writes every point reached to REELHOUSE_CRASH_TRACE', () => {
    const trace = join(mkdtempSync(join(tmpdir(), 'reelhouse-crash-trace-')), 'trace.txt');
    expect(passThreeTimes({ REELHOUSE_CRASH_TRACE: trace }).status).toBe(0);
    expect(readFileSync(trace, 'utf8').trim().split('\n')).toEqual(Array.from({ length: 3 }, () => ['other:point', 'land:parquet-renamed']).flat());
  });

  it('parses <point>:<n> and refuses anything else', () => {
    expect(parseCrashTarget('land:parquet-renamed:12')).toEqual({ name: 'land:parquet-renamed', occurrence: 12 });
    expect(() => parseCrashTarget('land:parquet-renamed')).toThrow(/<point>:<n>/);
    expect(() => parseCrashTarget('land:0')).toThrow(/n ≥ 1/);
  });
});
