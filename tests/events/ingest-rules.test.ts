import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ingestEvents, type FileIngestResult } from '../../extract/events/ingest-events.ts';
import { openSession, type PipelineSession } from '../../warehouse/session.ts';
import { loadTestConfig } from '../support/test-config.ts';

/**
 * The input rules of player-event ingest (docs/engagement-rules.md, "Input"), each boundary exactly at
 * it and just past it on both sides: epoch seconds vs milliseconds, time zones, the two timestamp
 * bounds (2000-01-01 and the end of the day after the run's as-of date), the position cap, the
 * videoDuration range, duplicates and conflicting eventIds within a load and across loads, and
 * read = accepted + quarantined + duplicates per load. Expected values are worked out by hand; rows
 * are read from raw.player_events, raw.player_events_quarantine and meta.player_event_files.
 */

const sessions: PipelineSession[] = [];
afterEach(() => {
  for (const session of sessions.splice(0)) session.close();
});

async function sessionAsOf(asOf: string): Promise<PipelineSession> {
  const dataDir = mkdtempSync(join(tmpdir(), 'reelhouse-ingest-rules-'));
  const session = await openSession({ dataDir, config: loadTestConfig(), asOf, command: 'test' });
  sessions.push(session);
  return session;
}

type Line = Record<string, unknown> | string;

interface Load {
  readonly result: FileIngestResult;
  readonly loadId: number;
  readonly printed: string[];
}

let fileCounter = 0;
/** Writes the lines as one NDJSON file, ingests it, and checks the load's accounting as printed and as recorded. */
async function ingest(session: PipelineSession, lines: readonly Line[]): Promise<Load> {
  fileCounter += 1;
  const file = join(session.dir.root, `rules_${fileCounter}.ndjson`);
  writeFileSync(file, lines.map((line) => (typeof line === 'string' ? line : JSON.stringify(line))).join('\n') + '\n');
  const printed: string[] = [];
  const summary = await ingestEvents(session.warehouse, session.dir, session.runId, [file], (line) => printed.push(line));
  const result = summary.files[0]!;
  const recorded = await session.warehouse.rows<Record<string, string>>(
    `SELECT load_id, rows_read, rows_accepted, rows_quarantined, rows_duplicate FROM meta.player_event_files WHERE source_file = $1`,
    [file],
  );
  expect(recorded).toHaveLength(1);
  const loadId = Number(recorded[0]!.load_id);
  const stored = {
    read: Number(recorded[0]!.rows_read),
    accepted: Number(recorded[0]!.rows_accepted),
    quarantined: Number(recorded[0]!.rows_quarantined),
    duplicates: Number(recorded[0]!.rows_duplicate),
  };
  expect(stored).toEqual({ read: result.read, accepted: result.accepted, quarantined: result.quarantined, duplicates: result.duplicates });
  expect(stored.read).toBe(stored.accepted + stored.quarantined + stored.duplicates);
  // What the load really wrote: accepted rows in raw.player_events, rejected ones in the quarantine.
  const landed = Number(await session.warehouse.scalar(`SELECT count(*) FROM raw.player_events WHERE load_id = ${loadId}`));
  const quarantined = Number(await session.warehouse.scalar(`SELECT count(*) FROM raw.player_events_quarantine WHERE load_id = ${loadId}`));
  expect([landed, quarantined]).toEqual([stored.accepted, stored.quarantined]);
  expect(printed).toContain(
    `  ${file}: read ${stored.read} = accepted ${stored.accepted} + quarantined ${stored.quarantined} + duplicates ${stored.duplicates}` +
      (Object.keys(result.quarantineReasons).length > 0
        ? ` (${Object.entries(result.quarantineReasons).map(([reason, n]) => `${reason} ${n}`).join(', ')})`
        : ''),
  );
  return { result, loadId, printed };
}

async function acceptedOf(session: PipelineSession, loadId: number) {
  return session.warehouse.rows<{ source_row: number; event_at: string; position_s: number; video_duration_s: number | null }>(
    `SELECT CAST(source_row AS INTEGER) AS source_row, strftime(event_at, '%Y-%m-%d %H:%M:%S.%f') AS event_at, position_s, video_duration_s
     FROM raw.player_events WHERE load_id = ${loadId} ORDER BY source_row`,
  );
}

async function quarantineOf(session: PipelineSession, loadId: number): Promise<Array<[number, string]>> {
  const rows = await session.warehouse.rows<{ source_row: number; reason: string }>(
    `SELECT CAST(source_row AS INTEGER) AS source_row, reason FROM raw.player_events_quarantine WHERE load_id = ${loadId} ORDER BY source_row`,
  );
  return rows.map((row) => [Number(row.source_row), row.reason]);
}

const base = { userId: 'u', sessionId: 's', videoId: 'v', eventName: 'heartbeat' };
const at = (timestamp: unknown, currentTime: number, extra: Record<string, unknown> = {}) => ({ ...base, timestamp, currentTime, ...extra });

describe('timestamps', () => {
  it('an epoch number or digit string below 1e11 is seconds, from 1e11 on milliseconds (as-of 5138-11-16, so both readings land in view)', async () => {
    // 1e11 s = 1,157,407 days + 35,200 s after 1970-01-01 = 5138-11-16 09:46:40; 1e11 ms = 1e8 s = 1973-03-03 09:46:40.
    // With the as-of date 5138-11-16 the seconds reading is within bounds (up to the end of 5138-11-17),
    // while the milliseconds reading is before 2000: each side of 1e11 shows as accepted vs quarantined.
    const session = await sessionAsOf('5138-11-16');
    const load = await ingest(session, [
      at(99_999_999_998, 1), // 1  1e11 − 2 s → 5138-11-16 09:46:38
      at(99_999_999_999, 2), // 2  1e11 − 1 s → 5138-11-16 09:46:39
      at('99999999999', 3), // 3  the same as digits
      at(99_999_999_999.5, 4), // 4  with a fraction: 09:46:39.5
      at(100_000_000_000, 5), // 5  exactly 1e11: milliseconds → 1973-03-03 09:46:40 → before 2000
      at('100000000000', 6), // 6  the same as digits
      at(100_000_000_001, 7), // 7  1e11 + 1 ms → 1973-03-03 09:46:40.001 → before 2000
    ]);
    expect(load.result).toMatchObject({ read: 7, accepted: 4, quarantined: 3, duplicates: 0 });
    expect(await acceptedOf(session, load.loadId)).toMatchObject([
      { source_row: 1, event_at: '5138-11-16 09:46:38.000000' },
      { source_row: 2, event_at: '5138-11-16 09:46:39.000000' },
      { source_row: 3, event_at: '5138-11-16 09:46:39.000000' },
      { source_row: 4, event_at: '5138-11-16 09:46:39.500000' },
    ]);
    expect(await quarantineOf(session, load.loadId)).toEqual([
      [5, 'timestamp_out_of_range'],
      [6, 'timestamp_out_of_range'],
      [7, 'timestamp_out_of_range'],
    ]);
  });

  it('today’s epochs: seconds, milliseconds, digit strings, fractions to the microsecond, all the same instant', async () => {
    // 1,709,287,200 s = 19,783 days + 36,000 s after 1970-01-01 = 2024-03-01 10:00:00 (below 1e11: seconds);
    // 1,709,287,200,000 is the same instant in milliseconds (at or above 1e11).
    const session = await sessionAsOf('2025-06-30');
    const load = await ingest(session, [
      at(1_709_287_200, 1),
      at('1709287200', 2),
      at(1_709_287_200_000, 3),
      at('1709287200000', 4),
      at('1709287200.123456', 5), // seconds with microseconds
      at(1_709_287_200_123.456, 6), // milliseconds with microseconds
    ]);
    expect(load.result).toMatchObject({ read: 6, accepted: 6, quarantined: 0, duplicates: 0 });
    expect((await acceptedOf(session, load.loadId)).map((row) => row.event_at)).toEqual([
      '2024-03-01 10:00:00.000000',
      '2024-03-01 10:00:00.000000',
      '2024-03-01 10:00:00.000000',
      '2024-03-01 10:00:00.000000',
      '2024-03-01 10:00:00.123456',
      '2024-03-01 10:00:00.123456',
    ]);
  });

  it('ISO text: z and Z are UTC, an offset is converted to UTC, no zone means UTC; microseconds are kept', async () => {
    const session = await sessionAsOf('2025-06-30');
    const load = await ingest(session, [
      at('2024-03-01T10:00:00.123456z', 1),
      at('2024-03-01T10:00:00.123456Z', 2),
      at('2024-03-01T12:00:00.123456+02:00', 3), // 12:00 at +02:00 = 10:00 UTC
      at('2024-03-01T05:30:00.123456-04:30', 4), // 05:30 at −04:30 = 10:00 UTC
      at('2024-03-01T10:00:00.123456', 5),
      at('2024-03-01 10:00:00.123457z', 6), // one microsecond later
    ]);
    expect(load.result).toMatchObject({ read: 6, accepted: 6, quarantined: 0, duplicates: 0 });
    expect((await acceptedOf(session, load.loadId)).map((row) => row.event_at)).toEqual([
      '2024-03-01 10:00:00.123456',
      '2024-03-01 10:00:00.123456',
      '2024-03-01 10:00:00.123456',
      '2024-03-01 10:00:00.123456',
      '2024-03-01 10:00:00.123456',
      '2024-03-01 10:00:00.123457',
    ]);
  });

  it('the lower bound: 2000-01-01T00:00:00Z is accepted, one microsecond earlier is not', async () => {
    const session = await sessionAsOf('2025-06-30');
    const load = await ingest(session, [
      at('1999-12-31T23:59:59.999999Z', 1), // 1 µs before the bound
      at('2000-01-01T00:00:00Z', 2), // the bound
      at('2000-01-01T00:00:00.000001Z', 3), // 1 µs after
      at(946_684_800, 4), // 946,684,800 s = 10,957 days = 2000-01-01 00:00:00
      at(946_684_799, 5), // one second earlier
      at('2000-01-01T01:00:00+01:00', 6), // = 2000-01-01 00:00:00 UTC
      at('2000-01-01T00:59:59.999999+01:00', 7), // = 1999-12-31 23:59:59.999999 UTC
    ]);
    expect(load.result).toMatchObject({ read: 7, accepted: 4, quarantined: 3, duplicates: 0 });
    expect((await acceptedOf(session, load.loadId)).map((row) => [Number(row.source_row), row.event_at])).toEqual([
      [2, '2000-01-01 00:00:00.000000'],
      [3, '2000-01-01 00:00:00.000001'],
      [4, '2000-01-01 00:00:00.000000'],
      [6, '2000-01-01 00:00:00.000000'],
    ]);
    expect(await quarantineOf(session, load.loadId)).toEqual([
      [1, 'timestamp_out_of_range'],
      [5, 'timestamp_out_of_range'],
      [7, 'timestamp_out_of_range'],
    ]);
  });

  it('the upper bound is the end (UTC) of the day after the as-of date, never the wall clock', async () => {
    // as-of 2025-06-30: the day after is 2025-07-01, which ends after 23:59:59.999999; 2025-07-02T00:00:00Z is past it.
    const session = await sessionAsOf('2025-06-30');
    const load = await ingest(session, [
      at('2025-07-01T23:59:59.999998Z', 1), // 1 µs before the end of the day
      at('2025-07-01T23:59:59.999999Z', 2), // the last microsecond of the day
      at('2025-07-02T00:00:00Z', 3), // 1 µs past
      at('2025-07-02T01:59:59.999999+02:00', 4), // = 2025-07-01 23:59:59.999999 UTC
      at('2025-07-01T22:00:00-02:00', 5), // = 2025-07-02 00:00:00 UTC
      at('2025-06-30T12:00:00Z', 6), // the as-of date itself
      at(1_751_414_399, 7), // 20,270 days + 86,399 s = 2025-07-01 23:59:59
      at(1_751_414_400, 8), // 2025-07-02 00:00:00
      at(Date.now(), 9), // the wall clock's now: later than 2025-07-01 whenever this test runs
    ]);
    expect(load.result).toMatchObject({ read: 9, accepted: 5, quarantined: 4, duplicates: 0 });
    expect((await acceptedOf(session, load.loadId)).map((row) => [Number(row.source_row), row.event_at])).toEqual([
      [1, '2025-07-01 23:59:59.999998'],
      [2, '2025-07-01 23:59:59.999999'],
      [4, '2025-07-01 23:59:59.999999'],
      [6, '2025-06-30 12:00:00.000000'],
      [7, '2025-07-01 23:59:59.000000'],
    ]);
    expect(await quarantineOf(session, load.loadId)).toEqual([
      [3, 'timestamp_out_of_range'],
      [5, 'timestamp_out_of_range'],
      [8, 'timestamp_out_of_range'],
      [9, 'timestamp_out_of_range'],
    ]);
  });

  it('the upper bound follows the as-of date: the same rows with as-of 2025-07-01 are all accepted up to 2025-07-02', async () => {
    const session = await sessionAsOf('2025-07-01');
    const load = await ingest(session, [
      at('2025-07-02T00:00:00Z', 1), // the start of the day after as-of: accepted now
      at('2025-07-02T23:59:59.999999Z', 2), // its last microsecond
      at('2025-07-03T00:00:00Z', 3), // 1 µs past
    ]);
    expect(load.result).toMatchObject({ read: 3, accepted: 2, quarantined: 1, duplicates: 0 });
    expect(await quarantineOf(session, load.loadId)).toEqual([[3, 'timestamp_out_of_range']]);
  });
});

describe('positions and durations', () => {
  it('a position above 10,000,000 s is quarantined; 10,000,000 and 0 are accepted, below 0 is not', async () => {
    const session = await sessionAsOf('2025-06-30');
    const load = await ingest(session, [
      at('2024-03-01T10:00:01Z', 9_999_999.999),
      at('2024-03-01T10:00:02Z', 10_000_000),
      at('2024-03-01T10:00:03Z', 10_000_000.001),
      at('2024-03-01T10:00:04Z', 0),
      at('2024-03-01T10:00:05Z', -0.001),
    ]);
    expect(load.result).toMatchObject({ read: 5, accepted: 3, quarantined: 2, duplicates: 0 });
    expect((await acceptedOf(session, load.loadId)).map((row) => row.position_s)).toEqual([9_999_999.999, 10_000_000, 0]);
    expect(await quarantineOf(session, load.loadId)).toEqual([
      [3, 'bad_position'],
      [5, 'bad_position'],
    ]);
  });

  it('a videoDuration outside (0, 10,000,000] or not a number is stored as NULL and the row is kept', async () => {
    const session = await sessionAsOf('2025-06-30');
    const durations: unknown[] = [0, 0.001, 10_000_000, 10_000_000.001, -1, 'abc', null, 9_999_999.999, '300'];
    const load = await ingest(
      session,
      durations.map((videoDuration, i) => at(`2024-03-01T10:00:0${i}Z`, i, { videoDuration })),
    );
    expect(load.result).toMatchObject({ read: 9, accepted: 9, quarantined: 0, duplicates: 0 });
    expect((await acceptedOf(session, load.loadId)).map((row) => row.video_duration_s)).toEqual([
      null, // 0: not above 0
      0.001,
      10_000_000, // the cap itself
      null, // just past the cap
      null,
      null,
      null,
      9_999_999.999,
      300,
    ]);
  });
});

describe('duplicates and conflicting eventIds', () => {
  const X = { ...base, eventName: 'play', timestamp: '2024-05-01T10:00:00Z', currentTime: 0 };
  // X with one part of its content changed: user, session, video, canonical name, timestamp (+1 µs), position.
  const changed = (event: Record<string, unknown>) => [
    { ...event, userId: 'u2' },
    { ...event, sessionId: 's2' },
    { ...event, videoId: 'v2' },
    { ...event, eventName: 'pause' },
    { ...event, timestamp: String(event.timestamp).replace('Z', '.000001Z') },
    { ...event, currentTime: Number(event.currentTime) + 0.001 },
  ];
  const withId = { ...X, eventId: '1' };
  const nextDay = { ...withId, timestamp: '2024-05-02T10:00:00Z' };
  const Y = { ...X, currentTime: 40 };

  it('within one load: same eventId and content is a duplicate, other content is conflicting_event_id, another UTC date is another event', async () => {
    const session = await sessionAsOf('2025-06-30');
    const load = await ingest(session, [
      withId, // 1 accepted
      withId, // 2 duplicate
      { ...withId, eventName: 'VIDEO_START', timestamp: '2024-05-01T12:00:00+02:00' }, // 3 same canonical name and instant: duplicate
      ...changed(withId), // 4–9 eventId "1" for other content: conflicting_event_id
      nextDay, // 10 eventId "1" on 2024-05-02: another event, accepted
      nextDay, // 11 duplicate of row 10
      { ...nextDay, currentTime: 5 }, // 12 conflicts with row 10 (same date), not with row 1
      X, // 13 no eventId, the content of row 1: duplicate
      Y, // 14 no eventId, new content: accepted
      Y, // 15 duplicate
      ...changed(Y), // 16–21 no eventId, each a different content: accepted
      JSON.stringify(X).replace('"currentTime":0', '"currentTime":-0.0'), // 22 position −0.0 is 0: duplicate of row 1
    ]);
    // accepted: 1, 10, 14, 16–21 = 9; quarantined: 4–9, 12 = 7; duplicates: 2, 3, 11, 13, 15, 22 = 6; 9 + 7 + 6 = 22.
    expect(load.result).toMatchObject({ read: 22, accepted: 9, quarantined: 7, duplicates: 6 });
    expect(load.result.quarantineReasons).toEqual({ conflicting_event_id: 7 });
    expect(await quarantineOf(session, load.loadId)).toEqual([4, 5, 6, 7, 8, 9, 12].map((row) => [row, 'conflicting_event_id']));
    expect((await acceptedOf(session, load.loadId)).map((row) => Number(row.source_row))).toEqual([1, 10, 14, 16, 17, 18, 19, 20, 21]);
    // The first one landed stands: eventId "1" of 2024-05-01 is row 1's play at 0.
    const first = await session.warehouse.rows(
      `SELECT event_type, position_s, strftime(event_at, '%Y-%m-%d %H:%M:%S.%f') AS event_at FROM raw.player_events WHERE event_id = '1' ORDER BY event_at`,
    );
    expect(first).toEqual([
      { event_type: 'play', position_s: 0, event_at: '2024-05-01 10:00:00.000000' },
      { event_type: 'play', position_s: 0, event_at: '2024-05-02 10:00:00.000000' },
    ]);
  });

  it('five different events sharing eventId "1" on one date: one accepted, four conflicting_event_id, none vanish', async () => {
    const session = await sessionAsOf('2025-06-30');
    // 10:00:00 at 0, 10:00:10 at 10, … 10:00:40 at 40: every one eventId "1" on 2024-05-01.
    const five = [0, 10, 20, 30, 40].map((second) => ({ ...withId, timestamp: `2024-05-01T10:00:${String(second).padStart(2, '0')}Z`, currentTime: second }));
    const load = await ingest(session, five);
    expect(load.result).toMatchObject({ read: 5, accepted: 1, quarantined: 4, duplicates: 0 });
    expect(await quarantineOf(session, load.loadId)).toEqual([2, 3, 4, 5].map((row) => [row, 'conflicting_event_id']));
  });

  // Ingest compares columns only for the rows whose content or (date, eventId) hashes like another row's
  // or a landed event's (sql/events/classify-rows.sql, statement 2); the tests above mostly meet rows
  // that nothing else shares. These send every row at least twice, so the exact comparison decides.
  it('rows that share a hash are compared column by column: re-sent rows that differ in one part stay separate events', async () => {
    const session = await sessionAsOf('2025-06-30');
    const noId = [Y, ...changed(Y)]; // seven contents without an eventId
    const ids = [withId, ...changed(withId).map((event, i) => ({ ...event, eventId: `id${i + 2}` }))]; // seven eventIds, seven contents
    // Row 29 is Y under another name of its canonical type: the same content, so a duplicate.
    const load = await ingest(session, [...noId, ...ids, ...noId, ...ids, { ...Y, eventName: 'VIDEO_START' }]);
    // accepted: the first copy of each, rows 1–14; duplicates: rows 15–29; 14 + 0 + 15 = 29.
    expect(load.result).toMatchObject({ read: 29, accepted: 14, quarantined: 0, duplicates: 15 });
    expect((await acceptedOf(session, load.loadId)).map((row) => Number(row.source_row))).toEqual(
      Array.from({ length: 14 }, (_, i) => i + 1),
    );
  });

  it('an eventId shared by just two rows, or by one row and a landed event, is a conflict; a lone row with landed content is a duplicate', async () => {
    const session = await sessionAsOf('2025-06-30');
    const first = await ingest(session, [withId, { ...withId, currentTime: 5 }]);
    // 1 accepted; 2 eventId "1" for other content: conflicting_event_id
    expect(first.result).toMatchObject({ read: 2, accepted: 1, quarantined: 1, duplicates: 0 });
    expect(await quarantineOf(session, first.loadId)).toEqual([[2, 'conflicting_event_id']]);

    const second = await ingest(session, [
      { ...withId, currentTime: 7 }, // 1 the only row of this load with eventId "1", which load 1 landed: conflicting_event_id
      X, // 2 no eventId, the content load 1 landed under eventId "1", and nothing in this load shares it: duplicate
      Y, // 3 new content: accepted
      nextDay, // 4 eventId "1" on 2024-05-02, where nothing landed: another event, accepted
      nextDay, // 5 duplicate of row 4
    ]);
    expect(second.result).toMatchObject({ read: 5, accepted: 2, quarantined: 1, duplicates: 2 });
    expect(await quarantineOf(session, second.loadId)).toEqual([[1, 'conflicting_event_id']]);
    expect((await acceptedOf(session, second.loadId)).map((row) => Number(row.source_row))).toEqual([3, 4]);

    const third = await ingest(session, [...changed(Y), ...changed(Y)]);
    // Each content differs from the landed Y in one part: rows 1–6 accepted, their copies 7–12 duplicates.
    expect(third.result).toMatchObject({ read: 12, accepted: 6, quarantined: 0, duplicates: 6 });
    expect((await acceptedOf(session, third.loadId)).map((row) => Number(row.source_row))).toEqual([1, 2, 3, 4, 5, 6]);

    // Alone, with nothing else in its load that shares the landed event's content: still a conflict.
    const fourth = await ingest(session, [{ ...withId, currentTime: 9 }]);
    expect(fourth.result).toMatchObject({ read: 1, accepted: 0, quarantined: 1, duplicates: 0 });
    expect(await quarantineOf(session, fourth.loadId)).toEqual([[1, 'conflicting_event_id']]);
  });

  it('across loads: a later load meets the events already landed on the dates it touches', async () => {
    const session = await sessionAsOf('2025-06-30');
    const first = await ingest(session, [withId, Y]);
    expect(first.result).toMatchObject({ read: 2, accepted: 2, quarantined: 0, duplicates: 0 });

    const second = await ingest(session, [
      withId, // 1 duplicate of load 1's eventId "1"
      ...changed(withId), // 2–7 conflicting_event_id: load 1's event stands
      nextDay, // 8 eventId "1" on 2024-05-02: another event, accepted
      Y, // 9 no eventId, landed in load 1: duplicate
      ...changed(Y), // 10–15 new contents: accepted
      X, // 16 no eventId, the content landed under eventId "1": duplicate
      ...changed(X), // 17–22 no eventId, each differing from that content in one part (and rows 2–7 never landed): accepted
    ]);
    // accepted: 8, 10–15, 17–22 = 13; quarantined: 2–7 = 6; duplicates: 1, 9, 16 = 3; 13 + 6 + 3 = 22.
    expect(second.result).toMatchObject({ read: 22, accepted: 13, quarantined: 6, duplicates: 3 });
    expect(await quarantineOf(session, second.loadId)).toEqual([2, 3, 4, 5, 6, 7].map((row) => [row, 'conflicting_event_id']));
    expect((await acceptedOf(session, second.loadId)).map((row) => Number(row.source_row))).toEqual([
      8, 10, 11, 12, 13, 14, 15, 17, 18, 19, 20, 21, 22,
    ]);

    const third = await ingest(session, [
      nextDay, // 1 duplicate of load 2's row 8
      { ...nextDay, currentTime: 5 }, // 2 conflicts with load 2's row 8 (2024-05-02), not with load 1's (2024-05-01)
      { ...withId, timestamp: '2024-05-03T10:00:00Z' }, // 3 a third date: another event
    ]);
    expect(third.result).toMatchObject({ read: 3, accepted: 1, quarantined: 1, duplicates: 1 });
    expect(await quarantineOf(session, third.loadId)).toEqual([[2, 'conflicting_event_id']]);

    // Each load's own row in meta.player_event_files, read = accepted + quarantined + duplicates.
    const loads = await session.warehouse.rows<Record<string, string>>(
      `SELECT rows_read::VARCHAR AS r, rows_accepted::VARCHAR AS a, rows_quarantined::VARCHAR AS q, rows_duplicate::VARCHAR AS d
       FROM meta.player_event_files ORDER BY load_id`,
    );
    expect(loads).toEqual([
      { r: '2', a: '2', q: '0', d: '0' },
      { r: '22', a: '13', q: '6', d: '3' },
      { r: '3', a: '1', q: '1', d: '1' },
    ]);
    // 2 + 13 + 1 events landed, each once.
    expect(Number(await session.warehouse.scalar(`SELECT count(*) FROM raw.player_events`))).toBe(16);
    expect(Number(await session.warehouse.scalar(`SELECT count(DISTINCT event_key) FROM raw.player_events`))).toBe(16);
  });
});
