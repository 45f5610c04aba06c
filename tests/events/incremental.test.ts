import { describe, expect, it } from 'vitest';
import { scopeKeys } from '../../warehouse/incremental-build.ts';
import { buildModels, discoverModels, selectModels } from '../../warehouse/models.ts';
import { addCatalogDurations, buildEngagement, engagementRows, eventSession, ingestLines, stream } from './harness.ts';
import { randomStreams } from './random-events.ts';

/**
 * A later ingest recomputes only the affected pairs, with their full history, and the rows equal a
 * full rebuild of the same events.
 */

const background = randomStreams(99, 60);
const firstBatch = [
  ...background.events,
  // anna plays video A and then nothing: an unclosed play, until batch 2 brings the next event
  ...stream({ userId: 'anna', sessionId: 's1', videoId: 'A' }, [[0, 'play', 0]]),
  // bob watches video E, whose duration only events report
  ...stream({ userId: 'bob', sessionId: 'b1', videoId: 'E' }, [[0, 'play', 0], [60, 'pause', 60]]).map((e) => ({ ...e, videoDuration: 100 })),
];
const engagementSpec = discoverModels().find((model) => model.name === 'marts.user_video_engagement')!.header.incremental!;

const secondBatch = [
  // closes anna's play of A by switching to B in the same stream: A's row must change
  ...stream({ userId: 'anna', sessionId: 's1', videoId: 'B', start: '2024-01-01T10:00:40Z' }, [[0, 'play', 0], [30, 'pause', 30]]),
  // carol reports a longer duration for E: bob's row must change too
  ...stream({ userId: 'carol', sessionId: 'c1', videoId: 'E' }, [[0, 'play', 0], [50, 'end', 50]]).map((e) => ({ ...e, videoDuration: 200 })),
  ...stream({ userId: 'dave', sessionId: 'd1', videoId: 'A' }, [[0, 'play', 0], [20, 'end', 20]]),
];

describe('incremental engagement builds', () => {
  it('recompute only the affected pairs and equal a full rebuild', async () => {
    const incremental = await eventSession();
    await addCatalogDurations(incremental, { ...background.catalog, A: 300 });
    await ingestLines(incremental, firstBatch);
    await buildEngagement(incremental);
    const before = await engagementRows(incremental);
    expect(before.find((r) => r.user_id === 'anna')).toMatchObject({ total_watch_time_s: 0, quality_flags: expect.arrayContaining(['unclosed_play']) });

    await ingestLines(incremental, secondBatch);
    expect(Number(await incremental.warehouse.scalar(`SELECT count(*) FROM meta.engagement_pending_streams`))).toBe(3);
    // the scope, once what the mart reads is built: the pairs of the three pending streams, and every
    // pair of E (its duration grew)
    await buildModels(incremental.warehouse, selectModels(discoverModels(), '+video_durations'), incremental.runId);
    expect(await scopeKeys(incremental.warehouse, engagementSpec)).toEqual([
      { user_id: 'anna', video_id: 'A' },
      { user_id: 'anna', video_id: 'B' },
      { user_id: 'bob', video_id: 'E' },
      { user_id: 'carol', video_id: 'E' },
      { user_id: 'dave', video_id: 'A' },
    ]);
    const second = await buildEngagement(incremental);
    expect(second).toMatchObject({ full: false, scopeKeys: 5 });
    // it reads the scope's streams only: anna's s1 (A's play, B's play and pause: 3 events), bob's b1,
    // carol's c1 and dave's d1 (2 each): 3 + 2 + 2 + 2 = 9 events, none of the background's
    expect(second.inputRows).toBe(9);
    expect(Number(await incremental.warehouse.scalar(`SELECT count(*) FROM meta.engagement_pending_streams`))).toBe(0);
    const after = await engagementRows(incremental);
    expect(after.find((r) => r.user_id === 'anna' && r.video_id === 'A')).toMatchObject({ total_watch_time_s: 40 });
    expect(after.find((r) => r.user_id === 'bob')).toMatchObject({ video_duration_s: 200, watch_percentage: 30 });

    const full = await eventSession();
    await addCatalogDurations(full, { ...background.catalog, A: 300 });
    await ingestLines(full, [...firstBatch, ...secondBatch]);
    await buildEngagement(full);
    expect(after).toEqual(await engagementRows(full));

    // Nothing new: a rebuild changes nothing and recomputes nothing.
    expect(await buildEngagement(incremental)).toMatchObject({ full: false, scopeKeys: 0, inputRows: 0 });
    expect(await engagementRows(incremental)).toEqual(after);
    incremental.warehouse.close();
    full.warehouse.close();
  });

  it('rebuilds everything when an event setting changes', async () => {
    const session = await eventSession();
    await ingestLines(session, stream({ userId: 'u', sessionId: 's', videoId: 'v' }, [[0, 'play', 0], [10, 'pause', 10]]));
    await buildEngagement(session);
    await session.warehouse.run(`UPDATE meta.settings SET value = '600' WHERE key = 'session_timeout_s'`);
    expect(await buildEngagement(session)).toMatchObject({ full: true, scopeKeys: null });
    session.warehouse.close();
  });
});
