// @ts-check
/**
 * Stryker on the HTTP, OAuth, Analytics, date-window and CSV code (issue 9, item 7).
 * Run: `npm run test:mutation:stryker` (or `npm run test:mutation`, which also applies the hand list).
 * Log and error-message text is left out by ./stryker-message-ignorer.mjs.
 * @type {import('@stryker-mutator/api/core').PartialStrykerOptions}
 */
const ALL_FILES = [
  'extract/brightcove/date-windows.ts',
  'warehouse/export/csv.ts',
  'extract/brightcove/oauth.ts',
  'extract/brightcove/analytics.ts',
  'extract/http.ts',
];
// STRYKER_FILES=a.ts,b.ts runs a part (reports named after it), e.g. to get one file's score quickly.
const only = process.env.STRYKER_FILES?.split(',').filter(Boolean);
const part = only ? only.map((file) => file.replace(/^.*\//, '').replace(/\.ts$/, '')).join('+') : 'all';

const config = {
  testRunner: 'vitest',
  vitest: { configFile: 'tests/mutation/vitest.stryker.config.ts', related: false },
  coverageAnalysis: 'perTest',
  mutate: only ?? ALL_FILES,
  plugins: ['@stryker-mutator/vitest-runner', './tests/mutation/stryker-message-ignorer.mjs'],
  ignorers: ['message-text'],
  // Two workers: the machine (and CI) has two cores.
  concurrency: 2,
  // Stryker's time limit per mutant is 1.5 × the covering tests' own time + timeoutMS; the tests' hooks
  // (opening a DuckDB data dir, starting a server) are not in their time and take seconds on a busy
  // machine, so a small timeoutMS turned ordinary runs into false "timeouts".
  timeoutMS: 30_000,
  // Re-runs only mutants whose code or covering tests changed since the last run (delete the file for a full run).
  incremental: true,
  incrementalFile: `.mutation/stryker/incremental-${part}.json`,
  // The sandbox copies the repository; leave out local data, benchmarks' output and our own output.
  ignorePatterns: ['/data', '/bench-data', '/.mutation', '/.vitest-tmp', '/reports'],
  tempDirName: '.stryker-tmp',
  reporters: ['clear-text', 'progress-append-only', 'json', 'html'],
  jsonReporter: { fileName: `.mutation/stryker/mutation-${part}.json` },
  htmlReporter: { fileName: `.mutation/stryker/mutation-${part}.html` },
  clearTextReporter: { allowColor: false, logTests: false, maxTestsToLog: 0, reportMutants: true, reportScoreTable: true },
  thresholds: { high: 90, low: 80, break: null },
  cleanTempDir: 'always',
};
export default config;
