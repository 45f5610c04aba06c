/**
 * `npm run test:mutation`: applies the hand-written mutants of tests/mutation/mutants/*.json and the
 * configuration steps of tests/mutation/config-steps.ts one at a time to a scratch copy of the
 * repository, runs each mutant's tests with vitest, and reports killed / survived per mutant and the
 * score per area; then runs Stryker (tests/mutation/stryker.config.mjs). docs/testing.md explains it.
 *
 *   --area NAME          only this area (file name without .json, or `config`); repeatable
 *   --id ID              only this mutant; repeatable
 *   --list               print the mutants (and list defects) without running anything
 *   --jobs N             mutants run at the same time, each in its own scratch copy (default 2)
 *   --verify-unmutated   run each area's tests on the unmutated copy, once per area, and stop
 *   --no-verify          skip the default check that the selected mutants' tests pass unmutated
 *   --run-equivalent     also run the mutants marked equivalent (they never count in the score)
 *   --skip-stryker       only the hand list (implied by --area / --id / --list unless --stryker)
 *   --skip-hand          only Stryker
 *   --stryker            run Stryker even with --area / --id
 *   --fail-under PCT     exit non-zero when the overall hand-list score is below PCT
 *   --stryker-summary    print the Stryker scores of the last reports (.mutation/stryker/) without running
 *
 * Exit status: 0 when done; 1 when the list has defects (a `find` missing or not unique, a test path
 * that matches nothing, a malformed entry), when the unmutated tests fail, when Stryker fails, or when
 * the score is under --fail-under.
 */
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { CONFIG_FIXTURE, CONFIG_STEPS } from './config-steps.ts';

const REPO_ROOT = resolve(import.meta.dirname, '..', '..');
const MUTANT_DIR = join(REPO_ROOT, 'tests', 'mutation', 'mutants');
const OUTPUT_DIR = join(REPO_ROOT, '.mutation');
const ORIGINS = new Set(['review', 'literal', 'comparison', 'config']);
const KNOWN_KEYS = new Set(['id', 'file', 'find', 'replace', 'occurrence', 'tests', 'origin', 'equivalent', 'note']);
/** A mutant whose tests run longer than this is counted as killed by timeout (as Stryker does). */
const MUTANT_TIMEOUT_MS = 20 * 60_000;

export interface Mutant {
  readonly id: string;
  readonly area: string;
  readonly file: string;
  readonly tests: readonly string[];
  readonly origin: string;
  readonly equivalent?: string;
  /** The mutated text of `file`, given the original. Throws a ListDefect when it cannot apply. */
  readonly mutate: (original: string) => string;
}

class ListDefect extends Error {}

interface Options {
  areas: string[];
  ids: string[];
  list: boolean;
  jobs: number;
  verifyUnmutated: boolean;
  verify: boolean;
  runEquivalent: boolean;
  hand: boolean;
  stryker: boolean;
  failUnder: number | undefined;
  strykerSummary: boolean;
}

function parseOptions(argv: string[]): Options {
  const options: Options = {
    areas: [],
    ids: [],
    list: false,
    jobs: 2,
    verifyUnmutated: false,
    verify: true,
    runEquivalent: false,
    hand: true,
    stryker: true,
    failUnder: undefined,
    strykerSummary: false,
  };
  let forceStryker = false;
  let skipStryker = false;
  for (let index = 0; index < argv.length; index += 1) {
    const flag = argv[index]!;
    const value = () => {
      const next = argv[index + 1];
      if (next === undefined || next.startsWith('--')) throw new Error(`${flag} needs a value`);
      index += 1;
      return next;
    };
    if (flag === '--area') options.areas.push(value());
    else if (flag === '--id') options.ids.push(value());
    else if (flag === '--list') options.list = true;
    else if (flag === '--jobs') options.jobs = Math.max(1, Number.parseInt(value(), 10) || 1);
    else if (flag === '--verify-unmutated') options.verifyUnmutated = true;
    else if (flag === '--no-verify') options.verify = false;
    else if (flag === '--run-equivalent') options.runEquivalent = true;
    else if (flag === '--skip-stryker') skipStryker = true;
    else if (flag === '--skip-hand') options.hand = false;
    else if (flag === '--stryker') forceStryker = true;
    else if (flag === '--fail-under') options.failUnder = Number(value());
    else if (flag === '--stryker-summary') {
      options.strykerSummary = true;
      options.hand = false;
      forceStryker = true;
    }
    else throw new Error(`Unknown option ${flag} (see the head of tests/mutation/run.ts)`);
  }
  const narrowed = options.areas.length > 0 || options.ids.length > 0 || options.list || options.verifyUnmutated;
  options.stryker = forceStryker || (!skipStryker && !narrowed);
  return options;
}

// ---------------------------------------------------------------------------------------------
// The list

function occurrencesOf(text: string, find: string): number[] {
  const positions: number[] = [];
  for (let at = text.indexOf(find); at !== -1; at = text.indexOf(find, at + 1)) positions.push(at);
  return positions;
}

function textMutant(area: string, entry: Record<string, unknown>, where: string): Mutant {
  const unknown = Object.keys(entry).filter((key) => !KNOWN_KEYS.has(key));
  if (unknown.length > 0) throw new ListDefect(`${where}: unknown field(s) ${unknown.join(', ')}`);
  const { id, file, find, replace, occurrence, tests, origin, equivalent } = entry;
  if (typeof id !== 'string' || id.length === 0) throw new ListDefect(`${where}: no id`);
  const named = `${where} mutant "${id}"`;
  if (typeof file !== 'string' || file.length === 0) throw new ListDefect(`${named}: no file`);
  if (typeof find !== 'string' || find.length === 0) throw new ListDefect(`${named}: no find text`);
  if (typeof replace !== 'string') throw new ListDefect(`${named}: no replace text`);
  if (find === replace) throw new ListDefect(`${named}: replace equals find, so nothing is mutated`);
  if (occurrence !== undefined && !(Number.isInteger(occurrence) && (occurrence as number) >= 1)) throw new ListDefect(`${named}: occurrence must be a whole number from 1`);
  if (!Array.isArray(tests) || tests.length === 0 || !tests.every((test) => typeof test === 'string' && test.length > 0)) {
    throw new ListDefect(`${named}: tests must list at least one test file`);
  }
  if (typeof origin !== 'string' || !ORIGINS.has(origin)) throw new ListDefect(`${named}: origin must be one of ${[...ORIGINS].join(', ')}`);
  if (equivalent !== undefined && (typeof equivalent !== 'string' || equivalent.trim().length === 0)) throw new ListDefect(`${named}: equivalent must say why`);
  return {
    id,
    area,
    file,
    tests: tests as string[],
    origin,
    equivalent: equivalent as string | undefined,
    mutate(original) {
      const positions = occurrencesOf(original, find);
      if (positions.length === 0) throw new ListDefect(`${named}: the find text does not occur in ${file}`);
      if (occurrence === undefined && positions.length > 1) {
        throw new ListDefect(`${named}: the find text occurs ${positions.length} times in ${file}; make it unique or give "occurrence"`);
      }
      const index = ((occurrence as number | undefined) ?? 1) - 1;
      const at = positions[index];
      if (at === undefined) throw new ListDefect(`${named}: occurrence ${index + 1} asked, the find text occurs ${positions.length} time(s) in ${file}`);
      return original.slice(0, at) + replace + original.slice(at + find.length);
    },
  };
}

/** The configuration steps as mutants of the fixture: its JSON with one value replaced. */
function configMutants(): Mutant[] {
  return CONFIG_STEPS.flatMap((rule) =>
    rule.steps.map((step): Mutant => ({
      id: `config.${rule.path}=${JSON.stringify(step)}`,
      area: 'config',
      file: CONFIG_FIXTURE,
      tests: rule.tests,
      origin: 'config',
      mutate(original) {
        const root = JSON.parse(original) as Record<string, unknown>;
        const keys = rule.path.split('.');
        let parent: Record<string, unknown> = root;
        for (const key of keys.slice(0, -1)) {
          const inner = parent[key];
          if (inner === null || typeof inner !== 'object') throw new ListDefect(`config step ${rule.path}: ${key} is not in ${CONFIG_FIXTURE}`);
          parent = inner as Record<string, unknown>;
        }
        const last = keys.at(-1)!;
        if (!(last in parent)) throw new ListDefect(`config step ${rule.path}: not in ${CONFIG_FIXTURE}`);
        if (JSON.stringify(parent[last]) !== JSON.stringify(rule.value)) {
          throw new ListDefect(`config step ${rule.path}: the fixture holds ${JSON.stringify(parent[last])}, the list says ${JSON.stringify(rule.value)}`);
        }
        parent[last] = step;
        return `${JSON.stringify(root, null, 2)}\n`;
      },
    })),
  );
}

interface LoadedList {
  mutants: Mutant[];
  defects: string[];
}

function loadList(): LoadedList {
  const mutants: Mutant[] = [];
  const defects: string[] = [];
  const files = existsSync(MUTANT_DIR) ? readdirSync(MUTANT_DIR).filter((name) => name.endsWith('.json')).sort() : [];
  for (const name of files) {
    const area = name.slice(0, -'.json'.length);
    const where = `tests/mutation/mutants/${name}`;
    let entries: unknown;
    try {
      entries = JSON.parse(readFileSync(join(MUTANT_DIR, name), 'utf8'));
    } catch (error) {
      defects.push(`${where}: not valid JSON: ${(error as Error).message}`);
      continue;
    }
    if (!Array.isArray(entries)) {
      defects.push(`${where}: must be a JSON array of mutants`);
      continue;
    }
    entries.forEach((entry, index) => {
      try {
        if (entry === null || typeof entry !== 'object' || Array.isArray(entry)) throw new ListDefect(`${where} entry ${index + 1}: not an object`);
        mutants.push(textMutant(area, entry as Record<string, unknown>, where));
      } catch (error) {
        if (!(error instanceof ListDefect)) throw error;
        defects.push(error.message);
      }
    });
  }
  mutants.push(...configMutants());
  const seen = new Set<string>();
  for (const mutant of mutants) {
    if (seen.has(mutant.id)) defects.push(`mutant id "${mutant.id}" is used twice`);
    seen.add(mutant.id);
  }
  return { mutants, defects };
}

/** Checks what can be checked without running: the file exists, the find text applies, the tests exist. */
function staticDefects(mutant: Mutant): string[] {
  const defects: string[] = [];
  const path = join(REPO_ROOT, mutant.file);
  if (!existsSync(path)) defects.push(`mutant "${mutant.id}": file ${mutant.file} does not exist`);
  else {
    try {
      mutant.mutate(readFileSync(path, 'utf8'));
    } catch (error) {
      if (!(error instanceof ListDefect)) throw error;
      defects.push(error.message);
    }
  }
  for (const test of mutant.tests) {
    if (!existsSync(join(REPO_ROOT, test))) defects.push(`mutant "${mutant.id}": test path ${test} does not exist`);
  }
  return defects;
}

// ---------------------------------------------------------------------------------------------
// Scratch copies

/** Files a clone would have plus files not yet committed (not ignored); node_modules is linked. */
function repositoryFiles(): string[] {
  const listed = spawnSync('git', ['ls-files', '-co', '--exclude-standard', '-z'], { cwd: REPO_ROOT, encoding: 'utf8' });
  if (listed.status !== 0) throw new Error(`git ls-files failed: ${listed.stderr}`);
  return [...new Set(listed.stdout.split('\0').filter(Boolean))].filter((file) => {
    const full = join(REPO_ROOT, file);
    return existsSync(full) && statSync(full).isFile();
  });
}

function makeScratchCopy(files: string[], label: string): string {
  const root = mkdtempSync(join(tmpdir(), `reelhouse-mutation-${label}-`));
  for (const file of files) {
    const target = join(root, file);
    mkdirSync(dirname(target), { recursive: true });
    copyFileSync(join(REPO_ROOT, file), target);
  }
  symlinkSync(join(REPO_ROOT, 'node_modules'), join(root, 'node_modules'), 'dir');
  return root;
}

// ---------------------------------------------------------------------------------------------
// Running vitest

interface TestRun {
  readonly passed: boolean;
  readonly timedOut: boolean;
  readonly noTests: boolean;
  readonly seconds: number;
  readonly failedTests: string[];
  readonly tail: string;
}

function runVitest(cwd: string, tests: readonly string[], workers: number): Promise<TestRun> {
  const started = Date.now();
  return new Promise((resolveRun) => {
    const child = spawn(process.execPath, [join(REPO_ROOT, 'node_modules', 'vitest', 'vitest.mjs'), 'run', ...tests, `--maxWorkers=${workers}`, '--reporter=default'], {
      cwd,
      env: { ...process.env, FORCE_COLOR: '0', NO_COLOR: '1', CI: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    let output = '';
    const collect = (chunk: Buffer) => {
      output += chunk.toString('utf8');
      if (output.length > 2_000_000) output = output.slice(-1_000_000);
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      // the whole group: vitest and its workers
      if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
    }, MUTANT_TIMEOUT_MS);
    child.on('close', (code) => {
      clearTimeout(timer);
      const failedTests = [...new Set([...output.matchAll(/^\s*FAIL\s+(.+)$/gm)].map((match) => match[1]!.trim()))].slice(0, 20);
      resolveRun({
        passed: code === 0 && !timedOut,
        timedOut,
        noTests: /No test files found/.test(output),
        seconds: (Date.now() - started) / 1000,
        failedTests,
        tail: output.split('\n').slice(-40).join('\n'),
      });
    });
  });
}

// ---------------------------------------------------------------------------------------------
// One mutant

type Status = 'killed' | 'survived' | 'timeout' | 'defect' | 'equivalent';

interface MutantResult {
  readonly id: string;
  readonly area: string;
  readonly file: string;
  readonly origin: string;
  readonly tests: readonly string[];
  readonly status: Status;
  readonly seconds: number;
  readonly detail?: string;
  readonly equivalent?: string;
  readonly killedBy?: string[];
}

async function runMutant(mutant: Mutant, scratch: string, workers: number): Promise<MutantResult> {
  const base = { id: mutant.id, area: mutant.area, file: mutant.file, origin: mutant.origin, tests: mutant.tests, equivalent: mutant.equivalent };
  const path = join(scratch, mutant.file);
  const original = readFileSync(path, 'utf8');
  let mutated: string;
  try {
    mutated = mutant.mutate(original);
  } catch (error) {
    if (!(error instanceof ListDefect)) throw error;
    return { ...base, status: 'defect', seconds: 0, detail: error.message };
  }
  writeFileSync(path, mutated);
  try {
    const run = await runVitest(scratch, mutant.tests, workers);
    if (run.noTests) return { ...base, status: 'defect', seconds: run.seconds, detail: `mutant "${mutant.id}": vitest found no test file for ${mutant.tests.join(' ')}` };
    const status: Status = run.timedOut ? 'timeout' : run.passed ? 'survived' : 'killed';
    return { ...base, status: mutant.equivalent && status === 'survived' ? 'equivalent' : status, seconds: run.seconds, killedBy: run.passed ? undefined : run.failedTests };
  } finally {
    writeFileSync(path, original);
  }
}

// ---------------------------------------------------------------------------------------------
// Reporting

interface AreaScore {
  area: string;
  killed: number;
  survived: number;
  equivalent: number;
  defects: number;
  score: number | undefined;
}

function scoreOf(results: MutantResult[], area: string): AreaScore {
  const counting = results.filter((result) => !result.equivalent);
  const killed = counting.filter((result) => result.status === 'killed' || result.status === 'timeout').length;
  const survived = counting.filter((result) => result.status === 'survived').length;
  const counted = killed + survived;
  return {
    area,
    killed,
    survived,
    equivalent: results.filter((result) => result.equivalent && result.status !== 'defect').length,
    defects: results.filter((result) => result.status === 'defect').length,
    score: counted === 0 ? undefined : (100 * killed) / counted,
  };
}

const percent = (score: number | undefined) => (score === undefined ? '   n/a' : `${score.toFixed(1).padStart(5)} %`);

function markdownSummary(results: MutantResult[], scores: AreaScore[], defects: string[], started: Date): string {
  const lines = [
    `# Hand-written mutants`,
    '',
    `Run ${started.toISOString()} (\`npm run test:mutation\`); killed = a listed test failed; equivalent mutants are left out of the score.`,
    '',
    '| area | killed | survived | equivalent | list defects | score |',
    '|---|---:|---:|---:|---:|---:|',
    ...scores.map((score) => `| ${score.area} | ${score.killed} | ${score.survived} | ${score.equivalent} | ${score.defects} | ${percent(score.score).trim()} |`),
    '',
    '| mutant | area | status | seconds | tests | detail |',
    '|---|---|---|---:|---|---|',
    ...results.map((result) => {
      const detail = result.equivalent ?? result.detail ?? (result.killedBy?.length ? `failed: ${result.killedBy[0]}` : '');
      return `| \`${result.id}\` | ${result.area} | ${result.status} | ${result.seconds.toFixed(1)} | ${result.tests.join(', ')} | ${detail.replaceAll('|', '\\|')} |`;
    }),
  ];
  if (defects.length > 0) lines.push('', '## List defects', '', ...defects.map((defect) => `- ${defect}`));
  return `${lines.join('\n')}\n`;
}

// ---------------------------------------------------------------------------------------------
// Main

/**
 * Stryker in three parts, one after the other, each with the tests that reach its files: the HTTP
 * client's mutants would otherwise also run the Analytics tests (which go through it), tripling the time.
 */
export const STRYKER_PARTS: ReadonlyArray<{ files: string[]; tests?: string[] }> = [
  { files: ['extract/brightcove/date-windows.ts', 'warehouse/export/csv.ts', 'extract/brightcove/oauth.ts'] },
  { files: ['extract/brightcove/analytics.ts'] },
  { files: ['extract/http.ts'], tests: ['tests/extract/http-unit.test.ts', 'tests/extract/oauth-unit.test.ts'] },
];

interface StrykerFileScore {
  file: string;
  killed: number;
  timeout: number;
  survived: number;
  noCoverage: number;
  ignored: number;
  survivors: string[];
}

function strykerScores(reportFile: string): StrykerFileScore[] {
  const report = JSON.parse(readFileSync(reportFile, 'utf8')) as {
    files: Record<string, { source: string; mutants: Array<{ status: string; mutatorName: string; replacement?: string; location: { start: { line: number; column: number } } }> }>;
  };
  return Object.entries(report.files).map(([file, { mutants }]) => {
    const count = (status: string) => mutants.filter((mutant) => mutant.status === status).length;
    return {
      file,
      killed: count('Killed'),
      timeout: count('Timeout'),
      survived: count('Survived'),
      noCoverage: count('NoCoverage'),
      ignored: count('Ignored'),
      survivors: mutants
        .filter((mutant) => mutant.status === 'Survived' || mutant.status === 'NoCoverage')
        .map((mutant) => `${file}:${mutant.location.start.line}:${mutant.location.start.column} ${mutant.mutatorName} → ${(mutant.replacement ?? '').replace(/\s+/g, ' ').slice(0, 80)}`),
    };
  });
}

/** The environment without the one-part narrowing variables: each part sets its own. */
function strykerFreeEnvironment(): NodeJS.ProcessEnv {
  const { STRYKER_FILES: _files, STRYKER_TESTS: _tests, ...rest } = process.env;
  return rest;
}

async function runStryker(jobs: number, summaryOnly: boolean): Promise<number> {
  let exitCode = 0;
  const scores: StrykerFileScore[] = [];
  if (!summaryOnly && (process.env['STRYKER_FILES'] || process.env['STRYKER_TESTS'])) {
    // Passed on, a narrowed test set would record false survivors in every part's incremental report.
    console.log('STRYKER_FILES / STRYKER_TESTS are ignored here: each part runs its own files and tests. For one part:\n' +
      '  STRYKER_FILES=<file> STRYKER_TESTS=<tests> npx stryker run tests/mutation/stryker.config.mjs');
  }
  for (const part of STRYKER_PARTS) {
    const partName = part.files.map((file) => file.replace(/^.*\//, '').replace(/\.ts$/, '')).join('+');
    const reportFile = join(OUTPUT_DIR, 'stryker', `mutation-${partName}.json`);
    if (summaryOnly) {
      if (existsSync(reportFile)) scores.push(...strykerScores(reportFile));
      continue;
    }
    const started = Date.now();
    console.log(`\n== Stryker on ${part.files.join(', ')} (tests/mutation/stryker.config.mjs) ==`);
    // Stryker ends its vitest runners by killing them, so the tests' own clean-up (tests/support/
    // test-temp-root.ts) never runs: the part's temporary files go in a folder removed here.
    const partTemporaryFolder = mkdtempSync(join(tmpdir(), 'reelhouse-stryker-part-'));
    const child = spawn(process.execPath, [join(REPO_ROOT, 'node_modules', '@stryker-mutator', 'core', 'bin', 'stryker.js'), 'run', 'tests/mutation/stryker.config.mjs', '--concurrency', String(jobs)], {
      cwd: REPO_ROOT,
      stdio: 'inherit',
      env: {
        ...strykerFreeEnvironment(),
        TMPDIR: partTemporaryFolder,
        STRYKER_FILES: part.files.join(','),
        ...(part.tests ? { STRYKER_TESTS: part.tests.join(',') } : {}),
      },
    });
    const code = await new Promise<number>((resolveCode) => child.on('close', (status) => resolveCode(status ?? 1)));
    rmSync(partTemporaryFolder, { recursive: true, force: true });
    console.log(`Stryker part done in ${((Date.now() - started) / 60_000).toFixed(1)} min (exit ${code}).`);
    if (code !== 0) exitCode = 1;
    if (existsSync(reportFile)) scores.push(...strykerScores(reportFile));
  }
  console.log('\nStryker score per file (killed + timeout) / (all but ignored):');
  for (const score of [...scores, scores.reduce((total, score) => ({
    file: 'all files', killed: total.killed + score.killed, timeout: total.timeout + score.timeout, survived: total.survived + score.survived,
    noCoverage: total.noCoverage + score.noCoverage, ignored: total.ignored + score.ignored, survivors: [],
  }), { file: 'all files', killed: 0, timeout: 0, survived: 0, noCoverage: 0, ignored: 0, survivors: [] as string[] })]) {
    const detected = score.killed + score.timeout;
    const total = detected + score.survived + score.noCoverage;
    console.log(`  ${score.file.padEnd(36)} ${percent(total === 0 ? undefined : (100 * detected) / total)}   killed ${score.killed}, timeout ${score.timeout}, survived ${score.survived}, no coverage ${score.noCoverage}, ignored ${score.ignored}`);
  }
  const survivors = scores.flatMap((score) => score.survivors);
  if (survivors.length > 0) console.log(`\nStryker survivors:\n${survivors.map((line) => `  ${line}`).join('\n')}`);
  return exitCode;
}

async function main(): Promise<number> {
  const options = parseOptions(process.argv.slice(2));
  const started = new Date();
  let exitCode = 0;

  if (options.hand) {
    const { mutants: all, defects } = loadList();
    let selected = all.filter(
      (mutant) => (options.areas.length === 0 || options.areas.includes(mutant.area)) && (options.ids.length === 0 || options.ids.includes(mutant.id)),
    );
    for (const id of options.ids) if (!all.some((mutant) => mutant.id === id)) defects.push(`--id ${id}: no such mutant`);
    for (const area of options.areas) if (!all.some((mutant) => mutant.area === area)) defects.push(`--area ${area}: no such area`);
    for (const mutant of selected) defects.push(...staticDefects(mutant));

    if (options.list) {
      for (const mutant of selected) {
        console.log(`${mutant.area.padEnd(20)} ${mutant.id}${mutant.equivalent ? '  [equivalent]' : ''}\n${' '.repeat(21)}${mutant.file} ← ${mutant.tests.join(' ')}`);
      }
      console.log(`\n${selected.length} mutant(s) in ${new Set(selected.map((mutant) => mutant.area)).size} area(s).`);
      for (const defect of defects) console.log(`LIST DEFECT ${defect}`);
      return defects.length > 0 ? 1 : 0;
    }

    const broken = new Set(defects.flatMap((defect) => selected.filter((mutant) => defect.includes(`"${mutant.id}"`)).map((mutant) => mutant.id)));
    const toRun = selected.filter((mutant) => !broken.has(mutant.id) && (options.runEquivalent || !mutant.equivalent));
    const files = repositoryFiles();

    // A mutant "killed" by a test that already fails unmutated proves nothing: check the tests first.
    if (options.verifyUnmutated || options.verify) {
      const groups = options.verifyUnmutated
        ? [...new Set(selected.map((mutant) => mutant.area))].map((area) => ({
            label: `area ${area}`,
            tests: [...new Set(selected.filter((mutant) => mutant.area === area).flatMap((mutant) => mutant.tests))].filter((test) => existsSync(join(REPO_ROOT, test))),
          }))
        : [{ label: 'the tests of the selected mutants', tests: [...new Set(toRun.flatMap((mutant) => mutant.tests))] }];
      const scratch = makeScratchCopy(files, 'unmutated');
      try {
        for (const group of groups) {
          if (group.tests.length === 0) continue;
          console.log(`Unmutated: running ${group.label} (${group.tests.length} test path(s)) ...`);
          const run = await runVitest(scratch, group.tests, 2);
          if (!run.passed) {
            console.log(`UNMUTATED TESTS FAIL for ${group.label}; a mutant killed by them would mean nothing:\n${run.tail}`);
            return 1;
          }
          console.log(`Unmutated: ${group.label} pass (${run.seconds.toFixed(0)} s).`);
        }
      } finally {
        rmSync(scratch, { recursive: true, force: true });
      }
      if (options.verifyUnmutated) return defects.length > 0 ? 1 : 0;
    }

    const jobs = Math.min(options.jobs, Math.max(1, toRun.length));
    // Each job has its own copy; with more than one job each vitest gets one worker, so the jobs share the cores.
    const workers = jobs > 1 ? 1 : 2;
    const scratches = Array.from({ length: jobs }, (_, index) => makeScratchCopy(files, `job${index + 1}`));
    const results: MutantResult[] = [];
    let next = 0;
    console.log(`Running ${toRun.length} mutant(s), ${jobs} at a time.`);
    try {
      await Promise.all(
        scratches.map(async (scratch) => {
          while (next < toRun.length) {
            const mutant = toRun[next]!;
            next += 1;
            const result = await runMutant(mutant, scratch, workers);
            results.push(result);
            const status = result.status.toUpperCase().padEnd(10);
            console.log(`${status} ${result.id}  (${result.area}, ${result.seconds.toFixed(0)} s)${result.detail ? `  ${result.detail}` : ''}`);
            if (result.status === 'defect' && result.detail) defects.push(result.detail);
          }
        }),
      );
    } finally {
      for (const scratch of scratches) rmSync(scratch, { recursive: true, force: true });
    }
    for (const mutant of selected) {
      if (mutant.equivalent && !results.some((result) => result.id === mutant.id)) {
        results.push({ id: mutant.id, area: mutant.area, file: mutant.file, origin: mutant.origin, tests: mutant.tests, status: 'equivalent', seconds: 0, equivalent: mutant.equivalent });
      }
      if (broken.has(mutant.id)) {
        results.push({ id: mutant.id, area: mutant.area, file: mutant.file, origin: mutant.origin, tests: mutant.tests, status: 'defect', seconds: 0 });
      }
    }
    for (const result of results) {
      if (result.equivalent && (result.status === 'killed' || result.status === 'timeout')) {
        console.log(`NOTE: ${result.id} is marked equivalent but a test killed it; it may not be equivalent.`);
      }
    }
    results.sort((a, b) => a.area.localeCompare(b.area) || a.id.localeCompare(b.id));
    const areas = [...new Set(results.map((result) => result.area))].sort();
    const scores = [...areas.map((area) => scoreOf(results.filter((result) => result.area === area), area)), scoreOf(results, 'overall')];

    console.log('\nScore per area (killed / (killed + survived); equivalent and defects left out)');
    for (const score of scores) {
      console.log(
        `  ${score.area.padEnd(22)} ${percent(score.score)}   killed ${score.killed}, survived ${score.survived}, equivalent ${score.equivalent}, list defects ${score.defects}`,
      );
    }
    const survivors = results.filter((result) => result.status === 'survived');
    if (survivors.length > 0) console.log(`\nSurvived:\n${survivors.map((result) => `  ${result.id}  (${result.file}; tests ${result.tests.join(' ')})`).join('\n')}`);
    const uniqueDefects = [...new Set(defects)];
    if (uniqueDefects.length > 0) console.log(`\nList defects (fix the list; not counted as killed):\n${uniqueDefects.map((defect) => `  ${defect}`).join('\n')}`);

    mkdirSync(OUTPUT_DIR, { recursive: true });
    writeFileSync(join(OUTPUT_DIR, 'hand-mutants.json'), `${JSON.stringify({ started: started.toISOString(), scores, results, defects: uniqueDefects }, null, 2)}\n`);
    writeFileSync(join(OUTPUT_DIR, 'hand-mutants.md'), markdownSummary(results, scores, uniqueDefects, started));
    console.log(`\nSummary: .mutation/hand-mutants.md and .mutation/hand-mutants.json`);

    if (uniqueDefects.length > 0) exitCode = 1;
    const overall = scores.at(-1)!.score;
    if (options.failUnder !== undefined && (overall === undefined || overall < options.failUnder)) {
      console.log(`Overall score ${percent(overall).trim()} is under --fail-under ${options.failUnder} %.`);
      exitCode = 1;
    }
  }

  if (options.stryker) {
    const code = await runStryker(options.jobs, options.strykerSummary);
    if (code !== 0) exitCode = 1;
  }
  return exitCode;
}

process.exitCode = await main();
