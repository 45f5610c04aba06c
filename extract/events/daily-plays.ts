import { seededRandom } from './seeded-random.ts';

/**
 * The demo's player events when Brightcove's daily numbers are known: every (video, day) the simulator
 * reports gets plays whose credited watch time (docs/engagement-rules.md#watched-segments) adds up to
 * exactly that day's `video_seconds_viewed`, so the reconciliation of events against Brightcove agrees
 * everywhere but at one planted outlier. The plays also carry the demo's other findings:
 * - about a third of the plays of long videos (20 minutes or more) stop within the first minute;
 * - a few power users (POWER_USERS) watch six videos each to the end (High tier); every other viewer
 *   watches at most four videos, so nobody else reaches five High-tier videos;
 * - the busiest (video, day) whose Brightcove numbers are final lost half of its events (OUTLIER_SHARE of the
 *   seconds), as in a tracking outage; the reconciliation compares final days only, so the outlier is
 *   never a provisional day.
 * Each play is one of the seeds' scenarios, shaped so its credited seconds are known in advance.
 */

export interface DailyPlayVideo {
  readonly videoId: string;
  readonly durationS: number;
  readonly days?: ReadonlyArray<{ readonly date: string; readonly views: number; readonly secondsViewed: number; readonly provisional?: boolean }>;
}

export const POWER_USERS = 5;
const POWER_USER_VIDEOS = 6;
const MAX_VIDEOS_PER_VIEWER = 4;
export const LONG_VIDEO_S = 1200;
export const OUTLIER_SHARE = 0.5;
const EARLY_EXIT_SHARE = 0.35;
const DAY_START_S = 6 * 3600;
const DAY_END_S = 23 * 3600;

type Step = [offsetS: number, eventName: string, position: number];

interface Shape {
  steps: Step[];
  /** Wall-clock seconds from the first to the last step. */
  lengthS: number;
  /** The stream ends in a playing state (closed by nothing): the next play needs a new session. */
  leavesPlaying: boolean;
}

interface Play {
  videoId: string;
  durationS: number;
  date: string;
  /** Credited seconds of each viewing session (two for a replay later that day). */
  sessions: number[];
  complete: boolean;
}

interface Viewer {
  id: string;
  videos: Set<string>;
  power: boolean;
  completed: number;
  sessionNo: number;
  /** Per day: when the viewer is free again, and the session to continue (undefined: start a new one). */
  clock: Map<string, { freeAtS: number; openSession?: string }>;
}

/** The (video, day) whose events lose half their seconds: the final day with the most views (first in input order on ties). */
export function outlierOf(videos: readonly DailyPlayVideo[]): { videoId: string; date: string } | undefined {
  let best: { videoId: string; date: string; views: number } | undefined;
  for (const video of videos) {
    for (const day of video.days ?? []) {
      if (day.provisional !== true && day.secondsViewed > 0 && day.views > 0 && (best === undefined || day.views > best.views)) best = { videoId: video.videoId, date: day.date, views: day.views };
    }
  }
  return best && { videoId: best.videoId, date: best.date };
}

export function dailyPlayLines(videos: readonly DailyPlayVideo[], seed: number): string[] {
  const random = seededRandom(seed);
  const outlier = outlierOf(videos);
  const plays: Play[] = [];
  for (const video of videos) {
    const wholeS = Math.max(1, Math.floor(video.durationS));
    for (const day of [...(video.days ?? [])].sort((a, b) => a.date.localeCompare(b.date))) {
      if (day.views <= 0 || day.secondsViewed <= 0) continue;
      const isOutlier = outlier?.videoId === video.videoId && outlier.date === day.date;
      const seconds = isOutlier ? Math.floor(day.secondsViewed * OUTLIER_SHARE) : day.secondsViewed;
      for (const watchS of splitIntoPlays(seconds, day.views, wholeS, video.durationS >= LONG_VIDEO_S, random)) {
        const replay = watchS >= 20 && watchS < wholeS && random() < 0.1;
        const sessions = replay ? [Math.ceil(watchS / 2), Math.floor(watchS / 2)] : [watchS];
        plays.push({ videoId: video.videoId, durationS: video.durationS, date: day.date, sessions, complete: watchS === wholeS });
      }
    }
  }
  return assignViewers(plays, random);
}

/**
 * Seconds of each play of one day, summing to `seconds`, each between 1 and the whole duration:
 * early exits on long videos first, then complete watches while the seconds allow, then the rest in
 * plays of roughly equal length (more plays than views when the views watched more than once through).
 */
function splitIntoPlays(seconds: number, views: number, wholeS: number, long: boolean, random: () => number): number[] {
  const plays: number[] = [];
  let rest = seconds;
  if (long) {
    for (let i = 0; i < views; i += 1) {
      if (random() >= EARLY_EXIT_SHARE) continue;
      const watchS = 5 + Math.floor(random() * 50);
      if (watchS > rest) break;
      plays.push(watchS);
      rest -= watchS;
    }
  }
  let viewsLeft = views - plays.length;
  while (rest >= wholeS && viewsLeft > 1 && random() < 0.4) {
    plays.push(wholeS);
    rest -= wholeS;
    viewsLeft -= 1;
  }
  if (rest === 0) return plays;
  const count = Math.min(rest, Math.max(viewsLeft, Math.ceil(rest / wholeS), 1));
  const weights = Array.from({ length: count }, () => 0.6 + random() * 0.8);
  const total = weights.reduce((a, b) => a + b, 0);
  const parts = weights.map((w) => Math.min(wholeS, Math.max(1, Math.floor((rest * w) / total))));
  let missing = rest - parts.reduce((a, b) => a + b, 0);
  for (let i = 0; missing !== 0; i = (i + 1) % count) {
    const part = parts[i]!;
    const change = missing > 0 ? Math.min(wholeS - part, missing) : -Math.min(part - 1, -missing);
    parts[i] = part + change;
    missing -= change;
  }
  return [...plays, ...parts];
}

/** A scenario whose credited seconds are exactly `watchS` (positions are whole seconds within the duration). */
function shapeFor(watchS: number, wholeS: number, complete: boolean, random: () => number): Shape {
  if (complete) return { steps: [[0, 'video_play', 0], [wholeS, 'video_ended', wholeS]], lengthS: wholeS, leavesPlaying: false };
  const roll = random();
  if (roll < 0.3 || watchS < 8) return { steps: [[0, 'video_play', 0], [watchS, 'video_pause', watchS]], lengthS: watchS, leavesPlaying: false };
  if (roll < 0.45) {
    // browser closed while playing: the last resume credits nothing (flag unclosed_play)
    return { steps: [[0, 'video_play', 0], [watchS, 'video_pause', watchS], [watchS + 5, 'video_resume', watchS]], lengthS: watchS + 5, leavesPlaying: true };
  }
  if (roll < 0.6) {
    const at = Math.round(watchS * 0.4);
    return {
      steps: [[0, 'video_play', 0], [at, 'video_pause', at], [at + 45, 'video_resume', at], [watchS + 45, 'video_pause', watchS]],
      lengthS: watchS + 45,
      leavesPlaying: false,
    };
  }
  if (roll < 0.72 && wholeS - watchS >= 6) {
    // skip forward while paused: a forward skip, then the rest of the seconds from the new position
    const at = Math.floor(watchS / 2);
    const to = at + 3 + Math.floor(random() * (wholeS - watchS - 3));
    return {
      steps: [[0, 'video_play', 0], [at, 'video_pause', at], [at + 3, 'video_seek', to], [at + 4, 'video_play', to], [watchS + 4, 'video_pause', to + watchS - at]],
      lengthS: watchS + 4,
      leavesPlaying: false,
    };
  }
  if (roll < 0.86) {
    // rewind: resume a little earlier (a backward skip) and watch part again
    const at = Math.ceil(watchS / 2);
    const back = at - 3 - Math.floor(random() * (at - 3));
    return {
      steps: [[0, 'video_play', 0], [at, 'video_pause', at], [at + 5, 'video_resume', back], [watchS + 5, 'video_pause', back + watchS - at]],
      lengthS: watchS + 5,
      leavesPlaying: false,
    };
  }
  if (watchS <= 900) {
    // a player that only sends heartbeats: the last one opens a segment nothing closes
    const steps: Step[] = [[0, 'play', 0]];
    for (let p = 10; p < watchS; p += 10) steps.push([p, 'timeupdate', p]);
    steps.push([watchS, 'timeupdate', watchS]);
    return { steps, lengthS: watchS, leavesPlaying: true };
  }
  return { steps: [[0, 'video_play', 0], [watchS, 'video_pause', watchS]], lengthS: watchS, leavesPlaying: false };
}

const PLAYING_AFTER = new Set(['video_play', 'video_resume', 'play', 'timeupdate']);
const PROGRESS_EVERY_S = 600;

/**
 * Players report progress while playing; without it a play longer than the 30-minute session timeout
 * (docs/engagement-rules.md#viewing-sessions) would end its viewing session and credit nothing.
 * Progress events continue the clock, so the credited seconds stay the same.
 */
function withProgressEvents(steps: readonly Step[]): Step[] {
  const out: Step[] = [];
  steps.forEach((step, index) => {
    out.push(step);
    const next = steps[index + 1];
    if (next === undefined || !PLAYING_AFTER.has(step[1])) return;
    for (let t = step[0] + PROGRESS_EVERY_S; t < next[0]; t += PROGRESS_EVERY_S) out.push([t, 'timeupdate', step[2] + (t - step[0])]);
  });
  return out;
}

function assignViewers(plays: readonly Play[], random: () => number): string[] {
  const viewers: Viewer[] = [];
  const newViewer = (power: boolean): Viewer => {
    const viewer: Viewer = { id: `user_${String(viewers.length + 1).padStart(4, '0')}`, videos: new Set(), power, completed: 0, sessionNo: 0, clock: new Map() };
    viewers.push(viewer);
    return viewer;
  };
  for (let i = 0; i < POWER_USERS; i += 1) newViewer(true);
  const lines: string[] = [];

  const fits = (viewer: Viewer, play: Play, lengthS: number) => {
    if (viewer.videos.has(play.videoId)) return false;
    if (viewer.videos.size >= (viewer.power ? POWER_USER_VIDEOS : MAX_VIDEOS_PER_VIEWER)) return false;
    const clock = viewer.clock.get(play.date);
    return (clock?.freeAtS ?? DAY_START_S) + 4 * 3600 + lengthS <= DAY_END_S;
  };

  for (const play of plays) {
    const wholeS = Math.max(1, Math.floor(play.durationS));
    const shapes = play.sessions.map((watchS) => shapeFor(watchS, wholeS, play.complete, random));
    const lengthS = shapes.reduce((sum, shape) => sum + shape.lengthS + 2 * 3600, 0);
    let viewer: Viewer | undefined;
    if (play.complete) viewer = viewers.find((v) => v.power && v.completed < POWER_USER_VIDEOS && fits(v, play, lengthS));
    const ordinary = viewers.length - POWER_USERS;
    for (let attempt = 0; viewer === undefined && attempt < 3 && ordinary > 0; attempt += 1) {
      const candidate = viewers[POWER_USERS + Math.floor(random() * ordinary)]!;
      if (fits(candidate, play, lengthS)) viewer = candidate;
    }
    viewer ??= newViewer(false);
    viewer.videos.add(play.videoId);
    if (play.complete && viewer.power) viewer.completed += 1;

    const dayStartMs = Date.parse(`${play.date}T00:00:00Z`);
    shapes.forEach((shape, index) => {
      const clock = viewer.clock.get(play.date);
      let startS: number;
      let sessionId: string;
      if (clock === undefined) {
        startS = DAY_START_S + Math.floor(random() * 8 * 3600);
      } else if (clock.openSession !== undefined && index === 0 && random() < 0.5) {
        startS = clock.freeAtS + 10 + Math.floor(random() * 50);
      } else {
        // later that day, after the 30-minute session timeout: a new viewing session
        startS = clock.freeAtS + 3600 + Math.floor(random() * 3600);
      }
      if (clock?.openSession !== undefined && startS - clock.freeAtS < 1800) {
        sessionId = clock.openSession;
      } else {
        viewer.sessionNo += 1;
        sessionId = `${viewer.id}_session_${viewer.sessionNo}`;
      }
      for (const [offsetS, eventName, position] of withProgressEvents(shape.steps)) {
        lines.push(
          JSON.stringify({
            timestamp: new Date(dayStartMs + (startS + offsetS) * 1000).toISOString(),
            userId: viewer.id,
            sessionId,
            videoId: play.videoId,
            eventName,
            currentTime: position,
            videoDuration: play.durationS,
          }),
        );
      }
      viewer.clock.set(play.date, { freeAtS: startS + shape.lengthS, openSession: shape.leavesPlaying ? undefined : sessionId });
    });
  }
  return lines;
}
