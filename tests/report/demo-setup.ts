import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { spawnPipeline } from '../hostile/pipeline-child.ts';
import { TEST_CONFIG_PATH } from '../support/test-config.ts';

/**
 * `npm run test:report`'s one demo run (vitest globalSetup of vitest.report.config.ts): `pipeline run
 * --demo` once into a temporary data dir, which every file of that config reads (the report in
 * Chromium, the planted findings, every analysis returning rows). The run is the smallest demo at which
 * every planted finding still holds within its tolerance (measured: at 12-14 videos per account the
 * training / earnings-call ratio leaves 1.23 ± 5 %, at 10 the mobile trend stops rising every month):
 * 15 videos per account, as of 2025-06-20, history from 2024-06-01 (the 12th month before the as-of
 * month, where the mobile trend starts). REELHOUSE_REPORT_DEMO_DIR=<root> reuses the root of an earlier
 * run of this setup (its data/ and reelhouse.config.json) instead, while working on these tests.
 */

export const DEMO_AS_OF = '2025-06-20';
export const DEMO_HISTORY_START = '2024-06-01';
export const DEMO_VIDEOS_PER_ACCOUNT = 15;

declare module 'vitest' {
  export interface ProvidedContext {
    /** The demo run's data dir (holds reelhouse.duckdb, exports/, report/, status.json). */
    demoDataDir: string;
    /** The configuration the demo ran with (the test configuration, history from DEMO_HISTORY_START). */
    demoConfigPath: string;
  }
}

export default async function runDemoOnce(project: TestProject): Promise<() => void> {
  const reused = process.env['REELHOUSE_REPORT_DEMO_DIR'];
  if (reused) {
    project.provide('demoDataDir', join(reused, 'data'));
    project.provide('demoConfigPath', join(reused, 'reelhouse.config.json'));
    return () => undefined;
  }
  const root = mkdtempSync(join(tmpdir(), 'reelhouse-report-demo-'));
  const dataDir = join(root, 'data');
  const config = JSON.parse(readFileSync(TEST_CONFIG_PATH, 'utf8')) as { extract: { history_start_date: string } };
  config.extract.history_start_date = DEMO_HISTORY_START;
  const configPath = join(root, 'reelhouse.config.json');
  writeFileSync(configPath, JSON.stringify(config));
  const demo = await spawnPipeline(['run', '--demo', '--as-of', DEMO_AS_OF, '--config', configPath, '--data-dir', dataDir], {
    ...process.env,
    REELHOUSE_DEMO_VIDEOS_PER_ACCOUNT: String(DEMO_VIDEOS_PER_ACCOUNT),
  }).done;
  if (demo.code !== 0 || demo.stderr !== '') {
    throw new Error(`The demo run for npm run test:report failed (exit ${demo.code}):\n${demo.stderr}\n${demo.stdout.slice(-4000)}`);
  }
  project.provide('demoDataDir', dataDir);
  project.provide('demoConfigPath', configPath);
  return () => rmSync(root, { recursive: true, force: true });
}
