import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { listAnalyses } from '../../warehouse/analyses.ts';
import { temporaryFolder } from '../delivery/fixtures.ts';
import { spawnPipeline } from '../hostile/pipeline-child.ts';
import { loadTestConfig } from '../support/test-config.ts';

/**
 * The demo (`pipeline run --demo`, shrunk as the crash suite shrinks it: 20 videos per account, history
 * from 2025-04-01), then every analysis through `pipeline analyze NAME --format json`: each returns rows.
 * The demo's numbers change with its dataset, so only "returns rows" is asserted here; the values are
 * pinned on the hand-made fixture (analyses.test.ts).
 */

let dataDir: string;

beforeAll(async () => {
  const root = temporaryFolder('demo-analyses');
  dataDir = join(root, 'data');
  const config = structuredClone(loadTestConfig()) as { extract: { history_start_date: string } };
  config.extract.history_start_date = '2025-04-01';
  const configPath = join(root, 'reelhouse.config.json');
  writeFileSync(configPath, JSON.stringify(config));
  const demo = await spawnPipeline(['run', '--demo', '--as-of', '2025-06-30', '--config', configPath, '--data-dir', dataDir], {
    ...process.env,
    REELHOUSE_DEMO_VIDEOS_PER_ACCOUNT: '20',
  }).done;
  expect(demo.stderr).toBe('');
  expect(demo.code).toBe(0);
});

describe('the analyses on the demo', () => {
  it('analyze --list names every analysis with its question', async () => {
    const listed = await spawnPipeline(['analyze', '--list', '--format', 'json'], process.env).done;
    expect(listed.code).toBe(0);
    const rows = JSON.parse(listed.stdout) as Array<{ name: string; question: string }>;
    expect(rows.map((row) => row.name)).toEqual(listAnalyses().map((analysis) => analysis.name));
    expect(rows.every((row) => row.question.length > 20)).toBe(true);
  });

  it.each(listAnalyses().map((analysis) => [analysis.name]))('%s returns rows through `pipeline analyze`', async (name) => {
    const result = await spawnPipeline(['analyze', name, '--data-dir', dataDir, '--format', 'json'], process.env).done;
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect((JSON.parse(result.stdout) as unknown[]).length).toBeGreaterThan(0);
  });
});
