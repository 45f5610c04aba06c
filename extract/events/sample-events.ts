import { writeFileAtomically } from '../../warehouse/atomic-file.ts';
import { dailyPlayLines } from './daily-plays.ts';
import { seededRandom } from './seeded-random.ts';

/**
 * Deterministic, realistic player events for the demo: each user gets a few of the seed's scenarios
 * (complete watch, pause/resume, browser close, skip forward, rewind, replay in a later session,
 * several videos in one session), in the player's camelCase NDJSON form, plus a few rows a real feed
 * has (bad rows for the quarantine, exact duplicates). Same arguments, same bytes.
 */

export interface SampleVideo {
  readonly videoId: string;
  readonly durationS: number;
  /**
   * Brightcove's daily numbers for this video: when given, the events reproduce them (each day's plays
   * credit exactly `secondsViewed` seconds under docs/engagement-rules.md) instead of random scenarios.
   */
  readonly days?: readonly SampleVideoDay[];
}

export interface SampleVideoDay {
  /** YYYY-MM-DD (UTC). */
  readonly date: string;
  readonly views: number;
  readonly secondsViewed: number;
  /** The run holds only Brightcove's provisional numbers for this day (the reconciliation leaves it out): never the planted outlier. */
  readonly provisional?: boolean;
}

export interface SampleEventOptions {
  readonly users?: number;
  readonly seed?: number;
  /** First day of events, YYYY-MM-DD (UTC). */
  readonly startDate?: string;
}

type Step = [offsetS: number, eventName: string, position: number];

/** The scenarios, as steps relative to a start, for a video of duration d. */
const SCENARIOS: Record<string, (d: number) => Step[]> = {
  complete_watch: (d) => [[0, 'video_play', 0], [d, 'video_ended', d]],
  pause_resume: (d) => {
    const p = Math.round(d * 0.4);
    return [[0, 'video_play', 0], [p, 'video_pause', p], [p + 45, 'video_resume', p], [d + 45, 'video_ended', d]];
  },
  browser_close: (d) => {
    const p = Math.round(d * 0.15);
    return [[0, 'video_play', 0], [p, 'video_pause', p], [p + 5, 'video_resume', p]];
  },
  skip_forward: (d) => {
    const a = Math.round(d * 0.1);
    const b = Math.round(d * 0.6);
    return [[0, 'video_play', 0], [a, 'video_pause', a], [a + 3, 'video_seek', b], [a + 4, 'video_play', b], [a + 4 + (d - b), 'video_ended', d]];
  },
  rewind: (d) => {
    const a = Math.round(d * 0.4);
    const b = Math.round(d * 0.3);
    return [[0, 'video_play', 0], [a, 'video_pause', a], [a + 5, 'video_resume', b], [a + 5 + (a - b), 'video_pause', a]];
  },
  heartbeats: (d) => {
    const steps: Step[] = [[0, 'play', 0]];
    for (let p = 10; p < d * 0.7; p += 10) steps.push([p, 'timeupdate', p]);
    return steps;
  },
};

export function sampleEventLines(videos: readonly SampleVideo[], options: SampleEventOptions = {}): string[] {
  if (videos.length === 0) return [];
  if (videos.some((video) => video.days !== undefined)) {
    const plays = dailyPlayLines(videos, options.seed ?? 2024);
    return [...plays, ...feedNoise(plays, videos)];
  }
  const users = options.users ?? 50;
  const random = seededRandom(options.seed ?? 2024);
  const startMs = Date.parse(`${options.startDate ?? '2025-06-01'}T00:00:00Z`);
  const pick = <T>(items: readonly T[]) => items[Math.floor(random() * items.length)]!;
  const names = Object.keys(SCENARIOS);
  const lines: string[] = [];
  const emit = (userId: string, sessionId: string, videoId: string, atMs: number, step: Step, durationS: number) => {
    lines.push(
      JSON.stringify({
        timestamp: new Date(atMs + step[0] * 1000).toISOString(),
        userId,
        sessionId,
        videoId,
        eventName: step[1],
        currentTime: step[2],
        videoDuration: durationS,
      }),
    );
  };
  for (let u = 0; u < users; u += 1) {
    const userId = `user_${String(u + 1).padStart(4, '0')}`;
    let clockMs = startMs + Math.floor(random() * 14 * 86_400_000);
    const sessions = 1 + Math.floor(random() * 3);
    for (let s = 0; s < sessions; s += 1) {
      const sessionId = `${userId}_session_${s + 1}`;
      // Several videos in one session (binge watching) now and then.
      const videosInSession = random() < 0.25 ? 2 + Math.floor(random() * 2) : 1;
      for (let v = 0; v < videosInSession; v += 1) {
        const video = s > 0 && random() < 0.3 ? videos[u % videos.length]! : pick(videos);
        const duration = Math.max(10, Math.round(video.durationS));
        const steps = SCENARIOS[pick(names)]!(duration);
        for (const step of steps) emit(userId, sessionId, video.videoId, clockMs, step, video.durationS);
        clockMs += (steps[steps.length - 1]![0] + 5 + Math.floor(random() * 30)) * 1000;
      }
      clockMs += (3600 + Math.floor(random() * 3 * 86_400)) * 1000;
    }
  }
  return [...lines, ...feedNoise(lines, videos)];
}

/** What a real feed also carries: exact duplicates, and rows the quarantine must keep. */
function feedNoise(lines: readonly string[], videos: readonly SampleVideo[]): string[] {
  const duplicates = lines.filter((_, index) => index % 37 === 5);
  const firstVideo = videos[0]!.videoId;
  const bad = [
    JSON.stringify({ timestamp: '2025-06-01T10:00:00Z', userId: '', sessionId: 'x', videoId: firstVideo, eventName: 'play', currentTime: 0 }),
    JSON.stringify({ timestamp: 'not a time', userId: 'user_bad', sessionId: 'x', videoId: firstVideo, eventName: 'play', currentTime: 0 }),
    JSON.stringify({ timestamp: '2025-06-01T10:00:00Z', userId: 'user_bad', sessionId: 'x', videoId: firstVideo, eventName: 'rewind', currentTime: 0 }),
    JSON.stringify({ timestamp: '2025-06-01T10:00:00Z', userId: 'user_bad', sessionId: 'x', videoId: firstVideo, eventName: 'pause', currentTime: -5 }),
    '{"timestamp": "2025-06-01T10:00:00Z", "userId": "user_bad"',
  ];
  return [...duplicates, ...bad];
}

/** Writes the sample events as NDJSON to `targetFile` (atomically). */
export async function writeSampleEvents(targetFile: string, videos: Array<{ videoId: string; durationS: number }>, options: SampleEventOptions = {}): Promise<number> {
  const lines = sampleEventLines(videos, options);
  await writeFileAtomically(targetFile, lines.join('\n') + '\n');
  return lines.length;
}
