import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TEST_CONFIG_PATH } from '../support/test-config.ts';
import { REPO, temporaryFolder } from './fixtures.ts';

/** The CI gate itself: `pipeline docs --check` as a process, on the repository's own models. */
function docs(...args: string[]) {
  const result = spawnSync(process.execPath, ['--import', 'tsx', join(REPO, 'pipeline.ts'), 'docs', '--config', TEST_CONFIG_PATH, ...args], {
    cwd: REPO,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1' },
  });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

describe('pipeline docs --check', () => {
  it('passes on the committed docs/data-dictionary.md (regenerate it with `npm run pipeline -- docs` after a mart edit)', () => {
    const { status, output } = docs('--check');
    expect(output).toContain('docs/data-dictionary.md is up to date');
    expect(status).toBe(0);
  });

  it('exits non-zero naming the stale file', () => {
    const stale = join(temporaryFolder('docs-cli'), 'data-dictionary.md');
    writeFileSync(stale, '# Data dictionary\n\n## marts.gone\n');
    const { status, output } = docs('--check', '--output', stale);
    expect(status).toBe(1);
    expect(output).toMatch(/data-dictionary.md is out of date/);
    expect(output).toContain('marts.gone is in the file but no longer a mart');
  });
});
