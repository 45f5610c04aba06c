import { defineConfig } from 'vitest/config';

/**
 * The tests Stryker runs against extract/http.ts, extract/brightcove/{oauth,analytics,date-windows}.ts
 * and warehouse/export/csv.ts: the unit-level ones, each file a few seconds at most. The slow
 * simulator-wide extraction tests (faults, brightcove-extract) would multiply into hours over some
 * 300 mutants; the CLI tests run the code in child processes, where Stryker cannot switch mutants.
 */
export const STRYKER_TEST_FILES = [
  'tests/extract/http-unit.test.ts',
  'tests/extract/oauth-unit.test.ts',
  'tests/extract/analytics-unit.test.ts',
  'tests/extract/date-windows.test.ts',
  'tests/extract/date-windows-boundaries.test.ts',
  // the history start, the settled/trailing split and window sizing by expected rows (one 5 s test)
  'tests/extract/history-and-window-sizing.test.ts',
  'tests/extract/json-and-redact.test.ts',
  'tests/warehouse/csv.test.ts',
  'tests/warehouse/csv-escaping.test.ts',
];

export default defineConfig({
  test: {
    // STRYKER_TESTS=a.test.ts,b.test.ts narrows the tests for a part run (STRYKER_FILES in stryker.config.mjs).
    include: process.env['STRYKER_TESTS']?.split(',').filter(Boolean) ?? STRYKER_TEST_FILES,
    // as `npm test`: the tests' temporary files in one folder per run (Stryker kills its runners before
    // the removal at the end: `npm run test:mutation` gives each part a temporary folder it removes)
    globalSetup: ['tests/support/test-temp-root.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Stryker switches mutants through a global at run time, so the modules need not be loaded afresh
    // for every test file of every mutant run: that reload was most of the time per mutant.
    isolate: false,
  },
});
