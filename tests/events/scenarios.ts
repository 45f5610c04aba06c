import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { EngagementRow, EventInput } from './harness.ts';

/**
 * The original project's scenarios (copied into tests/fixtures/scenarios, each naming its source):
 * inputs, the outputs their source states, and how each stated key maps onto a column of
 * marts.user_video_engagement.
 */

export const SCENARIO_DIR = join(import.meta.dirname, '..', 'fixtures', 'scenarios');

export interface Scenario {
  readonly key: string;
  readonly videoDurationS: number | null;
  readonly videoDurationsS?: Record<string, number | null>;
  readonly events: EventInput[];
  readonly expected: Record<string, unknown> & { rows?: Array<Record<string, unknown>> };
}

export function loadScenarios(dir = SCENARIO_DIR): Scenario[] {
  return readdirSync(dir)
    .filter((name) => name.endsWith('.json'))
    .sort()
    .map((name) => {
      const raw = JSON.parse(readFileSync(join(dir, name), 'utf8'));
      return {
        key: name.replace(/\.json$/, ''),
        videoDurationS: raw.video_duration_s ?? null,
        videoDurationsS: raw.video_durations_s,
        events: raw.events,
        expected: raw.expected,
      };
    });
}

/** What each stated key of the source means in our row. undefined: no column of ours says it. */
export const STATED_KEY_TO_OURS: Record<string, ((row: EngagementRow) => unknown) | undefined> = {
  videoDuration: (r) => r.video_duration_s,
  totalWatchTime: (r) => r.total_watch_time_s,
  watchTime: (r) => r.total_watch_time_s,
  uniqueSecondsWatched: (r) => r.unique_seconds_watched,
  totalUniqueSecondsWatched: (r) => r.unique_seconds_watched,
  watchPercentage: (r) => r.watch_percentage,
  uniqueWatchPercentage: (r) => r.unique_watch_percentage,
  completionPercentage: (r) => r.completion_percentage,
  sessionCount: (r) => r.session_count,
  maxPositionReached: (r) => r.max_position_s,
  maxPosition: (r) => r.max_position_s,
  dropoffPoint: (r) => r.max_position_s,
  completed: (r) => r.completion_count > 0,
  isCompletedAtLeastOnce: (r) => r.completion_count > 0,
  completionCount: (r) => r.completion_count,
  pauseCount: (r) => r.pause_count,
  forwardSkipCount: (r) => r.forward_skips,
  forwardSkips: (r) => r.forward_skips,
  backwardSkipCount: (r) => r.backward_skips,
  backwardSkips: (r) => r.backward_skips,
  totalBackwardSkips: (r) => r.backward_skips,
  skipCount: (r) => r.forward_skips + r.backward_skips,
  avgPausesPerSession: (r) => r.avg_pauses_per_session,
  avgWatchTimePerSession: (r) => Math.round((r.total_watch_time_s / r.session_count) * 1000) / 1000,
  engagementScore: (r) => r.engagement_score,
  engagementTier: (r) => r.engagement_tier,
  isReplay: (r) => r.session_count > 1 || r.rewatch_seconds > 0,
  replayBehavior: (r) => r.rewatch_seconds > 0,
  firstWatchDate: (r) => r.first_event_at,
  lastWatchDate: (r) => r.last_event_at,
  // The source's single flag (first match) against our list; 'ok' means no flag about the viewing
  // (duration_not_from_cms is about the data source, not the viewing).
  dataQualityFlag: (r) => {
    const flags = r.quality_flags.filter((flag) => flag !== 'duration_not_from_cms');
    return flags.length === 0 ? 'ok' : flags.join(',');
  },
  jumpType: undefined,
  skipAmount: undefined,
  navigationComplexity: undefined,
  sessionDuration: undefined,
  sessionDurationSeconds: undefined,
  avgSessionDuration: undefined,
};

const FLAG_NAMES: Record<string, string> = { position_exceeds_duration: 'position_beyond_duration' };

/** Does our value say what the source states? Numbers within the source's own rounding. */
export function agrees(statedKey: string, stated: unknown, ours: unknown): boolean {
  if (statedKey === 'dataQualityFlag' && typeof stated === 'string' && typeof ours === 'string') {
    if (stated === 'ok') return ours === 'ok';
    return ours.split(',').includes(FLAG_NAMES[stated] ?? stated);
  }
  if ((statedKey === 'firstWatchDate' || statedKey === 'lastWatchDate') && typeof stated === 'string' && typeof ours === 'string') {
    return ours.startsWith(stated);
  }
  if (typeof stated === 'string' && stated.startsWith('~') && typeof ours === 'number') {
    return Math.abs(Number(stated.slice(1)) - ours) <= 1;
  }
  if (typeof stated === 'number' && typeof ours === 'number') {
    const decimals = (String(stated).split('.')[1] ?? '').length;
    return Math.abs(stated - ours) <= 0.5 * 10 ** -decimals + 1e-9;
  }
  return stated === ours;
}
