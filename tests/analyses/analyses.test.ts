import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { formatResult, listAnalyses, runAnalysis } from '../../warehouse/analyses.ts';
import { ACCOUNT_A, ACCOUNT_B, analysesFixture } from './analyses-fixture.ts';

/**
 * Every analysis of sql/analyses on the hand-made fixture (tests/analyses/analyses-fixture.ts): the
 * expected rows are worked out by hand in the comments, from the fixture's rows.
 */

let published: string;
beforeAll(async () => {
  published = await analysesFixture();
});

const run = async (name: string) => (await runAnalysis(name, published)).rows;

describe('sql/analyses', () => {
  it('has the agreed files, each with a question, a grain and the tables it reads in its header', () => {
    const analyses = listAnalyses();
    expect(analyses.map((analysis) => analysis.name)).toEqual([
      'browser_share_by_month',
      'data_quality_summary',
      'drop_off_by_position',
      'engagement_by_content_type',
      'freshness',
      'mobile_share_by_month',
      'power_users',
      'regional_demand',
      'top_videos_by_unique_viewers',
      'watch_time_reconciliation',
    ]);
    for (const analysis of analyses) {
      expect(analysis.question.length).toBeGreaterThan(20);
      expect(analysis.grain).toMatch(/^one row per /);
      expect(analysis.reads.length).toBeGreaterThan(0);
      // The tables it says it reads are the tables its SQL reads (schema-qualified), no more, no fewer.
      const mentioned = [...new Set([...analysis.sql.replace(/--[^\n]*/g, '').matchAll(/\b(marts|meta)\.([a-z_]+)\b/g)].map((match) => match[0]))];
      expect(mentioned.sort()).toEqual([...analysis.reads].sort());
      // Runnable as is in the DuckDB CLI: one statement, ended by its semicolon.
      expect(readFileSync(analysis.file, 'utf8').trim().endsWith(';')).toBe(true);
    }
  });

  it('engagement_by_content_type: the daily engagement_score weighted by views, days without views left out', async () => {
    expect(await run('engagement_by_content_type')).toEqual([
      // 1004 (content type ''): only 2025-06-03 has views: 10 views at 90
      { video_content_type: '(not set)', video_views: 10, engagement_score: 90, videos: 1 },
      // 1001 (100 at 60, 300 at 80) and 1003 (200 at 50): (6000 + 24000 + 10000) / 600 = 66.666… → 66.67
      { video_content_type: 'training', video_views: 600, engagement_score: 66.67, videos: 2 },
      // 1002: 50 at 40
      { video_content_type: 'earnings_call', video_views: 50, engagement_score: 40, videos: 1 },
      // 1005 (interview) has one day, without views: no row
    ]);
  });

  it('mobile_share_by_month: only days with a device report, in numerator and denominator', async () => {
    expect(await run('mobile_share_by_month')).toEqual([
      // May: 1001 on 05-30: 20 mobile of 100
      { month: '2025-05', video_views: 100, mobile_views: 20, mobile_share: 0.2, desktop_views: 70, tablet_views: 10, other_views: 0 },
      // June: 300 + 200 + 0 views (1002 and 1004's 06-03 have no device report), 90 + 100 + 0 mobile: 190 / 500 = 0.38
      { month: '2025-06', video_views: 500, mobile_views: 190, mobile_share: 0.38, desktop_views: 300, tablet_views: 10, other_views: 0 },
    ]);
  });

  it("regional_demand: the video's country x content type, most viewed first, with views per day watched", async () => {
    expect(await run('regional_demand')).toEqual([
      // 1001: 100 + 300 views on 2 days with views: 400 / 2 = 200
      { country: 'US', video_content_type: 'training', video_views: 400, videos_viewed: 1, viewing_days: 2, views_per_viewing_day: 200 },
      // 1003: 200 on one day
      { country: 'GB', video_content_type: 'training', video_views: 200, videos_viewed: 1, viewing_days: 1, views_per_viewing_day: 200 },
      // 1002: 50 on one day
      { country: 'GB', video_content_type: 'earnings_call', video_views: 50, videos_viewed: 1, viewing_days: 1, views_per_viewing_day: 50 },
      // 1004: 0 + 10: the day without views is no viewing day: 10 / 1
      { country: '(not set)', video_content_type: '(not set)', video_views: 10, videos_viewed: 1, viewing_days: 1, views_per_viewing_day: 10 },
      // 1005: a day without views: no viewing day, no views per viewing day
      { country: 'US', video_content_type: 'interview', video_views: 0, videos_viewed: 0, viewing_days: 0, views_per_viewing_day: null },
    ]);
  });

  it('top_videos_by_unique_viewers: most viewers first, ties by video id, catalog name and account when known', async () => {
    expect(await run('top_videos_by_unique_viewers')).toEqual([
      { account_id: ACCOUNT_B, video_id: '1003', video_name: 'Training Three', unique_viewers: 5, avg_watch_pct: 40, avg_completion_pct: 45, completed_viewers: 1, high_tier_viewers: 0 },
      { account_id: ACCOUNT_A, video_id: '1001', video_name: 'Training One', unique_viewers: 3, avg_watch_pct: 70.5, avg_completion_pct: 80.1, completed_viewers: 2, high_tier_viewers: 1 },
      { account_id: null, video_id: '1009', video_name: null, unique_viewers: 3, avg_watch_pct: 10, avg_completion_pct: 12, completed_viewers: 0, high_tier_viewers: 0 },
    ]);
  });

  it('power_users: 5 High-tier videos is enough, 4 is not', async () => {
    expect(await run('power_users')).toEqual([
      // u3: 6 High rows at 90 %, 6 x 108 s = 648 s
      { user_id: 'u3', high_tier_videos: 6, avg_watch_pct: 90, total_watch_time_s: 648 },
      // u1: exactly 5 High rows at 100 %, 5 x 120 s = 600 s; u2 (4 High + 1 Medium) is not listed
      { user_id: 'u1', high_tier_videos: 5, avg_watch_pct: 100, total_watch_time_s: 600 },
    ]);
  });

  it('drop_off_by_position: viewers at or past each 30-second bucket start, who stopped in it, and who stopped in it on a long video', async () => {
    // 18 (user, video) rows: 15 reach 120 s (completed), u2/e reaches exactly 60 s, u5/a 29.999 s, u4/a 0 s.
    // Long videos are 1200 s or more: u2/e (1200 s, at the boundary) is one; u4/a and u5/a (1199.999 s) are not.
    expect(await run('drop_off_by_position')).toEqual([
      // u4 (0) and u5 (29.999) stop here, both on a video just short of 20 minutes
      { position_bucket_start_s: 0, viewers: 18, dropped_in_bucket: 2, long_videos_dropped_in_bucket: 0, share_still_watching: 1 },
      // 15 + u2/e; 29.999 < 30; 16/18
      { position_bucket_start_s: 30, viewers: 16, dropped_in_bucket: 0, long_videos_dropped_in_bucket: 0, share_still_watching: 0.8889 },
      // 60 >= 60: u2/e still counts, and stops here, on a long video
      { position_bucket_start_s: 60, viewers: 16, dropped_in_bucket: 1, long_videos_dropped_in_bucket: 1, share_still_watching: 0.8889 },
      { position_bucket_start_s: 90, viewers: 15, dropped_in_bucket: 0, long_videos_dropped_in_bucket: 0, share_still_watching: 0.8333 }, // 15/18
      { position_bucket_start_s: 120, viewers: 15, dropped_in_bucket: 0, long_videos_dropped_in_bucket: 0, share_still_watching: 0.8333 }, // 120 >= 120; the last bucket
    ]);
  });

  it('browser_share_by_month: each browser over the month in the browser report (marts.daily_browser_views)', async () => {
    expect(await run('browser_share_by_month')).toEqual([
      // May: chrome 30 + 10 = 40, safari 40, of 80; the tie in views goes by name
      { month: '2025-05', browser_type: 'chrome', video_views: 40, share: 0.5 },
      { month: '2025-05', browser_type: 'safari', video_views: 40, share: 0.5 },
      // June: 75 and 25 of 100
      { month: '2025-06', browser_type: 'chrome', video_views: 75, share: 0.75 },
      { month: '2025-06', browser_type: 'firefox', video_views: 25, share: 0.25 },
    ]);
  });

  it('data_quality_summary: rows, quarantine by reason, rejects, unclosed plays, zero-watch pairs, the latest checks, stale sources', async () => {
    expect(await run('data_quality_summary')).toEqual([
      // two event files: read 10 + 5, accepted 7 + 5, quarantined 2 + 0, duplicate 1 + 0
      { metric: 'player_event_rows', detail: 'accepted', value: 12 },
      { metric: 'player_event_rows', detail: 'duplicate', value: 1 },
      { metric: 'player_event_rows', detail: 'quarantined', value: 2 },
      { metric: 'player_event_rows', detail: 'read', value: 15 },
      { metric: 'quarantined_events', detail: 'bad_timestamp', value: 1 },
      { metric: 'quarantined_events', detail: 'missing_user_id', value: 1 },
      { metric: 'rejected_brightcove_rows', detail: 'analytics_video_daily: null video id', value: 3 },
      // u4/a and u5/a carry unclosed_play; only u4/a has 0 watched seconds
      { metric: 'unclosed_plays', detail: '(user, video) rows with a play never closed by a later event', value: 2 },
      { metric: 'zero_watch_pairs', detail: '(user, video) rows with no watched seconds', value: 1 },
      // the latest run with checks is r2: its warning fails with 4 rows; r1's old failure is not listed
      { metric: 'failing_checks', detail: 'watch_time_reconciliation_within_tolerance (warning)', value: 4 },
      // internet is 5 days old (max 2); neo (1) and the player events (2, at the maximum) are not stale
      { metric: 'stale_sources', detail: 'analytics_video_daily: internet', value: 5 },
    ]);
  });

  it('watch_time_reconciliation: per day, the totals, their ratio, the videos outside the tolerance and the lowest and highest video ratio', async () => {
    expect(await run('watch_time_reconciliation')).toEqual([
      // 06-01: events 100 + 50 = 150, Brightcove 120 + 100 = 220: 150 / 220 = 0.681818… → 0.6818; 1003 is outside;
      // video ratios 100 / 120 = 0.8333 and 50 / 100 = 0.5
      { view_date: '2025-06-01', videos: 2, event_watch_time_s: 150, brightcove_seconds_viewed: 220, watch_time_ratio: 0.6818, videos_outside_tolerance: 1, min_video_ratio: 0.5, max_video_ratio: 0.8333 },
      // 06-02: 90 + 5 = 95 of 100 + 0: 0.95; 1002 (5 s where Brightcove says 0) is outside and has no ratio: 0.9 is the only one
      { view_date: '2025-06-02', videos: 2, event_watch_time_s: 95, brightcove_seconds_viewed: 100, watch_time_ratio: 0.95, videos_outside_tolerance: 1, min_video_ratio: 0.9, max_video_ratio: 0.9 },
    ]);
  });

  it('freshness: per source the latest day, its age at the as-of date and, from today, days since', async () => {
    const today = new Date().toISOString().slice(0, 10);
    const daysSince = (date: string) => Math.round((Date.parse(today) - Date.parse(date)) / 86_400_000);
    const rows = await run('freshness');
    expect(rows.map((row) => [row['source'], row['account_slug'], row['latest_date'], row['age_days'], row['days_since_latest'], row['is_stale']])).toEqual([
      ['analytics_video_daily', 'internet', '2025-06-25', 5, daysSince('2025-06-25'), true],
      ['analytics_video_daily', 'neo', '2025-06-29', 1, daysSince('2025-06-29'), false],
      ['player_events', null, '2025-06-28', 2, daysSince('2025-06-28'), false],
    ]);
  });

  it('formats a result as an aligned table, CSV, JSON and Markdown', () => {
    const result = { columns: ['name', 'views', 'note'], rows: [{ name: 'a|b', views: 5, note: null }, { name: 'say "hi", twice', views: 12, note: 'x' }] };
    expect(formatResult(result, 'table')).toBe(
      ['name             views  note', '---------------  -----  ----', 'a|b                  5  NULL', 'say "hi", twice     12  x', '(2 rows)', ''].join('\n'),
    );
    expect(formatResult(result, 'csv')).toBe('name,views,note\r\na|b,5,\r\n"say ""hi"", twice",12,x\r\n');
    expect(JSON.parse(formatResult(result, 'json'))).toEqual(result.rows);
    expect(formatResult(result, 'md')).toBe('| name | views | note |\n|---|---|---|\n| a\\|b | 5 |  |\n| say "hi", twice | 12 | x |\n');
  });

  it('says which analyses exist when the name is unknown, and that nothing is published when the file is missing', async () => {
    await expect(runAnalysis('mobile_share', published)).rejects.toThrow(/No analysis named "mobile_share"\. Known analyses: browser_share_by_month, /);
    await expect(runAnalysis('power_users', `${published}.missing`)).rejects.toThrow(/No published warehouse at .*reelhouse\.duckdb\.missing/);
  });
});
