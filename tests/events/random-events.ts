import { seededRandom } from '../../extract/events/seeded-random.ts';
import type { EventInput } from './harness.ts';

export { seededRandom };


const NAMES = ['play', 'Video_Play', 'resume', 'video_resume', 'pause', 'VIDEO_PAUSE', 'seek', 'seeked', 'end', 'video_ended', 'heartbeat', 'timeupdate'];

export interface RandomStreams {
  readonly events: EventInput[];
  readonly catalog: Record<string, number>;
}

/**
 * `count` independent random streams (one user each, so they never interact): 1–2 sessionIds,
 * 1–3 videos, events in increasing time (now and then a gap over the 30-minute timeout), positions
 * that mostly follow the clock with jumps, seeks, replays, overshoots past the duration.
 */
export function randomStreams(seed: number, count: number): RandomStreams {
  const random = seededRandom(seed);
  const pick = <T>(items: readonly T[]) => items[Math.floor(random() * items.length)]!;
  const events: EventInput[] = [];
  const catalog: Record<string, number> = {};
  for (let s = 0; s < count; s += 1) {
    const userId = `user_${seed}_${s}`;
    const videos = Array.from({ length: 1 + Math.floor(random() * 3) }, (_, v) => `video_${seed}_${s}_${v}`);
    const durations = new Map(videos.map((video) => [video, 30 + Math.floor(random() * 600)]));
    for (const video of videos) if (random() < 0.6) catalog[video] = durations.get(video)!;
    const sessions = 1 + Math.floor(random() * 2);
    let clockMs = Date.parse('2024-03-01T08:00:00Z') + Math.floor(random() * 86_400_000);
    for (let k = 0; k < sessions; k += 1) {
      const sessionId = `session_${k}`;
      let position = 0;
      let video = pick(videos);
      const length = 2 + Math.floor(random() * 14);
      for (let e = 0; e < length; e += 1) {
        const gap = random() < 0.05 ? 1800 + Math.floor(random() * 4000) : 1 + Math.floor(random() * 120);
        clockMs += gap * 1000 + Math.floor(random() * 1000);
        if (random() < 0.15) video = pick(videos);
        const roll = random();
        if (roll < 0.6) position += gap * (0.8 + random() * 0.5);
        else if (roll < 0.75) position = random() * durations.get(video)! * 1.1;
        else if (roll < 0.8) position = 0;
        const withDuration = random() < 0.3;
        events.push({
          timestamp: random() < 0.3 ? clockMs : new Date(clockMs).toISOString(),
          ...(random() < 0.5 ? { userId, sessionId, videoId: video } : { user_id: userId, session_id: sessionId, video_id: video }),
          eventName: pick(NAMES),
          currentTime: Math.round(position * 1000) / 1000,
          ...(withDuration ? { videoDuration: durations.get(video)! } : {}),
          ...(random() < 0.2 ? { eventId: `${userId}-${k}-${e}` } : {}),
        });
      }
    }
  }
  return { events, catalog };
}

export function shuffled<T>(items: readonly T[], random: () => number): T[] {
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i -= 1) {
    const j = Math.floor(random() * (i + 1));
    [copy[i], copy[j]] = [copy[j]!, copy[i]!];
  }
  return copy;
}
