import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { discoverChecks, runChecks } from '../../warehouse/checks.ts';
import { buildModels, discoverModels, selectModels } from '../../warehouse/models.ts';
import type { PipelineSession } from '../../warehouse/session.ts';
import { addCatalogDurations, eventSession, ingestLines, type EventInput } from '../events/harness.ts';
import { ACCOUNTS, dailyItem, insertAnalyticsFetch } from '../models/brightcove-fixture.ts';
import { loadTestConfig } from '../support/test-config.ts';

/**
 * marts.watch_time_reconciliation, marts.data_freshness and marts.rejected_rows built by the real models
 * from landed rows, with the boundaries of their warning checks: the tolerance and the maximum age come
 * from the test configuration (0.2 and 2 days, the documented defaults); the expected rows are worked
 * out by hand. As-of date 2025-06-30.
 */

let session: PipelineSession;
const config = loadTestConfig();

/** One user plays a video from 0 at `start` (UTC) and pauses `seconds` later at position `seconds`: `seconds` watched. */
function watch(userId: string, videoId: string, start: string, seconds: number, from = 0): EventInput[] {
  const startMs = Date.parse(start);
  return [
    { timestamp: new Date(startMs).toISOString(), userId, sessionId: `${userId}-s`, videoId, eventName: 'play', currentTime: from },
    { timestamp: new Date(startMs + Math.round(seconds * 1000)).toISOString(), userId, sessionId: `${userId}-s`, videoId, eventName: 'pause', currentTime: from + seconds },
  ];
}

beforeAll(async () => {
  session = await eventSession();
  const videos = ['v_up_at', 'v_up_past', 'v_low_at', 'v_low_past', 'v_zero', 'v_only_events', 'v_midnight', 'v_provisional'];
  await addCatalogDurations(session, Object.fromEntries(videos.map((video) => [video, 600])));
  await ingestLines(session, [
    ...watch('a', 'v_up_at', '2025-06-10T10:00:00Z', 120),
    ...watch('a', 'v_up_past', '2025-06-10T11:00:00Z', 120.001),
    ...watch('b', 'v_low_at', '2025-06-10T10:00:00Z', 40),
    ...watch('c', 'v_low_at', '2025-06-10T10:00:00Z', 40),
    ...watch('a', 'v_low_past', '2025-06-10T12:00:00Z', 79.999),
    ...watch('a', 'v_zero', '2025-06-10T13:00:00Z', 10),
    ...watch('a', 'v_only_events', '2025-06-10T14:00:00Z', 10),
    // 10 s where Brightcove's provisional numbers say 100: no row until the day is fetched final
    ...watch('e', 'v_provisional', '2025-06-10T15:00:00Z', 10),
    // A segment opened before midnight UTC counts on that date; the next play, 4 minutes later (the same
    // viewing session), on the next.
    ...watch('d', 'v_midnight', '2025-06-11T23:59:00Z', 120),
    ...watch('d', 'v_midnight', '2025-06-12T00:05:00Z', 30, 120),
    // no userId: quarantined
    { timestamp: '2025-06-12T00:06:00Z', sessionId: 'x', videoId: 'v_zero', eventName: 'play', currentTime: 0 },
  ]);
  const seconds = (video: string, date: string, value: number) => dailyItem(video, date, 1, { video_seconds_viewed: value });
  await insertAnalyticsFetch(session.warehouse, {
    source: 'analytics_video_daily',
    accountId: ACCOUNTS.internet,
    fetchId: 'f-internet',
    from: '2025-06-01',
    to: '2025-06-28',
    reconciled: true,
    items: [
      seconds('v_up_at', '2025-06-10', 100),
      seconds('v_up_past', '2025-06-10', 100),
      seconds('v_low_at', '2025-06-10', 100),
      seconds('v_low_past', '2025-06-10', 100),
      dailyItem('v_zero', '2025-06-10', 0, { video_seconds_viewed: 0 }),
      seconds('v_only_brightcove', '2025-06-10', 100),
      seconds('v_midnight', '2025-06-11', 120),
      seconds('v_midnight', '2025-06-12', 30),
      dailyItem(null, '2025-06-12', 5), // no video id: rejected by staging
    ],
  });
  // research: a day fetched while still provisional (asked without reconciled=true), never fetched final since
  await insertAnalyticsFetch(session.warehouse, {
    source: 'analytics_video_daily', accountId: ACCOUNTS.research, fetchId: 'f-research-provisional', from: '2025-06-10', to: '2025-06-10', reconciled: false,
    items: [seconds('v_provisional', '2025-06-10', 100)],
  });
  // neo: a quiet account, its fetch covered days up to 06-27 without a row
  await insertAnalyticsFetch(session.warehouse, { source: 'analytics_video_daily', accountId: ACCOUNTS.neo, fetchId: 'f-neo', from: '2025-06-01', to: '2025-06-27', items: [] });
  // intranet: the fetch up to 06-29 never completed, so only the one up to 06-20 counts
  await insertAnalyticsFetch(session.warehouse, { source: 'analytics_video_daily', accountId: ACCOUNTS.intranet, fetchId: 'f-intranet-1', from: '2025-06-01', to: '2025-06-20', items: [] });
  await insertAnalyticsFetch(session.warehouse, {
    source: 'analytics_video_daily', accountId: ACCOUNTS.intranet, fetchId: 'f-intranet-2', from: '2025-06-21', to: '2025-06-29', completed: false, items: [],
  });
  await buildModels(session.warehouse, selectModels(discoverModels()), session.runId);
});

afterAll(() => session?.close());

describe('marts.watch_time_reconciliation', () => {
  it('pairs the events seconds per UTC date with Brightcove final seconds where both exist, the tolerance boundary inside', async () => {
    expect(config.checks.reconciliation_tolerance).toBe(0.2);
    const rows = await session.warehouse.rows(
      `SELECT video_id, CAST(view_date AS VARCHAR) AS view_date, event_watch_time_s, brightcove_seconds_viewed, difference_s, watch_time_ratio, event_viewers, tolerance, is_within_tolerance
       FROM marts.watch_time_reconciliation ORDER BY video_id, view_date`,
    );
    expect(rows).toEqual([
      // 40 + 40 = 80 of 100: |80 - 100| = 20 = 0.2 x 100, on the boundary: inside
      { video_id: 'v_low_at', view_date: '2025-06-10', event_watch_time_s: 80, brightcove_seconds_viewed: 100, difference_s: -20, watch_time_ratio: 0.8, event_viewers: '2', tolerance: 0.2, is_within_tolerance: true },
      // 79.999: 20.001 > 20, just past it
      { video_id: 'v_low_past', view_date: '2025-06-10', event_watch_time_s: 79.999, brightcove_seconds_viewed: 100, difference_s: -20.001, watch_time_ratio: 0.8, event_viewers: '1', tolerance: 0.2, is_within_tolerance: false },
      // 120 s before midnight on 06-11 (the segment opened then), 30 s on 06-12
      { video_id: 'v_midnight', view_date: '2025-06-11', event_watch_time_s: 120, brightcove_seconds_viewed: 120, difference_s: 0, watch_time_ratio: 1, event_viewers: '1', tolerance: 0.2, is_within_tolerance: true },
      { video_id: 'v_midnight', view_date: '2025-06-12', event_watch_time_s: 30, brightcove_seconds_viewed: 30, difference_s: 0, watch_time_ratio: 1, event_viewers: '1', tolerance: 0.2, is_within_tolerance: true },
      // 120 of 100: 20 = 0.2 x 100: inside; 120.001: outside (ratio 1.20001 → 1.2 at 4 decimals)
      { video_id: 'v_up_at', view_date: '2025-06-10', event_watch_time_s: 120, brightcove_seconds_viewed: 100, difference_s: 20, watch_time_ratio: 1.2, event_viewers: '1', tolerance: 0.2, is_within_tolerance: true },
      { video_id: 'v_up_past', view_date: '2025-06-10', event_watch_time_s: 120.001, brightcove_seconds_viewed: 100, difference_s: 20.001, watch_time_ratio: 1.2, event_viewers: '1', tolerance: 0.2, is_within_tolerance: false },
      // Brightcove says 0 seconds: no ratio, and any watched second is outside
      { video_id: 'v_zero', view_date: '2025-06-10', event_watch_time_s: 10, brightcove_seconds_viewed: 0, difference_s: 10, watch_time_ratio: null, event_viewers: '1', tolerance: 0.2, is_within_tolerance: false },
    ]);
    // v_only_events and v_only_brightcove have one side only: no row. v_provisional's Brightcove day is
    // provisional (1/10 of the events' seconds would be far outside): no row either.
  });
});

describe('marts.data_freshness', () => {
  it('per account the latest day a completed fetch covered, and the latest player event, aged from the as-of date', async () => {
    expect(config.checks.freshness_max_age_days).toBe(2);
    const rows = await session.warehouse.rows(
      `SELECT source, account_slug, CAST(latest_date AS VARCHAR) AS latest_date, CAST(latest_reported_date AS VARCHAR) AS latest_reported_date,
              CAST(latest_event_at AS VARCHAR) AS latest_event_at, age_days, max_age_days, is_stale
       FROM marts.data_freshness WHERE account_slug IN ('internet', 'neo', 'intranet', 'impact') OR source = 'player_events' ORDER BY source, account_slug`,
    );
    expect(rows).toEqual([
      { source: 'analytics_video_daily', account_slug: 'impact', latest_date: null, latest_reported_date: null, latest_event_at: null, age_days: null, max_age_days: 2, is_stale: null },
      // 2025-06-30 - 2025-06-28 = 2 days = the maximum: not stale
      { source: 'analytics_video_daily', account_slug: 'internet', latest_date: '2025-06-28', latest_reported_date: '2025-06-12', latest_event_at: null, age_days: 2, max_age_days: 2, is_stale: false },
      // the incomplete fetch to 06-29 does not count: 30 - 20 = 10 days
      { source: 'analytics_video_daily', account_slug: 'intranet', latest_date: '2025-06-20', latest_reported_date: null, latest_event_at: null, age_days: 10, max_age_days: 2, is_stale: true },
      // 30 - 27 = 3 days, one past the maximum; no row reported, still landed
      { source: 'analytics_video_daily', account_slug: 'neo', latest_date: '2025-06-27', latest_reported_date: null, latest_event_at: null, age_days: 3, max_age_days: 2, is_stale: true },
      // latest event: the pause at 2025-06-12 00:05:30 (the quarantined row does not count): 18 days
      { source: 'player_events', account_slug: null, latest_date: '2025-06-12', latest_reported_date: null, latest_event_at: '2025-06-12 00:05:30', age_days: 18, max_age_days: 2, is_stale: true },
    ]);
  });
});

describe('marts.rejected_rows', () => {
  it('counts the quarantined events and the rows staging rejected, by source and reason', async () => {
    expect(await session.warehouse.rows('SELECT source, reason, rejected_rows FROM marts.rejected_rows ORDER BY ALL')).toEqual([
      { source: 'analytics_video_daily', reason: 'null video id', rejected_rows: '1' },
      { source: 'player_events', reason: 'missing_user_id', rejected_rows: '1' },
    ]);
  });
});

describe('warning checks', () => {
  it('report the days outside the tolerance and the stale sources without failing the checks', async () => {
    const checks = discoverChecks().filter((check) => ['watch_time_reconciliation_within_tolerance', 'data_freshness_within_max_age'].includes(check.name));
    expect(checks.map((check) => check.severity)).toEqual(['warning', 'warning']);
    const results = await runChecks(session, checks);
    // freshness: intranet, neo, research (06-10: 20 days), player events; reconciliation: v_low_past, v_up_past, v_zero
    expect(results.map((result) => [result.name, result.severity, result.failingRows])).toEqual([
      ['data_freshness_within_max_age', 'warning', 4],
      ['watch_time_reconciliation_within_tolerance', 'warning', 3],
    ]);
    expect(
      await session.warehouse.rows(`SELECT check_name, severity, failing_rows FROM meta.check_results WHERE run_id = $1 ORDER BY check_name`, [session.runId]),
    ).toEqual([
      { check_name: 'data_freshness_within_max_age', severity: 'warning', failing_rows: '4' },
      { check_name: 'watch_time_reconciliation_within_tolerance', severity: 'warning', failing_rows: '3' },
    ]);
  });
});
