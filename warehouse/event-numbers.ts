import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Warehouse } from './duckdb.ts';

/**
 * The numbers of users, (user, sessionId) streams and videos (raw.player_event_users, _streams,
 * _videos): the engagement mart sorts and groups by them instead of the id strings.
 */

const ASSIGN_SQL = readFileSync(join(import.meta.dirname, '..', 'sql', 'events', 'assign-event-numbers.sql'), 'utf8');

/**
 * Numbers the ids of `eventsQuery` (columns user_id, session_id, video_id) that have no number yet,
 * and leaves those events' ids with their numbers for EVENT_NUMBER_JOINS. Call inside the load's transaction.
 */
export async function assignEventNumbers(warehouse: Warehouse, eventsQuery: string): Promise<void> {
  await warehouse.run(`CREATE OR REPLACE TEMP VIEW events_to_number AS ${eventsQuery}`);
  await warehouse.run(ASSIGN_SQL);
  await warehouse.run('DROP VIEW events_to_number');
}

/** Joins that give the events passed to the last assignEventNumbers their user_no, stream_no and video_no. */
export const EVENT_NUMBER_JOINS = `
  JOIN event_user_numbers AS numbered_user USING (user_id)
  JOIN event_stream_numbers AS numbered_stream USING (user_id, session_id)
  JOIN event_video_numbers AS numbered_video USING (video_id)`;

/** Drops the temp tables assignEventNumbers leaves (the load's ids). */
export async function dropEventNumberTables(warehouse: Warehouse): Promise<void> {
  await warehouse.run('DROP TABLE IF EXISTS event_user_numbers; DROP TABLE IF EXISTS event_stream_numbers; DROP TABLE IF EXISTS event_video_numbers');
}

/**
 * Numbers the events that have none: those of a data dir written before the numbers existed (and the
 * bench's generated events). One transaction; returns how many events it numbered (0 on every later start).
 */
export async function numberUnnumberedEvents(warehouse: Warehouse): Promise<number> {
  const unnumbered = 'events.user_no IS NULL OR events.stream_no IS NULL OR events.video_no IS NULL';
  const missing = Number(await warehouse.scalar(`SELECT count(*) FROM raw.player_events AS events WHERE ${unnumbered}`));
  if (missing === 0) return 0;
  await warehouse.transaction(async () => {
    await assignEventNumbers(warehouse, `SELECT user_id, session_id, video_id FROM raw.player_events AS events WHERE ${unnumbered}`);
    await warehouse.run(`
      UPDATE raw.player_events AS events
      SET user_no = users.user_no, stream_no = streams.stream_no, video_no = videos.video_no
      FROM event_user_numbers AS users, event_stream_numbers AS streams, event_video_numbers AS videos
      WHERE (${unnumbered})
        AND users.user_id = events.user_id
        AND streams.user_id = events.user_id AND streams.session_id = events.session_id
        AND videos.video_id = events.video_id`);
  });
  await dropEventNumberTables(warehouse);
  return missing;
}
