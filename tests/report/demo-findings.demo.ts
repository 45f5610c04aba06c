import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { generateDataset } from '../../simulator/dataset.ts';
import { runAnalysis, runSelect, openPublished } from '../../warehouse/analyses.ts';
import { dataDir as dataDirOf } from '../../warehouse/data-dir.ts';
import { reportPath } from '../../warehouse/report/report-command.ts';
import { spawnPipeline } from '../hostile/pipeline-child.ts';
import { loadTestConfig } from '../support/test-config.ts';
import { DEMO_AS_OF, DEMO_HISTORY_START, DEMO_VIDEOS_PER_ACCOUNT } from './demo-setup.ts';

/**
 * The demo's planted findings (simulator/README.md#planted-findings) recovered by the analysts' own
 * questions: each finding asserts on the rows an analysis of sql/analyses/ returns (runAnalysis on the
 * published reelhouse.duckdb of the one demo run of tests/report/demo-setup.ts). Tolerances: shares
 * within ±2 percentage points, ratios within ±5 %. The reconciliation flags the planted outlier and
 * nothing else, so `pipeline status --as-of` the demo's as-of date exits 1.
 */

const APAC = ['AU', 'CN', 'HK', 'IN', 'JP', 'KR', 'SG', 'TW'];
const DAY_MS = 86_400_000;
const daysBefore = (date: string, days: number) => new Date(Date.parse(`${date}T00:00:00Z`) - days * DAY_MS).toISOString().slice(0, 10);

let dataDir: string;
let published: string;
/** The planted outlier, from the simulator's ground truth (not the warehouse): see beforeAll. */
let outlier: { videoId: string; date: string };
/** The last day Brightcove's numbers are final in the demo run: the day before the trailing re-fetch window. */
let lastFinal: string;

type Row = Record<string, unknown>;
const analysis = async (name: string): Promise<Row[]> => [...(await runAnalysis(name, published)).rows];

beforeAll(() => {
  dataDir = inject('demoDataDir');
  published = dataDirOf(dataDir).publishedDb;
  // trailing_refetch_days = 7: the run re-fetches 06-14 … 06-20 without reconciled=true; 06-13 is the last final day
  lastFinal = daysBefore(DEMO_AS_OF, loadTestConfig().extract.trailing_refetch_days);
  expect(lastFinal).toBe('2025-06-13');
  // The outlier is the busiest (video, day) with final numbers among the videos the demo's events cover:
  // read from the simulator's dataset (same seed and size as the demo) and the demo's events file.
  const { dataset } = generateDataset({ seed: 42, today: DEMO_AS_OF, historyStart: DEMO_HISTORY_START, videosPerAccount: DEMO_VIDEOS_PER_ACCOUNT });
  const eventVideos = new Set(
    readFileSync(join(dataDir, 'demo-input', 'player_events.ndjson'), 'utf8')
      .split('\n')
      .flatMap((line) => /"videoId":"(\d+)"/.exec(line)?.[1] ?? []),
  );
  const firstEventDay = daysBefore(DEMO_AS_OF, 21);
  let busiest: { video: string; date: string; views: number } | undefined;
  for (const row of Object.values(dataset.daily).flat()) {
    if (row.video === null || !eventVideos.has(row.video) || row.date < firstEventDay || row.date > lastFinal) continue;
    if (busiest === undefined || row.video_view > busiest.views) busiest = { video: row.video, date: row.date, views: row.video_view };
  }
  outlier = { videoId: busiest!.video, date: busiest!.date };
});

describe('the demo recovers the planted findings through sql/analyses', () => {
  it('engagement_by_content_type: training about 23 % above earnings calls', async () => {
    const rows = await analysis('engagement_by_content_type');
    const score = (type: string) => rows.find((row) => row['video_content_type'] === type)!['engagement_score'] as number;
    const ratio = score('training') / score('earnings_call');
    // 1.23 ± 5 %: 1.1685 … 1.2915
    expect(ratio).toBeGreaterThanOrEqual(1.23 * 0.95);
    expect(ratio).toBeLessThanOrEqual(1.23 * 1.05);
  });

  it('mobile_share_by_month: about 18 % in the 12th month before the as-of month, rising every month to about 31 % in it', async () => {
    const months = (await analysis('mobile_share_by_month')) as Array<{ month: string; mobile_share: number }>;
    expect(months.map((row) => row.month)).toEqual([
      '2024-06', '2024-07', '2024-08', '2024-09', '2024-10', '2024-11', '2024-12',
      '2025-01', '2025-02', '2025-03', '2025-04', '2025-05', '2025-06',
    ]);
    expect(Math.abs(months[0]!.mobile_share - 0.18)).toBeLessThanOrEqual(0.02);
    expect(Math.abs(months[12]!.mobile_share - 0.31)).toBeLessThanOrEqual(0.02);
    for (let i = 1; i < months.length; i += 1) expect(months[i]!.mobile_share, months[i]!.month).toBeGreaterThan(months[i - 1]!.mobile_share);
  });

  it('regional_demand: research videos tagged with an APAC country draw about 60 % more views per viewing day', async () => {
    const research = ((await analysis('regional_demand')) as Array<{ country: string; video_content_type: string; video_views: number; viewing_days: number }>).filter(
      (row) => row.video_content_type === 'research' && row.country !== '(not set)',
    );
    const perViewingDay = (apac: boolean) => {
      const rows = research.filter((row) => APAC.includes(row.country) === apac);
      expect(rows.length).toBeGreaterThan(0);
      return rows.reduce((sum, row) => sum + row.video_views, 0) / rows.reduce((sum, row) => sum + row.viewing_days, 0);
    };
    const ratio = perViewingDay(true) / perViewingDay(false);
    // 1.6 ± 5 %: 1.52 … 1.68
    expect(ratio).toBeGreaterThanOrEqual(1.6 * 0.95);
    expect(ratio).toBeLessThanOrEqual(1.6 * 1.05);
  });

  it('power_users: exactly the five planted viewers, six High-tier videos each', async () => {
    const rows = await analysis('power_users');
    expect(rows.map((row) => [row['user_id'], row['high_tier_videos']])).toEqual(['user_0001', 'user_0002', 'user_0003', 'user_0004', 'user_0005'].map((user) => [user, 6]));
  });

  it('drop_off_by_position: long videos lose about a third of their plays in the first minute, far more than at any later bucket', async () => {
    const buckets = (await analysis('drop_off_by_position')) as Array<{ position_bucket_start_s: number; long_videos_dropped_in_bucket: number }>;
    const total = buckets.reduce((sum, bucket) => sum + bucket.long_videos_dropped_in_bucket, 0);
    const firstMinute = buckets.filter((bucket) => bucket.position_bucket_start_s < 60);
    const later = buckets.filter((bucket) => bucket.position_bucket_start_s >= 60);
    expect(firstMinute.map((bucket) => bucket.position_bucket_start_s)).toEqual([0, 30]);
    expect(firstMinute.reduce((sum, bucket) => sum + bucket.long_videos_dropped_in_bucket, 0) / total).toBeGreaterThanOrEqual(0.25);
    const laterMost = Math.max(...later.map((bucket) => bucket.long_videos_dropped_in_bucket));
    for (const bucket of firstMinute) expect(bucket.long_videos_dropped_in_bucket).toBeGreaterThan(3 * laterMost);
  });

  it('watch_time_reconciliation: every final day of the events agrees within ±10 %, but the planted outlier (half its seconds)', async () => {
    const days = (await analysis('watch_time_reconciliation')) as Array<{ view_date: string; videos_outside_tolerance: number; min_video_ratio: number; max_video_ratio: number }>;
    // the events run from 21 days before the as-of date (05-30) to the day before it; only the final days
    // (up to 06-13) are compared: 15 days
    expect(days.map((day) => day.view_date)).toEqual(Array.from({ length: 15 }, (_, i) => daysBefore(lastFinal, 14 - i)));
    expect(days[0]!.view_date).toBe('2025-05-30');
    for (const day of days) {
      if (day.view_date === outlier.date) {
        expect(day.videos_outside_tolerance).toBe(1);
        // the outlier lost half of its seconds: floor(s × 0.5) / s
        expect(day.min_video_ratio).toBeCloseTo(0.5, 3);
        expect(day.max_video_ratio).toBeLessThanOrEqual(1.1);
      } else {
        expect(day.videos_outside_tolerance, day.view_date).toBe(0);
        expect(day.min_video_ratio, day.view_date).toBeGreaterThanOrEqual(0.9);
        expect(day.max_video_ratio, day.view_date).toBeLessThanOrEqual(1.1);
      }
    }
    expect(days.some((day) => day.view_date === outlier.date)).toBe(true);
  });

  it('status --as-of the demo date exits 1: its only warning is the reconciliation check, whose one row is the outlier', async () => {
    const result = await spawnPipeline(['status', '--as-of', DEMO_AS_OF, '--data-dir', dataDir, '--json'], process.env).done;
    expect(result.stderr).toBe('');
    expect(result.code).toBe(1);
    const report = JSON.parse(result.stdout) as {
      exit_code: number; problems: string[]; warnings: string[]; published: { run_id: string }; checks: { run_id: string }; freshness: Array<{ state: string }>;
    };
    expect(report.exit_code).toBe(1);
    expect(report.problems).toEqual([]);
    // the checks are the demo run's, the run that published (a later `pipeline report`, as the browser
    // test runs beside this file, is a session of its own that runs no checks)
    const runId = report.published.run_id;
    expect(report.checks.run_id).toBe(runId);
    expect(report.warnings).toEqual([`check watch_time_reconciliation_within_tolerance (warning) found 1 row(s) in run ${runId}`]);
    // every account and the player events (latest on the day before the as-of date) are fresh
    expect(report.freshness.map((line) => line.state)).toEqual(Array(12).fill('fresh'));
    const warehouse = await openPublished(published);
    try {
      const { rows } = await runSelect(
        warehouse,
        `SELECT check_name, failing_rows, sample_json FROM meta.check_results WHERE run_id = '${runId}' AND failing_rows > 0`,
      );
      expect(rows.map((row) => [row['check_name'], row['failing_rows']])).toEqual([['watch_time_reconciliation_within_tolerance', 1]]);
      const sample = JSON.parse(rows[0]!['sample_json'] as string) as { video_id: string; view_date: string; watch_time_ratio: number };
      expect([sample.video_id, sample.view_date]).toEqual([outlier.videoId, outlier.date]);
      expect(sample.watch_time_ratio).toBeCloseTo(0.5, 3);
    } finally {
      warehouse.close();
    }
  });

  it('run wrote the report outside exports/', () => {
    expect(existsSync(reportPath(dataDir))).toBe(true);
    expect(existsSync(join(dataDir, 'exports', 'report'))).toBe(false);
  });
});
