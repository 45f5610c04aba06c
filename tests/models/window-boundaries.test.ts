import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { harperExporter } from '../../warehouse/export/harper.ts';
import { openSession, type PipelineSession } from '../../warehouse/session.ts';
import { ACCOUNTS, buildBrightcove, dailyItem, insertAnalyticsFetch, insertCmsVideos, testConfig, type AnalyticsItem } from './brightcove-fixture.ts';

/**
 * The date rules of the Brightcove marts and the Harper daily views, each edge exactly at the boundary
 * and one day past it, as of 2025-06-30 with the test configuration:
 * - the Reporting cache (reporting.cache_window_days = 90): a view day counts when
 *   as-of − 90 ≤ day ≤ as-of, i.e. 2025-04-01 .. 2025-06-30 (both inclusive);
 * - last viewed: the last day with video_view > 0 (a day with 0 views is no view), up to as-of;
 * - Harper daily views (harper.daily_views_days = 30): days as-of − 30 .. as-of with views,
 *   i.e. 2025-05-31 .. 2025-06-30.
 */

const AS_OF = '2025-06-30';
const I = ACCOUNTS.internet;
// One video per case; every one ACTIVE, so only the dates and views decide.
const W = {
  day90: '6310000000090', // 1 view on 2025-04-01 = as-of − 90: inside the cache (the lowest count that is a view)
  day91: '6310000000091', // 4 views on 2025-03-31 = as-of − 91: outside
  asOf: '6310000000000', // 2 views on the as-of day itself: inside
  afterAsOf: '6310000000001', // 5 views on 2025-07-01, the day after as-of: outside, and not "last viewed" either
  zeroDayLast: '6310000000002', // 3 views on 06-10, then a day with 0 views (impressions only) on 06-20
  onlyZeroInWindow: '6310000000003', // 6 views on 2025-03-01; in the window only a 0-view day (06-15)
  harperEdges: '6310000000004', // views on 05-30 (as-of − 31), 05-31 (as-of − 30) and 07-01
  bareId: '6310000000005', // its id sent as a bare JSON number (exact below 2^53): 2 views on 06-01, cached
  wrongType: '6310000000006', // video_view sent as "17 views" on 06-02: rejected with its reason, no row
} as const;

let session: PipelineSession;
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'reelhouse-windows-'));
  session = await openSession({ dataDir: dir, config: testConfig(), asOf: AS_OF, command: 'test-windows' });
  const warehouse = session.warehouse;
  await insertCmsVideos(
    warehouse,
    Object.entries(W).map(([name, id]) => ({ id, account_id: I, name, state: 'ACTIVE' as const, created_at: '2024-01-01T00:00:00.000Z', published_at: '2024-01-01T00:00:00.000Z' })),
  );
  // An earlier provisional fetch of June: the reconciled one below replaces it day by day.
  await insertAnalyticsFetch(warehouse, {
    source: 'analytics_video_daily',
    accountId: I,
    fetchId: 'w0000',
    from: '2025-06-01',
    to: '2025-06-30',
    items: [dailyItem(W.zeroDayLast, '2025-06-10', 99)],
  });
  await insertAnalyticsFetch(warehouse, {
    source: 'analytics_video_daily',
    accountId: I,
    fetchId: 'w0001',
    from: '2025-02-01',
    to: '2025-07-01',
    reconciled: true,
    items: [
      dailyItem(W.day90, '2025-04-01', 1),
      dailyItem(W.day90, '2025-04-01', 1), // the same item twice (pages repeat items): one day, 1 view
      dailyItem(W.day91, '2025-03-31', 4),
      { ...dailyItem(W.day91, '2025-06-05', 0), video_view: undefined } as unknown as AnalyticsItem, // no video_view at all: 0 views, not a view
      dailyItem(W.asOf, '2025-06-30', 2),
      dailyItem(W.afterAsOf, '2025-07-01', 5),
      dailyItem(W.zeroDayLast, '2025-06-10', 3),
      dailyItem(W.zeroDayLast, '2025-06-20', 0, { video_impression: 9 }),
      dailyItem(W.onlyZeroInWindow, '2025-03-01', 6),
      dailyItem(W.onlyZeroInWindow, '2025-06-15', 0, { video_impression: 4 }),
      dailyItem(W.harperEdges, '2025-05-30', 7),
      dailyItem(W.harperEdges, '2025-05-31', 8),
      dailyItem(W.harperEdges, '2025-07-01', 9),
      dailyItem(Number(W.bareId) as unknown as string, '2025-06-01', 2),
      { ...dailyItem(W.wrongType, '2025-06-02', 0), video_view: '17 views' } as unknown as AnalyticsItem,
    ],
  });
  // Devices for June only: a covered day without device rows has 0 on every device; an uncovered day NULL.
  const device = (video: string, date: string, deviceType: string, views: number) => ({ video, date, device_type: deviceType, video_view: views });
  await insertAnalyticsFetch(warehouse, {
    source: 'analytics_video_device_daily',
    accountId: I,
    fetchId: 'd0001',
    from: '2025-06-01',
    to: '2025-06-30',
    reconciled: true,
    items: [device(W.zeroDayLast, '2025-06-10', 'desktop', 3), device(W.bareId, '2025-06-01', 'mobile', 2), device(W.asOf, '2025-06-30', 'tablet', 2)],
  });
  await buildBrightcove(warehouse);
});
afterAll(() => session.warehouse.close());

describe('marts.video_cache (cache_window_days = 90)', () => {
  it('holds the videos viewed from 2025-04-01 (as-of − 90) through the as-of day, by their last view day in the window', async () => {
    const rows = await session.warehouse.rows<Record<string, string>>(
      `SELECT video_id, last_viewed_date::VARCHAR AS last_viewed_date, window_video_views::VARCHAR AS views,
              window_start_date::VARCHAR AS window_start_date, window_end_date::VARCHAR AS window_end_date
       FROM marts.video_cache ORDER BY video_id`,
    );
    expect(rows).toEqual([
      { video_id: W.asOf, last_viewed_date: '2025-06-30', views: '2', window_start_date: '2025-04-01', window_end_date: '2025-06-30' },
      { video_id: W.zeroDayLast, last_viewed_date: '2025-06-10', views: '3', window_start_date: '2025-04-01', window_end_date: '2025-06-30' },
      // 05-31 (8) is in the window; 05-30 (7) too (as-of − 31 ≥ as-of − 90); 07-01 (9) is after as-of.
      { video_id: W.harperEdges, last_viewed_date: '2025-05-31', views: '15', window_start_date: '2025-04-01', window_end_date: '2025-06-30' },
      { video_id: W.bareId, last_viewed_date: '2025-06-01', views: '2', window_start_date: '2025-04-01', window_end_date: '2025-06-30' },
      { video_id: W.day90, last_viewed_date: '2025-04-01', views: '1', window_start_date: '2025-04-01', window_end_date: '2025-06-30' },
    ]);
  });
});

describe('marts.video_last_viewed (video_view > 0, up to as-of)', () => {
  it('is the last day with at least one view; 0-view days and days after as-of do not count', async () => {
    const rows = await session.warehouse.rows<Record<string, string>>(
      `SELECT video_id, last_viewed_date::VARCHAR AS last_viewed, first_viewed_date::VARCHAR AS first_viewed, viewed_days::VARCHAR AS days, total_video_views::VARCHAR AS views
       FROM marts.video_last_viewed ORDER BY video_id`,
    );
    expect(rows).toEqual([
      { video_id: W.asOf, last_viewed: '2025-06-30', first_viewed: '2025-06-30', days: '1', views: '2' },
      { video_id: W.zeroDayLast, last_viewed: '2025-06-10', first_viewed: '2025-06-10', days: '1', views: '3' },
      { video_id: W.onlyZeroInWindow, last_viewed: '2025-03-01', first_viewed: '2025-03-01', days: '1', views: '6' },
      { video_id: W.harperEdges, last_viewed: '2025-05-31', first_viewed: '2025-05-30', days: '2', views: '15' },
      { video_id: W.bareId, last_viewed: '2025-06-01', first_viewed: '2025-06-01', days: '1', views: '2' },
      { video_id: W.day90, last_viewed: '2025-04-01', first_viewed: '2025-04-01', days: '1', views: '1' },
      { video_id: W.day91, last_viewed: '2025-03-31', first_viewed: '2025-03-31', days: '1', views: '4' },
      // W.afterAsOf: its only view is on 07-01, after as-of: no row.
    ]);
  });
});

describe('marts.daily_analytics_multi_year (Reporting years 2024, 2025; cached videos; up to as-of)', () => {
  it('holds every reported day of the cached videos up to the as-of day, the 0-view days included', async () => {
    const rows = await session.warehouse.rows<{ video_id: string; view_date: string; video_view: string }>(
      `SELECT video_id, view_date::VARCHAR AS view_date, video_view::VARCHAR AS video_view FROM marts.daily_analytics_multi_year ORDER BY video_id, view_date`,
    );
    expect(rows.map((row) => [row.video_id, row.view_date, row.video_view])).toEqual([
      [W.asOf, '2025-06-30', '2'],
      [W.zeroDayLast, '2025-06-10', '3'],
      [W.zeroDayLast, '2025-06-20', '0'],
      [W.harperEdges, '2025-05-30', '7'],
      [W.harperEdges, '2025-05-31', '8'], // its 07-01 day is after as-of
      [W.bareId, '2025-06-01', '2'],
      [W.day90, '2025-04-01', '1'],
    ]);
    // The later, reconciled fetch replaced the provisional 99 views of 06-10.
    expect(
      await session.warehouse.rows(`SELECT video_view::VARCHAR AS views, is_reconciled FROM marts.daily_video_analytics WHERE video_id = '${W.zeroDayLast}' AND view_date = DATE '2025-06-10'`),
    ).toEqual([{ views: '3', is_reconciled: true }]);
    // "17 views" is not a number: no row in the mart, one in the quarantine with the reason.
    expect(await session.warehouse.scalar(`SELECT count(*) FROM marts.daily_video_analytics WHERE video_id = '${W.wrongType}'`)).toBe('0');
    expect(await session.warehouse.rows(`SELECT reason FROM staging.brightcove_rejected_rows WHERE video_id = '${W.wrongType}'`)).toEqual([
      { reason: 'wrong-typed metric video_view' },
    ]);
    // marts.daily_video_analytics itself keeps every reported day, the one after as-of too.
    expect(await session.warehouse.scalar(`SELECT count(*) FROM marts.daily_video_analytics WHERE video_id = '${W.harperEdges}'`)).toBe('3');
  });
});

describe('marts.daily_video_analytics: ratios and devices on days without views or impressions', () => {
  it('play_rate is NULL without impressions and 0 with impressions but no views; devices 0 on a covered day, NULL on an uncovered one', async () => {
    const rows = await session.warehouse.rows(
      `SELECT video_id, view_date::VARCHAR AS day, video_view::VARCHAR AS views, video_impression::VARCHAR AS impressions, play_rate, engagement_score,
              views_desktop::VARCHAR AS desktop, views_mobile::VARCHAR AS mobile, views_tablet::VARCHAR AS tablet, views_other::VARCHAR AS other
       FROM marts.daily_video_analytics WHERE (video_id, view_date) IN (('${W.zeroDayLast}', DATE '2025-06-20'), ('${W.day91}', DATE '2025-06-05'), ('${W.harperEdges}', DATE '2025-05-31'))
       ORDER BY video_id`,
    );
    expect(rows).toEqual([
      // 0 views / 9 impressions = 0; no views: no engagement score; June is covered, no device rows: zeros.
      { video_id: W.zeroDayLast, day: '2025-06-20', views: '0', impressions: '9', play_rate: 0, engagement_score: null, desktop: '0', mobile: '0', tablet: '0', other: '0' },
      // 8 views / 24 impressions; 8 × 42.5 percent / 8 views = 42.5; May is not covered by a device report: unknown.
      { video_id: W.harperEdges, day: '2025-05-31', views: '8', impressions: '24', play_rate: 8 / 24, engagement_score: 42.5, desktop: null, mobile: null, tablet: null, other: null },
      // No video_view sent, 0 impressions: no play_rate at all (not 0/0).
      { video_id: W.day91, day: '2025-06-05', views: '0', impressions: '0', play_rate: null, engagement_score: null, desktop: '0', mobile: '0', tablet: '0', other: '0' },
    ]);
  });
});

describe('Harper <slug>_daily_views.csv (daily_views_days = 30)', () => {
  it('lists the days with views from 2025-05-31 (as-of − 30) through the as-of day', async () => {
    await harperExporter(session);
    const rows = parse(readFileSync(join(session.dir.exports, 'harper', 'internet_daily_views.csv'), 'utf8'), { columns: true }) as Array<Record<string, string>>;
    expect(rows.map((row) => [row['date'], row['video_id'], row['views']])).toEqual([
      ['2025-05-31', W.harperEdges, '8'], // as-of − 30: in; 05-30 (as-of − 31) is not
      ['2025-06-01', W.bareId, '2'],
      ['2025-06-10', W.zeroDayLast, '3'], // its 0-view day 06-20 is not listed
      ['2025-06-30', W.asOf, '2'], // the as-of day: in; 07-01 is not
    ]);
  });
});
