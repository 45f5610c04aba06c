import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { removeAbandonedTemporaries, writeFileAtomically } from '../../warehouse/atomic-file.ts';

/**
 * A writer killed between writing its temporary file and the rename leaves the temporary behind (found
 * by the crash suite: exports, deliveries and the published DuckDB file kept `.<name>.<pid>.<id>.tmp`
 * and `.tmp.wal` files forever). The next writer of the same target removes them; a live writer's
 * temporary is left alone.
 */

const REPO_ROOT = join(import.meta.dirname, '..', '..');
const TSX = pathToFileURL(join(REPO_ROOT, 'node_modules', 'tsx', 'dist', 'loader.mjs')).href;
const MODULE = pathToFileURL(join(REPO_ROOT, 'warehouse', 'atomic-file.ts')).href;

/** A real process that writes `target` atomically and is SIGKILLed before its rename, as DuckDB would leave a .wal too. */
function killedWriter(target: string) {
  const script = `import { writeAtomically } from ${JSON.stringify(MODULE)};
import { writeFileSync } from 'node:fs';
await writeAtomically(${JSON.stringify(target)}, (temporary) => {
  writeFileSync(temporary, 'half');
  writeFileSync(temporary + '.wal', 'log');
  process.kill(process.pid, 'SIGKILL');
});`;
  return spawnSync(process.execPath, ['--import', TSX, '--input-type=module', '-e', script], { encoding: 'utf8' });
}

describe('atomic files after a crash', () => {
  it('the next write of the same target removes the temporaries a killed writer left', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'reelhouse-atomic-'));
    const target = join(folder, 'internet_cms.csv');
    writeFileSync(target, 'old');
    expect(killedWriter(target).signal).toBe('SIGKILL');
    expect(readdirSync(folder).filter((name) => name.includes('.tmp'))).toHaveLength(2);

    await writeFileAtomically(target, 'new');
    expect(readdirSync(folder)).toEqual(['internet_cms.csv']);
    expect(readFileSync(target, 'utf8')).toBe('new');
  });

  it("keeps a live writer's temporary and other targets' temporaries", async () => {
    const folder = mkdtempSync(join(tmpdir(), 'reelhouse-atomic-'));
    const target = join(folder, 'reelhouse.duckdb');
    const sleeper = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30000)']);
    try {
      const live = `.reelhouse.duckdb.${sleeper.pid}.0a1b2c3d.tmp`;
      const other = `.other.csv.999999999.0a1b2c3d.tmp`;
      writeFileSync(join(folder, live), 'in progress');
      writeFileSync(join(folder, other), 'not ours');
      expect(removeAbandonedTemporaries(target)).toEqual([]);
      expect(readdirSync(folder).sort()).toEqual([other, live].sort());
    } finally {
      sleeper.kill('SIGKILL');
    }
  });
});
