import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingestDemoEvents } from '../../extract/events/demo-events.ts';
import { extractWith, prepareExtract } from '../../extract/extract-command.ts';
import type { Warehouse } from '../../warehouse/duckdb.ts';
import { reportPath } from '../../warehouse/report/report-command.ts';
import { runAfterExtract } from '../../warehouse/run-stages.ts';
import { openSession, type PipelineSession } from '../../warehouse/session.ts';
import { TEST_CONFIG_PATH } from '../support/test-config.ts';

/**
 * The demo's planted findings (simulator/README.md#planted-findings) are recovered from the marts:
 * `pipeline run --demo` in-process (the simulator at its demo seed and size, the demo's player events,
 * build → check → export → distribute → publish → report), with the test configuration's history start
 * moved to 2024-05-01 so the extraction covers 14 months instead of 2.5 years (the mobile trend needs 13).
 * Tolerances: shares within ±2 percentage points, ratios within ±5 %.
 */

const AS_OF = '2025-06-20';
const HISTORY_START = '2024-05-01';
const APAC = "('AU', 'CN', 'HK', 'IN', 'JP', 'KR', 'SG', 'TW')";

let root: string;
let session: PipelineSession;
let warehouse: Warehouse;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'reelhouse-demo-findings-'));
  const config = JSON.parse(readFileSync(TEST_CONFIG_PATH, 'utf8')) as { extract: { history_start_date: string } };
  config.extract.history_start_date = HISTORY_START;
  const configPath = join(root, 'reelhouse.config.json');
  writeFileSync(configPath, JSON.stringify(config));
  const quiet = () => undefined;
  const prepared = await prepareExtract({ config: configPath, 'as-of': AS_OF, demo: true }, quiet);
  try {
    session = await openSession({ dataDir: join(root, 'data'), configPath, asOf: AS_OF, command: 'test-demo' });
    warehouse = session.warehouse;
    await extractWith(prepared, session, quiet);
    await ingestDemoEvents(session, prepared.demoEventVideos ?? [], quiet);
    await runAfterExtract(session, quiet);
  } finally {
    await prepared.stop();
  }
});

afterAll(() => session?.close());

const rows = <T>(sql: string) => warehouse.rows<T>(sql);

describe('the demo recovers the planted findings', () => {
  it('training videos: engagement score about 23 % above earnings calls', async () => {
    const scores = await rows<{ type: string; score: number }>(
      `SELECT c.cf_video_content_type AS type, sum(d.video_percent_viewed) / sum(d.video_view) AS score
       FROM marts.daily_video_analytics AS d JOIN marts.video_catalog AS c USING (account_id, video_id)
       WHERE c.cf_video_content_type IN ('training', 'earnings_call') GROUP BY ALL`,
    );
    const score = (type: string) => scores.find((row) => row.type === type)!.score;
    const ratio = score('training') / score('earnings_call');
    // 1.23 ± 5 %: 1.1685 … 1.2915
    expect(ratio).toBeGreaterThanOrEqual(1.23 * 0.95);
    expect(ratio).toBeLessThanOrEqual(1.23 * 1.05);
  });

  it('mobile share: about 18 % in the 12th month before the as-of month, rising every month to about 31 % in it', async () => {
    const months = await rows<{ month: string; share: number }>(
      `SELECT strftime(view_date, '%Y-%m') AS month, sum(views_mobile) / sum(video_view) AS share
       FROM marts.daily_video_analytics
       WHERE views_mobile IS NOT NULL AND view_date BETWEEN DATE '2024-06-01' AND DATE '${AS_OF}'
       GROUP BY ALL ORDER BY month`,
    );
    expect(months.map((m) => m.month)).toHaveLength(13);
    expect(months[0]!.month).toBe('2024-06');
    expect(Math.abs(months[0]!.share - 0.18)).toBeLessThanOrEqual(0.02);
    expect(months[12]!.month).toBe('2025-06');
    expect(Math.abs(months[12]!.share - 0.31)).toBeLessThanOrEqual(0.02);
    for (let i = 1; i < months.length; i += 1) expect(months[i]!.share).toBeGreaterThan(months[i - 1]!.share);
  });

  it('research videos tagged with an APAC country: about 60 % more views per viewing day than other countries', async () => {
    const regions = await rows<{ apac: boolean; views_per_day: number }>(
      `SELECT c.cf_country IN ${APAC} AS apac, sum(d.video_view) / count(*) AS views_per_day
       FROM marts.daily_video_analytics AS d JOIN marts.video_catalog AS c USING (account_id, video_id)
       WHERE c.cf_video_content_type = 'research' AND c.cf_country IS NOT NULL GROUP BY ALL`,
    );
    const perDay = (apac: boolean) => regions.find((row) => row.apac === apac)!.views_per_day;
    const ratio = perDay(true) / perDay(false);
    // 1.6 ± 5 %: 1.52 … 1.68
    expect(ratio).toBeGreaterThanOrEqual(1.6 * 0.95);
    expect(ratio).toBeLessThanOrEqual(1.6 * 1.05);
  });

  it('a few power users: exactly the five planted viewers have at least 5 videos in the High tier', async () => {
    const power = await rows<{ user_id: string; videos: number }>(
      `SELECT user_id, CAST(count(*) AS DOUBLE) AS videos FROM marts.user_video_engagement
       WHERE engagement_tier = 'High' GROUP BY user_id HAVING count(*) >= 5 ORDER BY user_id`,
    );
    expect(power).toEqual(['user_0001', 'user_0002', 'user_0003', 'user_0004', 'user_0005'].map((user_id) => ({ user_id, videos: 6 })));
  });

  it('long videos: a drop-off bump in the first minute', async () => {
    const buckets = await rows<{ start_s: number; viewers: number }>(
      `SELECT CAST(floor(max_position_s / 30) * 30 AS DOUBLE) AS start_s, CAST(count(*) AS DOUBLE) AS viewers
       FROM marts.user_video_engagement WHERE completion_count = 0 AND video_duration_s >= 1200
       GROUP BY ALL ORDER BY start_s`,
    );
    const total = buckets.reduce((sum, b) => sum + b.viewers, 0);
    const firstMinute = buckets.filter((b) => b.start_s < 60);
    const later = buckets.filter((b) => b.start_s >= 60);
    expect(firstMinute.map((b) => b.start_s)).toEqual([0, 30]);
    // about a third of the plays of long videos stop in the first minute; nothing later comes close
    expect(firstMinute.reduce((sum, b) => sum + b.viewers, 0) / total).toBeGreaterThanOrEqual(0.25);
    const laterMost = Math.max(...later.map((b) => b.viewers));
    for (const bucket of firstMinute) expect(bucket.viewers).toBeGreaterThan(3 * laterMost);
  });

  it('player events agree with video_seconds_viewed within ±10 % on every video and day they cover, but the one planted outlier', async () => {
    const days = await rows<{ video_id: string; view_date: string; event_s: number; brightcove_s: number | null; views: number | null; spanning: number }>(
      `WITH event_seconds AS (
           SELECT video_id, CAST(first_event_at AS DATE) AS view_date, sum(total_watch_time_s) AS event_s,
                  CAST(count(*) FILTER (WHERE CAST(last_event_at AS DATE) <> CAST(first_event_at AS DATE)) AS DOUBLE) AS spanning
           FROM marts.user_video_engagement GROUP BY ALL
       )
       SELECT e.video_id, CAST(e.view_date AS VARCHAR) AS view_date, e.event_s, e.spanning,
              d.video_seconds_viewed AS brightcove_s, CAST(d.video_view AS DOUBLE) AS views
       FROM event_seconds AS e LEFT JOIN marts.daily_video_analytics AS d USING (video_id, view_date)
       ORDER BY e.video_id, e.view_date`,
    );
    expect(days.length).toBeGreaterThan(100);
    // each viewer watches a video on one day, so a pair's seconds belong to the day of its first event
    expect(days.filter((d) => d.spanning > 0)).toEqual([]);
    // the events stop 4 days before the as-of date: Brightcove's numbers for their days are final
    expect(days.filter((d) => d.brightcove_s === null)).toEqual([]);
    const flagged = days.filter((d) => Math.abs(d.event_s / d.brightcove_s! - 1) > 0.1);
    const busiest = days.reduce((best, d) => (d.views! > best.views! ? d : best));
    expect(flagged.map((d) => [d.video_id, d.view_date])).toEqual([[busiest.video_id, busiest.view_date]]);
    // the outlier lost half of its seconds: floor(s × 0.5) / s
    expect(flagged[0]!.event_s / flagged[0]!.brightcove_s!).toBeCloseTo(0.5, 2);
  });

  it('run wrote the report outside exports/', () => {
    expect(existsSync(reportPath(join(root, 'data')))).toBe(true);
  });
});
