import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { AccountProgress } from '../../extract/brightcove/account-context.ts';
import { AnalyticsExtractor, newFetchId, reportWindows, WindowFailedError } from '../../extract/brightcove/analytics.ts';
import { datesOf } from '../../extract/brightcove/date-windows.ts';
import { VIDEO_DAILY_FIELDS } from '../../extract/brightcove/api-constants.ts';
import { HttpClient, RequestFailedError, type BearerAuth } from '../../extract/http.ts';
import { Lander } from '../../extract/land.ts';
import { openSession, type PipelineSession } from '../../warehouse/session.ts';
import { loadTestConfig } from '../support/test-config.ts';
import { startScriptedServer, type FixedReply, type ReceivedRequest, type ScriptedServer } from './local-server.ts';

/**
 * extract/brightcove/analytics.ts against a scripted Analytics endpoint on 127.0.0.1 and a real lake
 * and warehouse: the requests it makes (URL parameters, reconciled or not, paging), the windows it
 * splits, what it records in meta.analytics_window_fetches, and what it refuses.
 * History start is moved to 2025-06-01 so a run is a handful of requests: with as-of 2025-06-30 and the
 * fixture's 7 trailing days the plan is 06-01..06-23 (settled; 06-23 ended 06-24 00:00, six days
 * before as-of, so reconciled after 3 days) and 06-24..06-30 (trailing, provisional). No catalog is
 * landed (the history starts at the configured date) and each report's data-from is stored up front
 * (as a first /v1/data/status answer would), so the scripted server sees only /v1/data requests.
 */

const config = loadTestConfig();
const ACCOUNT = config.accounts.find((account) => account.slug === 'neo')!;
const AS_OF = '2025-06-30';
const EXTRACT_CONFIG = { ...config.extract, history_start_date: '2025-06-01' };
const DAILY_FIELDS = VIDEO_DAILY_FIELDS.join(',');

let server: ScriptedServer;
let session: PipelineSession;
let lander: Lander;
let http: HttpClient | undefined;
let logLines: string[];
let work: { added: number; advanced: number };

class FixedAuth implements BearerAuth {
  async token(): Promise<string> {
    return 'analytics-unit-token';
  }
  invalidate(): void {}
}

/** One row per day of the asked window (video 1), paged by limit/offset when asked. */
function reportFor(request: ReceivedRequest, options: { count?: (days: number) => number } = {}): FixedReply {
  const query = new URL(request.path, 'http://x').searchParams;
  const days = datesOf({ from: query.get('from')!, to: query.get('to')! });
  const items = days.map((date) => ({ video: '1', date, video_view: 1 }));
  const limit = query.get('limit');
  const offset = Number(query.get('offset') ?? 0);
  const page = limit === 'all' ? items : items.slice(offset, offset + Number(limit));
  return { status: 200, body: { item_count: options.count ? options.count(days.length) : items.length, items: page } };
}

function extractor(options: ConstructorParameters<typeof AnalyticsExtractor>[1] = {}, maxAttempts = 1, extractConfig = EXTRACT_CONFIG): AnalyticsExtractor {
  const client = new HttpClient({ policy: { maxAttempts, baseDelayMs: 1, maxDelayMs: 2, timeoutMs: 5_000 } });
  http = client;
  const progress: AccountProgress = {
    addWork: (units) => {
      work.added += units;
    },
    advance: (units) => {
      work.advanced += units;
    },
    log: (line) => logLines.push(line),
  };
  return new AnalyticsExtractor(
    {
      account: ACCOUNT,
      http: client,
      auth: new FixedAuth(),
      lander,
      cmsOrigin: server.url,
      analyticsOrigin: server.url,
      extractConfig,
      asOfDate: AS_OF,
      progress,
      cmsRequestsPerSecond: 1000,
    },
    options,
  );
}

const asked = () =>
  server.received.map((request) => {
    const query = new URL(request.path, 'http://x').searchParams;
    return `${query.get('dimensions')} ${query.get('from')}..${query.get('to')}${query.has('offset') ? ` @${query.get('offset')}` : ''}${query.get('reconciled') === 'true' ? ' reconciled' : ''}`;
  });

async function fetchRows() {
  return session.warehouse.rows<{ source: string; window_from: string; window_to: string; reconciled: boolean; done: boolean; row_count: number }>(
    `SELECT source, strftime(window_from, '%Y-%m-%d') AS window_from, strftime(window_to, '%Y-%m-%d') AS window_to, reconciled,
            completed_at IS NOT NULL AS done, row_count::INTEGER AS row_count
     FROM meta.analytics_window_fetches ORDER BY fetch_id`,
  );
}

// One data dir for the file (opening one costs seconds on a busy machine); each test starts with no
// fetch recorded, which is all the extractor reads back.
beforeAll(async () => {
  server = await startScriptedServer();
  session = await openSession({ dataDir: mkdtempSync(join(tmpdir(), 'reelhouse-analytics-unit-')), config, asOf: AS_OF, command: 'analytics-unit' });
  // one lander: it numbers the files of its run, so a second one would reuse their names
  lander = new Lander(session.warehouse, session.dir, session.runId);
  await lander.commit(
    (['analytics_video_daily', 'analytics_video_device_daily', 'analytics_video_browser_daily'] as const).map((source) => ({
      source,
      accountId: ACCOUNT.account_id,
      stateKey: 'reconciled_from',
      stateValue: source === 'analytics_video_browser_daily' ? '2016-08-30' : '2011-01-01',
    })),
  );
});
afterAll(async () => {
  session.close();
  await server.close();
});
beforeEach(async () => {
  await session.warehouse.run('DELETE FROM meta.analytics_window_fetches');
  logLines = [];
  work = { added: 0, advanced: 0 };
});
afterEach(async () => {
  await http?.close();
  http = undefined;
});

describe('a run', () => {
  it('plans the settled window then the trailing one, per report', async () => {
    const tasks = await extractor().windowTasks();
    expect(tasks).toEqual([
      { source: 'analytics_video_daily', window: { from: '2025-06-01', to: '2025-06-23' } },
      { source: 'analytics_video_daily', window: { from: '2025-06-24', to: '2025-06-30' } },
      { source: 'analytics_video_device_daily', window: { from: '2025-06-01', to: '2025-06-23' } },
      { source: 'analytics_video_device_daily', window: { from: '2025-06-24', to: '2025-06-30' } },
      { source: 'analytics_video_browser_daily', window: { from: '2025-06-01', to: '2025-06-23' } },
      { source: 'analytics_video_browser_daily', window: { from: '2025-06-24', to: '2025-06-30' } },
    ]);
  });

  it("plans with the fixture's window and trailing days", async () => {
    // 31-day windows from 04-01: 04-01..05-01 (30 + 1 days), 05-02..06-01, then 06-02 up to the day
    // before the 7 trailing days 06-24..06-30
    const tasks = await extractor({}, 1, { ...config.extract, history_start_date: '2025-04-01' }).windowTasks();
    expect(tasks.filter((task) => task.source === 'analytics_video_daily').map((task) => `${task.window.from}..${task.window.to}`)).toEqual([
      '2025-04-01..2025-05-01',
      '2025-05-02..2025-06-01',
      '2025-06-02..2025-06-23',
      '2025-06-24..2025-06-30',
    ]);
  });

  it('with no trailing days, plans only settled windows', async () => {
    // 0 trailing days: 06-01..06-30 settled, no trailing window; final days (up to 06-30 − 3 − 1 =
    // 06-26) and provisional ones (06-27..06-30) are asked in separate windows.
    const tasks = await extractor({}, 1, { ...EXTRACT_CONFIG, trailing_refetch_days: 0 }).windowTasks();
    expect(tasks).toEqual(
      (['analytics_video_daily', 'analytics_video_device_daily', 'analytics_video_browser_daily'] as const).flatMap((source) => [
        { source, window: { from: '2025-06-01', to: '2025-06-26' } },
        { source, window: { from: '2025-06-27', to: '2025-06-30' } },
      ]),
    );
  });

  it('asks each window once for all videos, reconciled only when settled, and records each fetch', async () => {
    server.script((request) => reportFor(request));
    const result = await extractor().run();
    expect(result).toEqual({
      requests: 6,
      fetches: 6,
      rows: 3 * (23 + 7),
      rowsBySource: { analytics_video_daily: 30, analytics_video_device_daily: 30, analytics_video_browser_daily: 30 },
      sources: ['analytics_video_daily', 'analytics_video_device_daily', 'analytics_video_browser_daily'],
    });
    expect(server.received[0]!.path).toBe(
      `/v1/data?accounts=${ACCOUNT.account_id}&dimensions=video%2Cdate&fields=${encodeURIComponent(DAILY_FIELDS)}` +
        '&from=2025-06-01&to=2025-06-23&limit=all&reconciled=true',
    );
    expect(server.received[0]!.headers['authorization']).toBe('Bearer analytics-unit-token');
    expect(asked()).toEqual([
      'video,date 2025-06-01..2025-06-23 reconciled',
      'video,date 2025-06-24..2025-06-30',
      'video,date,device_type 2025-06-01..2025-06-23 reconciled',
      'video,date,device_type 2025-06-24..2025-06-30',
      'video,date,browser_type 2025-06-01..2025-06-23 reconciled',
      'video,date,browser_type 2025-06-24..2025-06-30',
    ]);
    expect(await fetchRows()).toEqual([
      { source: 'analytics_video_daily', window_from: '2025-06-01', window_to: '2025-06-23', reconciled: true, done: true, row_count: 23 },
      { source: 'analytics_video_daily', window_from: '2025-06-24', window_to: '2025-06-30', reconciled: false, done: true, row_count: 7 },
      { source: 'analytics_video_device_daily', window_from: '2025-06-01', window_to: '2025-06-23', reconciled: true, done: true, row_count: 23 },
      { source: 'analytics_video_device_daily', window_from: '2025-06-24', window_to: '2025-06-30', reconciled: false, done: true, row_count: 7 },
      { source: 'analytics_video_browser_daily', window_from: '2025-06-01', window_to: '2025-06-23', reconciled: true, done: true, row_count: 23 },
      { source: 'analytics_video_browser_daily', window_from: '2025-06-24', window_to: '2025-06-30', reconciled: false, done: true, row_count: 7 },
    ]);
    expect(work).toEqual({ added: 6, advanced: 6 });
  });

  it('never asks again for days a completed reconciled fetch covered', async () => {
    server.script((request) => reportFor(request));
    await extractor().run();
    expect((await extractor().windowTasks()).map((task) => `${task.source} ${task.window.from}..${task.window.to}`)).toEqual([
      'analytics_video_daily 2025-06-24..2025-06-30',
      'analytics_video_device_daily 2025-06-24..2025-06-30',
      'analytics_video_browser_daily 2025-06-24..2025-06-30',
    ]);
  });

  it('does not count an unfinished or provisional fetch as covering its days', async () => {
    // the trailing windows were fetched (provisional), the settled daily one failed
    server.script((request) => (request.path.includes('from=2025-06-01') ? { status: 404 } : reportFor(request)));
    await extractor().run([
      { source: 'analytics_video_daily', window: { from: '2025-06-24', to: '2025-06-30' } },
    ]);
    await expect(extractor().run([{ source: 'analytics_video_daily', window: { from: '2025-06-01', to: '2025-06-23' } }])).rejects.toThrow(RequestFailedError);
    expect((await extractor().windowTasks()).filter((task) => task.source === 'analytics_video_daily')).toHaveLength(2);
  });
});

describe('history start and window sizing', () => {
  it('starts every report at the earliest landed video when it is before the configured date', async () => {
    // Two videos, created 2025-05-20 and 2025-06-10; configured start 2025-06-01: the history starts
    // 05-20. (1 + 2) × 7 rows a day at most is far under the budget: one settled window per report.
    await session.warehouse.run(
      `INSERT INTO raw.cms_videos VALUES
        ('${ACCOUNT.account_id}', '11', '{"id": "11", "created_at": "2025-06-10T08:00:00.000Z"}', 'x', now()::TIMESTAMP, 'r', 'f'),
        ('${ACCOUNT.account_id}', '12', '{"id": "12", "created_at": "2025-05-20T23:59:59.000Z"}', 'x', now()::TIMESTAMP, 'r', 'f'),
        ('1', '13', '{"id": "13", "created_at": "2019-01-01T00:00:00.000Z"}', 'x', now()::TIMESTAMP, 'r', 'f')`,
    );
    try {
      const tasks = await extractor().windowTasks();
      expect(tasks.map((task) => `${task.source} ${task.window.from}..${task.window.to}`)).toEqual([
        'analytics_video_daily 2025-05-20..2025-06-23',
        'analytics_video_daily 2025-06-24..2025-06-30',
        'analytics_video_device_daily 2025-05-20..2025-06-23',
        'analytics_video_device_daily 2025-06-24..2025-06-30',
        'analytics_video_browser_daily 2025-05-20..2025-06-23',
        'analytics_video_browser_daily 2025-06-24..2025-06-30',
      ]);
    } finally {
      await session.warehouse.run('DELETE FROM raw.cms_videos');
    }
  });

  it('sizes windows by catalog size × days within 900,000 rows, exactly at the budget and one video past it', () => {
    const plan = (videos: number, source: 'analytics_video_daily' | 'analytics_video_device_daily' | 'analytics_video_browser_daily') =>
      reportWindows({
        source,
        extractConfig: { ...config.extract, history_start_date: '2025-01-01' },
        asOf: '2025-01-19', // trailing 01-13..01-19, settled 01-01..01-12
        createdDays: Array.from({ length: videos }, () => '2025-01-01'),
        dataFrom: '2011-01-01',
        covered: new Set(),
        seenRowsPerDay: undefined,
      }).map((window) => `${window.from}..${window.to}`);
    // 149,999 videos + 1 row without a video = 150,000 rows a day: 6 days = 900,000, exactly the budget.
    expect(plan(149_999, 'analytics_video_daily')).toEqual(['2025-01-01..2025-01-06', '2025-01-07..2025-01-12', '2025-01-13..2025-01-19']);
    // 150,000 videos: 150,001 a day, 6 days = 900,006, one window of 5 days (750,005) at a time.
    expect(plan(150_000, 'analytics_video_daily')).toEqual(['2025-01-01..2025-01-05', '2025-01-06..2025-01-10', '2025-01-11..2025-01-12', '2025-01-13..2025-01-19']);
    // 149,998 videos: 149,999 a day, 6 days = 899,994; 7 days would be 1,049,993.
    expect(plan(149_998, 'analytics_video_daily')[0]).toBe('2025-01-01..2025-01-06');
    // Devices: 5 rows per video-day: 29,999 videos → 150,000 a day → 6 days. Browsers: 7 per video-day:
    // 21,428 videos → (21,429) × 7 = 150,003 a day → 5 days (6 would be 900,018).
    expect(plan(29_999, 'analytics_video_device_daily')[0]).toBe('2025-01-01..2025-01-06');
    expect(plan(21_428, 'analytics_video_browser_daily')[0]).toBe('2025-01-01..2025-01-05');
    expect(plan(21_427, 'analytics_video_browser_daily')[0]).toBe('2025-01-01..2025-01-06'); // 21,428 × 7 = 149,996 a day
  });

  it('without a catalog, sizes by the most rows per day seen before; with neither, by analytics_window_days', () => {
    const plan = (seenRowsPerDay: number | undefined) =>
      reportWindows({
        source: 'analytics_video_daily',
        extractConfig: { ...config.extract, history_start_date: '2025-01-01' },
        asOf: '2025-03-31', // settled 01-01..03-24 (83 days)
        createdDays: undefined,
        dataFrom: '2011-01-01',
        covered: new Set(),
        seenRowsPerDay,
      }).map((window) => `${window.from}..${window.to}`);
    // 30,000 rows a day seen: 30 days = 900,000 fit, 31 do not.
    expect(plan(30_000)).toEqual(['2025-01-01..2025-01-30', '2025-01-31..2025-03-01', '2025-03-02..2025-03-24', '2025-03-25..2025-03-31']);
    // Nothing seen, no catalog: the configured 31-day windows.
    expect(plan(undefined)).toEqual(['2025-01-01..2025-01-31', '2025-02-01..2025-03-03', '2025-03-04..2025-03-24', '2025-03-25..2025-03-31']);
  });

  it('asks /v1/data/status once per report, keeps its reconciled_from, and takes the documented date from a server without it', async () => {
    await session.warehouse.run(`DELETE FROM meta.extract_state WHERE account_id = '${ACCOUNT.account_id}' AND state_key = 'reconciled_from' AND source <> 'analytics_video_daily'`);
    server.script((request) =>
      request.path.includes('dimensions=video%2Cdate%2Cdevice_type')
        ? { status: 200, body: { reconciled_from: '2025-05-25', reconciled_to: '2025-06-26' } }
        : { status: 404, body: [{ error_code: 'NOT_FOUND', message: 'Requested resource does not exist' }] },
    );
    const tasks = await extractor().windowTasks();
    expect(server.received.map((request) => request.path)).toEqual([
      `/v1/data/status?accounts=${ACCOUNT.account_id}&dimensions=video%2Cdate%2Cdevice_type`,
      `/v1/data/status?accounts=${ACCOUNT.account_id}&dimensions=video%2Cdate%2Cbrowser_type`,
    ]);
    // Configured 2025-06-01 stays the start: reconciled_from 2025-05-25 is earlier, the documented 2016-08-30 too.
    expect(tasks[2]).toEqual({ source: 'analytics_video_device_daily', window: { from: '2025-06-01', to: '2025-06-23' } });
    expect(logLines.join('\n')).toContain('history starts no earlier than the documented 2016-08-30');
    const stored = await session.warehouse.rows<{ source: string; state_value: string }>(
      `SELECT source, state_value FROM meta.extract_state WHERE account_id = '${ACCOUNT.account_id}' AND state_key = 'reconciled_from' ORDER BY source`,
    );
    expect(stored).toEqual([
      { source: 'analytics_video_browser_daily', state_value: '2016-08-30' },
      { source: 'analytics_video_daily', state_value: '2011-01-01' },
      { source: 'analytics_video_device_daily', state_value: '2025-05-25' },
    ]);
    await extractor().windowTasks();
    expect(server.received).toHaveLength(2); // kept: not asked again
  });
});

describe('/v1/data/status answers that are not a status', () => {
  const forgetDeviceStatus = () =>
    session.warehouse.run(`DELETE FROM meta.extract_state WHERE account_id = '${ACCOUNT.account_id}' AND state_key = 'reconciled_from' AND source = 'analytics_video_device_daily'`);
  afterEach(async () => {
    // the other tests expect the stored 2011-01-01
    await forgetDeviceStatus();
    await lander.commit([{ source: 'analytics_video_device_daily', accountId: ACCOUNT.account_id, stateKey: 'reconciled_from', stateValue: '2011-01-01' }]);
  });

  it.each([
    [[], 'expected a status object'],
    [null, 'expected a status object'],
    ['2025-05-25', 'expected a status object'],
    [{ reconciled_to: '2025-06-26' }, 'expected reconciled_from as YYYY-MM-DD'],
    [{ reconciled_from: 20250525 }, 'expected reconciled_from as YYYY-MM-DD'],
    [{ reconciled_from: 'x2025-05-25' }, 'expected reconciled_from as YYYY-MM-DD'],
    [{ reconciled_from: '2025-05-25x' }, 'expected reconciled_from as YYYY-MM-DD'],
    [{ reconciled_from: '2025-13-45' }, 'expected reconciled_from as YYYY-MM-DD'],
    // a date Date.parse takes (an extended year) but not YYYY-MM-DD
    [{ reconciled_from: '+002025-05-25' }, 'expected reconciled_from as YYYY-MM-DD'],
  ])('refuses %j: the run stops naming the problem, and nothing is stored', async (body, problem) => {
    await forgetDeviceStatus();
    server.script({ status: 200, body: JSON.stringify(body) });
    const failure = await extractor().windowTasks().catch((error: Error) => error);
    expect(failure).toBeInstanceOf(RequestFailedError);
    expect((failure as Error).message).toContain(problem);
    expect(await session.warehouse.scalar(
      `SELECT count(*)::INTEGER FROM meta.extract_state WHERE source = 'analytics_video_device_daily' AND state_key = 'reconciled_from'`,
    )).toBe(0);
  });

  it('a server error (not 404) on the status stops the run: the documented date stands in only for a server without the endpoint', async () => {
    await forgetDeviceStatus();
    server.script({ status: 500 });
    const failure = await extractor().windowTasks().catch((error: Error) => error);
    expect(failure).toBeInstanceOf(RequestFailedError);
    expect((failure as RequestFailedError).status).toBe(500);
    expect(logLines.join('\n')).not.toContain('documented');
  });

  it('takes a well-formed reconciled_from as it is', async () => {
    await forgetDeviceStatus();
    server.script({ status: 200, body: { reconciled_from: '2025-05-25' } });
    await extractor().windowTasks();
    expect(await session.warehouse.scalar(
      `SELECT state_value FROM meta.extract_state WHERE source = 'analytics_video_device_daily' AND state_key = 'reconciled_from'`,
    )).toBe('2025-05-25');
  });
});

describe('reconciled after N days, end to end', () => {
  it('asks reconciled exactly for the days that ended reconciled_after_days before as-of', async () => {
    // fixture: 3 days; as-of 06-30 00:00 − 3 days = 06-27 00:00, the end of 06-26: 06-26 is final, 06-27 is not
    expect(config.extract.reconciled_after_days).toBe(3);
    server.script((request) => reportFor(request));
    await extractor().run([
      { source: 'analytics_video_daily', window: { from: '2025-06-25', to: '2025-06-25' } },
      { source: 'analytics_video_daily', window: { from: '2025-06-26', to: '2025-06-26' } },
      { source: 'analytics_video_daily', window: { from: '2025-06-27', to: '2025-06-27' } },
    ]);
    expect(asked()).toEqual(['video,date 2025-06-25..2025-06-25 reconciled', 'video,date 2025-06-26..2025-06-26 reconciled', 'video,date 2025-06-27..2025-06-27']);
  });
});

describe('paging', () => {
  it('pages by limit and offset, sorted by date, until item_count rows came', async () => {
    server.script((request) => reportFor(request));
    const result = await extractor({ pageLimit: 3 }).run([{ source: 'analytics_video_daily', window: { from: '2025-06-24', to: '2025-06-30' } }]);
    // 7 rows in pages of 3: offsets 0, 3, 6
    expect(asked()).toEqual(['video,date 2025-06-24..2025-06-30 @0', 'video,date 2025-06-24..2025-06-30 @3', 'video,date 2025-06-24..2025-06-30 @6']);
    expect(server.received[0]!.path).toContain('&limit=3&offset=0&sort=date');
    expect(result).toEqual({ requests: 3, fetches: 1, rows: 7, rowsBySource: { analytics_video_daily: 7 }, sources: ['analytics_video_daily'] });
    expect(await fetchRows()).toEqual([
      { source: 'analytics_video_daily', window_from: '2025-06-24', window_to: '2025-06-30', reconciled: false, done: true, row_count: 7 },
    ]);
  });

  it('stops on an empty page even if item_count promised more', async () => {
    server.script((request) => (new URL(request.path, 'http://x').searchParams.get('offset') === '0' ? reportFor(request, { count: () => 9 }) : { status: 200, body: { item_count: 9, items: [] } }));
    const result = await extractor({ pageLimit: 7 }).run([{ source: 'analytics_video_daily', window: { from: '2025-06-24', to: '2025-06-30' } }]);
    expect(result).toEqual({ requests: 2, fetches: 1, rows: 7, rowsBySource: { analytics_video_daily: 7 }, sources: ['analytics_video_daily'] });
  });

  it('with one page for all, a page shorter than item_count is refused and the window split', async () => {
    // the first answer of each window promises one row more than it sends; halves are answered truthfully
    let first = true;
    server.script((request) => {
      const reply = reportFor(request, first ? { count: (days) => days + 1 } : {});
      first = false;
      return reply;
    });
    await extractor().run([{ source: 'analytics_video_daily', window: { from: '2025-06-24', to: '2025-06-30' } }]);
    expect(asked()).toEqual(['video,date 2025-06-24..2025-06-30', 'video,date 2025-06-24..2025-06-27', 'video,date 2025-06-28..2025-06-30']);
    expect(logLines.join('\n')).toContain('splitting');
  });
});

describe('splitting and failing', () => {
  it('splits a window over the row cap in halves, down to windows under it', async () => {
    server.script((request) => reportFor(request));
    const result = await extractor({ rowCap: 2 }).run([{ source: 'analytics_video_daily', window: { from: '2025-06-24', to: '2025-06-30' } }]);
    // 7 days > 2: 4 + 3; 4 → 2 + 2; 3 → 2 + 1
    expect(asked()).toEqual([
      'video,date 2025-06-24..2025-06-30',
      'video,date 2025-06-24..2025-06-27',
      'video,date 2025-06-24..2025-06-25 reconciled', // ended 06-26 00:00, 4 days before as-of
      'video,date 2025-06-26..2025-06-27',
      'video,date 2025-06-28..2025-06-30',
      'video,date 2025-06-28..2025-06-29',
      'video,date 2025-06-30..2025-06-30',
    ]);
    expect(result.rows).toBe(7);
    // a window exactly at the cap (2 rows) is taken whole
    expect((await fetchRows()).filter((row) => row.done).map((row) => `${row.window_from}..${row.window_to}`)).toEqual([
      '2025-06-24..2025-06-25',
      '2025-06-26..2025-06-27',
      '2025-06-28..2025-06-29',
      '2025-06-30..2025-06-30',
    ]);
  });

  it('splits a window that keeps failing, and fails naming account, endpoint and window at one day', async () => {
    server.script({ status: 500 });
    const error = await extractor().run([{ source: 'analytics_video_daily', window: { from: '2025-06-29', to: '2025-06-30' } }]).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(WindowFailedError);
    expect((error as Error).name).toBe('WindowFailedError');
    expect((error as Error).message).toContain(`neo (${ACCOUNT.account_id})`);
    expect((error as Error).message).toContain('analytics:/v1/data');
    expect((error as Error).message).toContain('2025-06-29..2025-06-29');
    expect(asked()).toEqual(['video,date 2025-06-29..2025-06-30', 'video,date 2025-06-29..2025-06-29']);
  });

  it('splits a window refused with 400 (too large a query), down to days that pass', async () => {
    server.script((request) => (request.path.includes('from=2025-06-29&to=2025-06-30') ? { status: 400, body: [{ error_code: 'BAD_REQUEST' }] } : reportFor(request)));
    const result = await extractor().run([{ source: 'analytics_video_daily', window: { from: '2025-06-29', to: '2025-06-30' } }]);
    expect(result.rows).toBe(2);
    expect(asked()).toHaveLength(3);
  });

  it.each([401, 403, 404])('does not split on HTTP %i: the error goes up at once', async (status) => {
    server.script({ status });
    const error = await extractor().run([{ source: 'analytics_video_daily', window: { from: '2025-06-24', to: '2025-06-30' } }]).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(RequestFailedError);
    expect((error as RequestFailedError).status).toBe(status);
    expect((error as RequestFailedError).context).toEqual({
      endpoint: 'analytics:/v1/data',
      account: `neo (${ACCOUNT.account_id})`,
      window: '2025-06-24..2025-06-30 video,date',
    });
    expect(server.received.length).toBeLessThanOrEqual(2); // a 401 is repeated once with a fresh token
    expect(asked().every((line) => line.includes('2025-06-24..2025-06-30'))).toBe(true);
  });
});

describe('report shape', () => {
  it.each([
    ['an array', []],
    ['null', null],
    ['no items', { item_count: 1 }],
    ['a missing item_count', { items: [] }],
    ['a negative item_count', { item_count: -1, items: [] }],
    ['a fractional item_count', { item_count: 1.5, items: [] }],
    ['a text item_count', { item_count: '1', items: [] }],
  ])('retries a body with %s, then lands the good one', async (_name, bad) => {
    server.script({ status: 200, body: JSON.stringify(bad) }, (request) => reportFor(request));
    const result = await extractor({}, 2).run([{ source: 'analytics_video_daily', window: { from: '2025-06-24', to: '2025-06-30' } }]);
    expect(result.rows).toBe(7);
    expect(http!.counter.entries().map((entry) => entry.outcome)).toEqual(['ok', 'unexpected_shape']);
  });

  it.each([
    ['[]', 'expected a report object, got an array'],
    ['null', 'expected a report object, got null'],
    ['"text"', 'expected a report object, got string'],
    ['{"item_count": 1}', 'expected an items array'],
    ['{"items": [], "item_count": -1}', 'expected a whole item_count'],
  ])('names what is wrong with a body %s once retries run out', async (body, reason) => {
    server.script({ status: 200, body });
    const error = await extractor().run([{ source: 'analytics_video_daily', window: { from: '2025-06-30', to: '2025-06-30' } }]).catch((caught: unknown) => caught);
    expect((error as Error).message).toContain(reason);
  });

  it('accepts an item_count of 0 with no items', async () => {
    server.script({ status: 200, body: { item_count: 0, items: [] } });
    const result = await extractor().run([{ source: 'analytics_video_daily', window: { from: '2025-06-24', to: '2025-06-30' } }]);
    expect(result).toEqual({ requests: 1, fetches: 1, rows: 0, rowsBySource: { analytics_video_daily: 0 }, sources: ['analytics_video_daily'] });
    expect((await fetchRows())[0]!.done).toBe(true);
  });
});

describe('fetch ids', () => {
  it('are the UTC time to the millisecond, a sequence and a random suffix, sortable by time', () => {
    const first = newFetchId();
    const second = newFetchId();
    expect(first).toMatch(/^\d{8}T\d{9}Z-\d{6}-[0-9a-f]{6}$/);
    expect(second > first).toBe(true);
    expect(Number(second.split('-')[1])).toBe(Number(first.split('-')[1]) + 1);
    expect(first.slice(0, 8)).toBe(new Date().toISOString().slice(0, 10).replaceAll('-', ''));
  });
});
