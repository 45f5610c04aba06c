import { describe, expect, it } from 'vitest';
import { openSession, type PipelineSession } from '../../warehouse/session.ts';
import { openWarehouse } from '../../warehouse/duckdb.ts';
import { buildEngagement, engagementRows, eventSession, ingestLines, stream } from './harness.ts';
import { randomStreams } from './random-events.ts';
import { loadTestConfig } from '../support/test-config.ts';

/**
 * Ingest numbers every user, (user, sessionId) stream and video once (raw.player_event_users, _streams,
 * _videos); the engagement mart sorts and groups by those numbers. A number must never be given twice,
 * never change, and must match its event's ids; a data dir written before the numbers existed gets
 * them at its next start-up and builds the same rows.
 */

async function numberingProblems(session: PipelineSession): Promise<Record<string, number>> {
  const count = async (sql: string) => Number(await session.warehouse.scalar(sql));
  return {
    usersNumberedTwice: await count(`SELECT count(*) - count(DISTINCT user_id) FROM raw.player_event_users`),
    userNumbersGivenTwice: await count(`SELECT count(*) - count(DISTINCT user_no) FROM raw.player_event_users`),
    streamsNumberedTwice: await count(`SELECT count(*) - count(DISTINCT (user_id, session_id)) FROM raw.player_event_streams`),
    streamNumbersGivenTwice: await count(`SELECT count(*) - count(DISTINCT stream_no) FROM raw.player_event_streams`),
    videosNumberedTwice: await count(`SELECT count(*) - count(DISTINCT video_id) FROM raw.player_event_videos`),
    videoNumbersGivenTwice: await count(`SELECT count(*) - count(DISTINCT video_no) FROM raw.player_event_videos`),
    eventsWithoutNumbers: await count(`SELECT count(*) FROM raw.player_events WHERE user_no IS NULL OR stream_no IS NULL OR video_no IS NULL`),
    eventsWithOtherIdsNumbers: await count(`
      SELECT count(*) FROM raw.player_events AS e
      WHERE NOT EXISTS (SELECT 1 FROM raw.player_event_users AS u WHERE u.user_no = e.user_no AND u.user_id = e.user_id)
         OR NOT EXISTS (SELECT 1 FROM raw.player_event_streams AS s
                        WHERE s.stream_no = e.stream_no AND s.user_id = e.user_id AND s.session_id = e.session_id)
         OR NOT EXISTS (SELECT 1 FROM raw.player_event_videos AS v WHERE v.video_no = e.video_no AND v.video_id = e.video_id)`),
    numberedIdsWithoutEvents: await count(`
      SELECT (SELECT count(*) FROM raw.player_event_users AS u ANTI JOIN raw.player_events AS e USING (user_no))
           + (SELECT count(*) FROM raw.player_event_streams AS s ANTI JOIN raw.player_events AS e USING (stream_no))
           + (SELECT count(*) FROM raw.player_event_videos AS v ANTI JOIN raw.player_events AS e USING (video_no))`),
  };
}

const noProblems = {
  usersNumberedTwice: 0,
  userNumbersGivenTwice: 0,
  streamsNumberedTwice: 0,
  streamNumbersGivenTwice: 0,
  videosNumberedTwice: 0,
  videoNumbersGivenTwice: 0,
  eventsWithoutNumbers: 0,
  eventsWithOtherIdsNumbers: 0,
  numberedIdsWithoutEvents: 0,
};

describe('numbers of users, streams and videos', () => {
  it('are given once per id across loads, never change, and match each event', async () => {
    const session = await eventSession();
    const first = randomStreams(7, 40);
    await ingestLines(session, first.events);
    const numbersAfterFirst = await session.warehouse.rows(
      `SELECT 'user' AS kind, user_no AS no, user_id AS id FROM raw.player_event_users
       UNION ALL SELECT 'stream', stream_no, user_id || '/' || session_id FROM raw.player_event_streams
       UNION ALL SELECT 'video', video_no, video_id FROM raw.player_event_videos ORDER BY ALL`,
    );
    expect(numbersAfterFirst.length).toBeGreaterThan(40);
    expect(await numberingProblems(session)).toEqual(noProblems);

    // A second load: known ids again (a known stream, a known user in a new session, known videos),
    // new users, and a new video.
    const known = first.events[0]!;
    const knownIds = { userId: String(known.userId ?? known.user_id), sessionId: String(known.sessionId ?? known.session_id), videoId: String(known.videoId ?? known.video_id) };
    const second = randomStreams(8, 40);
    await ingestLines(session, [
      ...second.events,
      ...stream({ ...knownIds, start: '2026-01-01T00:00:00Z' },
        [[0, 'play', 0], [10, 'pause', 10]]),
      ...stream({ ...knownIds, sessionId: 'another-session', start: '2026-01-02T00:00:00Z' },
        [[0, 'play', 0], [10, 'pause', 10]]),
      ...stream({ userId: 'newcomer', sessionId: 'session_1', videoId: 'fresh-video' }, [[0, 'play', 0], [30, 'pause', 30]]),
    ]);
    expect(await numberingProblems(session)).toEqual(noProblems);
    const numbersAfterSecond = await session.warehouse.rows(
      `SELECT 'user' AS kind, user_no AS no, user_id AS id FROM raw.player_event_users
       UNION ALL SELECT 'stream', stream_no, user_id || '/' || session_id FROM raw.player_event_streams
       UNION ALL SELECT 'video', video_no, video_id FROM raw.player_event_videos ORDER BY ALL`,
    );
    // every number given by the first load is still there, for the same id
    expect(numbersAfterSecond).toEqual(expect.arrayContaining(numbersAfterFirst));
    expect(numbersAfterSecond.length).toBeGreaterThan(numbersAfterFirst.length);
    expect(numbersAfterSecond).toEqual(expect.arrayContaining([expect.objectContaining({ kind: 'user', id: 'newcomer' })]));

    // the mart names rows by the ids, not the numbers
    await buildEngagement(session);
    const rows = await engagementRows(session);
    expect(rows.find((row) => row.user_id === 'newcomer')).toMatchObject({ video_id: 'fresh-video', total_watch_time_s: 30 });
    session.close();
  });

  it('are given at start-up to a data dir written before they existed (which is otherwise upgraded too), and the mart builds the same rows', async () => {
    const events = randomStreams(11, 50);
    const current = await eventSession();
    await ingestLines(current, events.events);
    await buildEngagement(current);
    const expected = await engagementRows(current);
    const dataDir = current.dir.root;
    const workingDb = current.dir.workingDb;
    current.close();

    // Make the data dir look like one from before the numbers: no number columns, no number tables.
    // (Through the process's cached instance of the file, the one the pipeline opens: a second
    // instance would not be seen by it.)
    const old = await openWarehouse(workingDb);
    for (const sql of [
      'ALTER TABLE raw.player_events DROP COLUMN user_no',
      'ALTER TABLE raw.player_events DROP COLUMN stream_no',
      'ALTER TABLE raw.player_events DROP COLUMN video_no',
      'DROP TABLE raw.player_event_users',
      'DROP TABLE raw.player_event_streams',
      'DROP TABLE raw.player_event_videos',
      'DROP TABLE marts.user_video_engagement',
      // the pending streams as they were: keyed, with a stream still owed to the mart
      'DROP TABLE meta.engagement_pending_streams',
      'CREATE TABLE meta.engagement_pending_streams (user_id VARCHAR NOT NULL, session_id VARCHAR NOT NULL, PRIMARY KEY (user_id, session_id))',
      "INSERT INTO meta.engagement_pending_streams VALUES ('someone', 'some-session')",
    ]) {
      await old.run(sql);
    }
    expect(Number(await old.scalar(`SELECT count(*) FROM duckdb_columns() WHERE schema_name = 'raw' AND table_name = 'player_events' AND column_name = 'user_no'`))).toBe(0);
    old.close();

    const reopened = await openSession({ dataDir, config: loadTestConfig(), asOf: '2025-06-30', command: 'test' });
    expect(await numberingProblems(reopened)).toEqual(noProblems);
    // the pending streams kept their rows and lost the key (emptying a keyed table of millions of rows was slow)
    expect(await reopened.warehouse.rows(`SELECT * FROM meta.engagement_pending_streams`)).toEqual([{ user_id: 'someone', session_id: 'some-session' }]);
    expect(Number(await reopened.warehouse.scalar(
      `SELECT count(*) FROM duckdb_constraints() WHERE table_name = 'engagement_pending_streams' AND constraint_type = 'PRIMARY KEY'`,
    ))).toBe(0);
    expect(Number(await reopened.warehouse.scalar(`SELECT count(*) FROM raw.player_event_users`))).toBeGreaterThan(0);
    await buildEngagement(reopened);
    expect(await engagementRows(reopened)).toEqual(expected);
    reopened.close();
  });
});
