import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { describe, expect, it } from 'vitest';
import { ingestDemoEvents } from '../../extract/events/demo-events.ts';
import { buildModels, discoverModels, selectModels } from '../../warehouse/models.ts';
import { openSession } from '../../warehouse/session.ts';
import { loadTestConfig } from '../support/test-config.ts';

/**
 * The demo writes its sample player events into the data dir and ingests them. They are generated once
 * per data dir: a second demo run with another --as-of used to write events dated from its own as-of,
 * a new file, and staging.player_events doubled.
 */

const VIDEOS = [
  { videoId: '6001', durationS: 120 },
  { videoId: '6002', durationS: 300.5 },
  { videoId: '6003', durationS: 45 },
];

async function demoRun(dataDir: string, asOf: string): Promise<number> {
  const session = await openSession({ dataDir, config: loadTestConfig(), asOf, command: 'test-demo' });
  try {
    await ingestDemoEvents(session, VIDEOS, () => undefined);
    await buildModels(session.warehouse, selectModels(discoverModels(), '+player_events'), session.runId);
    return Number(await session.warehouse.scalar('SELECT count(*) FROM staging.player_events'));
  } finally {
    session.close();
  }
}

describe('demo sample events', () => {
  it('are generated once per data dir: a second run with another --as-of leaves staging.player_events the same size', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'reelhouse-demo-events-'));
    const first = await demoRun(dataDir, '2025-06-30');
    expect(existsSync(join(dataDir, 'demo-input', 'player_events.ndjson'))).toBe(true);
    expect(first).toBeGreaterThan(100);
    expect(await demoRun(dataDir, '2025-09-24')).toBe(first);
  });
});
