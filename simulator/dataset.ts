import { SIM_ACCOUNTS, type SimAccount } from './accounts.ts';
import { buildRow, drawViewPattern, rowsOfVideo, type DailyRow, type ViewPattern, type ViewProfile } from './daily-views.ts';
import { dayOf, dayOfMs, isoOfDay, msOfDay } from './dates.ts';
import { hash32, Rng } from './prng.ts';
import { drawVideo, drawVideoId, HOSTILE_VALUES, type CmsVideo, type VideoDraft } from './video-catalog.ts';

/**
 * The simulator's ground truth: accounts, CMS videos and daily analytics rows, all derived from one
 * seed. Tests read it to know what a correct extraction must contain.
 */

/** Edge-case videos planted in every account, by role, with the days that make them interesting. */
export interface PlantedVideos {
  neverViewed: string;
  /** Viewed on exactly one day: 90 days before the first `today` (inside a 90-day cache window). */
  viewedOnly90DaysAgo: string;
  viewedOnly90DaysAgoDate: string;
  /** Viewed on exactly one day: 91 days before the first `today` (just outside it). */
  viewedOnly91DaysAgo: string;
  viewedOnly91DaysAgoDate: string;
  /** state INACTIVE, viewed yesterday (relative to the first `today`). */
  inactiveViewedYesterday: string;
  yesterdayDate: string;
  /** Viewed on the last (provisional) day: its numbers grow once `setToday` moves past it. */
  provisionalDayChanges: string;
  provisionalDate: string;
  /** Views only on tv and other (Brightcove's bucket for unknown devices). */
  tvAndOtherDevices: string;
  /** custom_fields.video_category is '../../etc', the SQL injection text, and the spreadsheet formula. */
  hostileCustomFields: { pathTraversal: string; sqlInjection: string; formula: string };
  /** Name with commas, quotes and a newline. */
  hostileName: string;
}

export interface SimulatorDataset {
  seed: number;
  /** The simulator's current "today" (data exists through the day before). */
  today: string;
  historyStart: string;
  accounts: SimAccount[];
  /** By account id: the video objects exactly as the CMS returns them, including DELETED ones. */
  videos: Record<string, CmsVideo[]>;
  /** By account id: final (reconciled) daily rows, sorted by date, then video id (null first). */
  daily: Record<string, DailyRow[]>;
  planted: Record<string, PlantedVideos>;
}

export interface DatasetOptions {
  seed: number;
  today: string;
  historyStart: string;
  videosPerAccount: number;
  /** Account id → its number of videos, instead of videosPerAccount (at least 10 too). */
  videosByAccount?: Readonly<Record<string, number>>;
  /** Account id → its last day with views ('YYYY-MM-DD'): an account nobody watches any more. */
  viewsEndByAccount?: Readonly<Record<string, string>>;
}

/** What the server keeps beside the dataset to regenerate rows when the clock moves. */
export interface GeneratedDataset {
  dataset: SimulatorDataset;
  profiles: Record<string, ViewProfile[]>;
  /** Account id → last day number with views (DatasetOptions.viewsEndByAccount). */
  viewsEndDay?: Record<string, number>;
}

export const MIN_VIDEOS_PER_ACCOUNT = 10;
const PLANTED_COUNT = 10;

export function generateDataset(options: DatasetOptions): GeneratedDataset {
  const todayDay = dayOf(options.today);
  const historyStartDay = dayOf(options.historyStart);
  const perAccount = Math.max(MIN_VIDEOS_PER_ACCOUNT, Math.floor(options.videosPerAccount));
  const dataset: SimulatorDataset = {
    seed: options.seed,
    today: options.today,
    historyStart: options.historyStart,
    accounts: SIM_ACCOUNTS.map((a) => ({ ...a })),
    videos: {},
    daily: {},
    planted: {},
  };
  const profiles: Record<string, ViewProfile[]> = {};
  const takenIds = new Set<string>();
  SIM_ACCOUNTS.forEach((account, accountIndex) => {
    const count = Math.max(MIN_VIDEOS_PER_ACCOUNT, Math.floor(options.videosByAccount?.[account.id] ?? perAccount));
    const { videos, accountProfiles, planted } = generateAccount(options.seed, accountIndex, account, count, todayDay, historyStartDay, takenIds);
    dataset.videos[account.id] = videos;
    dataset.planted[account.id] = planted;
    profiles[account.id] = accountProfiles;
  });
  const viewsEndDay = Object.fromEntries(Object.entries(options.viewsEndByAccount ?? {}).map(([accountId, date]) => [accountId, dayOf(date)]));
  rebuildDaily({ dataset, profiles, viewsEndDay }, todayDay);
  return { dataset, profiles, viewsEndDay };
}

function generateAccount(
  seed: number,
  accountIndex: number,
  account: SimAccount,
  count: number,
  todayDay: number,
  historyStartDay: number,
  takenIds: Set<string>,
) {
  const rng = new Rng(hash32(seed, accountIndex, 0x5eed));
  const todayMs = msOfDay(todayDay);
  const ids = Array.from({ length: count }, () => drawVideoId(rng, takenIds));
  const weights = [0.5, 0.3, 0.1, 0.06, 0.04];
  const planted: PlantedVideos = {
    neverViewed: ids[0]!,
    viewedOnly90DaysAgo: ids[1]!,
    viewedOnly90DaysAgoDate: isoOfDay(todayDay - 90),
    viewedOnly91DaysAgo: ids[2]!,
    viewedOnly91DaysAgoDate: isoOfDay(todayDay - 91),
    inactiveViewedYesterday: ids[3]!,
    yesterdayDate: isoOfDay(todayDay - 1),
    provisionalDayChanges: ids[4]!,
    provisionalDate: isoOfDay(todayDay - 1),
    tvAndOtherDevices: ids[5]!,
    hostileCustomFields: { pathTraversal: ids[6]!, sqlInjection: ids[7]!, formula: ids[8]! },
    hostileName: ids[9]!,
  };
  const longAgo = todayMs - 200 * 86_400_000;
  const drafts: VideoDraft[] = [
    { state: 'ACTIVE', plain: true },
    { state: 'ACTIVE', plain: true, createdBeforeMs: longAgo },
    { state: 'ACTIVE', plain: true, createdBeforeMs: longAgo },
    { state: 'INACTIVE', plain: true, createdBeforeMs: longAgo },
    { state: 'ACTIVE', plain: true, createdBeforeMs: longAgo },
    { state: 'ACTIVE', plain: true, createdBeforeMs: longAgo },
    { hostileCustomField: HOSTILE_VALUES.pathTraversal },
    { hostileCustomField: HOSTILE_VALUES.sqlInjection },
    { hostileCustomField: HOSTILE_VALUES.formula },
    { hostileName: true },
  ];
  const explicit: Array<Array<{ day: number; views: number }> | undefined> = [
    [],
    [{ day: todayDay - 90, views: 3 }],
    [{ day: todayDay - 91, views: 2 }],
    [{ day: todayDay - 1, views: 12 }],
    [{ day: todayDay - 5, views: 30 }, { day: todayDay - 2, views: 35 }, { day: todayDay - 1, views: 40 }],
    [{ day: todayDay - 10, views: 9 }, { day: todayDay - 3, views: 6 }],
  ];
  const videos: CmsVideo[] = [];
  const accountProfiles: ViewProfile[] = [];
  ids.forEach((id, index) => {
    const videoRng = new Rng(hash32(seed, accountIndex, index, 0x1d));
    const video = drawVideo(videoRng, account, id, index + 1, todayMs, drafts[index] ?? {});
    videos.push(video);
    const createdDay = dayOfMs(Date.parse(video.created_at));
    const durationS = video.duration === null ? null : Math.max(1, Math.round(video.duration / 1000));
    const days = explicit[index];
    // Fixed planted days must not weigh in the planted regional comparison (research videos with a country).
    if (days !== undefined && video.custom_fields.video_content_type === 'research') delete video.custom_fields.country;
    const profileSeed = hash32(seed, accountIndex, index, 0xa11);
    const pattern =
      days !== undefined
        ? { kind: 'explicit' as const, days, deviceWeights: index === 5 ? [0, 0, 0, 0.6, 0.4] : weights }
        : plantedViewPattern(video, drawViewPattern(new Rng(hash32(profileSeed, 1))));
    accountProfiles.push({
      videoId: id,
      firstDay: Math.max(historyStartDay, createdDay),
      durationS,
      seed: profileSeed,
      pattern,
      watchFactor: WATCH_FACTOR_BY_CONTENT_TYPE[video.custom_fields.video_content_type ?? ''],
      mobileTrendEndDay: todayDay,
    });
  });
  // A few rows without a video (views in players outside any video), as the API reports them.
  accountProfiles.push({
    videoId: '',
    firstDay: historyStartDay,
    durationS: null,
    seed: hash32(seed, accountIndex, 0xbad),
    pattern: { kind: 'random', dailyProbability: 0.03, typicalViews: 0, deviceWeights: weights },
  });
  return { videos, accountProfiles, planted };
}

/**
 * The planted findings (simulator/README.md#planted-findings) that depend on a video's custom fields.
 * Training videos are watched 23 % further than earnings calls (engagement score = Σ percent / Σ views):
 * 0.85 x 1.23 = 1.0455; every other type keeps the plain generator's share.
 */
const WATCH_FACTOR_BY_CONTENT_TYPE: Readonly<Record<string, number>> = { earnings_call: 0.85, training: 0.85 * 1.23 };

export const APAC_COUNTRIES: readonly string[] = ['AU', 'CN', 'HK', 'IN', 'JP', 'KR', 'SG', 'TW'];
const RESEARCH_DAILY_PROBABILITY = 0.25;
const RESEARCH_TYPICAL_VIEWS = 8;
const APAC_RESEARCH_VIEWS_FACTOR = 1.6;

/**
 * Research videos tagged with a country share one viewing pattern (so a handful of heavily watched
 * videos cannot decide the comparison), and those tagged with an APAC country get 60 % more views on
 * the days they are watched.
 */
function plantedViewPattern(video: CmsVideo, drawn: ViewPattern): ViewPattern {
  const country = video.custom_fields.country;
  if (video.custom_fields.video_content_type !== 'research' || country === undefined) return drawn;
  const factor = APAC_COUNTRIES.includes(country) ? APAC_RESEARCH_VIEWS_FACTOR : 1;
  return { kind: 'random', dailyProbability: RESEARCH_DAILY_PROBABILITY, typicalViews: RESEARCH_TYPICAL_VIEWS * factor, deviceWeights: drawn.deviceWeights };
}

/** Recomputes every account's rows through the day before `todayDay` (used at start and by setToday). */
export function rebuildDaily(generated: GeneratedDataset, todayDay: number): void {
  const { dataset, profiles } = generated;
  const historyStartDay = dayOf(dataset.historyStart);
  for (const account of dataset.accounts) {
    const lastDay = Math.min(todayDay - 1, generated.viewsEndDay?.[account.id] ?? Infinity);
    const buckets: DailyRow[][] = Array.from({ length: Math.max(0, lastDay - historyStartDay + 1) }, () => []);
    const ordered = [...(profiles[account.id] ?? [])].sort((a, b) => (a.videoId < b.videoId ? -1 : a.videoId > b.videoId ? 1 : 0));
    for (const profile of ordered) {
      const rows = profile.videoId === '' ? nullVideoRows(profile, lastDay) : rowsOfVideo(profile, lastDay);
      for (const row of rows) buckets[dayOf(row.date) - historyStartDay]?.push(row);
    }
    dataset.daily[account.id] = buckets.flat();
  }
  dataset.today = isoOfDay(todayDay);
}

function nullVideoRows(profile: ViewProfile, lastDay: number): DailyRow[] {
  const rng = new Rng(profile.seed);
  const rows: DailyRow[] = [];
  if (profile.pattern.kind !== 'random') return rows;
  for (let day = profile.firstDay - 1 + rng.geometricGap(profile.pattern.dailyProbability); day <= lastDay; day += rng.geometricGap(profile.pattern.dailyProbability)) {
    rows.push(buildRow(rng, null, day, 0, null, profile.pattern.deviceWeights));
  }
  return rows;
}
