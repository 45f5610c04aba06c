import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    // every temporary file of the run in one folder, removed at the end (tests/support/test-temp-root.ts)
    globalSetup: ['tests/support/test-temp-root.ts'],
    // Each test file opens real DuckDB files and real HTTP servers; two workers match the 2-core CI machine.
    maxWorkers: 2,
    // Generous guards, not timings: a whole pipeline run in a beforeAll takes ~30 s on an idle machine
    // and several minutes beside a benchmark on 2 cores; a test must never fail for being slow.
    testTimeout: 600_000,
    hookTimeout: 600_000,
  },
});
