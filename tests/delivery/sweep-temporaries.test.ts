import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { distribute } from '../../warehouse/distribute.ts';
import { exportAll } from '../../warehouse/export/export-command.ts';
import { openSession } from '../../warehouse/session.ts';
import { buildBrightcove, testConfig } from '../models/brightcove-fixture.ts';

/**
 * A writer killed before its rename leaves `.<name>.<pid>.<id>.tmp` (and a `.tmp.wal`); the next writer of
 * the same target removes it. An account removed from the configuration is never written again, so its
 * leftovers would stay forever: export sweeps exports/ and distribute sweeps {root}/{folder}/{month}/.
 */

const REPO_ROOT = join(import.meta.dirname, '..', '..');
const TSX = pathToFileURL(join(REPO_ROOT, 'node_modules', 'tsx', 'dist', 'loader.mjs')).href;
const MODULE = pathToFileURL(join(REPO_ROOT, 'warehouse', 'atomic-file.ts')).href;

/** A real process writing `target` atomically, SIGKILLed before its rename (as DuckDB would, it leaves a .wal too). */
function killedWriter(target: string): void {
  const script = `import { writeAtomically } from ${JSON.stringify(MODULE)};
import { writeFileSync } from 'node:fs';
await writeAtomically(${JSON.stringify(target)}, (temporary) => {
  writeFileSync(temporary, 'half');
  writeFileSync(temporary + '.wal', 'log');
  process.kill(process.pid, 'SIGKILL');
});`;
  expect(spawnSync(process.execPath, ['--import', TSX, '--input-type=module', '-e', script]).signal).toBe('SIGKILL');
}

const leftovers = (folder: string) => (existsSync(folder) ? readdirSync(folder).filter((name) => name.includes('.tmp')) : []);

describe('temporaries of an account removed from the configuration', () => {
  it('are removed by the next export and distribute; a live writer\'s temporary stays', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'reelhouse-sweep-'));
    const exports = join(dataDir, 'exports');
    // "retired" was an account (Harper and Reporting) in an earlier configuration; the test config has no such slug.
    const config = testConfig();
    expect(config.accounts.some((account) => account.slug === 'retired')).toBe(false);
    killedWriter(join(exports, 'harper', 'retired_cms.csv'));
    killedWriter(join(exports, 'reporting', 'retired_cms_cache_2024_2025.json'));
    const pastMonth = join(dataDir, 'distribution', 'Retired--Folder', '2025_06');
    killedWriter(join(pastMonth, 'retired_cms.csv'));
    expect([leftovers(join(exports, 'harper')), leftovers(join(exports, 'reporting')), leftovers(pastMonth)].map((names) => names.length)).toEqual([2, 2, 2]);

    const sleeper = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 120000)']);
    const live = `.retired_cms.csv.${sleeper.pid}.0a1b2c3d.tmp`;
    writeFileSync(join(exports, 'harper', live), 'in progress');
    mkdirSync(pastMonth, { recursive: true });
    writeFileSync(join(pastMonth, live), 'in progress');

    const session = await openSession({ dataDir, config, asOf: '2025-06-30', command: 'test-sweep' });
    try {
      await buildBrightcove(session.warehouse);
      const logged: string[] = [];
      await exportAll(session, (line) => logged.push(line));
      expect(leftovers(join(exports, 'harper'))).toEqual([live]);
      expect(leftovers(join(exports, 'reporting'))).toEqual([]);
      expect(logged.filter((line) => line.includes('removed')).length).toBe(4);
      await distribute(session, () => undefined);
      expect(leftovers(pastMonth)).toEqual([live]);
    } finally {
      sleeper.kill('SIGKILL');
      session.close();
    }
  });
});
