import { defineConfig } from 'vitest/config';

/**
 * `npm run test:report` (not part of `npm test`): ONE demo run (tests/report/demo-setup.ts, a global
 * setup) that every file here reads: the HTML report in headless Chromium (*.browser.ts) and the demo's
 * planted findings and analyses (*.demo.ts, no browser needed).
 */
export default defineConfig({
  test: {
    include: ['tests/report/**/*.browser.ts', 'tests/report/**/*.demo.ts'],
    // every temporary file of the run in one folder, removed at the end (tests/support/test-temp-root.ts)
    globalSetup: ['tests/support/test-temp-root.ts', 'tests/report/demo-setup.ts'],
    // The files only read the demo's data dir; two workers match the 2-core CI machine.
    maxWorkers: 2,
    // Minutes on a busy 2-core machine; a test must never fail for being slow.
    testTimeout: 900_000,
    hookTimeout: 900_000,
  },
});
