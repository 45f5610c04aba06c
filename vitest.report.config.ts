import { defineConfig } from 'vitest/config';

/** `npm run test:report`: the HTML report in headless Chromium (not part of `npm test`). */
export default defineConfig({
  test: {
    include: ['tests/report/**/*.browser.ts'],
    maxWorkers: 1,
    // A whole demo run in beforeAll: minutes on a busy 2-core machine; a test must never fail for being slow.
    testTimeout: 900_000,
    hookTimeout: 1_800_000,
  },
});
