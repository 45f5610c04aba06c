import { execFileSync } from 'node:child_process';
import { mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { ingestEvents } from '../../extract/events/ingest-events.ts';
import { openSession, type PipelineSession } from '../../warehouse/session.ts';
import { loadTestConfig, TEST_CONFIG_PATH } from '../support/test-config.ts';
import { spawnPipeline, temporaryFolder } from './pipeline-child.ts';

/**
 * Event files by what they are rather than what they are called (issue 10):
 * - a gzipped CSV was accepted by its name and never decompressed, so 200 good rows came out as
 *   8 "rows" of mangled bytes in the quarantine, and the file's hash was recorded so it was skipped
 *   for ever after. Now .csv.gz reads exactly like the .csv it holds, as .ndjson.gz already did.
 * - a FIFO named .ndjson hung the command for ever (opening a FIFO waits for a writer); a device or a
 *   socket is no file of events either. They are refused before anything is read, naming the file.
 */

const sessions: PipelineSession[] = [];
afterEach(() => {
  for (const session of sessions.splice(0)) session.close();
});

async function freshSession(): Promise<PipelineSession> {
  const dataDir = mkdtempSync(join(tmpdir(), 'reelhouse-file-kinds-'));
  const session = await openSession({ dataDir, config: loadTestConfig(), asOf: '2025-06-30', command: 'test' });
  sessions.push(session);
  return session;
}

const HEADER = 'userId,sessionId,videoId,eventName,currentTime,timestamp,eventId';
/** 200 valid rows: 20 users × 10 events, one second apart, each with its own eventId. */
const validRows = Array.from({ length: 200 }, (_, i) => {
  const second = String(i % 60).padStart(2, '0');
  const minute = String(Math.floor(i / 60)).padStart(2, '0');
  return `u${i % 20},s${i % 20},v${i % 7},${i % 10 === 0 ? 'play' : 'pause'},${i % 10},2024-03-02T09:${minute}:${second}Z,e${i}`;
});
const CSV = [HEADER, ...validRows.slice(0, 100), 'u1,s1,v1', ...validRows.slice(100)].join('\n') + '\n';
// In a CSV, line 102 (the header is line 1) is the malformed record; csv-parse reports it there.

async function ingestOne(session: PipelineSession, file: string) {
  return (await ingestEvents(session.warehouse, session.dir, session.runId, [file], () => undefined)).files[0]!;
}

/** The accepted rows, without what differs between loads of different files (load, file name). */
async function acceptedRows(session: PipelineSession): Promise<unknown[]> {
  return session.warehouse.rows(
    `SELECT * EXCLUDE (load_id, source_file) FROM raw.player_events ORDER BY event_at, user_id, source_row`,
  );
}

async function quarantinedRows(session: PipelineSession): Promise<Array<[number, string, string]>> {
  const rows = await session.warehouse.rows<{ source_row: string; reason: string; raw_text: string }>(
    'SELECT source_row, reason, raw_text FROM raw.player_events_quarantine ORDER BY source_row',
  );
  return rows.map((row) => [Number(row.source_row), row.reason, row.raw_text]);
}

describe('gzipped event files', () => {
  it('a .csv.gz reads exactly like the .csv it holds: same rows accepted, same line and text quarantined', async () => {
    const plain = await freshSession();
    const plainFile = join(plain.dir.root, 'events.csv');
    writeFileSync(plainFile, CSV);
    const fromPlain = await ingestOne(plain, plainFile);
    // 200 valid rows + 1 malformed record = 201 read.
    expect(fromPlain).toMatchObject({ read: 201, accepted: 200, quarantined: 1, duplicates: 0 });

    const gzipped = await freshSession();
    const gzFile = join(gzipped.dir.root, 'events.csv.gz');
    writeFileSync(gzFile, gzipSync(CSV));
    const fromGz = await ingestOne(gzipped, gzFile);
    expect(fromGz).toMatchObject({ format: 'csv', skipped: false, read: 201, accepted: 200, quarantined: 1, duplicates: 0 });
    expect(fromGz.quarantineReasons).toEqual({ malformed_csv: 1 });

    expect(await acceptedRows(gzipped)).toEqual(await acceptedRows(plain));
    expect(await quarantinedRows(gzipped)).toEqual(await quarantinedRows(plain));
    expect((await quarantinedRows(gzipped))[0]![2]).toBe('u1,s1,v1');
  });

  it('invalid UTF-8 inside a .csv.gz and a .ndjson.gz is found in the decompressed text, on its own line', async () => {
    const session = await freshSession();
    const latin1 = Buffer.from('u9,s9,v1,play,0,2024-03-02T10:00:00Z,caf\xe9\n', 'latin1');
    const csvGz = join(session.dir.root, 'latin1.csv.gz');
    writeFileSync(csvGz, gzipSync(Buffer.concat([Buffer.from(`${HEADER}\n${validRows[0]}\n`), latin1, Buffer.from(`${validRows[1]}\n`)])));
    const csvResult = await ingestOne(session, csvGz);
    expect(csvResult).toMatchObject({ read: 3, accepted: 2, quarantined: 1 });
    expect(csvResult.quarantineReasons).toEqual({ invalid_utf8: 1 });

    const ndjson = (id: string, extra = '') =>
      `{"userId":"n1","sessionId":"n1","videoId":"v1","eventName":"play","currentTime":0,"timestamp":"2024-03-03T10:00:0${id}Z","eventId":"n${id}${extra}"}\n`;
    const ndjsonGz = join(session.dir.root, 'latin1.ndjson.gz');
    writeFileSync(ndjsonGz, gzipSync(Buffer.concat([Buffer.from(ndjson('1')), Buffer.from(ndjson('2', '\xe9'), 'latin1'), Buffer.from(ndjson('3'))])));
    const ndjsonResult = await ingestOne(session, ndjsonGz);
    expect(ndjsonResult).toMatchObject({ read: 3, accepted: 2, quarantined: 1 });
    expect(ndjsonResult.quarantineReasons).toEqual({ invalid_utf8: 1 });

    const lines = await session.warehouse.rows<{ file: string; source_row: string; reason: string }>(
      `SELECT regexp_extract(source_file, '[^/]+$') AS file, source_row::VARCHAR AS source_row, reason
       FROM raw.player_events_quarantine ORDER BY file`,
    );
    // CSV: header line 1, good line 2, the Latin-1 line 3. NDJSON: the second line.
    expect(lines).toEqual([
      { file: 'latin1.csv.gz', source_row: '3', reason: 'invalid_utf8' },
      { file: 'latin1.ndjson.gz', source_row: '2', reason: 'invalid_utf8' },
    ]);
  });

  it('a .csv.gz that is not gzip fails naming the file, records nothing, and loads once it is fixed', async () => {
    const session = await freshSession();
    const file = join(session.dir.root, 'not-gzip.csv.gz');
    writeFileSync(file, CSV);
    await expect(ingestOne(session, file)).rejects.toThrow(`${file} is named .gz but is not a readable gzip file`);
    expect(await session.warehouse.scalar('SELECT count(*)::INTEGER FROM meta.player_event_files')).toBe(0);
    expect(await session.warehouse.scalar('SELECT count(*)::INTEGER FROM raw.player_events_quarantine')).toBe(0);

    writeFileSync(file, gzipSync(CSV));
    expect(await ingestOne(session, file)).toMatchObject({ skipped: false, read: 201, accepted: 200, quarantined: 1 });
  });
});

describe('event files that are not regular files', () => {
  it('a character device and a socket with event names are refused before anything is read, naming the file', async () => {
    const session = await freshSession();
    const device = join(session.dir.root, 'device.ndjson');
    symlinkSync('/dev/zero', device);
    await expect(ingestOne(session, device)).rejects.toThrow(`${device} is a character device, not a regular file; nothing was ingested`);

    const socketPath = join(session.dir.root, 'socket.csv');
    const server: Server = createServer();
    await new Promise<void>((resolve) => server.listen(socketPath, resolve));
    try {
      // Inside a folder too: a folder's event-named entries are checked like named files.
      await expect(ingestOne(session, session.dir.root)).rejects.toThrow(/is a (character device|socket), not a regular file/);
      await expect(ingestOne(session, socketPath)).rejects.toThrow(`${socketPath} is a socket, not a regular file`);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
    expect(await session.warehouse.scalar('SELECT count(*)::INTEGER FROM meta.player_event_files')).toBe(0);
  });

  it('a FIFO named .ndjson: `pipeline ingest-events` fails at once naming it, instead of waiting for a writer for ever', async () => {
    const folder = temporaryFolder('fifo');
    const fifo = join(folder, 'events.ndjson');
    execFileSync('mkfifo', [fifo]);
    // A child process: were the FIFO opened, the command would wait for a writer, and only the test's
    // time limit would end it.
    const child = spawnPipeline(['ingest-events', fifo, '--data-dir', join(folder, 'data'), '--config', TEST_CONFIG_PATH], process.env);
    try {
      const result = await child.done;
      expect(result.code).toBe(1);
      expect(result.stderr).toContain(`Error: ${fifo} is a FIFO (named pipe), not a regular file; nothing was ingested`);
      expect(result.stderr).toContain('Save the events to a regular file and ingest that');
    } finally {
      if (!child.exited()) child.child.kill('SIGKILL');
    }
  });
});
