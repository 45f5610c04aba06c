import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { openSession } from '../../warehouse/session.ts';
import { TEST_CONFIG_PATH } from '../support/test-config.ts';

/**
 * A run that was killed never writes its own end. Found by the crash suite: its meta.runs row said
 * 'running' for ever (and was published so). The next session, which holds the data dir lock and so
 * knows no other run is alive, marks such rows failed, saying they were interrupted.
 */

const REPO_ROOT = join(import.meta.dirname, '..', '..');
const TSX = pathToFileURL(join(REPO_ROOT, 'node_modules', 'tsx', 'dist', 'loader.mjs')).href;
const MODULE = pathToFileURL(join(REPO_ROOT, 'warehouse', 'session.ts')).href;
const CONFIG = TEST_CONFIG_PATH;

describe('a session after a killed run', () => {
  it("marks the killed run failed (interrupted) and leaves no run 'running' but its own", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'reelhouse-interrupted-'));
    const script = `import { openSession } from ${JSON.stringify(MODULE)};
await openSession({ dataDir: ${JSON.stringify(dataDir)}, configPath: ${JSON.stringify(CONFIG)}, asOf: '2025-06-30', command: 'run' });`;
    const killed = spawnSync(process.execPath, ['--import', TSX, '--input-type=module', '-e', script], {
      env: { ...process.env, REELHOUSE_CRASH_AT: 'session:opened:1' },
      encoding: 'utf8',
    });
    expect(killed.signal, killed.stderr).toBe('SIGKILL');

    const session = await openSession({ dataDir, configPath: CONFIG, asOf: '2025-06-30', command: 'build' });
    try {
      const runs = await session.warehouse.rows<{ run_id: string; command: string; status: string; error: string | null }>(
        'SELECT run_id, command, status, error FROM meta.runs ORDER BY started_at, run_id',
      );
      expect(runs).toHaveLength(2);
      expect(runs[0]).toMatchObject({ command: 'run', status: 'failed' });
      expect(runs[0]!.error).toMatch(/interrupted/);
      expect(runs[1]).toMatchObject({ run_id: session.runId, status: 'running', error: null });
    } finally {
      await session.finish('succeeded');
      session.close();
    }
  });
});
