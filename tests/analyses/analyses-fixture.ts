import { join } from 'node:path';
import { applySchema, writeRunSettings } from '../../warehouse/bootstrap.ts';
import { openWarehouse, type Warehouse } from '../../warehouse/duckdb.ts';
import { buildModels, discoverModels, selectModels } from '../../warehouse/models.ts';
import { loadTestConfig } from '../support/test-config.ts';
import { temporaryFolder } from '../delivery/fixtures.ts';

/**
 * A small warehouse file shaped like the published one: every mart built by the real models (on empty
 * raw tables, so the tables have exactly the marts' columns and types), then filled with a few hand-made
 * rows whose answers tests/analyses/analyses.test.ts works out by hand.
 */

export const ACCOUNT_A = '1197194721001';
export const ACCOUNT_B = '5972928207001';
export const FIXTURE_AS_OF = '2025-06-30';

interface EngagementRow {
  user: string;
  video: string;
  tier: 'High' | 'Medium' | 'Low' | 'Minimal';
  maxPositionS: number;
  completions: number;
  totalS: number;
  watchPct: number;
  /** The video's duration (NULL when not given). */
  durationS?: number;
  flags?: string[];
}

async function insertEngagement(warehouse: Warehouse, row: EngagementRow): Promise<void> {
  await warehouse.run(
    `INSERT INTO marts.user_video_engagement
       (user_id, video_id, total_watch_time_s, unique_seconds_watched, rewatch_seconds, watch_percentage, max_position_s,
        session_count, completion_count, pause_count, forward_skips, backward_skips, avg_pauses_per_session, engagement_tier,
        duration_source, first_event_at, last_event_at, event_count, quality_flags, video_duration_s)
     VALUES ($1, $2, $3, $3, 0, $4, $5, 1, $6, 0, 0, 0, 0, $7, 'cms', TIMESTAMP '2025-06-01 10:00:00', TIMESTAMP '2025-06-01 10:05:00', 4, $8::VARCHAR[], $9)`,
    [row.user, row.video, row.totalS, row.watchPct, row.maxPositionS, row.completions, row.tier, `[${(row.flags ?? []).map((flag) => `'${flag}'`).join(',')}]`, row.durationS ?? null],
  );
}

export async function analysesFixture(): Promise<string> {
  const path = join(temporaryFolder('analyses'), 'reelhouse.duckdb');
  const warehouse = await openWarehouse(path);
  try {
    await applySchema(warehouse);
    await writeRunSettings(warehouse, loadTestConfig(), FIXTURE_AS_OF);
    await buildModels(warehouse, selectModels(discoverModels()), 'fixture-build');
    for (const table of ['user_video_engagement', 'data_freshness']) await warehouse.run(`DELETE FROM marts.${table}`);

    // The catalog: content type and country are CMS custom fields.
    await warehouse.run(`INSERT INTO marts.video_catalog (account_id, video_id, name, state, cf_video_content_type, cf_country) VALUES
      ('${ACCOUNT_A}', '1001', 'Training One', 'ACTIVE', 'training', 'US'),
      ('${ACCOUNT_A}', '1002', 'Earnings Two', 'ACTIVE', 'earnings_call', 'GB'),
      ('${ACCOUNT_B}', '1003', 'Training Three', 'ACTIVE', 'training', 'GB'),
      ('${ACCOUNT_B}', '1004', 'Untyped Four', 'ACTIVE', '', NULL),
      ('${ACCOUNT_B}', '1005', 'Unwatched Five', 'ACTIVE', 'interview', 'US')`);
    // Daily analytics: NULL device columns = no device report that day.
    await warehouse.run(`INSERT INTO marts.daily_video_analytics
      (account_id, video_id, view_date, video_view, engagement_score, views_desktop, views_mobile, views_tablet, views_other) VALUES
      ('${ACCOUNT_A}', '1001', DATE '2025-05-30', 100, 60, 70, 20, 10, 0),
      ('${ACCOUNT_A}', '1001', DATE '2025-06-01', 300, 80, 200, 90, 10, 0),
      ('${ACCOUNT_A}', '1002', DATE '2025-06-01', 50, 40, NULL, NULL, NULL, NULL),
      ('${ACCOUNT_B}', '1003', DATE '2025-06-02', 200, 50, 100, 100, 0, 0),
      ('${ACCOUNT_B}', '1004', DATE '2025-06-02', 0, NULL, 0, 0, 0, 0),
      ('${ACCOUNT_B}', '1004', DATE '2025-06-03', 10, 90, NULL, NULL, NULL, NULL),
      ('${ACCOUNT_B}', '1005', DATE '2025-06-03', 0, NULL, NULL, NULL, NULL, NULL)`);

    await warehouse.run(`INSERT INTO marts.video_engagement_summary (video_id, unique_viewers, avg_watch_percentage, avg_completion_percentage, completed_viewers, high_tier_viewers) VALUES
      ('1001', 3, 70.5, 80.1, 2, 1),
      ('1003', 5, 40.0, 45.0, 1, 0),
      ('1009', 3, 10.0, 12.0, 0, 0)`);

    // u1: exactly 5 High rows; u2: 4 High + 1 Medium; u3: 6 High; u4 and u5: one short row each.
    for (const video of ['a', 'b', 'c', 'd', 'e']) {
      await insertEngagement(warehouse, { user: 'u1', video, tier: 'High', maxPositionS: 120, completions: 1, totalS: 120, watchPct: 100 });
    }
    for (const video of ['a', 'b', 'c', 'd']) {
      await insertEngagement(warehouse, { user: 'u2', video, tier: 'High', maxPositionS: 120, completions: 1, totalS: 120, watchPct: 100 });
    }
    // u2/e: a video of exactly 20 minutes (a long video); u4/a and u5/a: one just shorter
    await insertEngagement(warehouse, { user: 'u2', video: 'e', tier: 'Medium', maxPositionS: 60, completions: 0, totalS: 60, watchPct: 50, durationS: 1200 });
    for (const video of ['a', 'b', 'c', 'd', 'e', 'f']) {
      await insertEngagement(warehouse, { user: 'u3', video, tier: 'High', maxPositionS: 120, completions: 1, totalS: 108, watchPct: 90 });
    }
    await insertEngagement(warehouse, {
      user: 'u4', video: 'a', tier: 'Minimal', maxPositionS: 0, completions: 0, totalS: 0, watchPct: 0, durationS: 1199.999,
      flags: ['very_short_watch', 'no_valid_segments', 'unclosed_play'],
    });
    await insertEngagement(warehouse, { user: 'u5', video: 'a', tier: 'Low', maxPositionS: 29.999, completions: 0, totalS: 29.999, watchPct: 25, durationS: 1199.999, flags: ['unclosed_play'] });

    await warehouse.run(`INSERT INTO meta.player_event_files VALUES
      (1, 'sha-1', 'one.ndjson', 'ndjson', 10, 7, 2, 1, 'r1', TIMESTAMP '2025-06-30 01:00:00'),
      (2, 'sha-2', 'two.csv', 'csv', 5, 5, 0, 0, 'r2', TIMESTAMP '2025-06-30 02:00:00')`);
    await warehouse.run(`DELETE FROM marts.rejected_rows`);
    await warehouse.run(`INSERT INTO marts.rejected_rows VALUES
      ('player_events', 'missing_user_id', 1), ('player_events', 'bad_timestamp', 1), ('analytics_video_daily', 'null video id', 3)`);
    await warehouse.run(`INSERT INTO meta.check_results VALUES
      ('r1', 'old_check', 9, '{}', TIMESTAMP '2025-06-29 03:00:00', 'error'),
      ('r2', 'daily_video_analytics_unique_key', 0, NULL, TIMESTAMP '2025-06-30 03:00:00', 'error'),
      ('r2', 'watch_time_reconciliation_within_tolerance', 4, '{}', TIMESTAMP '2025-06-30 03:00:00', 'warning')`);
    await warehouse.run(`INSERT INTO marts.data_freshness (source, account_id, account_slug, latest_date, as_of_date, age_days, max_age_days, is_stale) VALUES
      ('analytics_video_daily', '${ACCOUNT_A}', 'internet', DATE '2025-06-25', DATE '2025-06-30', 5, 2, TRUE),
      ('analytics_video_daily', '${ACCOUNT_B}', 'neo', DATE '2025-06-29', DATE '2025-06-30', 1, 2, FALSE),
      ('player_events', '', NULL, DATE '2025-06-28', DATE '2025-06-30', 2, 2, FALSE)`);

    await warehouse.run(`INSERT INTO marts.watch_time_reconciliation (account_id, video_id, view_date, event_watch_time_s, brightcove_seconds_viewed, watch_time_ratio, is_within_tolerance) VALUES
      ('${ACCOUNT_A}', '1001', DATE '2025-06-01', 100, 120, 0.8333, TRUE),
      ('${ACCOUNT_B}', '1003', DATE '2025-06-01', 50, 100, 0.5, FALSE),
      ('${ACCOUNT_A}', '1001', DATE '2025-06-02', 90, 100, 0.9, TRUE),
      ('${ACCOUNT_A}', '1002', DATE '2025-06-02', 5, 0, NULL, FALSE)`);

    await warehouse.run(`DELETE FROM marts.daily_browser_views`);
    await warehouse.run(`INSERT INTO marts.daily_browser_views (account_id, video_id, view_date, channel, browser_type, video_view) VALUES
      ('${ACCOUNT_A}', '1001', DATE '2025-05-10', 'Internet', 'chrome', 30),
      ('${ACCOUNT_A}', '1001', DATE '2025-05-11', 'Internet', 'chrome', 10),
      ('${ACCOUNT_A}', '1002', DATE '2025-05-10', 'Internet', 'safari', 40),
      ('${ACCOUNT_B}', '1003', DATE '2025-06-01', 'NEO', 'chrome', 75),
      ('${ACCOUNT_B}', '1003', DATE '2025-06-01', 'NEO', 'firefox', 25)`);
    await warehouse.run('CHECKPOINT');
  } finally {
    warehouse.close();
  }
  return path;
}
