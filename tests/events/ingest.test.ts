import { existsSync, readdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ingestEvents } from '../../extract/events/ingest-events.ts';
import { sqlString } from '../../warehouse/duckdb.ts';
import { eventSession, ingestLines } from './harness.ts';

const good = { timestamp: '2024-01-01T10:00:00Z', userId: 'u', sessionId: 's', videoId: 'v', eventName: 'play', currentTime: 0 };

describe('ingest-events', () => {
  it('quarantines every kind of bad row with file, line, reason and raw text, and the counts add up', async () => {
    const session = await eventSession();
    const lines = [
      JSON.stringify(good), // 1 accepted
      JSON.stringify({ ...good, userId: '' }), // 2 missing_user_id
      JSON.stringify({ ...good, sessionId: null }), // 3 missing_session_id
      JSON.stringify({ ...good, videoId: '  ' }), // 4 missing_video_id
      JSON.stringify({ ...good, eventName: undefined }), // 5 missing_event_name
      JSON.stringify({ ...good, eventName: 'dance' }), // 6 unknown_event
      JSON.stringify({ ...good, timestamp: 'yesterday' }), // 7 bad_timestamp
      JSON.stringify({ ...good, currentTime: -3 }), // 8 bad_position
      JSON.stringify({ ...good, currentTime: 'abc', timestamp: '2024-01-01T10:00:01Z' }), // 9 bad_position
      '{"timestamp": "2024-01-01T10:00:00Z", "userId": ', // 10 malformed_json
      '[1, 2]', // 11 malformed_json (not an object)
      '', // blank: not a row
      JSON.stringify(good), // 13 duplicate of line 1
    ];
    const counts = await ingestLines(session, lines, 'bad.ndjson');
    expect(counts).toMatchObject({ read: 12, accepted: 1, quarantined: 10, duplicates: 1 });
    expect(counts.read).toBe(counts.accepted + counts.quarantined + counts.duplicates);
    const quarantined = await session.warehouse.rows<{ source_row: string; reason: string; raw_text: string; source_file: string }>(
      `SELECT source_row, reason, raw_text, source_file FROM raw.player_events_quarantine ORDER BY source_row`,
    );
    expect(quarantined.map((q) => [Number(q.source_row), q.reason])).toEqual([
      [2, 'missing_user_id'],
      [3, 'missing_session_id'],
      [4, 'missing_video_id'],
      [5, 'missing_event_name'],
      [6, 'unknown_event'],
      [7, 'bad_timestamp'],
      [8, 'bad_position'],
      [9, 'bad_position'],
      [10, 'malformed_json'],
      [11, 'malformed_json'],
    ]);
    expect(quarantined.map((q) => q.raw_text)).toEqual(lines.slice(1, 11));
    expect(quarantined.every((q) => q.source_file.endsWith('bad.ndjson'))).toBe(true);
    // The quarantine file holds the same rows.
    const file = join(session.dir.quarantine, 'player_events', 'load_000001.parquet');
    expect(Number(await session.warehouse.scalar(`SELECT count(*) FROM read_parquet(${sqlString(file)})`))).toBe(10);
    session.warehouse.close();
  });

  it('reads CSV (snake_case, malformed records by line) and Parquet (camelCase, typed timestamps), lands the lake, and never loads twice', async () => {
    const session = await eventSession();
    const csv = join(session.dir.root, 'events.csv');
    writeFileSync(
      csv,
      [
        'user_id,session_id,video_id,event_name,current_time,timestamp,event_id',
        'u1,s1,v1,VIDEO_PLAY,0,1704103200000,',
        'u1,s1,v1,Pause,30,2024-01-01T11:00:30+01:00,',
        'u1,s1,v1,pause,30,2024-01-01 10:00:30,', // duplicate of the line above (same instant, zone-less = UTC)
        'u1,s1,v1,pause,31', // wrong field count
        '"u1,s1,v1,end,40,2024-01-01T10:00:40Z,', // unclosed quote: malformed to the end
      ].join('\n') + '\n',
    );
    const parquet = join(session.dir.root, 'events.parquet');
    await session.warehouse.run(
      `COPY (SELECT * FROM (VALUES
         ('u2', 's9', 'v1', 'start', 0.0, TIMESTAMP '2024-01-02 09:00:00', 'e1'),
         ('u2', 's9', 'v1', 'ended', 50.5, TIMESTAMP '2024-01-02 09:00:50', 'e2'),
         ('u2', 's9', 'v1', 'ended', 99.0, TIMESTAMP '2024-01-02 09:00:59', 'e2'), -- e2 again, other content: conflicting_event_id
         ('u2', NULL, 'v1', 'pause', 1.0, TIMESTAMP '2024-01-02 09:00:51', 'e3')
       ) AS t(userId, sessionId, videoId, eventName, currentTime, "timestamp", eventId)) TO ${sqlString(parquet)} (FORMAT parquet)`,
    );
    const first = await ingestEvents(session.warehouse, session.dir, session.runId, [session.dir.root + '/events.*'], () => undefined);
    // CSV: 2 accepted + 1 duplicate + 2 malformed; Parquet: 2 accepted + e2 reused for other content + 1 missing session.
    expect(first).toMatchObject({ read: 9, accepted: 4, quarantined: 4, duplicates: 1 });
    const events = await session.warehouse.rows<Record<string, unknown>>(
      `SELECT user_id, event_type, event_at, position_s FROM raw.player_events ORDER BY event_at`,
    );
    expect(events).toEqual([
      { user_id: 'u1', event_type: 'play', event_at: '2024-01-01 10:00:00', position_s: 0 },
      { user_id: 'u1', event_type: 'pause', event_at: '2024-01-01 10:00:30', position_s: 30 },
      { user_id: 'u2', event_type: 'play', event_at: '2024-01-02 09:00:00', position_s: 0 },
      { user_id: 'u2', event_type: 'end', event_at: '2024-01-02 09:00:50', position_s: 50.5 },
    ]);
    const quarantine = await session.warehouse.rows<{ source_row: string; reason: string }>(
      `SELECT source_row, reason FROM raw.player_events_quarantine ORDER BY source_file, source_row`,
    );
    expect(quarantine.filter((q) => q.reason === 'malformed_csv').map((q) => Number(q.source_row))).toEqual([5, 6]);
    expect(quarantine.filter((q) => q.reason === 'missing_session_id').map((q) => Number(q.source_row))).toEqual([4]);
    expect(quarantine.filter((q) => q.reason === 'conflicting_event_id').map((q) => Number(q.source_row))).toEqual([3]);

    // The lake holds exactly the accepted rows, each file listed in meta.landed_files.
    const lake = session.dir.rawLake('player_events');
    expect(readdirSync(lake).sort()).toEqual(['event_date=2024-01-01', 'event_date=2024-01-02']);
    const landed = Number(await session.warehouse.scalar(`SELECT sum(row_count) FROM meta.landed_files WHERE source = 'player_events'`));
    const inLake = Number(await session.warehouse.scalar(`SELECT count(*) FROM read_parquet(${sqlString(lake + '/*/*.parquet')})`));
    expect([landed, inLake]).toEqual([4, 4]);
    // An event's columns as landed, without the event_key (computed again from them when the lake is replayed).
    const lakeColumns = await session.warehouse.rows<{ column_name: string }>(
      `SELECT column_name FROM (DESCRIBE SELECT * FROM read_parquet(${sqlString(lake + '/*/*.parquet')}, hive_partitioning = false))`,
    );
    expect(lakeColumns.map((c) => c.column_name)).toEqual([
      'event_id', 'user_id', 'session_id', 'video_id', 'event_name', 'event_type', 'event_at', 'position_s', 'video_duration_s',
      'event_date', 'load_id', 'source_row', 'source_file',
    ]);

    // Again: the same files add nothing.
    const second = await ingestEvents(session.warehouse, session.dir, session.runId, [csv, parquet], () => undefined);
    expect(second).toMatchObject({ read: 0, accepted: 0, quarantined: 0, duplicates: 0 });
    expect(second.files.every((f) => f.skipped)).toBe(true);
    // A different file with the same events: all duplicates.
    const copy = join(session.dir.root, 'copy.ndjson');
    writeFileSync(copy, JSON.stringify({ timestamp: '2024-01-01T10:00:00Z', userId: 'u1', sessionId: 's1', videoId: 'v1', eventName: 'play', currentTime: 0 }) + '\n');
    expect(await ingestEvents(session.warehouse, session.dir, session.runId, [copy], () => undefined)).toMatchObject({ read: 1, duplicates: 1, accepted: 0 });
    expect(Number(await session.warehouse.scalar(`SELECT count(*) FROM raw.player_events`))).toBe(4);
    expect(Number(await session.warehouse.scalar(`SELECT count(*) - count(DISTINCT event_key) FROM raw.player_events`))).toBe(0);
    session.warehouse.close();
  });

  it('NDJSON: a line of spaces is blank and not a row; a line holding anything else is one (a tab: malformed_json)', async () => {
    const session = await eventSession();
    const counts = await ingestLines(session, [good, '', ' ', '    ', '\t', ' x ', { ...good, currentTime: 1 }]);
    expect(counts).toMatchObject({ read: 4, accepted: 2, quarantined: 2, duplicates: 0 });
    const quarantined = await session.warehouse.rows<{ source_row: string; reason: string; raw_text: string }>(
      `SELECT source_row, reason, raw_text FROM raw.player_events_quarantine ORDER BY source_row`,
    );
    expect(quarantined.map((q) => [Number(q.source_row), q.reason, q.raw_text])).toEqual([
      [5, 'malformed_json', '\t'],
      [6, 'malformed_json', ' x '],
    ]);
    session.warehouse.close();
  });

  it('de-duplicates against lake files written with an event_key column (older versions) and without one alike', async () => {
    const session = await eventSession();
    await ingestLines(session, [{ ...good, eventId: 'e1' }]);
    // Load 1's file as versions before 2026-12-01 wrote it: the key first, as Parquet keeps a UHUGEINT (a DOUBLE).
    const day = join(session.dir.rawLake('player_events'), 'event_date=2024-01-01');
    const [olderFile] = readdirSync(day);
    const rewritten = join(session.dir.root, 'older.parquet');
    await session.warehouse.run(
      `COPY (SELECT CAST(12345 AS DOUBLE) AS event_key, * FROM read_parquet(${sqlString(join(day, olderFile!))}, hive_partitioning = false))
       TO ${sqlString(rewritten)} (FORMAT parquet)`,
    );
    renameSync(rewritten, join(day, olderFile!));
    await ingestLines(session, [{ ...good, currentTime: 5 }]);
    const third = await ingestLines(session, [
      { ...good, eventId: 'e1' }, // a copy of load 1's event (older file): duplicate
      { ...good, eventId: 'e1', currentTime: 9 }, // its eventId for other content: conflict
      { ...good, currentTime: 5 }, // a copy of load 2's event (newer file): duplicate
      { ...good, currentTime: 7 }, // new
    ]);
    expect(third).toMatchObject({ read: 4, accepted: 1, quarantined: 1, duplicates: 2 });
    expect(third.files[0]!.quarantineReasons).toEqual({ conflicting_event_id: 1 });
    session.warehouse.close();
  });

  it('removes lake files that no committed load lists (a crash between rename and commit)', async () => {
    const session = await eventSession();
    await ingestLines(session, [good]);
    const orphanFolder = join(session.dir.rawLake('player_events'), 'event_date=2024-01-01');
    const orphan = join(orphanFolder, 'load_000099_deadbeef_0.parquet');
    writeFileSync(orphan, 'not committed');
    await ingestLines(session, [{ ...good, currentTime: 5 }]);
    expect(existsSync(orphan)).toBe(false);
    expect(readdirSync(orphanFolder)).toHaveLength(2);
    session.warehouse.close();
  });
});
