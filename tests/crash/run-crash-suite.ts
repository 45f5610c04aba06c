import { spawn } from 'node:child_process';
import { closeSync, cpSync, mkdirSync, mkdtempSync, openSync, readFileSync, renameSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { compareFingerprints, fingerprint, type Fingerprint } from './data-dir-fingerprint.ts';
import { TEST_CONFIG_PATH } from '../support/test-config.ts';
import { countTrace, describeScenario, drawScenarios, WALL_CLOCK, type ReferenceRun, type RunMode, type Scenario } from './kill-points.ts';

/**
 * The crash suite (`npm run test:crash`): `pipeline run --demo` against the built-in simulator, killed
 * with SIGKILL at 35 places spread over the whole run (extraction, landing, event ingest, build, checks,
 * export, distribution, publish; on a first run, on a later one, and twice in a row: once more while
 * recovering; in four of them work.duckdb is then lost or corrupt and must be rebuilt from the lake's log),
 * each followed by a normal run. After each, the data dir must equal an uninterrupted
 * run's (fingerprint: export and delivered files by sha256, published marts row by row, raw data
 * de-duplicated by key) and hold no duplicate key and no temporary, scratch or WAL file.
 *
 *   npm run test:crash                          CI size, the fixed default seed
 *   npm run test:crash -- --seed 7              other kill passes and delays
 *   npm run test:crash -- --seed 7 --scenario 12   replay one failure (printed with every failure; 12,13 for several)
 *   npm run test:crash -- --mode fresh --at land:parquet-renamed:69 [--then publish:temp-written]
 *                                                one kill given directly (also printed with every failure)
 *   npm run test:crash -- --size local          a larger dataset (--size demo: the demo's own)
 *
 * Ends with `N passed, N failed` on its own line; exits 1 on any failure.
 */

const REPO_ROOT = join(import.meta.dirname, '..', '..');
const TSX = pathToFileURL(join(REPO_ROOT, 'node_modules', 'tsx', 'dist', 'loader.mjs')).href;
const DEFAULT_SEED = 20250630;
const AS_OF = '2025-06-30';

/**
 * CI: a few seconds per run; local: about 20 s per run; demo: exactly what `npm run demo` extracts (about a
 * minute per run). `accounts`: the slugs of the test configuration's accounts a run extracts (all when
 * absent). A run's cost grows with its accounts (requests, landed files, exports, deliveries) while every
 * kill point is passed with a few as with eleven, so CI's size keeps four: both workflows (Harper and
 * Reporting, Harper only) and four account categories.
 */
const SIZES: Record<'ci' | 'local' | 'demo', { readonly videosPerAccount: number; readonly historyStart: string; readonly accounts?: readonly string[] }> = {
  ci: { videosPerAccount: 12, historyStart: '2025-04-01', accounts: ['internet', 'neo', 'impact', 'digital_networks_events'] },
  local: { videosPerAccount: 100, historyStart: '2024-07-01' },
  demo: { videosPerAccount: 250, historyStart: '2023-01-01' },
};
type Size = keyof typeof SIZES;

interface RunResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly ms: number;
  readonly output: string;
}

interface Options {
  readonly seed: number;
  readonly size: Size;
  readonly jobs: number;
  readonly scenario?: number[];
  /** One kill given directly (`<point>:<n>`, or `wall-clock:<ms>`), instead of the seed's draw. */
  readonly at?: { point: string; value: number; mode: RunMode; thenAt?: string };
  readonly keep: boolean;
}

function parseOptions(argv: string[]): Options {
  const { values } = parseArgs({
    args: argv,
    options: {
      seed: { type: 'string' },
      size: { type: 'string', default: 'ci' },
      jobs: { type: 'string' },
      scenario: { type: 'string' },
      at: { type: 'string' },
      mode: { type: 'string', default: 'fresh' },
      then: { type: 'string' },
      keep: { type: 'boolean', default: false },
    },
    strict: true,
  });
  const seed = values.seed === undefined ? DEFAULT_SEED : Number(values.seed);
  if (!Number.isInteger(seed) || seed < 0) throw new Error(`--seed must be a whole number ≥ 0, got "${values.seed}"`);
  if (!(values.size! in SIZES)) throw new Error(`--size must be ${Object.keys(SIZES).join(' or ')}, got "${values.size}"`);
  const jobs = values.jobs === undefined ? Math.min(2, availableParallelism()) : Number(values.jobs);
  if (!Number.isInteger(jobs) || jobs < 1) throw new Error(`--jobs must be a whole number ≥ 1, got "${values.jobs}"`);
  const scenario = values.scenario === undefined ? undefined : values.scenario.split(',').map(Number);
  if (scenario !== undefined && scenario.some((index) => !Number.isInteger(index) || index < 0)) {
    throw new Error(`--scenario must be scenario numbers (12 or 12,13), got "${values.scenario}"`);
  }
  let at: Options['at'];
  if (values.at !== undefined) {
    const match = /^(.+):(\d+)$/.exec(values.at);
    if (!match) throw new Error(`--at must be <point>:<n> or wall-clock:<ms>, got "${values.at}" (for example land:parquet-renamed:12)`);
    if (values.mode !== 'fresh' && values.mode !== 'rerun') throw new Error(`--mode must be fresh or rerun, got "${values.mode}"`);
    at = { point: match[1]!, value: Number(match[2]), mode: values.mode, ...(values.then ? { thenAt: values.then } : {}) };
  }
  return { seed, size: values.size as Size, jobs, scenario, at, keep: values.keep ?? false };
}

function pipelineEnv(size: Size, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    REELHOUSE_DEMO_VIDEOS_PER_ACCOUNT: String(SIZES[size].videosPerAccount),
    REELHOUSE_RETRY_BASE_MS: '2',
    REELHOUSE_RETRY_MAX_MS: '20',
    REELHOUSE_PROCESSING_DELAY_MS: '2',
    REELHOUSE_CMS_RPS: '1000',
  };
  for (const name of ['REELHOUSE_CRASH_AT', 'REELHOUSE_CRASH_TRACE', 'BRIGHTCOVE_CLIENT_ID', 'BRIGHTCOVE_CLIENT_SECRET', 'HTTPS_PROXY', 'https_proxy', 'HTTP_PROXY', 'http_proxy']) {
    delete env[name];
  }
  return { ...env, ...extra };
}

/** `pipeline run --demo` in a child process; with killAfterMs, SIGKILLed from outside after that long. */
function runPipeline(dataDir: string, configPath: string, env: NodeJS.ProcessEnv, killAfterMs?: number): Promise<RunResult> {
  const started = performance.now();
  const child = spawn(
    process.execPath,
    ['--import', TSX, join(REPO_ROOT, 'pipeline.ts'), 'run', '--demo', '--as-of', AS_OF, '--data-dir', dataDir, '--config', configPath],
    { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const timer = killAfterMs === undefined ? undefined : setTimeout(() => child.kill('SIGKILL'), killAfterMs);
  return new Promise((resolve) =>
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, ms: performance.now() - started, output });
    }),
  );
}

/** The error lines of a run's output, then its last lines (stdout and stderr arrive interleaved). */
function lastLines(text: string, count = 12): string {
  const lines = text.trimEnd().split('\n');
  const errors = lines.filter((line) => /^Error|Error:/.test(line)).slice(0, 10);
  return [...errors, ...(errors.length > 0 ? ['…'] : []), ...lines.slice(-count)].map((line) => `      | ${line}`).join('\n');
}

interface Reference {
  readonly runs: Record<RunMode, ReferenceRun>;
  /** The finished first run: rerun scenarios start from a copy of it. */
  readonly finishedDir: string;
  readonly expected: Fingerprint;
}

async function referenceRuns(workRoot: string, configPath: string, size: Size, log: (line: string) => void): Promise<Reference> {
  const runs: Partial<Record<RunMode, ReferenceRun>> = {};
  const freshDir = join(workRoot, 'reference-fresh');
  const rerunDir = join(workRoot, 'reference-rerun');
  for (const mode of ['fresh', 'rerun'] as const) {
    const dir = mode === 'fresh' ? freshDir : rerunDir;
    if (mode === 'rerun') cpSync(freshDir, rerunDir, { recursive: true });
    const trace = join(workRoot, `trace-${mode}.txt`);
    writeFileSync(trace, '');
    const result = await runPipeline(dir, configPath, pipelineEnv(size, { REELHOUSE_CRASH_TRACE: trace }));
    if (result.code !== 0) throw new Error(`The uninterrupted ${mode} run failed (exit ${result.code ?? result.signal}):\n${lastLines(result.output, 40)}`);
    runs[mode] = { counts: countTrace(readFileSync(trace, 'utf8')), durationMs: result.ms };
    log(`reference ${mode} run: ${(result.ms / 1000).toFixed(1)} s, ${[...runs[mode]!.counts.values()].reduce((a, b) => a + b, 0)} kill points passed`);
  }
  const expected = await fingerprint(freshDir);
  if (expected.problems.length > 0) throw new Error(`The uninterrupted run itself breaks the invariants:\n  ${expected.problems.join('\n  ')}`);
  // A second uninterrupted run on a finished data dir must change nothing: otherwise no crash result means anything.
  const again = await fingerprint(rerunDir, [freshDir]);
  const drift = [...again.problems, ...compareFingerprints(expected, again)];
  if (drift.length > 0) throw new Error(`A second uninterrupted run changes the results:\n  ${drift.join('\n  ')}`);
  return { runs: runs as Record<RunMode, ReferenceRun>, finishedDir: freshDir, expected };
}

interface Outcome {
  readonly scenario: Scenario;
  readonly problems: string[];
  readonly killedAfterMs: number;
  readonly resumedInMs: number;
}

async function runScenario(scenario: Scenario, reference: Reference, workRoot: string, configPath: string, size: Size): Promise<Outcome> {
  const dir = join(workRoot, `scenario-${scenario.index}`);
  rmSync(dir, { recursive: true, force: true });
  if (scenario.mode === 'rerun') cpSync(reference.finishedDir, dir, { recursive: true });
  else mkdirSync(dir, { recursive: true });
  const problems: string[] = [];
  const killed =
    scenario.point === WALL_CLOCK
      ? await runPipeline(dir, configPath, pipelineEnv(size), scenario.delayMs)
      : await runPipeline(dir, configPath, pipelineEnv(size, { REELHOUSE_CRASH_AT: `${scenario.point}:${scenario.occurrence}` }));
  if (killed.signal !== 'SIGKILL') {
    problems.push(
      scenario.point === WALL_CLOCK
        ? `the run ended (exit ${killed.code}) before the kill at ${scenario.delayMs} ms`
        : `the run ended (exit ${killed.code}) without reaching pass ${scenario.occurrence} of ${scenario.point}`,
    );
    if (killed.code !== 0) problems.push(`the run to be killed failed on its own:\n${lastLines(killed.output)}`);
  }
  if (scenario.warehouse !== undefined) problems.push(...(await damageWarehouse(dir, scenario.warehouse, configPath, size)));
  if (scenario.thenAt !== undefined) {
    const again = await runPipeline(dir, configPath, pipelineEnv(size, { REELHOUSE_CRASH_AT: `${scenario.thenAt}:1` }));
    if (again.signal !== 'SIGKILL') problems.push(`the recovery run never reached ${scenario.thenAt} (exit ${again.code}):\n${lastLines(again.output)}`);
  }
  const resumed = await runPipeline(dir, configPath, pipelineEnv(size));
  if (resumed.code !== 0) problems.push(`the normal run after the kill failed (exit ${resumed.code ?? resumed.signal}):\n${lastLines(resumed.output)}`);
  else {
    try {
      const actual = await fingerprint(dir, [reference.finishedDir]);
      problems.push(...actual.problems, ...compareFingerprints(reference.expected, actual));
    } catch (error) {
      problems.push(`could not read the data dir: ${(error as Error).message}`);
    }
  }
  return { scenario, problems, killedAfterMs: killed.ms, resumedInMs: resumed.ms };
}

/**
 * The warehouse file lost (deleted, with its WAL) or corrupt (every block after DuckDB's headers
 * overwritten, as a failing disk would): a corrupt one must stop the next run with the advice to move it
 * aside and that nothing will be lost; then it is moved aside as the advice says. Returns problems.
 */
async function damageWarehouse(dir: string, damage: 'lost' | 'corrupt', configPath: string, size: Size): Promise<string[]> {
  const file = join(dir, 'work.duckdb');
  if (damage === 'lost') {
    rmSync(file, { force: true });
    rmSync(`${file}.wal`, { force: true });
    return [];
  }
  rmSync(`${file}.wal`, { force: true });
  const fd = openSync(file, 'r+');
  try {
    const garbage = Buffer.alloc(4096, 0x5a);
    for (let offset = 12_288; offset < statSync(file).size; offset += garbage.length) writeSync(fd, garbage, 0, garbage.length, offset);
  } finally {
    closeSync(fd);
  }
  const refused = await runPipeline(dir, configPath, pipelineEnv(size));
  const problems: string[] = [];
  if (refused.code !== 1) problems.push(`a run on a corrupt work.duckdb ended with exit ${refused.code ?? refused.signal}, not 1:\n${lastLines(refused.output)}`);
  if (!refused.output.includes('Move it aside; nothing will be lost')) problems.push(`a run on a corrupt work.duckdb did not say to move it aside:\n${lastLines(refused.output)}`);
  renameSync(file, `${file}.corrupt`);
  return problems;
}

function directScenario(at: NonNullable<Options['at']>): Scenario {
  const moment = 'given with --at';
  const base = { index: 0, mode: at.mode, point: at.point, moment, ...(at.thenAt ? { thenAt: at.thenAt } : {}) };
  return at.point === WALL_CLOCK ? { ...base, delayMs: at.value } : { ...base, occurrence: at.value };
}

async function main(): Promise<number> {
  const options = parseOptions(process.argv.slice(2));
  const size = SIZES[options.size];
  const started = performance.now();
  const log = (line: string) => console.log(line);
  const config = JSON.parse(readFileSync(TEST_CONFIG_PATH, 'utf8')) as { accounts: Array<{ slug: string }>; extract: Record<string, unknown> };
  const slugs = size.accounts;
  if (slugs !== undefined) config.accounts = config.accounts.filter((account) => slugs.includes(account.slug));
  config.extract['history_start_date'] = size.historyStart;
  log(
    `crash suite: seed ${options.seed} (--seed N to change), size ${options.size} (${config.accounts.length} accounts, ` +
      `${size.videosPerAccount} videos per account, views from ${size.historyStart}), ${options.jobs} job(s)`,
  );

  const workRoot = mkdtempSync(join(tmpdir(), 'reelhouse-crash-'));
  const configPath = join(workRoot, 'reelhouse.config.json');
  writeFileSync(configPath, JSON.stringify(config, null, 2));

  let passed = 0;
  let failed = 0;
  try {
    const reference = await referenceRuns(workRoot, configPath, options.size, log);
    passed += 1;
    log('ok   reference: an uninterrupted run, and a second one on top of it, give the same results and break no invariant');
    const all = drawScenarios(options.seed, reference.runs);
    const scenarios = options.at ? [directScenario(options.at)] : options.scenario === undefined ? all : all.filter((scenario) => options.scenario!.includes(scenario.index));
    if (scenarios.length === 0) throw new Error(`--scenario ${options.scenario?.join(',')}: seed ${options.seed} has scenarios 0..${all.length - 1}`);
    log(`${scenarios.length} kill scenario(s):`);

    const queue = [...scenarios];
    const worker = async () => {
      for (let scenario = queue.shift(); scenario; scenario = queue.shift()) {
        const outcome = await runScenario(scenario, reference, workRoot, configPath, options.size);
        const timing = `killed after ${(outcome.killedAfterMs / 1000).toFixed(1)} s, normal run ${(outcome.resumedInMs / 1000).toFixed(1)} s`;
        if (outcome.problems.length === 0) {
          passed += 1;
          log(`ok   ${describeScenario(scenario)} (${scenario.moment}; ${timing})`);
          if (!options.keep) rmSync(join(workRoot, `scenario-${scenario.index}`), { recursive: true, force: true });
        } else {
          failed += 1;
          log(`FAIL ${describeScenario(scenario)} (${scenario.moment}; ${timing})`);
          for (const problem of outcome.problems) log(`     - ${problem}`);
          if (!options.at) log(`     replay: npm run test:crash -- --seed ${options.seed} --size ${options.size} --scenario ${scenario.index} --keep`);
          log(`     ${options.at ? 'replay' : '    or'}: npm run test:crash -- --size ${options.size} --mode ${scenario.mode} --at ${scenario.point}:${scenario.delayMs ?? scenario.occurrence}${scenario.thenAt ? ` --then ${scenario.thenAt}` : ''} --keep`);
          log(`     data dir: ${join(workRoot, `scenario-${scenario.index}`)}`);
        }
      }
    };
    await Promise.all(Array.from({ length: options.jobs }, worker));
  } catch (error) {
    failed += 1;
    log(`FAIL ${(error as Error).message}`);
  }
  log(`crash suite: ${((performance.now() - started) / 1000).toFixed(0)} s; seed ${options.seed}; work dir ${workRoot}${failed === 0 && !options.keep ? ' (removed)' : ''}`);
  if (failed === 0 && !options.keep) rmSync(workRoot, { recursive: true, force: true });
  log(`${passed} passed, ${failed} failed`);
  return failed === 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: Error) => {
    console.error(`Error: ${error.message}`);
    console.log('0 passed, 1 failed');
    process.exit(1);
  },
);
