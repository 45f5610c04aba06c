import { copyFileSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterEach, describe, expect, it } from 'vitest';
import { ingestEvents, type FileIngestResult } from '../../extract/events/ingest-events.ts';
import { exportEngagement } from '../../warehouse/export/engagement.ts';
import { sqlString } from '../../warehouse/duckdb.ts';
import type { PipelineSession } from '../../warehouse/session.ts';
import { buildModels, discoverModels, selectModels } from '../../warehouse/models.ts';
import { eventSession } from '../events/harness.ts';

/**
 * A hostile player-event corpus (tests/hostile/corpus/, see its README; the big and binary files are
 * made here): every reason code, BOMs, invalid UTF-8, quoted newlines and formula cells, absurd
 * positions and timestamps, empty files, files that are not what their extension says. Per file:
 * nothing throws unhandled, read = accepted + quarantined + duplicates, and every rejected row is in
 * raw.player_events_quarantine and the quarantine Parquet file with file, line, reason and raw text.
 */

const CORPUS = join(import.meta.dirname, 'corpus');
const RAW_TEXT_CAP = 65_536;

type Outcome = [line: number, reason: string];

interface QuarantineRow {
  source_file: string;
  source_row: number;
  reason: string;
  raw_text: string;
}

const sessions: PipelineSession[] = [];
afterEach(() => {
  for (const session of sessions.splice(0)) session.close();
});

async function freshSession(): Promise<PipelineSession> {
  const session = await eventSession();
  sessions.push(session);
  return session;
}

async function quarantineOf(session: PipelineSession, file: string): Promise<QuarantineRow[]> {
  const rows = await session.warehouse.rows<{ source_file: string; source_row: string; reason: string; raw_text: string }>(
    `SELECT source_file, source_row, reason, raw_text FROM raw.player_events_quarantine WHERE source_file = $1 ORDER BY source_row`,
    [file],
  );
  return rows.map((row) => ({ ...row, source_row: Number(row.source_row) }));
}

/** Ingests one file into the session and checks everything that must hold for any file, hostile or not. */
async function ingestChecked(session: PipelineSession, file: string): Promise<{ result: FileIngestResult; quarantine: QuarantineRow[] }> {
  const before = Number(await session.warehouse.scalar(`SELECT count(*) FROM raw.player_events`));
  const summary = await ingestEvents(session.warehouse, session.dir, session.runId, [file], () => undefined);
  const result = summary.files[0]!;
  expect(result.skipped, file).toBe(false);
  expect(result.read, file).toBe(result.accepted + result.quarantined + result.duplicates);
  const quarantine = await quarantineOf(session, file);
  expect(quarantine).toHaveLength(result.quarantined);
  for (const row of quarantine) {
    expect(row.source_row, `${file}: a line number`).toBeGreaterThan(0);
    expect(row.reason, `${file}:${row.source_row}`).toMatch(/^[a-z_0-9]+$/);
    expect(row.raw_text.length, `${file}:${row.source_row} keeps its raw text`).toBeGreaterThan(0);
    expect(row.raw_text.length).toBeLessThanOrEqual(RAW_TEXT_CAP + 60);
  }
  const accepted = Number(await session.warehouse.scalar(`SELECT count(*) FROM raw.player_events`)) - before;
  expect(accepted, file).toBe(result.accepted);
  // The quarantine file of this load holds the same rows.
  const loadId = await session.warehouse.scalar<string>(`SELECT max(load_id)::VARCHAR FROM meta.player_event_files WHERE source_file = $1`, [file]);
  const quarantineFile = join(session.dir.quarantine, 'player_events', `load_${loadId!.padStart(6, '0')}.parquet`);
  if (result.quarantined === 0) {
    expect(existsSync(quarantineFile)).toBe(false);
  } else {
    const inFile = await session.warehouse.rows<{ source_file: string; source_row: string; reason: string; raw_text: string }>(
      `SELECT source_file, source_row, reason, raw_text FROM read_parquet(${sqlString(quarantineFile)}) ORDER BY source_row`,
    );
    expect(inFile.map((row) => ({ ...row, source_row: Number(row.source_row) }))).toEqual(quarantine);
  }
  return { result, quarantine };
}

const lineOf = (file: string, line: number) => readFileSync(file).toString('utf8').split('\n')[line - 1]!.replace(/\r$/, '');

describe('hostile player-event files', () => {
  it('every-reason.ndjson: one row per NDJSON reason code, with its line and raw text', async () => {
    const session = await freshSession();
    const file = join(CORPUS, 'every-reason.ndjson');
    const { result, quarantine } = await ingestChecked(session, file);
    expect(result).toMatchObject({ read: 14, accepted: 2, quarantined: 11, duplicates: 1 });
    expect(quarantine.map((q): Outcome => [q.source_row, q.reason])).toEqual([
      [2, 'missing_user_id'],
      [3, 'missing_session_id'],
      [4, 'missing_video_id'],
      [5, 'missing_event_name'],
      [6, 'unknown_event'],
      [7, 'bad_timestamp'],
      [8, 'timestamp_out_of_range'],
      [9, 'bad_position'],
      [10, 'malformed_json'],
      [11, 'malformed_json'],
      [12, 'invalid_utf8'],
    ]);
    for (const row of quarantine) expect(row.raw_text).toBe(lineOf(file, row.source_row));
    // The Latin-1 byte is shown as U+FFFD; the row is never accepted with a replaced character in an id.
    expect(quarantine.at(-1)!.raw_text).toContain('caf\uFFFD');
    expect(await session.warehouse.scalar(`SELECT count(*)::INTEGER FROM raw.player_events WHERE user_id LIKE '%\uFFFD%'`)).toBe(0);
  });

  it('every-reason.csv: the CSV forms, malformed records and invalid bytes by line', async () => {
    const session = await freshSession();
    const file = join(CORPUS, 'every-reason.csv');
    const { result, quarantine } = await ingestChecked(session, file);
    expect(result).toMatchObject({ read: 14, accepted: 2, quarantined: 11, duplicates: 1 });
    expect(quarantine.map((q): Outcome => [q.source_row, q.reason])).toEqual([
      [3, 'missing_user_id'],
      [4, 'missing_session_id'],
      [5, 'missing_video_id'],
      [6, 'missing_event_name'],
      [7, 'unknown_event'],
      [8, 'bad_timestamp'],
      [9, 'timestamp_out_of_range'],
      [10, 'bad_position'],
      [11, 'malformed_csv'],
      [12, 'invalid_utf8'],
      [15, 'malformed_csv'],
    ]);
    for (const row of quarantine.slice(0, -1)) expect(row.raw_text).toBe(lineOf(file, row.source_row));
  });

  it('a UTF-8 BOM at the start of NDJSON and CSV (CRLF) is not part of the first field', async () => {
    const session = await freshSession();
    for (const name of ['bom.ndjson', 'bom.csv']) {
      const { result } = await ingestChecked(session, join(CORPUS, name));
      expect(result, name).toMatchObject({ read: 2, accepted: 2, quarantined: 0, duplicates: 0 });
    }
    const users = await session.warehouse.rows<{ user_id: string }>(`SELECT DISTINCT user_id FROM raw.player_events ORDER BY 1`);
    expect(users.map((u) => u.user_id)).toEqual(['bom-c', 'bom-u']);
  });

  it('positions: 1e300, NaN, Infinity (quoted or bare), negative, above 10^7 s and null are bad_position', async () => {
    const session = await freshSession();
    const file = join(CORPUS, 'positions.ndjson');
    const { result, quarantine } = await ingestChecked(session, file);
    expect(result).toMatchObject({ read: 13, accepted: 3, quarantined: 10, duplicates: 0 });
    expect(quarantine.map((q): Outcome => [q.source_row, q.reason])).toEqual([
      [2, 'bad_position'],
      // Bare NaN / Infinity are not JSON, but DuckDB's reader takes them as numbers: still bad_position.
      [3, 'bad_position'],
      [4, 'bad_position'],
      [5, 'bad_position'],
      [6, 'bad_position'],
      [7, 'bad_position'],
      [8, 'bad_position'],
      [9, 'bad_position'],
      [10, 'bad_position'],
      [11, 'bad_position'],
    ]);
    const accepted = await session.warehouse.rows<{ position_s: number; video_duration_s: number | null }>(
      `SELECT position_s, video_duration_s FROM raw.player_events ORDER BY source_row`,
    );
    // The cap itself is accepted; a videoDuration of 1e300 is ignored like any invalid one.
    expect(accepted).toEqual([
      { position_s: 0, video_duration_s: null },
      { position_s: 1e7, video_duration_s: null },
      { position_s: 12.5, video_duration_s: null },
    ]);
  });

  it('timestamps: epoch ms as numbers and strings, zones, year 9999, before 1970/2000, beyond BIGINT, in one file', async () => {
    const session = await freshSession();
    const file = join(CORPUS, 'timestamps.ndjson');
    const { result, quarantine } = await ingestChecked(session, file);
    expect(result).toMatchObject({ read: 15, accepted: 5, quarantined: 9, duplicates: 1 });
    expect(quarantine.map((q): Outcome => [q.source_row, q.reason])).toEqual([
      [6, 'timestamp_out_of_range'],
      [7, 'timestamp_out_of_range'],
      [8, 'timestamp_out_of_range'],
      [9, 'timestamp_out_of_range'],
      [10, 'bad_timestamp'],
      [11, 'timestamp_out_of_range'],
      [12, 'timestamp_out_of_range'],
      [14, 'bad_timestamp'],
      [15, 'bad_timestamp'],
    ]);
    const times = await session.warehouse.rows<{ event_at: string }>(`SELECT event_at FROM raw.player_events ORDER BY source_row`);
    expect(times.map((t) => t.event_at)).toEqual([
      '2024-03-01 10:00:00',
      '2024-03-01 10:00:01',
      '2024-03-01 10:00:02',
      '2024-03-01 10:00:03',
      '2000-01-01 00:00:00',
    ]);
  });

  it('the upper timestamp bound is the end of the day after the as-of date (2025-06-30), never the wall clock', async () => {
    const session = await freshSession();
    const file = join(session.dir.root, 'clock-skew.ndjson');
    const event = (at: string | number, position: number) =>
      JSON.stringify({ timestamp: at, userId: 'c', sessionId: 's', videoId: 'v', eventName: 'heartbeat', currentTime: position });
    writeFileSync(
      file,
      [
        event('2025-07-01T23:59:59Z', 1), // 1 the day after the as-of date: accepted
        event('2025-07-02T00:00:00Z', 2), // 2 the day after that: out of range
        event(Date.now(), 3), // 3 the wall clock's now (later than 2025-07-01): out of range
      ].join('\n') + '\n',
    );
    const { result, quarantine } = await ingestChecked(session, file);
    expect(result).toMatchObject({ read: 3, accepted: 1, quarantined: 2 });
    expect(quarantine.map((q): Outcome => [q.source_row, q.reason])).toEqual([
      [2, 'timestamp_out_of_range'],
      [3, 'timestamp_out_of_range'],
    ]);
  });

  it('empty files, blank lines only and a header without rows: nothing read, nothing written, recorded once', async () => {
    const session = await freshSession();
    for (const name of ['empty.ndjson', 'empty.csv', 'header-only.csv']) {
      const { result } = await ingestChecked(session, join(CORPUS, name));
      expect(result, name).toMatchObject({ read: 0, accepted: 0, quarantined: 0, duplicates: 0 });
    }
    expect(await session.warehouse.scalar(`SELECT count(*)::INTEGER FROM meta.player_event_files`)).toBe(3);
    expect(existsSync(session.dir.rawLake('player_events'))).toBe(false);
  });

  it('huge lines: a 5 MB line of each kind and a 17 MB line (past DuckDB\'s line limit); the quarantine keeps 65,536 characters', async () => {
    const session = await freshSession();
    const padding = 'x'.repeat(5 * 1024 * 1024);
    const good = { timestamp: '2024-03-05T10:00:00Z', userId: 'h', sessionId: 's', videoId: 'v', eventName: 'play', currentTime: 0 };
    const fiveMb = join(session.dir.root, 'huge-5mb.ndjson');
    writeFileSync(
      fiveMb,
      [
        `{"userId": "${padding}`, // 1 malformed_json: 5 MB, never closed
        JSON.stringify({ ...good, padding }), // 2 accepted: a 5 MB field nobody reads
        JSON.stringify({ ...good, currentTime: 1, timestamp: '2024-03-05T10:00:01Z' }), // 3 accepted
      ].join('\n') + '\n',
    );
    const first = await ingestChecked(session, fiveMb);
    expect(first.result).toMatchObject({ read: 3, accepted: 2, quarantined: 1 });
    const cut = first.quarantine[0]!;
    expect([cut.source_row, cut.reason]).toEqual([1, 'malformed_json']);
    expect(cut.raw_text.startsWith(`{"userId": "xxxx`)).toBe(true);
    expect(cut.raw_text.slice(RAW_TEXT_CAP)).toBe(` …[truncated: ${padding.length + 12} characters in all]`);

    const seventeenMb = join(session.dir.root, 'huge-17mb.ndjson');
    writeFileSync(
      seventeenMb,
      [
        JSON.stringify({ ...good, currentTime: 2, timestamp: '2024-03-05T10:00:02Z' }), // 1 accepted
        JSON.stringify({ ...good, currentTime: 3, padding: padding.repeat(3) + 'y'.repeat(2 * 1024 * 1024) }), // 2 accepted: 17 MB
        '', // 3 blank
        JSON.stringify({ ...good, currentTime: -1, timestamp: '2024-03-05T10:00:03Z' }), // 4 bad_position
      ].join('\r\n') + '\r\n',
    );
    const second = await ingestChecked(session, seventeenMb);
    expect(second.result).toMatchObject({ read: 3, accepted: 2, quarantined: 1 });
    expect(second.quarantine.map((q): Outcome => [q.source_row, q.reason])).toEqual([[4, 'bad_position']]);
    expect(second.quarantine[0]!.raw_text).toBe(lineOf(seventeenMb, 4));

    const csv = join(session.dir.root, 'huge.csv');
    writeFileSync(csv, `userId,sessionId,videoId,eventName,currentTime,timestamp\nh,s,v,play,0,"${padding}",extra\nh,s,v,pause,3,2024-03-05T10:00:03Z\n`);
    const third = await ingestChecked(session, csv);
    expect(third.result).toMatchObject({ read: 2, accepted: 1, quarantined: 1 });
    expect(third.quarantine.map((q): Outcome => [q.source_row, q.reason])).toEqual([[2, 'malformed_csv']]);
    expect(third.quarantine[0]!.raw_text).toMatch(/…\[truncated: \d+ characters in all\]$/);
  });

  it('binary garbage named .ndjson and .csv: every line quarantined, nothing accepted, nothing thrown', async () => {
    const session = await freshSession();
    let state = 20_240_229;
    const garbage = Buffer.alloc(64 * 1024);
    for (let i = 0; i < garbage.length; i += 1) {
      state = (Math.imul(state, 1_103_515_245) + 12_345) >>> 0;
      garbage[i] = state >>> 24;
    }
    for (const name of ['garbage.ndjson', 'garbage.csv']) {
      const file = join(session.dir.root, name);
      writeFileSync(file, Buffer.concat([Buffer.from(name), garbage]));
      const { result, quarantine } = await ingestChecked(session, file);
      expect(result.read, name).toBeGreaterThan(50);
      expect(result.accepted, name).toBe(0);
      // Random bytes mostly break the format; a CSV record that happens to fit the (garbage) header has no ids.
      const possible = name.endsWith('.ndjson') ? ['invalid_utf8', 'malformed_json'] : ['invalid_utf8', 'malformed_csv', 'missing_user_id'];
      expect(quarantine.filter((q) => !possible.includes(q.reason)), name).toEqual([]);
      expect(quarantine.some((q) => q.reason === 'invalid_utf8'), name).toBe(true);
    }
  });

  it('Parquet named .ndjson is quarantined line by line; a .parquet that is not Parquet fails naming the file, loading nothing', async () => {
    const session = await freshSession();
    const disguised = join(session.dir.root, 'really-parquet.ndjson');
    await session.warehouse.run(
      `COPY (SELECT 'u' || i AS userId, 's' AS sessionId, 'v' AS videoId, 'play' AS eventName, 0.0 AS currentTime,
             TIMESTAMP '2024-03-01 10:00:00' + INTERVAL (i) SECOND AS "timestamp" FROM range(200) t(i))
       TO ${sqlString(disguised)} (FORMAT parquet)`,
    );
    const { result, quarantine } = await ingestChecked(session, disguised);
    expect(result.accepted).toBe(0);
    expect(result.quarantined).toBeGreaterThan(0);
    expect(quarantine.some((q) => q.reason === 'invalid_utf8')).toBe(true);

    const notParquet = join(session.dir.root, 'not-parquet.parquet');
    copyFileSync(join(CORPUS, 'not-parquet.parquet'), notParquet);
    const loadsBefore = await session.warehouse.scalar<number>(`SELECT count(*)::INTEGER FROM meta.player_event_files`);
    await expect(ingestEvents(session.warehouse, session.dir, session.runId, [notParquet], () => undefined)).rejects.toThrow(
      /not-parquet\.parquet is not a readable Parquet file/,
    );
    expect(await session.warehouse.scalar<number>(`SELECT count(*)::INTEGER FROM meta.player_event_files`)).toBe(loadsBefore);
    // The session still works after the failure.
    const after = await ingestChecked(session, join(CORPUS, 'bom.ndjson'));
    expect(after.result.accepted).toBe(2);
  });

  it('real Parquet with NaN/Infinity/1e300 positions and year-9999/1969 timestamps: quarantined with the row as JSON', async () => {
    const session = await freshSession();
    const file = join(session.dir.root, 'typed.parquet');
    await session.warehouse.run(
      `COPY (SELECT * FROM (VALUES
         ('q', 's', 'v', 'play', 0.0::DOUBLE, TIMESTAMP '2024-03-01 10:00:00'),
         ('q', 's', 'v', 'pause', 'nan'::DOUBLE, TIMESTAMP '2024-03-01 10:00:01'),
         ('q', 's', 'v', 'pause', 'inf'::DOUBLE, TIMESTAMP '2024-03-01 10:00:02'),
         ('q', 's', 'v', 'pause', 1e300::DOUBLE, TIMESTAMP '2024-03-01 10:00:03'),
         ('q', 's', 'v', 'pause', 4.0::DOUBLE, TIMESTAMP '9999-12-31 00:00:00'),
         ('q', 's', 'v', 'pause', 5.0::DOUBLE, TIMESTAMP '1969-12-31 00:00:00')
       ) AS t(userId, sessionId, videoId, eventName, currentTime, "timestamp")) TO ${sqlString(file)} (FORMAT parquet)`,
    );
    const { result, quarantine } = await ingestChecked(session, file);
    expect(result).toMatchObject({ read: 6, accepted: 1, quarantined: 5 });
    expect(quarantine.map((q): Outcome => [q.source_row, q.reason])).toEqual([
      [2, 'bad_position'],
      [3, 'bad_position'],
      [4, 'bad_position'],
      [5, 'timestamp_out_of_range'],
      [6, 'timestamp_out_of_range'],
    ]);
    expect(JSON.parse(quarantine[4]!.raw_text)).toMatchObject({ userId: 'q', currentTime: 5 });
  });

  it('CSV with quoted newlines and formula-looking cells: lines are right, and no formula reaches the engagement export unescaped', async () => {
    const session = await freshSession();
    const file = join(CORPUS, 'formulas.csv');
    const { result, quarantine } = await ingestChecked(session, file);
    expect(result).toMatchObject({ read: 7, accepted: 6, quarantined: 1, duplicates: 0 });
    // Records 4 and 7 span three lines each: the record after them starts at line 10 … 12.
    expect(quarantine.map((q): Outcome => [q.source_row, q.reason])).toEqual([[12, 'unknown_event']]);
    const lines = await session.warehouse.rows<{ source_row: string; user_id: string; video_id: string; position_s: number }>(
      `SELECT source_row, user_id, video_id, position_s FROM raw.player_events ORDER BY source_row`,
    );
    expect(lines.map((l) => Number(l.source_row))).toEqual([2, 3, 4, 7, 10, 11]);
    expect(lines[1]).toMatchObject({ user_id: "=cmd|' /C calc'!A0", video_id: '+1', position_s: 1 });
    expect(lines[2]!.video_id).toBe('multi\nline\nvideo');

    // Every model (the Brightcove ones on empty raw tables): the engagement models' upstream changes over time.
    await buildModels(session.warehouse, selectModels(discoverModels()), session.runId);
    const written = await exportEngagement(session);
    const csvFiles = written.filter((w) => w.path.endsWith('.csv'));
    expect(csvFiles.map((w) => w.path.split('/').at(-1))).toEqual(['user_video_engagement.csv', 'video_engagement_summary.csv']);
    for (const { path } of csvFiles) {
      const records = parse(readFileSync(path), { bom: true }) as string[][];
      expect(records.length, path).toBeGreaterThan(1);
      for (const cell of records.flat()) {
        const isNumber = cell.trim() !== '' && Number.isFinite(Number(cell));
        if (!isNumber) expect(cell, `${path}: a cell a spreadsheet would run`).not.toMatch(/^[=+\-@\t\r]/);
      }
    }
    const userVideo = parse(readFileSync(csvFiles[0]!.path), { bom: true, columns: true }) as Array<Record<string, string>>;
    expect(userVideo.map((row) => [row['user_id'], row['video_id']])).toEqual([
      ["'\tx", `'=HYPERLINK("http://evil.example","click")`],
      ["'=cmd|' /C calc'!A0", "'+1"],
      ["'@SUM(A1:A9)", 'multi\nline\nvideo'],
    ]);
  });
});

describe('the corpus folder', () => {
  it('holds the files this test names (and only those, besides the README)', () => {
    expect(readdirSync(CORPUS).sort()).toEqual(
      [
        '.gitattributes',
        'README.md',
        'bom.csv',
        'bom.ndjson',
        'empty.csv',
        'empty.ndjson',
        'every-reason.csv',
        'every-reason.ndjson',
        'formulas.csv',
        'header-only.csv',
        'not-parquet.parquet',
        'positions.ndjson',
        'timestamps.ndjson',
      ].sort(),
    );
  });
});
