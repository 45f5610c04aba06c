import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeSampleEvents } from '../../extract/events/sample-events.ts';
import { ingestEvents } from '../../extract/events/ingest-events.ts';
import { buildEngagement, engagementRows, eventSession } from './harness.ts';

describe('demo sample events', () => {
  it('are deterministic, ingest with quarantined and duplicate rows, and build rows with every tier of behaviour', async () => {
    const session = await eventSession();
    const videos = [
      { videoId: '6001', durationS: 120 },
      { videoId: '6002', durationS: 300.5 },
      { videoId: '6003', durationS: 45 },
    ];
    const a = join(session.dir.root, 'a.ndjson');
    const b = join(session.dir.root, 'b.ndjson');
    const lines = await writeSampleEvents(a, videos, { users: 40, seed: 1 });
    await writeSampleEvents(b, videos, { users: 40, seed: 1 });
    expect(readFileSync(a, 'utf8')).toBe(readFileSync(b, 'utf8'));
    const counts = await ingestEvents(session.warehouse, session.dir, session.runId, [a], () => undefined);
    expect(counts.read).toBe(lines);
    expect(counts.quarantined).toBe(5);
    expect(counts.duplicates).toBeGreaterThan(0);
    await buildEngagement(session);
    const rows = await engagementRows(session);
    expect(new Set(rows.map((r) => r.engagement_tier))).toEqual(new Set(['High', 'Medium', 'Low', 'Minimal']));
    expect(rows.some((r) => r.session_count > 1)).toBe(true);
    expect(rows.some((r) => r.forward_skips > 0) && rows.some((r) => r.backward_skips > 0)).toBe(true);
    expect(rows.some((r) => r.quality_flags.includes('unclosed_play'))).toBe(true);
    session.warehouse.close();
  });
});
