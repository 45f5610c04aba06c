import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Warehouse } from '../../warehouse/duckdb.ts';
import { discoverChecks, runCheck, type CheckResult } from '../../warehouse/checks.ts';
import { buildModels, discoverModels, selectModels } from '../../warehouse/models.ts';
import { fixtureWarehouse } from './brightcove-fixture.ts';

/**
 * The invariant checks of the engagement marts (sql/checks/user_video_engagement_*, video_engagement_summary_*,
 * player_event_loads_accounted), each fed a row just inside its rule (passes) and just outside it on
 * each side (fails). The rows are planted into the built, empty marts inside a rolled-back transaction.
 */

let warehouse: Warehouse;

beforeAll(async () => {
  warehouse = await fixtureWarehouse('2025-06-30');
  await buildModels(warehouse, selectModels(discoverModels(), '+user_video_engagement +video_engagement_summary'), 'engagement-checks');
});
afterAll(() => warehouse.close());

function check(name: string) {
  const found = discoverChecks().find((candidate) => candidate.name === name);
  if (!found) throw new Error(`no check ${name}`);
  return found;
}

// A consistent pair on a 300 s video: 100 s watched, 80 s of it once, furthest point 150 s.
// watch 100 × 100 / 300 = 33.3; unique 100 × 80 / 300 = 26.7; completion 100 × 150 / 300 = 50.0;
// score 0.7 × 26.7 + 0.3 × 50.0 = 18.69 + 15 = 33.7 → Low.
const PAIR = `INSERT INTO marts.user_video_engagement VALUES (
  'u1', 'v1', 100.0, 80.0, 20.0, 33.3, 26.7, 150.0, 50.0, 1, 0, 0, 0, 0, 0.0, 33.7, 'Low', 300.0, 'cms',
  TIMESTAMP '2025-06-01 10:00:00', TIMESTAMP '2025-06-01 10:05:00', 4, [])`;

async function checkAfter(name: string, ...changes: string[]): Promise<CheckResult> {
  await warehouse.run('BEGIN TRANSACTION');
  try {
    for (const change of changes) await warehouse.run(change);
    return await runCheck({ warehouse }, check(name));
  } finally {
    await warehouse.run('ROLLBACK');
  }
}
// `set` may hold several assignments in turn, separated by ' | '.
const pairWith = (name: string, set: string) => checkAfter(name, PAIR, ...set.split(' | ').map((part) => `UPDATE marts.user_video_engagement SET ${part}`));

describe('user_video_engagement_unique_within_total', () => {
  const name = 'user_video_engagement_unique_within_total';
  it.each([
    ['the consistent pair', 'event_count = 4'],
    ['unique = total (nothing watched twice)', 'unique_seconds_watched = 100.0'],
    ['unique = duration (every second once)', 'total_watch_time_s = 300.0, unique_seconds_watched = 300.0'],
    ['unique above the duration when the duration is unknown', 'total_watch_time_s = 301.0, unique_seconds_watched = 300.001, video_duration_s = NULL, watch_percentage = NULL, unique_watch_percentage = NULL, completion_percentage = NULL, engagement_score = NULL, engagement_tier = NULL'],
    ['unique above a duration of 0 (unknown)', 'total_watch_time_s = 301.0, unique_seconds_watched = 300.001, video_duration_s = 0'],
  ])('passes: %s', async (_label, set) => {
    expect((await pairWith(name, set)).failingRows).toBe(0);
  });
  it.each([
    ['unique 1 ms above total', 'unique_seconds_watched = 100.001', '100.001'],
    ['unique 1 ms above the duration', 'total_watch_time_s = 301.0, unique_seconds_watched = 300.001', '300.001'],
  ])('fails: %s', async (_label, set, unique) => {
    const result = await pairWith(name, set);
    expect(result).toMatchObject({ failingRows: 1, sample: { user_id: 'u1', video_id: 'v1', unique_seconds_watched: Number(unique) } });
  });
});

describe('user_video_engagement_percentages_in_range', () => {
  const name = 'user_video_engagement_percentages_in_range';
  const unknown = 'watch_percentage = NULL, unique_watch_percentage = NULL, completion_percentage = NULL, engagement_score = NULL, engagement_tier = NULL';
  it.each([
    ['the consistent pair', 'event_count = 4'],
    ['every percentage exactly 0', 'watch_percentage = 0, unique_watch_percentage = 0, completion_percentage = 0, engagement_score = 0'],
    ['unique, completion and score exactly 100', 'unique_watch_percentage = 100, completion_percentage = 100, engagement_score = 100'],
    ['watch_percentage above 100 (replays)', 'watch_percentage = 250.0'],
    ['unknown duration (NULL), no percentages', `video_duration_s = NULL, ${unknown}`],
    ['duration 0, no percentages', `video_duration_s = 0, ${unknown}`],
  ])('passes: %s', async (_label, set) => {
    expect((await pairWith(name, set)).failingRows).toBe(0);
  });
  it.each([
    ['watch_percentage below 0', 'watch_percentage = -0.1'],
    ['unique_watch_percentage below 0', 'unique_watch_percentage = -0.1'],
    ['unique_watch_percentage above 100', 'unique_watch_percentage = 100.1'],
    ['completion_percentage below 0', 'completion_percentage = -0.1'],
    ['completion_percentage above 100', 'completion_percentage = 100.1'],
    ['engagement_score below 0', 'engagement_score = -0.1'],
    ['engagement_score above 100', 'engagement_score = 100.1'],
    ['watch_percentage missing with a duration', 'watch_percentage = NULL'],
    ['unique_watch_percentage missing with a duration', 'unique_watch_percentage = NULL'],
    ['completion_percentage missing with a duration', 'completion_percentage = NULL'],
    ['engagement_score missing with a duration', 'engagement_score = NULL, engagement_tier = NULL'],
    ['watch_percentage without a duration', `video_duration_s = NULL, ${unknown} | watch_percentage = 0`],
    ['unique_watch_percentage without a duration', `video_duration_s = 0, ${unknown} | unique_watch_percentage = 0`],
    ['completion_percentage without a duration', `video_duration_s = NULL, ${unknown} | completion_percentage = 0`],
    ['engagement_score without a duration', `video_duration_s = 0, ${unknown} | engagement_score = 0`],
  ])('fails: %s', async (_label, set) => {
    expect((await pairWith(name, set)).failingRows).toBe(1);
  });
});

describe('user_video_engagement_tier_matches_score', () => {
  const name = 'user_video_engagement_tier_matches_score';
  // Each bound belongs to the higher tier: 75.0 High, 74.9 Medium; 50.0 Medium, 49.9 Low; 25.0 Low, 24.9 Minimal.
  const scores: Array<[number, string, string]> = [
    [100, 'High', 'Medium'],
    [75.0, 'High', 'Medium'],
    [74.9, 'Medium', 'High'],
    [50.0, 'Medium', 'Low'],
    [49.9, 'Low', 'Medium'],
    [25.0, 'Low', 'Minimal'],
    [24.9, 'Minimal', 'Low'],
    [0, 'Minimal', 'Low'],
  ];
  it.each(scores)('score %s: %s passes, %s fails', async (score, tier, wrong) => {
    expect((await pairWith(name, `engagement_score = ${score}, engagement_tier = '${tier}'`)).failingRows).toBe(0);
    expect(await pairWith(name, `engagement_score = ${score}, engagement_tier = '${wrong}'`)).toMatchObject({ failingRows: 1, sample: { engagement_score: score, engagement_tier: wrong } });
  });
  it('no score and no tier passes; a tier without a score, or a score without a tier, fails', async () => {
    expect((await pairWith(name, 'engagement_score = NULL, engagement_tier = NULL')).failingRows).toBe(0);
    expect((await pairWith(name, `engagement_score = NULL, engagement_tier = 'Minimal'`)).failingRows).toBe(1);
    expect((await pairWith(name, 'engagement_score = 10, engagement_tier = NULL')).failingRows).toBe(1);
  });
});

describe('player_event_loads_accounted', () => {
  const load = (read: number) =>
    `INSERT INTO meta.player_event_files VALUES (1, 'sha', 'events.ndjson', 'ndjson', ${read}, 7, 2, 1, 'r1', TIMESTAMP '2025-06-30 00:00:00')`;
  it('read 10 = 7 accepted + 2 quarantined + 1 duplicate passes', async () => {
    expect((await checkAfter('player_event_loads_accounted', load(10))).failingRows).toBe(0);
  });
  it.each([
    [11, '1'],
    [9, '-1'],
  ])('read %s fails, %s unaccounted', async (read, unaccounted) => {
    expect(await checkAfter('player_event_loads_accounted', load(read))).toMatchObject({ failingRows: 1, sample: { load_id: '1', unaccounted_rows: unaccounted } });
  });
});

describe('video_engagement_summary_viewers_consistent', () => {
  const name = 'video_engagement_summary_viewers_consistent';
  // 3 viewers: 1 completed; tiers 1 High + 1 Medium + 1 Low + 0 Minimal = 3; average score 50.0.
  const SUMMARY = `INSERT INTO marts.video_engagement_summary (video_id, unique_viewers, completed_viewers, avg_engagement_score,
    high_tier_viewers, medium_tier_viewers, low_tier_viewers, minimal_tier_viewers) VALUES ('v1', 3, 1, 50.0, 1, 1, 1, 0)`;
  const summaryWith = (set: string) => checkAfter(name, SUMMARY, `UPDATE marts.video_engagement_summary SET ${set}`);
  it.each([
    ['the consistent summary', 'unique_viewers = 3'],
    ['every viewer completed', 'completed_viewers = 3'],
    ['average score exactly 0', 'avg_engagement_score = 0'],
    ['average score exactly 100', 'avg_engagement_score = 100'],
    ['no scores (no duration): no tiers, no average', 'high_tier_viewers = 0, medium_tier_viewers = 0, low_tier_viewers = 0, avg_engagement_score = NULL'],
  ])('passes: %s', async (_label, set) => {
    expect((await summaryWith(set)).failingRows).toBe(0);
  });
  it.each([
    ['one more completed viewer than viewers', 'completed_viewers = 4'],
    ['one more tier viewer than viewers (High)', 'high_tier_viewers = 2'],
    ['one more tier viewer than viewers (Medium)', 'medium_tier_viewers = 2'],
    ['one more tier viewer than viewers (Low)', 'low_tier_viewers = 2'],
    ['one more tier viewer than viewers (Minimal)', 'minimal_tier_viewers = 1'],
    ['average score below 0', 'avg_engagement_score = -0.1'],
    ['average score above 100', 'avg_engagement_score = 100.1'],
  ])('fails: %s', async (_label, set) => {
    expect((await summaryWith(set)).failingRows).toBe(1);
  });
});
