import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSession, type PipelineSession } from '../../warehouse/session.ts';
import { loadTestConfig } from '../support/test-config.ts';
import { addCatalogDurations, buildEngagement, engagementRows, ingestLines, type EngagementRow, type EventInput } from './harness.ts';

/**
 * Every rule value and comparison of docs/engagement-rules.md, exactly at its boundary and just past
 * it on both sides. The build reads its rule values from tests/fixtures/reelhouse.config.json
 * (session_timeout_s 1800, max_playback_speed 2.0, position_tolerance_s 2, completion_threshold 0.95);
 * the inputs and the expected rows are worked out by hand from those documented defaults, so moving a
 * value of the fixture one small step (timeout 1790/1810, speed 1.9/2.1, tolerance 1.5/2.5,
 * completion 0.94/0.96) makes a case below fail.
 *
 * Each case is one user (cases never meet) with one sessionId; steps are
 * [seconds after 2024-01-01T10:00:00Z (to the microsecond), event, position, video?, extra fields?].
 * All cases are ingested and built once.
 */

type Step = [offsetS: number, eventName: string, position: number, video?: string, extra?: EventInput];
interface BoundaryCase {
  readonly rule: string;
  readonly steps: Step[];
  /** CMS durations in seconds, by video */
  readonly cms?: Record<string, number>;
  readonly expected: Record<string, Partial<EngagementRow>>;
}

const START_US = BigInt(Date.parse('2024-01-01T10:00:00Z')) * 1000n;

/** An ISO timestamp START + offset, written to the microsecond. */
function timestampAt(offsetS: number): string {
  const at = START_US + BigInt(Math.round(offsetS * 1e6));
  const seconds = at / 1_000_000n;
  const micros = at % 1_000_000n;
  return new Date(Number(seconds) * 1000).toISOString().replace(/\.\d{3}Z$/, `.${micros.toString().padStart(6, '0')}Z`);
}

const play = (offset: number, position: number, video?: string, extra?: EventInput): Step => [offset, 'play', position, video, extra];
const pause = (offset: number, position: number, video?: string, extra?: EventInput): Step => [offset, 'pause', position, video, extra];
const resume = (offset: number, position: number, video?: string): Step => [offset, 'resume', position, video];
const seek = (offset: number, position: number, video?: string): Step => [offset, 'seek', position, video];
const end = (offset: number, position: number, video?: string): Step => [offset, 'end', position, video];

/** One segment [0, x] of a 100 s video: watch, unique and completion per cent all equal x, so the score is x. */
const watchedTo = (x: number): Step[] => [play(0, 0), pause(x, x)];

const CASES: BoundaryCase[] = [
  // ---- session timeout 1800 s: a gap of MORE than the timeout starts a new viewing session ----
  { rule: 'timeout: a gap of exactly 1800 s keeps the viewing session',
    // pause@10, resume@1810: gap 1800 s, not > 1800 → one session; 2 pauses / 1 session = 2; the
    // resume continues the run at the pause's position 10: no skip
    steps: [play(0, 0), pause(10, 10), resume(1810, 10), pause(1820, 20)], cms: { v: 100 },
    expected: { v: { session_count: 1, pause_count: 2, avg_pauses_per_session: 2, total_watch_time_s: 20, forward_skips: 0, backward_skips: 0 } } },
  { rule: 'timeout: a gap of 1800.000001 s starts a new viewing session',
    // gap 1800.000001 > 1800 → two sessions; 2 pauses / 2 = 1
    steps: [play(0, 0), pause(10, 10), resume(1810.000001, 10), pause(1820.000001, 20)], cms: { v: 100 },
    expected: { v: { session_count: 2, pause_count: 2, avg_pauses_per_session: 1, total_watch_time_s: 20 } } },
  { rule: 'timeout: a gap of 1799.999999 s keeps the viewing session',
    steps: [play(0, 0), pause(10, 10), resume(1809.999999, 10), pause(1819.999999, 20)], cms: { v: 100 },
    expected: { v: { session_count: 1, avg_pauses_per_session: 2, forward_skips: 0, backward_skips: 0 } } },
  { rule: 'timeout: playing through a gap of exactly 1800 s credits the segment',
    // same session; Δp 1800 <= 1800 x 2 + 2 → [0, 1800] of 3600 s: 50.0 % everywhere, score 50.0
    steps: [play(0, 0), pause(1800, 1800)], cms: { v: 3600 },
    expected: { v: { total_watch_time_s: 1800, session_count: 1, forward_skips: 0, watch_percentage: 50, completion_percentage: 50,
      engagement_score: 50, engagement_tier: 'Medium', quality_flags: [] } } },
  { rule: 'timeout: playing through a gap of 1800.000001 s leaves the play unclosed',
    // the pause opens a new session, so the play has no next event in its session: credits nothing
    steps: [play(0, 0), pause(1800.000001, 1800)], cms: { v: 3600 },
    expected: { v: { total_watch_time_s: 0, session_count: 2, pause_count: 1, avg_pauses_per_session: 0.5,
      quality_flags: ['very_short_watch', 'no_valid_segments', 'unclosed_play'] } } },
  { rule: 'timeout: playing through a gap of 1799.999999 s credits the segment',
    steps: [play(0, 0), pause(1799.999999, 1799.999999)], cms: { v: 3600 },
    expected: { v: { total_watch_time_s: 1800, session_count: 1, quality_flags: [] } } },

  // ---- crediting: 0 <= p1 - p0 <= (t1 - t0) x 2.0 + 2 s → e = p1, else e = p0 + (t1 - t0) and a skip ----
  { rule: 'rate: a pause at 2.6, 0.3 s after a play at 0, is exactly on the bound and credits 2.6 s',
    // 0.3 x 2 + 2 = 2.6 (exact time difference) → e = 2.6; no skip
    steps: [play(0, 0), pause(0.3, 2.6)], cms: { v: 100 },
    expected: { v: { total_watch_time_s: 2.6, max_position_s: 2.6, forward_skips: 0, backward_skips: 0 } } },
  { rule: 'rate: a pause at 2.600001, 0.3 s after the play, is past the bound: wall clock and a forward skip',
    // 2.600001 > 2.6 → e = 0 + 0.3; p1 > p0 → forward skip
    steps: [play(0, 0), pause(0.3, 2.600001)], cms: { v: 100 },
    expected: { v: { total_watch_time_s: 0.3, max_position_s: 0.3, forward_skips: 1, backward_skips: 0 } } },
  { rule: 'rate: a pause at 2.599999, 0.3 s after the play, credits its position',
    // e = 2.599999 → 2.600 to the millisecond
    steps: [play(0, 0), pause(0.3, 2.599999)], cms: { v: 100 },
    expected: { v: { total_watch_time_s: 2.6, forward_skips: 0 } } },
  { rule: 'rate: 22 s of position in 10 s is exactly 2x + 2 s and is credited',
    // 10 x 2 + 2 = 22 → e = 22 (speed 1.9 would allow 21, speed 2.1 23)
    steps: [play(0, 0), pause(10, 22)], cms: { v: 100 },
    expected: { v: { total_watch_time_s: 22, max_position_s: 22, forward_skips: 0 } } },
  { rule: 'rate: 22.000001 s of position in 10 s is a jump',
    // > 22 → e = 0 + 10, forward skip
    steps: [play(0, 0), pause(10, 22.000001)], cms: { v: 100 },
    expected: { v: { total_watch_time_s: 10, max_position_s: 10, forward_skips: 1 } } },
  { rule: 'rate: 21.999999 s of position in 10 s is credited',
    steps: [play(0, 0), pause(10, 21.999999)], cms: { v: 100 },
    expected: { v: { total_watch_time_s: 22, forward_skips: 0 } } },
  { rule: 'crediting tolerance: 2 s of position in the same instant is credited',
    // Δt 0: bound 0 x 2 + 2 = 2 → e = 2 (the tolerance alone)
    steps: [play(0, 0), pause(0, 2)], cms: { v: 100 },
    expected: { v: { total_watch_time_s: 2, forward_skips: 0 } } },
  { rule: 'crediting tolerance: 2.000001 s of position in the same instant is a jump',
    // > 2 → e = 0 + 0: nothing credited, forward skip
    steps: [play(0, 0), pause(0, 2.000001)], cms: { v: 100 },
    expected: { v: { total_watch_time_s: 0, forward_skips: 1, quality_flags: ['very_short_watch', 'no_valid_segments'] } } },
  { rule: 'crediting tolerance: 1.999999 s of position in the same instant is credited',
    steps: [play(0, 0), pause(0, 1.999999)], cms: { v: 100 },
    expected: { v: { total_watch_time_s: 2, forward_skips: 0 } } },

  // ---- credit lower bound 0 ----
  { rule: 'lower bound: a position that did not move (p1 - p0 = 0) is credited, an empty segment',
    // e = p1 = 50: [50, 50] credits nothing, no skip
    steps: [play(0, 50), pause(10, 50)], cms: { v: 100 },
    expected: { v: { total_watch_time_s: 0, max_position_s: 0, forward_skips: 0, backward_skips: 0,
      quality_flags: ['very_short_watch', 'no_valid_segments'] } } },
  { rule: 'lower bound: a position 0.000001 s behind is a backward jump credited by the wall clock',
    // -0.000001 < 0 → e = 50 + 10 = 60: [50, 60] = 10 s, backward skip
    steps: [play(0, 50), pause(10, 49.999999)], cms: { v: 100 },
    expected: { v: { total_watch_time_s: 10, max_position_s: 60, forward_skips: 0, backward_skips: 1 } } },
  { rule: 'lower bound: a position 0.000001 s ahead is credited',
    // e = 50.000001: 0.000001 s → 0.000; furthest end 50.000001 → 50.000
    steps: [play(0, 50), pause(10, 50.000001)], cms: { v: 100 },
    expected: { v: { total_watch_time_s: 0, max_position_s: 50, forward_skips: 0, backward_skips: 0 } } },

  // ---- seek while playing: e = p0 + (t1 - t0); a skip when |target - e| > 2 s ----
  { rule: 'seek tolerance: a seek exactly 2 s ahead of the playing point is no skip',
    // e = 10, |12 - 10| = 2 → no skip; playing from 12 at t 10: pause (20, 22) credits [12, 22]
    steps: [play(0, 0), seek(10, 12), pause(20, 22)], cms: { v: 100 },
    expected: { v: { total_watch_time_s: 20, unique_seconds_watched: 20, forward_skips: 0, backward_skips: 0 } } },
  { rule: 'seek tolerance: a seek 2.000001 s ahead is a forward skip',
    steps: [play(0, 0), seek(10, 12.000001), pause(20, 22.000001)], cms: { v: 100 },
    expected: { v: { total_watch_time_s: 20, forward_skips: 1, backward_skips: 0 } } },
  { rule: 'seek tolerance: a seek 1.999999 s ahead is no skip',
    steps: [play(0, 0), seek(10, 11.999999), pause(20, 21.999999)], cms: { v: 100 },
    expected: { v: { total_watch_time_s: 20, forward_skips: 0, backward_skips: 0 } } },
  { rule: 'seek tolerance: a seek exactly 2 s behind is no skip',
    // |8 - 10| = 2; segments [0, 10] and [8, 18]: total 20, union 18
    steps: [play(0, 0), seek(10, 8), pause(20, 18)], cms: { v: 100 },
    expected: { v: { total_watch_time_s: 20, unique_seconds_watched: 18, rewatch_seconds: 2, forward_skips: 0, backward_skips: 0 } } },
  { rule: 'seek tolerance: a seek 2.000001 s behind is a backward skip',
    steps: [play(0, 0), seek(10, 7.999999), pause(20, 17.999999)], cms: { v: 100 },
    expected: { v: { total_watch_time_s: 20, forward_skips: 0, backward_skips: 1 } } },

  { rule: 'seek: a seek that opens a viewing session leaves the player not playing',
    // nothing plays before the seek, so the pause closes no segment; no skip at a session start
    steps: [seek(0, 10), pause(10, 20)], cms: { v: 100 },
    expected: { v: { total_watch_time_s: 0, forward_skips: 0, backward_skips: 0 } } },
  { rule: 'seek: seeks while playing keep it playing, along a chain of seeks',
    // play 0 → seek@10 to 10 (e = 10, no skip) → seek@20 to 20 (e = 20) → pause@30 at 30: [0, 30]
    steps: [play(0, 0), seek(10, 10), seek(20, 20), pause(30, 30)], cms: { v: 100 },
    expected: { v: { total_watch_time_s: 30, unique_seconds_watched: 30, forward_skips: 0, backward_skips: 0 } } },
  { rule: 'seek: seeks while paused keep it paused, along a chain of seeks',
    // paused at 10; seeks to 40 (forward skip) and 20 (backward skip) while paused; pause@40 at 25 closes nothing
    steps: [play(0, 0), pause(10, 10), seek(20, 40), seek(30, 20), pause(40, 25)], cms: { v: 100 },
    expected: { v: { total_watch_time_s: 10, forward_skips: 1, backward_skips: 1 } } },
  { rule: 'heartbeat: heartbeats keep the player playing, and one after another is no skip',
    // [0, 10] [10, 20] [20, 30]; the second heartbeat continues playback (10 s from the first), no skip
    steps: [play(0, 0), [10, 'heartbeat', 10], [20, 'heartbeat', 20], pause(30, 30)], cms: { v: 100 },
    expected: { v: { total_watch_time_s: 30, forward_skips: 0, backward_skips: 0 } } },
  { rule: 'heartbeat: a seek after a heartbeat is a seek while playing',
    // [0, 10] [10, 20] closed by the seek (e = 20; |50 - 20| > 2: one forward skip), then [50, 60]
    steps: [play(0, 0), [10, 'heartbeat', 10], seek(20, 50), pause(30, 60)], cms: { v: 100 },
    expected: { v: { total_watch_time_s: 30, unique_seconds_watched: 30, forward_skips: 1, backward_skips: 0 } } },
  { rule: 'heartbeat: a heartbeat after a seek keeps the player playing',
    // [0, 10] closed by the seek at 10 (no skip), [10, 20] closed by the heartbeat, [20, 30]
    steps: [play(0, 0), seek(10, 10), [20, 'heartbeat', 20], pause(30, 30)], cms: { v: 100 },
    expected: { v: { total_watch_time_s: 30, forward_skips: 0, backward_skips: 0 } } },

  // ---- not playing: play/resume/seek/heartbeat more than 2 s from the last known position is a skip ----
  { rule: 'idle tolerance: resuming exactly 2 s ahead of the pause is no skip',
    // pause at 10, resume at 12: |12 - 10| = 2 → no skip; [0, 10] + [12, 22]
    steps: [play(0, 0), pause(10, 10), resume(15, 12), pause(25, 22)], cms: { v: 100 },
    expected: { v: { total_watch_time_s: 20, forward_skips: 0, backward_skips: 0 } } },
  { rule: 'idle tolerance: resuming 2.000001 s ahead is a forward skip',
    steps: [play(0, 0), pause(10, 10), resume(15, 12.000001), pause(25, 22.000001)], cms: { v: 100 },
    expected: { v: { total_watch_time_s: 20, forward_skips: 1, backward_skips: 0 } } },
  { rule: 'idle tolerance: resuming 1.999999 s ahead is no skip',
    steps: [play(0, 0), pause(10, 10), resume(15, 11.999999), pause(25, 21.999999)], cms: { v: 100 },
    expected: { v: { forward_skips: 0, backward_skips: 0 } } },
  { rule: 'idle tolerance: resuming exactly 2 s behind is no skip',
    steps: [play(0, 0), pause(10, 10), resume(15, 8), pause(25, 18)], cms: { v: 100 },
    expected: { v: { total_watch_time_s: 20, unique_seconds_watched: 18, forward_skips: 0, backward_skips: 0 } } },
  { rule: 'idle tolerance: resuming 2.000001 s behind is a backward skip',
    steps: [play(0, 0), pause(10, 10), resume(15, 7.999999), pause(25, 17.999999)], cms: { v: 100 },
    expected: { v: { forward_skips: 0, backward_skips: 1 } } },
  { rule: 'idle tolerance after a switch: returning exactly 2 s ahead of where the video was left is no skip',
    // a plays [0, 30] until b starts at t 30 (left at 30); a resumes at 32: |32 - 30| = 2; a = [0, 30] + [32, 42]
    steps: [play(0, 0, 'a'), play(30, 0, 'b'), pause(40, 10, 'b'), resume(50, 32, 'a'), pause(60, 42, 'a')], cms: { a: 300, b: 300 },
    expected: { a: { total_watch_time_s: 40, forward_skips: 0, backward_skips: 0, session_count: 1 }, b: { total_watch_time_s: 10 } } },
  { rule: 'idle tolerance after a switch: returning 2.000001 s ahead is a forward skip',
    steps: [play(0, 0, 'a'), play(30, 0, 'b'), pause(40, 10, 'b'), resume(50, 32.000001, 'a'), pause(60, 42.000001, 'a')], cms: { a: 300, b: 300 },
    expected: { a: { total_watch_time_s: 40, forward_skips: 1, backward_skips: 0 } } },
  { rule: 'idle tolerance after a switch: returning exactly 2 s behind is no skip',
    steps: [play(0, 0, 'a'), play(30, 0, 'b'), pause(40, 10, 'b'), resume(50, 28, 'a'), pause(60, 38, 'a')], cms: { a: 300, b: 300 },
    expected: { a: { total_watch_time_s: 40, unique_seconds_watched: 38, forward_skips: 0, backward_skips: 0 } } },
  { rule: 'idle tolerance after a switch: returning 2.000001 s behind is a backward skip',
    steps: [play(0, 0, 'a'), play(30, 0, 'b'), pause(40, 10, 'b'), resume(50, 27.999999, 'a'), pause(60, 37.999999, 'a')], cms: { a: 300, b: 300 },
    expected: { a: { forward_skips: 0, backward_skips: 1 } } },

  // ---- completion: an end at >= 95 % of the duration, or a non-empty segment ending there ----
  { rule: 'completion: an end at exactly 95 % completes',
    // paused at 10, end at 95 >= 0.95 x 100; watched 10 % only → flagged
    steps: [play(0, 0), pause(10, 10), end(20, 95)], cms: { v: 100 },
    expected: { v: { completion_count: 1, total_watch_time_s: 10, completion_percentage: 10,
      quality_flags: ['completed_without_sufficient_watch'] } } },
  { rule: 'completion: an end at 94.999999 does not complete',
    steps: [play(0, 0), pause(10, 10), end(20, 94.999999)], cms: { v: 100 },
    expected: { v: { completion_count: 0, quality_flags: [] } } },
  { rule: 'completion: an end at 95.000001 completes',
    steps: [play(0, 0), pause(10, 10), end(20, 95.000001)], cms: { v: 100 },
    expected: { v: { completion_count: 1 } } },
  { rule: 'completion: a segment ending at exactly 95 % completes',
    steps: [play(0, 0), pause(95, 95)], cms: { v: 100 },
    expected: { v: { completion_count: 1, total_watch_time_s: 95, watch_percentage: 95, quality_flags: [] } } },
  { rule: 'completion: a segment ending at 94.999999 does not complete (though it shows 95.0 %)',
    // 94.999999 → 95.000 s → 95.0 %, but the rule compares the exact end
    steps: [play(0, 0), pause(94.999999, 94.999999)], cms: { v: 100 },
    expected: { v: { completion_count: 0, completion_percentage: 95 } } },
  { rule: 'completion: 95 % of 100.000001 s is 95.00000095 s exactly, so an end at 95 does not complete',
    // duration from videoDuration (to the microsecond); 95 < 95.00000095
    steps: [play(0, 0, 'v', { videoDuration: 100.000001 }), pause(10, 10), end(20, 95)],
    expected: { v: { video_duration_s: 100.000001, duration_source: 'event', completion_count: 0 } } },
  { rule: 'completion: 95 % of 100.000001 s is 95.00000095 s, so an end at 95.000001 completes',
    steps: [play(0, 0, 'v', { videoDuration: 100.000001 }), pause(10, 10), end(20, 95.000001)],
    expected: { v: { completion_count: 1 } } },
  { rule: 'completion: an empty segment at 96 % does not complete',
    // Δp 0 → [96, 96], empty; no end event
    steps: [play(0, 96), pause(10, 96)], cms: { v: 100 },
    expected: { v: { completion_count: 0, total_watch_time_s: 0 } } },

  // ---- score = 0.7 x min(unique %, 100) + 0.3 x min(completion %, 100), one decimal ----
  { rule: 'score weights: unique 40 % and completion 90 % give 55.0',
    // [0, 20], then a seek while paused to 70 (forward skip), [70, 90]: unique 40, furthest 90;
    // 0.7 x 40 + 0.3 x 90 = 28 + 27 = 55.0 (0.6/0.4 would give 60.0)
    steps: [play(0, 0), pause(20, 20), seek(21, 70), play(22, 70), pause(42, 90)], cms: { v: 100 },
    expected: { v: { unique_watch_percentage: 40, completion_percentage: 90, engagement_score: 55, engagement_tier: 'Medium', forward_skips: 1 } } },
  { rule: 'score: capped percentages (watch 200 %) still give at most 100',
    // two sessions each [0, 100]: watch 200 %, unique 100, completion 100 → 0.7 x 100 + 0.3 x 100 = 100.0
    steps: [play(0, 0), end(100, 100), play(5000, 0), end(5100, 100)], cms: { v: 100 },
    expected: { v: { watch_percentage: 200, unique_watch_percentage: 100, engagement_score: 100, completion_count: 2 } } },

  // ---- rounding: decimal, half away from zero ----
  { rule: 'rounding: 2.55 s of 300 s is 0.85 % → 0.9 (binary floating point gives 0.8)',
    steps: [play(0, 0), pause(2.55, 2.55)], cms: { v: 300 },
    expected: { v: { total_watch_time_s: 2.55, watch_percentage: 0.9, unique_watch_percentage: 0.9, completion_percentage: 0.9,
      engagement_score: 0.9, engagement_tier: 'Minimal' } } },
  { rule: 'rounding: 68.95 % → 69.0, and the score from 69.0 and 88.9 is 74.97 → 75.0 (High)',
    // 300 s: [0, 100] + seek while paused to 159.85 + [159.85, 266.7] (106.85 s in 106.85 s):
    // 206.85 s = 68.95 % → 69.0; furthest 266.7 = 88.9 %; 0.7 x 69.0 + 0.3 x 88.9 = 48.3 + 26.67 = 74.97 → 75.0
    // (from the unrounded 68.95 it would be 74.935 → 74.9, Medium)
    steps: [play(0, 0), pause(100, 100), seek(101, 159.85), play(102, 159.85), pause(208.85, 266.7)], cms: { v: 300 },
    expected: { v: { total_watch_time_s: 206.85, unique_seconds_watched: 206.85, watch_percentage: 69, unique_watch_percentage: 69,
      max_position_s: 266.7, completion_percentage: 88.9, engagement_score: 75, engagement_tier: 'High', forward_skips: 1 } } },
  { rule: 'rounding: seconds to the millisecond, half away from zero (0.0005 s → 0.001)',
    // [0, 10.0005] → 10.001 s; 100 x 10.001 / 100 = 10.001 % → 10.0
    steps: [play(0, 0), pause(10.0005, 10.0005)], cms: { v: 100 },
    expected: { v: { total_watch_time_s: 10.001, unique_seconds_watched: 10.001, max_position_s: 10.001, watch_percentage: 10 } } },
  { rule: 'rounding: pauses per session to 3 decimals (2 / 3 = 0.667)',
    // three sessions (gaps of 2000 s), two pauses
    steps: [play(0, 0), pause(10, 10), resume(2010, 10), pause(2020, 20), resume(4020, 20)], cms: { v: 100 },
    expected: { v: { session_count: 3, pause_count: 2, avg_pauses_per_session: 0.667 } } },

  // ---- tiers: High >= 75, Medium >= 50, Low >= 25, else Minimal ----
  { rule: 'tier: 75.0 is High', steps: watchedTo(75), cms: { v: 100 }, expected: { v: { engagement_score: 75, engagement_tier: 'High' } } },
  { rule: 'tier: 74.9 is Medium', steps: watchedTo(74.9), cms: { v: 100 }, expected: { v: { engagement_score: 74.9, engagement_tier: 'Medium' } } },
  { rule: 'tier: 50.0 is Medium', steps: watchedTo(50), cms: { v: 100 }, expected: { v: { engagement_score: 50, engagement_tier: 'Medium' } } },
  { rule: 'tier: 49.9 is Low', steps: watchedTo(49.9), cms: { v: 100 }, expected: { v: { engagement_score: 49.9, engagement_tier: 'Low' } } },
  { rule: 'tier: 25.0 is Low', steps: watchedTo(25), cms: { v: 100 }, expected: { v: { engagement_score: 25, engagement_tier: 'Low' } } },
  { rule: 'tier: 24.9 is Minimal', steps: watchedTo(24.9), cms: { v: 100 }, expected: { v: { engagement_score: 24.9, engagement_tier: 'Minimal' } } },

  // ---- duration: CMS, else the largest videoDuration, else the largest position ----
  { rule: 'duration: the CMS duration wins over the events\' videoDuration',
    steps: [play(0, 0, 'v', { videoDuration: 200 }), pause(50, 50, 'v', { videoDuration: 200 })], cms: { v: 100 },
    expected: { v: { video_duration_s: 100, duration_source: 'cms', watch_percentage: 50, quality_flags: [] } } },
  { rule: 'duration: without the CMS, the largest videoDuration of the events',
    steps: [play(0, 0, 'v', { videoDuration: 150 }), pause(50, 50, 'v', { videoDuration: 200 })],
    expected: { v: { video_duration_s: 200, duration_source: 'event', watch_percentage: 25, quality_flags: ['duration_not_from_cms'] } } },
  { rule: 'duration: without either, the largest position',
    // [0, 50] of 50 s: 100 %, and a segment ending at the end completes
    steps: [play(0, 0), pause(50, 50)],
    expected: { v: { video_duration_s: 50, duration_source: 'max_position', watch_percentage: 100, completion_count: 1,
      quality_flags: ['duration_not_from_cms'] } } },
  { rule: 'duration: 0 (largest position 0) leaves the percentages, score and tier NULL, and an end completes nothing',
    steps: [play(0, 0), end(5, 0)],
    expected: { v: { video_duration_s: 0, duration_source: 'max_position', watch_percentage: null, unique_watch_percentage: null,
      completion_percentage: null, engagement_score: null, engagement_tier: null, completion_count: 0,
      quality_flags: ['very_short_watch', 'no_valid_segments', 'duration_not_from_cms'] } } },
  { rule: 'duration: a CMS duration of 0 leaves the percentages NULL',
    // the segment [0, 5] is clipped to [0, 0]; position 5 > 0
    steps: [play(0, 0), end(5, 5)], cms: { v: 0 },
    expected: { v: { video_duration_s: 0, duration_source: 'cms', watch_percentage: null, engagement_score: null, engagement_tier: null,
      completion_count: 0, total_watch_time_s: 0, quality_flags: ['very_short_watch', 'no_valid_segments', 'position_beyond_duration'] } } },

  // ---- quality flags ----
  { rule: 'flag: total exactly 1.2 x duration is not excessive',
    // [0, 100] then a resume at 80 (backward skip) and [80, 100]: 120 s = 1.2 x 100, not more
    steps: [play(0, 0), pause(100, 100), resume(101, 80), pause(121, 100)], cms: { v: 100 },
    expected: { v: { total_watch_time_s: 120, unique_seconds_watched: 100, rewatch_seconds: 20, watch_percentage: 120,
      backward_skips: 1, completion_count: 1, engagement_score: 100, quality_flags: [] } } },
  { rule: 'flag: total 120.001 s of 100 s is excessive',
    // [79.999, 100] = 20.001 s in 20.001 s
    steps: [play(0, 0), pause(100, 100), resume(101, 79.999), pause(121.001, 100)], cms: { v: 100 },
    expected: { v: { total_watch_time_s: 120.001, quality_flags: ['excessive_watch_time'] } } },
  { rule: 'flag: total 119.999 s of 100 s is not excessive',
    steps: [play(0, 0), pause(100, 100), resume(101, 80.001), pause(120.999, 100)], cms: { v: 100 },
    expected: { v: { total_watch_time_s: 119.999, quality_flags: [] } } },
  { rule: 'flag: exactly 5 s is not a very short watch', steps: [play(0, 0), pause(5, 5)], cms: { v: 100 },
    expected: { v: { total_watch_time_s: 5, quality_flags: [] } } },
  { rule: 'flag: 4.999 s is a very short watch', steps: [play(0, 0), pause(4.999, 4.999)], cms: { v: 100 },
    expected: { v: { total_watch_time_s: 4.999, quality_flags: ['very_short_watch'] } } },
  { rule: 'flag: 5.001 s is not a very short watch', steps: [play(0, 0), pause(5.001, 5.001)], cms: { v: 100 },
    expected: { v: { total_watch_time_s: 5.001, quality_flags: [] } } },
  { rule: 'flag: completed with exactly 75 % watched is sufficient',
    // [20, 95] ends at 95 %: completed; 75.0 % watched; score 0.7 x 75 + 0.3 x 95 = 81.0
    steps: [play(0, 20), end(75, 95)], cms: { v: 100 },
    expected: { v: { completion_count: 1, watch_percentage: 75, engagement_score: 81, quality_flags: [] } } },
  { rule: 'flag: completed with 74.9 % watched is not sufficient',
    steps: [play(0, 20.1), end(74.9, 95)], cms: { v: 100 },
    expected: { v: { completion_count: 1, watch_percentage: 74.9, quality_flags: ['completed_without_sufficient_watch'] } } },
  { rule: 'flag: a position exactly at the duration is not beyond it', steps: [play(0, 0), end(100, 100)], cms: { v: 100 },
    expected: { v: { total_watch_time_s: 100, completion_count: 1, quality_flags: [] } } },
  { rule: 'flag: a position 0.000001 s past the duration is beyond it',
    // credited to 100.000001, clipped to 100
    steps: [play(0, 0), end(100, 100.000001)], cms: { v: 100 },
    expected: { v: { total_watch_time_s: 100, max_position_s: 100, quality_flags: ['position_beyond_duration'] } } },
];

// ---- marts.video_engagement_summary: six viewers of one 100 s video ----
const SUMMARY_VIDEO = 'summary_video';
const SUMMARY_VIEWERS: Step[][] = [
  watchedTo(68.9), // 68.9 % everywhere, Medium, furthest in the 7th tenth (60-70)
  watchedTo(69), // 69.0, Medium, 60-70
  watchedTo(30), // 30.0, Low, 30-40 (exactly on the tenth's edge)
  watchedTo(29.9), // 29.9, Low, 20-30
  [play(0, 0), end(95, 95)], // 95.0, High, completed: no drop-off
  watchedTo(13.5), // 13.5, Minimal, 10-20
];
// ---- and a video whose viewers drop off in every tenth: 1, 2, 3, 1, 2, 3, … viewers, so no two
// neighbouring tenths hold the same count
const DECILE_VIDEO = 'decile_video';
const DECILE_VIEWERS: Step[][] = Array.from({ length: 10 }, (_, tenth) =>
  Array.from({ length: (tenth % 3) + 1 }, () => watchedTo(tenth * 10 + 4))).flat();

let session: PipelineSession;
let rows: EngagementRow[];
let summaries: Record<string, Record<string, unknown>>;
const userOf = (index: number) => `boundary_${String(index).padStart(2, '0')}`;

function eventsOf(userId: string, steps: Step[], videoOf: (video: string) => string): EventInput[] {
  return steps.map(([offset, eventName, currentTime, video, extra]) => ({
    timestamp: timestampAt(offset),
    userId,
    sessionId: 's',
    videoId: videoOf(video ?? 'v'),
    eventName,
    currentTime,
    ...extra,
  }));
}

beforeAll(async () => {
  session = await openSession({
    dataDir: mkdtempSync(join(tmpdir(), 'reelhouse-boundaries-')),
    config: loadTestConfig(),
    asOf: '2025-06-30',
    command: 'test',
  });
  const events: EventInput[] = [];
  const catalog: Record<string, number> = { [SUMMARY_VIDEO]: 100, [DECILE_VIDEO]: 100 };
  CASES.forEach((boundary, index) => {
    const userId = userOf(index);
    events.push(...eventsOf(userId, boundary.steps, (video) => `${userId}_${video}`));
    for (const [video, seconds] of Object.entries(boundary.cms ?? {})) catalog[`${userId}_${video}`] = seconds;
  });
  SUMMARY_VIEWERS.forEach((steps, index) => events.push(...eventsOf(`summary_viewer_${index}`, steps, () => SUMMARY_VIDEO)));
  DECILE_VIEWERS.forEach((steps, index) => events.push(...eventsOf(`decile_viewer_${String(index).padStart(2, '0')}`, steps, () => DECILE_VIDEO)));
  await addCatalogDurations(session, catalog);
  const counts = await ingestLines(session, events);
  expect(counts).toMatchObject({ read: events.length, accepted: events.length, quarantined: 0, duplicates: 0 });
  await buildEngagement(session);
  rows = await engagementRows(session);
  const summaryRows = await session.warehouse.rows<Record<string, unknown>>(`SELECT * FROM marts.video_engagement_summary`);
  summaries = Object.fromEntries(summaryRows.map((row) => [String(row.video_id), Object.fromEntries(
    // (BIGINT counts arrive as strings)
    Object.entries(row).map(([key, value]) => [key, /_(count|viewers)$/.test(key) ? Number(value) : value]))]));
});

afterAll(() => session?.warehouse.close());

describe('marts.user_video_engagement at every rule boundary', () => {
  CASES.forEach((boundary, index) => {
    it(boundary.rule, () => {
      for (const [video, expected] of Object.entries(boundary.expected)) {
        const row = rows.find((r) => r.user_id === userOf(index) && r.video_id === `${userOf(index)}_${video}`);
        expect(row, `row for ${video}`).toBeDefined();
        expect(row).toMatchObject(expected);
      }
    });
  });
});

describe('marts.video_engagement_summary', () => {
  it('averages the viewers\' rounded values to one decimal, half away from zero, and counts tiers and drop-offs', () => {
    // tenths 689 + 690 + 300 + 299 + 950 + 135 = 3063; 3063 / 6 = 510.5 → 511 → 51.1 (half to even or
    // truncation would give 51.0); each viewer's score equals its percentages (one segment from 0)
    expect(summaries[SUMMARY_VIDEO]).toMatchObject({
      video_duration_s: 100,
      duration_source: 'cms',
      unique_viewers: 6,
      completed_viewers: 1,
      total_watch_time_s: 306.3, // 68.9 + 69 + 30 + 29.9 + 95 + 13.5
      avg_watch_percentage: 51.1,
      avg_unique_watch_percentage: 51.1,
      avg_completion_percentage: 51.1,
      avg_engagement_score: 51.1,
      high_tier_viewers: 1,
      medium_tier_viewers: 2,
      low_tier_viewers: 2,
      minimal_tier_viewers: 1,
      dropoff_00_10_count: 0,
      dropoff_10_20_count: 1,
      dropoff_20_30_count: 1,
      dropoff_30_40_count: 1,
      dropoff_40_50_count: 0,
      dropoff_50_60_count: 0,
      dropoff_60_70_count: 2,
      dropoff_70_80_count: 0,
      dropoff_80_90_count: 0,
      dropoff_90_100_count: 0,
    });
  });

  it('puts a viewer who never completed in the tenth of the duration where they got furthest', () => {
    // viewers at 4 %, 14 %, …, 94 % (94 < 95: never completed), 1, 2, 3, 1, … per tenth
    expect(summaries[DECILE_VIDEO]).toMatchObject({
      unique_viewers: 19,
      completed_viewers: 0,
      dropoff_00_10_count: 1,
      dropoff_10_20_count: 2,
      dropoff_20_30_count: 3,
      dropoff_30_40_count: 1,
      dropoff_40_50_count: 2,
      dropoff_50_60_count: 3,
      dropoff_60_70_count: 1,
      dropoff_70_80_count: 2,
      dropoff_80_90_count: 3,
      dropoff_90_100_count: 1,
    });
  });
});
