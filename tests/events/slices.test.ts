import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openSession, type PipelineSession } from '../../warehouse/session.ts';
import { loadTestConfig } from '../support/test-config.ts';
import { buildEngagement, engagementRows, ingestLines, stream } from './harness.ts';
import { randomStreams } from './random-events.ts';

/**
 * The engagement build sorts one slice of the users at a time (events_per_build_slice), so that 100 M
 * events need not be sorted at once. Slices must not change a row: a user's events never meet
 * another user's. Here slices of 60 events, so the same events are built in many slices and in one.
 */

async function sessionWithSlices(eventsPerBuildSlice?: number): Promise<PipelineSession> {
  const config = loadTestConfig();
  return openSession({
    dataDir: mkdtempSync(join(tmpdir(), 'reelhouse-slices-')),
    config: eventsPerBuildSlice === undefined ? config : { ...config, events: { ...config.events, events_per_build_slice: eventsPerBuildSlice } },
    asOf: '2025-06-30',
    command: 'test',
  });
}


const first = randomStreams(21, 120);
const second = [
  ...randomStreams(22, 30).events,
  // a known user returns: a new stream and an old one
  ...stream({ userId: 'user_21_0', sessionId: 'late-session', videoId: 'video_late' }, [[0, 'play', 0], [40, 'pause', 40]]),
];

describe('engagement build in slices of users', () => {
  it('gives the same rows as one pass, on a full build and on an incremental one', async () => {
    const onePass = await sessionWithSlices();
    await ingestLines(onePass, first.events);
    expect(await buildEngagement(onePass)).toMatchObject({ full: true, sliceCount: 1, slices: [null] });
    const onePassFirst = await engagementRows(onePass);

    const sliced = await sessionWithSlices(60);
    await ingestLines(sliced, first.events);
    const slicedFirst = await buildEngagement(sliced);
    // 12 is the most the header allows (`slices: ..., at most 12`)
    expect(slicedFirst.sliceCount).toBe(12);
    expect(await engagementRows(sliced)).toEqual(onePassFirst);
    expect(onePassFirst.length).toBeGreaterThan(100);

    await ingestLines(onePass, second);
    await ingestLines(sliced, second);
    await buildEngagement(onePass);
    const slicedSecond = await buildEngagement(sliced);
    expect(slicedSecond.full).toBe(false);
    const incrementalSlices = slicedSecond.sliceCount;
    expect(incrementalSlices).toBeGreaterThan(1);
    expect(incrementalSlices).toBeLessThanOrEqual(12);
    const expected = await engagementRows(onePass);
    expect(expected.find((row) => row.user_id === 'user_21_0' && row.video_id === 'video_late')).toMatchObject({ total_watch_time_s: 40 });
    expect(await engagementRows(sliced)).toEqual(expected);
    onePass.close();
    sliced.close();
  });

  it('give the same rows when one user holds more events than several slices (slice numbers skipped)', async () => {
    // one heavy user: 400 events in one stream, between light users numbered before and after
    const heavy = stream({ userId: 'heavy', sessionId: 'h1', videoId: 'long-video' },
      Array.from({ length: 400 }, (_, k): [number, string, number] => [k * 10, k === 0 ? 'play' : k % 50 === 0 ? 'pause' : k % 50 === 1 ? 'resume' : 'heartbeat', k * 10]));
    const events = [...randomStreams(31, 20).events, ...heavy, ...randomStreams(32, 20).events];
    const onePass = await sessionWithSlices();
    await ingestLines(onePass, events);
    await buildEngagement(onePass);
    const sliced = await sessionWithSlices(60);
    await ingestLines(sliced, events);
    const build = await buildEngagement(sliced);
    // the heavy user's 400 events span several slices' shares: some slice numbers have no users
    expect(build.slices.length).toBeLessThan(build.sliceCount);
    expect(await engagementRows(sliced)).toEqual(await engagementRows(onePass));
    expect((await engagementRows(sliced)).find((row) => row.user_id === 'heavy')).toMatchObject({ event_count: 400 });
    onePass.close();
    sliced.close();
  });
});
