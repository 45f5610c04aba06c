import { beforeAll, describe, expect, inject, it } from 'vitest';
import { listAnalyses, runAnalysis } from '../../warehouse/analyses.ts';
import { dataDir as dataDirOf } from '../../warehouse/data-dir.ts';
import { spawnPipeline } from '../hostile/pipeline-child.ts';

/**
 * Every analysis on the demo (the one run of tests/report/demo-setup.ts) through `pipeline analyze NAME
 * --format json` (run once per analysis by that setup): each returns rows, the rows runAnalysis reads. The values are pinned on the hand-made fixture (tests/analyses/
 * analyses.test.ts) and the planted findings in demo-findings.demo.ts.
 */

let dataDir: string;
beforeAll(() => {
  dataDir = inject('demoDataDir');
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
    const result = inject('demoAnalyzeOutputs')[name]!;
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const rows = JSON.parse(result.stdout) as unknown[];
    expect(rows.length).toBeGreaterThan(0);
    expect(rows).toEqual((await runAnalysis(name, dataDirOf(dataDir).publishedDb)).rows);
  });
});
