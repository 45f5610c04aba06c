import { isoOfDay } from './dates.ts';
import { hash32, hashString, Rng } from './prng.ts';

/**
 * Daily analytics per video: who is watched when, and every metric of a (video, date) row. A video's
 * rows come from its own generator that walks forward from its first day, so moving "today" later only
 * appends days: the earlier rows stay byte-identical.
 */

export const DEVICE_TYPES = ['desktop', 'mobile', 'tablet', 'tv', 'other'] as const;
export type DeviceType = (typeof DEVICE_TYPES)[number];
export type DeviceSplit = Record<DeviceType, number>;

/** One (video, date) row with the final (reconciled) numbers; `video` is null for views outside any video. */
export interface DailyRow {
  video: string | null;
  date: string;
  video_view: number;
  video_impression: number;
  play_request: number;
  video_seconds_viewed: number;
  /** A SUM of percents over views, as the API defines it. */
  video_percent_viewed: number;
  video_engagement_1: number;
  video_engagement_25: number;
  video_engagement_50: number;
  video_engagement_75: number;
  video_engagement_100: number;
  /** Seconds, as a string, like the API; null when the video has no duration. */
  video_duration: string | null;
  /** video_view split by device type; always sums to video_view. */
  devices: DeviceSplit;
}

export const INTEGER_METRICS = ['video_view', 'video_impression', 'play_request', 'video_seconds_viewed'] as const;
export const FLOAT_METRICS = [
  'video_percent_viewed',
  'video_engagement_1',
  'video_engagement_25',
  'video_engagement_50',
  'video_engagement_75',
  'video_engagement_100',
] as const;
export type SummedMetric = (typeof INTEGER_METRICS)[number] | (typeof FLOAT_METRICS)[number];

export type ViewPattern =
  | { kind: 'random'; dailyProbability: number; typicalViews: number; deviceWeights: readonly number[] }
  | { kind: 'explicit'; days: ReadonlyArray<{ day: number; views: number }>; deviceWeights: readonly number[] };

export interface ViewProfile {
  videoId: string;
  firstDay: number;
  durationS: number | null;
  seed: number;
  pattern: ViewPattern;
  /** Multiplies the share of each view that is watched (the planted engagement by content type); 1 when absent. */
  watchFactor?: number;
  /** The simulator's first today: the planted mobile trend ends in its month (see mobileShareOn). */
  mobileTrendEndDay?: number;
}

/** How one row deviates from the plain generator: the planted findings of the simulator's README. */
export interface RowShape {
  watchFactor?: number;
  /** The expected mobile share of the row's views; absent: the video's own device weights decide. */
  mobileShare?: number;
}

export const MOBILE_SHARE_YEAR_BEFORE = 0.18;
export const MOBILE_SHARE_AT_END = 0.31;

function monthNumber(day: number): number {
  const iso = isoOfDay(day);
  return Number(iso.slice(0, 4)) * 12 + Number(iso.slice(5, 7)) - 1;
}

/**
 * The planted mobile trend: 18 % of views in the 12th month before `endDay`'s month (and before),
 * rising by equal monthly steps to 31 % in that month (and after), the seed's "18 % to 31 % over the year".
 */
export function mobileShareOn(day: number, endDay: number): number {
  const monthsBefore = Math.min(12, Math.max(0, monthNumber(endDay) - monthNumber(day)));
  return MOBILE_SHARE_AT_END - ((MOBILE_SHARE_AT_END - MOBILE_SHARE_YEAR_BEFORE) * monthsBefore) / 12;
}

export function drawViewPattern(rng: Rng): ViewPattern {
  const deviceWeights = [0.5 + rng.next() * 0.2, 0.2 + rng.next() * 0.15, 0.03 + rng.next() * 0.06, rng.next() * 0.04, rng.next() * 0.02];
  const roll = rng.next();
  if (roll < 0.04) return { kind: 'random', dailyProbability: 1, typicalViews: rng.int(15, 250), deviceWeights };
  if (roll < 0.35) return { kind: 'random', dailyProbability: 0.05 + rng.next() * 0.2, typicalViews: rng.int(1, 20), deviceWeights };
  return { kind: 'random', dailyProbability: 0.004 + rng.next() * 0.03, typicalViews: rng.int(1, 3), deviceWeights };
}

/** Splits `total` into integer parts proportional to `weights` (largest remainder), so parts sum to total. */
export function splitInteger(total: number, weights: readonly number[]): number[] {
  let sum = 0;
  for (const w of weights) sum += w;
  const parts = new Array<number>(weights.length).fill(0);
  if (total === 0 || sum <= 0) {
    parts[0] = total;
    return parts;
  }
  const rests = new Array<number>(weights.length);
  let assigned = 0;
  for (let i = 0; i < weights.length; i++) {
    const exact = (total * (weights[i] ?? 0)) / sum;
    const whole = Math.floor(exact);
    parts[i] = whole;
    rests[i] = exact - whole;
    assigned += whole;
  }
  // Hand the leftover units to the largest remainders (lowest index wins ties): at most length - 1 rounds.
  for (let missing = total - assigned; missing > 0; missing--) {
    let best = 0;
    for (let i = 1; i < rests.length; i++) if ((rests[i] ?? 0) > (rests[best] ?? 0)) best = i;
    parts[best] = (parts[best] ?? 0) + 1;
    rests[best] = -1;
  }
  return parts;
}

function devicesOf(parts: readonly number[]): DeviceSplit {
  return { desktop: parts[0] ?? 0, mobile: parts[1] ?? 0, tablet: parts[2] ?? 0, tv: parts[3] ?? 0, other: parts[4] ?? 0 };
}

/** All metrics of one row from its view count; impressions-only rows (0 views) are allowed. */
export function buildRow(
  rng: Rng,
  video: string | null,
  day: number,
  views: number,
  durationS: number | null,
  deviceWeights: readonly number[],
  shape: RowShape = {},
): DailyRow {
  const impressions = views === 0 ? rng.int(1, 4) : views + Math.floor(views * (0.2 + rng.next() * 2));
  const playRequests = views + Math.floor((impressions - views) * rng.next() * 0.3);
  const watchedShare = (0.15 + rng.next() * 1.1) * (shape.watchFactor ?? 1);
  const lengthS = durationS ?? 60;
  const jitter = () => 0.9 + rng.next() * 0.2;
  // Engagement counts are normalised floats with binary noise (the samples show 3.0000000000000004).
  const e1 = views * 1.1 * jitter();
  const e25 = e1 * Math.min(1, watchedShare + 0.2) * jitter();
  const e50 = e25 * (0.6 + rng.next() * 0.35);
  const e75 = e50 * (0.6 + rng.next() * 0.35);
  const e100 = e75 * (0.5 + rng.next() * 0.45);
  return {
    video,
    date: isoOfDay(day),
    video_view: views,
    video_impression: impressions,
    play_request: playRequests,
    video_seconds_viewed: Math.round(views * watchedShare * lengthS),
    video_percent_viewed: views * watchedShare * 100 * jitter(),
    video_engagement_1: e1,
    video_engagement_25: e25,
    video_engagement_50: e50,
    video_engagement_75: e75,
    video_engagement_100: e100,
    video_duration: views > 0 && durationS !== null ? String(durationS) : null,
    devices: devicesOf(splitDevices(rng, views, deviceWeights.map((w) => w * jitter()), shape.mobileShare)),
  };
}

/**
 * Views by device. With a planted mobile share (and a video that has mobile views at all), the mobile
 * views are views x share rounded up or down at random, so the expected share is exactly the planted
 * one even for rows of one or two views; the rest follow the video's other device weights.
 */
function splitDevices(rng: Rng, views: number, weights: readonly number[], mobileShare: number | undefined): number[] {
  const mobileIndex = DEVICE_TYPES.indexOf('mobile');
  if (mobileShare === undefined || !((weights[mobileIndex] ?? 0) > 0)) return splitInteger(views, weights);
  const mobile = Math.min(views, Math.floor(views * mobileShare + rng.next()));
  const parts = splitInteger(views - mobile, weights.map((w, i) => (i === mobileIndex ? 0 : w)));
  parts[mobileIndex] = (parts[mobileIndex] ?? 0) + mobile;
  return parts;
}

/** Rows of one video from its first day through `lastDay` (inclusive). */
export function rowsOfVideo(profile: ViewProfile, lastDay: number): DailyRow[] {
  const rng = new Rng(profile.seed);
  const rows: DailyRow[] = [];
  const { pattern } = profile;
  if (pattern.kind === 'explicit') {
    for (const { day, views } of pattern.days) {
      if (day >= profile.firstDay && day <= lastDay) rows.push(buildRow(rng, profile.videoId, day, views, profile.durationS, pattern.deviceWeights, rowShape(profile, day)));
    }
    return rows;
  }
  for (let day = profile.firstDay - 1 + rng.geometricGap(pattern.dailyProbability); day <= lastDay; day += rng.geometricGap(pattern.dailyProbability)) {
    const weekday = (day + 4) % 7; // 1970-01-01 was a Thursday
    const weekend = weekday === 0 || weekday === 6 ? 0.55 : 1;
    const views = Math.round(pattern.typicalViews * weekend * (0.3 + rng.next() * 1.2) - (rng.chance(0.05) ? pattern.typicalViews : 0));
    rows.push(buildRow(rng, profile.videoId, day, Math.max(0, views), profile.durationS, pattern.deviceWeights, rowShape(profile, day)));
  }
  return rows;
}

function rowShape(profile: ViewProfile, day: number): RowShape {
  return {
    watchFactor: profile.watchFactor,
    mobileShare: profile.mobileTrendEndDay === undefined ? undefined : mobileShareOn(day, profile.mobileTrendEndDay),
  };
}

type ViewSums = Pick<DailyRow, 'video_percent_viewed' | 'video_engagement_1' | 'video_engagement_25' | 'video_engagement_50' | 'video_engagement_75' | 'video_engagement_100'>;

/**
 * The metrics that are sums over the views (fractional, as the API sends them), for a part of the views:
 * a fraction of the views holds the same fraction of each sum, so the ratios stay the row's.
 */
function scaledViewSums(row: ViewSums, fraction: number): ViewSums {
  return {
    video_percent_viewed: row.video_percent_viewed * fraction,
    video_engagement_1: row.video_engagement_1 * fraction,
    video_engagement_25: row.video_engagement_25 * fraction,
    video_engagement_50: row.video_engagement_50 * fraction,
    video_engagement_75: row.video_engagement_75 * fraction,
    video_engagement_100: row.video_engagement_100 * fraction,
  };
}

/** The same row as seen before reconciliation: smaller numbers, still internally consistent. */
export function provisionalRow(row: DailyRow, factor: number): DailyRow {
  const views = Math.floor(row.video_view * factor);
  const impressions = Math.max(views, Math.floor(row.video_impression * factor));
  const deviceParts = splitInteger(views, DEVICE_TYPES.map((d) => row.devices[d]));
  return {
    ...row,
    video_view: views,
    video_impression: impressions,
    play_request: Math.min(impressions, Math.max(views, Math.floor(row.play_request * factor))),
    video_seconds_viewed: Math.floor(row.video_seconds_viewed * factor),
    ...scaledViewSums(row, factor),
    video_duration: views > 0 ? row.video_duration : null,
    devices: devicesOf(row.video_view === 0 ? [0, 0, 0, 0, 0] : deviceParts),
  };
}

export type DeviceRow = Omit<DailyRow, 'devices'> & { device_type: DeviceType };

/**
 * The row split by device type. Integer metrics split by largest remainder so they sum back exactly,
 * nested so that views <= play requests <= impressions holds per device too; float metrics split
 * proportionally. Devices without views or impressions are left out, as the API does.
 */
export function deviceRowsOf(row: DailyRow): DeviceRow[] {
  return splitRowBy(row, DEVICE_TYPES, DEVICE_TYPES.map((d) => row.devices[d])).map(({ value, part }) => ({ ...part, device_type: value }));
}

/** The browser_type values Brightcove documents, in its order. */
export const BROWSER_TYPES = ['chrome', 'edge', 'firefox', 'ie', 'opera', 'safari', 'other'] as const;
export type BrowserType = (typeof BROWSER_TYPES)[number];
export type BrowserRow = Omit<DailyRow, 'devices'> & { browser_type: BrowserType };

/**
 * The browser mix of one video: fixed weights drawn from the video id alone (no generator stream of
 * the dataset is touched, so adding browsers changed no other number). Chrome leads, then safari and
 * edge; ie and opera are rare.
 */
export function browserWeightsOf(videoId: string | null): number[] {
  const base = [0.55, 0.12, 0.06, 0.015, 0.015, 0.2, 0.04];
  const seed = hashString(videoId ?? '');
  return base.map((weight, index) => weight * (0.6 + ((hash32(seed, index) % 1000) / 1000) * 0.8));
}

/**
 * The row split by browser type, the same way as deviceRowsOf: the views split by the video's browser
 * weights (largest remainder, so they sum to the row's views), the other metrics nested under them.
 */
export function browserRowsOf(row: DailyRow): BrowserRow[] {
  const views = splitInteger(row.video_view, browserWeightsOf(row.video));
  return splitRowBy(row, BROWSER_TYPES, views).map(({ value, part }) => ({ ...part, browser_type: value }));
}

function splitRowBy<T extends string>(row: DailyRow, values: readonly T[], views: readonly number[]): Array<{ value: T; part: Omit<DailyRow, 'devices'> }> {
  const weights = row.video_view > 0 ? views : values.map((_, i) => (i === 0 ? 1 : 0));
  const totalWeight = weights.reduce((a, b) => a + b, 0);
  const requestExtra = splitInteger(row.play_request - row.video_view, weights);
  const impressionExtra = splitInteger(row.video_impression - row.play_request, weights);
  const seconds = splitInteger(row.video_seconds_viewed, weights);
  const out: Array<{ value: T; part: Omit<DailyRow, 'devices'> }> = [];
  values.forEach((value, i) => {
    const partViews = views[i] ?? 0;
    const playRequests = partViews + (requestExtra[i] ?? 0);
    const impressions = playRequests + (impressionExtra[i] ?? 0);
    if (partViews === 0 && impressions === 0) return;
    const share = (weights[i] ?? 0) / totalWeight;
    out.push({
      value,
      part: {
        video: row.video,
        date: row.date,
        video_view: partViews,
        video_impression: impressions,
        play_request: playRequests,
        video_seconds_viewed: seconds[i] ?? 0,
        ...scaledViewSums(row, share),
        video_duration: partViews > 0 ? row.video_duration : null,
      },
    });
  });
  return out;
}
