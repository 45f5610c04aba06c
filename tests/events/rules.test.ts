import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PipelineSession } from '../../warehouse/session.ts';
import { addCatalogDurations, buildEngagement, engagementRows, eventSession, ingestLines, stream, type EngagementRow, type EventInput } from './harness.ts';

/**
 * One case per rule of docs/engagement-rules.md (#event-names to #unknown-duration). Each case has its own user (so cases never interact); all
 * are ingested and built once. Steps: [seconds after the start, event name, position, video?].
 */

type Steps = Parameters<typeof stream>[1];
interface RuleCase {
  readonly rule: string;
  readonly steps: Steps;
  readonly cms?: Record<string, number>;
  readonly extra?: (userId: string) => EventInput[];
  readonly expected: Record<string, Partial<EngagementRow>>;
}

const CASES: RuleCase[] = [
  { rule: 'event names are case-insensitive aliases', steps: [[0, 'START', 0], [100, 'Complete', 100]], cms: { v: 100 },
    expected: { v: { total_watch_time_s: 100, completion_count: 1, engagement_score: 100, engagement_tier: 'High' } } },
  { rule: 'a gap over 30 minutes starts a new viewing session', steps: [[0, 'play', 0], [10, 'pause', 10], [2010, 'resume', 10], [2020, 'pause', 20]], cms: { v: 100 },
    expected: { v: { session_count: 2, total_watch_time_s: 20, pause_count: 2, avg_pauses_per_session: 1 } } },
  { rule: 'an unclosed play credits nothing and is flagged', steps: [[0, 'play', 0]], cms: { v: 100 },
    expected: { v: { total_watch_time_s: 0, quality_flags: ['very_short_watch', 'no_valid_segments', 'unclosed_play'] } } },
  { rule: 'a position ahead of the clock credits the wall-clock time and is a forward skip', steps: [[0, 'play', 0], [10, 'pause', 100]], cms: { v: 300 },
    expected: { v: { total_watch_time_s: 10, max_position_s: 10, forward_skips: 1, backward_skips: 0 } } },
  { rule: 'a position behind where playing started is a backward skip', steps: [[0, 'play', 50], [10, 'pause', 20]], cms: { v: 300 },
    expected: { v: { total_watch_time_s: 10, max_position_s: 60, backward_skips: 1, forward_skips: 0 } } },
  { rule: 'up to 2x speed plus 2 s the position is believed', steps: [[0, 'play', 0], [10, 'pause', 22]], cms: { v: 300 },
    expected: { v: { total_watch_time_s: 22, forward_skips: 0 } } },
  { rule: 'a seek within 2 s of the playing point is no skip, and playing continues', steps: [[0, 'play', 0], [10, 'seek', 11], [20, 'pause', 21]], cms: { v: 300 },
    expected: { v: { total_watch_time_s: 20, unique_seconds_watched: 20, forward_skips: 0, backward_skips: 0 } } },
  { rule: 'a seek away from the playing point is a skip', steps: [[0, 'play', 0], [10, 'seeked', 100], [20, 'pause', 110]], cms: { v: 300 },
    expected: { v: { total_watch_time_s: 20, max_position_s: 110, forward_skips: 1 } } },
  { rule: 'a seek while paused is a skip and keeps the player paused', steps: [[0, 'play', 0], [10, 'pause', 10], [15, 'seek', 50], [16, 'play', 50], [26, 'pause', 60]], cms: { v: 300 },
    expected: { v: { total_watch_time_s: 20, forward_skips: 1, backward_skips: 0 } } },
  { rule: "resuming away from the last position is a skip (Peter's resume at 110 after the pause at 120)", steps: [[0, 'play', 0], [30, 'pause', 30], [35, 'resume', 20]], cms: { v: 300 },
    expected: { v: { backward_skips: 1 } } },
  { rule: 'switching video closes the first at the wall clock, no skip; its last known position is that end',
    steps: [[0, 'play', 0, 'a'], [30, 'play', 0, 'b'], [40, 'pause', 10, 'b'], [50, 'resume', 30, 'a'], [60, 'pause', 40, 'a']], cms: { a: 300, b: 300 },
    expected: { a: { total_watch_time_s: 40, forward_skips: 0, backward_skips: 0, session_count: 1 }, b: { total_watch_time_s: 10 } } },
  { rule: 'segments are clipped to the duration', steps: [[0, 'play', 290], [15, 'end', 305]], cms: { v: 300 },
    expected: { v: { total_watch_time_s: 10, max_position_s: 300, completion_count: 1,
      quality_flags: ['completed_without_sufficient_watch', 'position_beyond_duration'] } } },
  { rule: 'an end at 60 % is not a completion', steps: [[0, 'play', 0], [60, 'end', 60]], cms: { v: 100 },
    expected: { v: { completion_count: 0, completion_percentage: 60 } } },
  { rule: 'a segment ending at >= 95 % completes without an end event', steps: [[0, 'play', 0], [96, 'pause', 96]], cms: { v: 100 },
    expected: { v: { completion_count: 1 } } },
  { rule: 'unique seconds are the union of all segments, nested ones included',
    steps: [[0, 'play', 0], [100, 'pause', 100], [105, 'resume', 10], [115, 'pause', 20], [120, 'resume', 50], [130, 'pause', 60]], cms: { v: 200 },
    expected: { v: { total_watch_time_s: 120, unique_seconds_watched: 100, rewatch_seconds: 20, backward_skips: 1, forward_skips: 1,
      watch_percentage: 60, unique_watch_percentage: 50, completion_percentage: 50, engagement_score: 50, engagement_tier: 'Medium' } } },
  { rule: 'replays in other sessions count again in total, once in unique; watch percentage passes 100',
    steps: [[0, 'play', 0], [100, 'end', 100], [5000, 'play', 0], [5100, 'end', 100]], cms: { v: 100 },
    expected: { v: { total_watch_time_s: 200, unique_seconds_watched: 100, watch_percentage: 200, session_count: 2, completion_count: 2,
      quality_flags: ['excessive_watch_time'] } } },
  { rule: 'events of the same instant keep their input order', steps: [[0, 'play', 0], [10, 'pause', 10], [10, 'resume', 10], [20, 'pause', 20]], cms: { v: 100 },
    expected: { v: { total_watch_time_s: 20 } } },
  { rule: 'heartbeats keep the player playing', steps: [[0, 'play', 0], [10, 'heartbeat', 10], [20, 'progress', 20]], cms: { v: 100 },
    expected: { v: { total_watch_time_s: 20, quality_flags: ['unclosed_play'] } } },
  { rule: 'without a CMS duration the largest videoDuration of the events is used', steps: [],
    extra: (userId) => stream({ userId, sessionId: 's', videoId: 'v' }, [[0, 'play', 0], [50, 'pause', 50]]).map((e, i) => ({ ...e, videoDuration: i === 0 ? 150 : 200 })),
    expected: { v: { video_duration_s: 200, duration_source: 'event', watch_percentage: 25, quality_flags: ['duration_not_from_cms'] } } },
  { rule: 'without any duration the largest position is used', steps: [[0, 'play', 0], [50, 'pause', 50]],
    expected: { v: { video_duration_s: 50, duration_source: 'max_position', completion_count: 1 } } },
  { rule: 'a duration of 0 leaves the percentages, score and tier NULL', steps: [[0, 'play', 0], [5, 'pause', 0]],
    expected: { v: { video_duration_s: 0, watch_percentage: null, unique_watch_percentage: null, completion_percentage: null, engagement_score: null, engagement_tier: null } } },
];

let session: PipelineSession;
let rows: EngagementRow[];
const userOf = (index: number) => `rule_${String(index).padStart(2, '0')}`;

beforeAll(async () => {
  session = await eventSession();
  const events: EventInput[] = [];
  const catalog: Record<string, number> = {};
  CASES.forEach((rule, index) => {
    const userId = userOf(index);
    const video = (id: string) => `${userId}_${id}`;
    events.push(...stream({ userId, sessionId: 's', videoId: video('v') }, rule.steps.map(([t, n, p, v]) => [t, n, p, video(v ?? 'v')])));
    events.push(...(rule.extra?.(userId) ?? []).map((e) => ({ ...e, videoId: video(String(e.videoId)) })));
    for (const [id, seconds] of Object.entries(rule.cms ?? {})) catalog[video(id)] = seconds;
  });
  await addCatalogDurations(session, catalog);
  await ingestLines(session, events);
  await buildEngagement(session);
  rows = await engagementRows(session);
});

afterAll(() => session?.warehouse.close());

describe('the rules of docs/engagement-rules.md', () => {
  CASES.forEach((rule, index) => {
    it(rule.rule, () => {
      for (const [video, expected] of Object.entries(rule.expected)) {
        const row = rows.find((r) => r.user_id === userOf(index) && r.video_id === `${userOf(index)}_${video}`);
        expect(row, `row for ${video}`).toBeDefined();
        const flags = expected.quality_flags;
        expect(row).toMatchObject({ ...expected, ...(flags ? { quality_flags: flags.concat(rule.cms && video in rule.cms ? [] : flags.includes('duration_not_from_cms') ? [] : ['duration_not_from_cms']) } : {}) });
      }
    });
  });
});
