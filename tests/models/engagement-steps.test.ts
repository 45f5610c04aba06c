import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildModels, discoverModels, selectModels, type Model } from '../../warehouse/models.ts';
import { rowsQuery, runStep, stepNames, stepQuery } from '../../warehouse/model-steps.ts';
import type { PipelineSession } from '../../warehouse/session.ts';
import { buildEngagement, engagementRows, eventSession, ingestLines, stream } from '../events/harness.ts';
import { randomStreams } from '../events/random-events.ts';

/**
 * Step-level tests of marts.user_video_engagement (docs/models.md#step-tests): one named step of the
 * model's chain run on given rows, so a rule is pinned where it is written. The rule values come from
 * the test configuration the session loaded (tests/fixtures/reelhouse.config.json: session timeout
 * 1800 s, playback speed 2, position tolerance 2 s, completion 0.95); the expected values are worked out
 * by hand below.
 */

const engagement = discoverModels().find((model) => model.name === 'marts.user_video_engagement')!;

const EVENT_TYPES = {
  user_id: 'VARCHAR', video_id: 'VARCHAR', user_no: 'BIGINT', stream_no: 'BIGINT', video_no: 'INTEGER',
  event_type: 'VARCHAR', event_at: 'TIMESTAMP', position_s: 'DOUBLE', input_order: 'BIGINT',
};

/** Events of one stream of user 1 and video 1: [seconds after 10:00:00, type, position in seconds]. */
function streamEvents(streamNo: number, events: ReadonlyArray<[offsetUs: number, type: string, position: number]>) {
  return events.map(([offsetUs, type, position], index) => ({
    user_id: 'u1', video_id: 'v1', user_no: 1, stream_no: streamNo, video_no: 1, event_type: type,
    // offsets in whole microseconds so that a bound can be met exactly and missed by one microsecond
    event_at: new Date(Date.UTC(2024, 0, 1, 10) + Math.floor(offsetUs / 1000)).toISOString().replace('Z', '') + String(offsetUs % 1000).padStart(3, '0'),
    position_s: position,
    input_order: streamNo * 1000 + index,
  }));
}

const S = 1_000_000; // microseconds per second

let session: PipelineSession;
beforeAll(async () => {
  session = await eventSession();
});
afterAll(() => session.close());

describe('the engagement mart as named steps', () => {
  it('is one chain, read top to bottom, from the events to the final row', () => {
    expect(stepNames(engagement)).toEqual([
      'engagement_rules', 'durations', 'scope_events', 'keyed_events', 'stream_neighbours', 'viewing_session_starts',
      'plain_event_states', 'seek_chain_states', 'event_states', 'watched_segments', 'clipped_segments',
      'event_outcomes', 'run_boundaries', 'run_returns', 'per_pair_sessions', 'per_pair_events',
      'per_user_video', 'named_rows', 'rounded', 'percentages', 'scored', 'final',
    ]);
    expect(() => stepQuery(engagement, 'no_such_step')).toThrow(/No step named "no_such_step"; the steps are: engagement_rules, durations/);
    expect(() => stepQuery(engagement, 'keyed_events', { final: 'SELECT 1' })).toThrow(/"final" is neither a step before keyed_events/);
  });

  it('viewing_session_starts: a gap of exactly the timeout continues the session, one microsecond more starts one', async () => {
    // gaps: 10 s, then 10 s + 1800 s... measured between consecutive events:
    //   play 0 → pause 10 s (gap 10 s), pause → play at 10 s + 1800 s (gap 1800 s = the timeout: same session),
    //   play → pause 10 s later, pause → play 1800 s + 1 µs later (over the timeout: a new session)
    const at = [0, 10 * S, 1810 * S, 1820 * S, 3620 * S + 1];
    const rows = await runStep<{ event_type: string; gap_before_us: string | null; starts_viewing_session: boolean }>(session.warehouse, engagement, 'viewing_session_starts', {
      given: { scope_events: rowsQuery(EVENT_TYPES, streamEvents(1, [[at[0]!, 'play', 0], [at[1]!, 'pause', 10], [at[2]!, 'play', 10], [at[3]!, 'pause', 20], [at[4]!, 'play', 20]])) },
      columns: ['event_type', 'gap_before_us', 'starts_viewing_session'],
      orderBy: 'input_order',
    });
    expect(rows).toEqual([
      { event_type: 'play', gap_before_us: null, starts_viewing_session: true },
      { event_type: 'pause', gap_before_us: String(10 * S), starts_viewing_session: false },
      { event_type: 'play', gap_before_us: String(1800 * S), starts_viewing_session: false },
      { event_type: 'pause', gap_before_us: String(10 * S), starts_viewing_session: false },
      { event_type: 'play', gap_before_us: String(1800 * S + 1), starts_viewing_session: true },
    ]);
  });

  it('watched_segments: the next position is credited up to 2 x the clock + 2 s ahead and not behind', async () => {
    // a play at position p, the next event 10 s later at position q: credited (the segment ends at q)
    // when 0 <= q - p <= 10 s x 2 + 2 s = 22 s, else the segment ends at p + 10 s (the clock)
    const streams = [
      streamEvents(1, [[0, 'play', 0], [10 * S, 'heartbeat', 22]]),        // q - p = 22 s: credited, end 22 s
      streamEvents(2, [[0, 'play', 0], [10 * S, 'heartbeat', 22.000001]]), // 22 s + 1 µs: the clock, end 10 s
      streamEvents(3, [[0, 'play', 10], [10 * S, 'heartbeat', 10]]),       // q - p = 0: credited, end 10 s
      streamEvents(4, [[0, 'play', 10], [10 * S, 'heartbeat', 9.999999]]), // 1 µs behind: the clock, 10 s + 10 s = 20 s
    ].flat();
    const rows = await runStep(session.warehouse, engagement, 'watched_segments', {
      given: { scope_events: rowsQuery(EVENT_TYPES, streams) },
      columns: ['stream_key', 'position_us', 'raw_segment_end_us'],
      orderBy: 'stream_key, input_order',
    });
    expect(rows.filter((_, index) => index % 2 === 0)).toEqual([
      { stream_key: 1, position_us: '0', raw_segment_end_us: String(22 * S) },
      { stream_key: 2, position_us: '0', raw_segment_end_us: String(10 * S) },
      { stream_key: 3, position_us: String(10 * S), raw_segment_end_us: String(10 * S) },
      { stream_key: 4, position_us: String(10 * S), raw_segment_end_us: String(20 * S) },
    ]);
    // the heartbeats open segments that nothing closes (no next event): no end
    expect(rows.filter((_, index) => index % 2 === 1).map((row) => row.raw_segment_end_us)).toEqual([null, null, null, null]);
  });

  it('clipped_segments: a segment is clipped to the video, here given a duration of 15 s', async () => {
    const rows = await runStep(session.warehouse, engagement, 'clipped_segments', {
      given: {
        scope_events: rowsQuery(EVENT_TYPES, streamEvents(1, [[0, 'play', 0], [10 * S, 'heartbeat', 22]])),
        durations: rowsQuery({ video_no: 'INTEGER', duration_us: 'BIGINT', completion_point_us: 'BIGINT' }, [{ video_no: 1, duration_us: 15 * S, completion_point_us: 14.25 * S }]),
      },
      columns: ['segment_start_us', 'segment_end_us'],
      orderBy: 'input_order',
      // the play's segment [0, 22 s] ends at the duration, 15 s; the heartbeat's is empty
    });
    expect(rows[0]).toEqual({ segment_start_us: '0', segment_end_us: String(15 * S) });
  });

  it('per_pair_sessions counts the viewing sessions of events that went through ingest (no given rows)', async () => {
    const own: PipelineSession = await eventSession();
    try {
      // one sessionId: 30 minutes apart (same viewing session), then 30 minutes and 1 s (a new one)
      await ingestLines(own, stream({ userId: 'ann', sessionId: 's1', videoId: 'V' }, [[0, 'play', 0], [10, 'pause', 10], [1810, 'play', 10], [1820, 'pause', 20], [3621, 'play', 20], [3631, 'pause', 30]]));
      // what the mart reads is built (the durations); the mart itself is not
      await buildModels(own.warehouse, selectModels(discoverModels(), '+video_durations'), own.runId);
      const model: Model = engagement;
      const sessions = await runStep(own.warehouse, model, 'per_pair_sessions', { columns: ['session_count', 'completion_count'] });
      // no CMS or reported duration: the largest position, 30 s, is the duration; the last segment ends
      // at 30 s >= 0.95 x 30 s = 28.5 s, so the second viewing session completes the video
      expect(sessions).toEqual([{ session_count: '2', completion_count: '1' }]);
    } finally {
      own.close();
    }
  });

  it('run as it stands (a full build, as the DuckDB CLI runs it), the file gives the rows the runner builds', async () => {
    const own: PipelineSession = await eventSession();
    try {
      await ingestLines(own, randomStreams(5, 40).events);
      expect(await buildEngagement(own)).toMatchObject({ full: true });
      const dailyWatch = () => own.warehouse.rows(`SELECT * FROM intermediate.user_video_daily_watch ORDER BY ALL`);
      const byRunner = { mart: await engagementRows(own), daily: await dailyWatch() };
      expect(byRunner.mart.length).toBeGreaterThan(20);
      await own.warehouse.run(engagement.sql);
      expect({ mart: await engagementRows(own), daily: await dailyWatch() }).toEqual(byRunner);
    } finally {
      own.close();
    }
  });
});
