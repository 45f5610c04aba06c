import { dataFromOf, type AnalyticsRequest } from './analytics-request.ts';
import { browserRowsOf, deviceRowsOf, FLOAT_METRICS, INTEGER_METRICS, provisionalRow, type DailyRow, type SummedMetric } from './daily-views.ts';
import { dayOf, isoOfDay } from './dates.ts';
import { badRequest } from './errors.ts';
import { hash32 } from './prng.ts';
import type { SimulatorState } from './state.ts';
import type { CmsVideo } from './video-catalog.ts';

/**
 * Builds the /v1/data answer `{item_count, items, summary}` from the daily rows. Semantics chosen here
 * (see README): from and to are both inclusive; rows within 3 days of today are provisional (70 % of
 * their final numbers) unless reconciled=true, which leaves them out; reconciled=false only reaches
 * the last 32 days (the realtime store).
 */

export const PROVISIONAL_DAYS = 3;
export const PROVISIONAL_FACTOR = 0.7;
const REALTIME_DAYS = 32;
const SUMMED: readonly SummedMetric[] = [...INTEGER_METRICS, ...FLOAT_METRICS];

interface Group {
  video: string | null;
  date: string | undefined;
  device_type: string | undefined;
  browser_type: string | undefined;
  sums: Record<SummedMetric, number>;
  videoDuration: string | null;
}

const round3 = (value: number) => Math.round(value * 1000) / 1000;

function emptySums(): Record<SummedMetric, number> {
  return Object.fromEntries(SUMMED.map((m) => [m, 0])) as Record<SummedMetric, number>;
}

function lowerBound(days: Int32Array, day: number): number {
  let lo = 0;
  let hi = days.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((days[mid] ?? 0) < day) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Value of one output field for one aggregated row; null where the API has nothing to say. */
function fieldValue(field: string, group: Group, video: CmsVideo | undefined): unknown {
  const { sums } = group;
  switch (field) {
    case 'video':
      return group.video;
    case 'date':
      return group.date;
    case 'device_type':
      return group.device_type;
    case 'browser_type':
      return group.browser_type;
    case 'engagement_score':
      return sums.video_view > 0 ? round3(sums.video_percent_viewed / sums.video_view) : null;
    case 'play_rate':
      return sums.video_impression > 0 ? round3(sums.video_view / sums.video_impression) : null;
    case 'video_duration':
      return group.videoDuration;
    case 'video_name':
      return video?.name ?? null;
  }
  if (field in sums) return sums[field as SummedMetric];
  if (field.startsWith('video.')) {
    if (!video) return null;
    const value = video[field.slice('video.'.length)];
    return value === undefined ? null : value;
  }
  // Documented but not simulated (ad_mode_begin, bytes_delivered, …): "not processed".
  return null;
}

export interface AnalyticsAnswer {
  item_count: number;
  items: Array<Record<string, unknown>>;
  summary: Record<string, number | null>;
}

export function buildReport(state: SimulatorState, request: AnalyticsRequest): AnalyticsAnswer {
  const todayDay = state.todayDay();
  const provisionalFrom = todayDay - PROVISIONAL_DAYS;
  let fromDay = request.fromDay;
  let toDay = Math.min(request.toDay, todayDay - 1);
  if (request.reconciled === true) toDay = Math.min(toDay, provisionalFrom - 1);
  if (request.reconciled === false) fromDay = Math.max(fromDay, todayDay - REALTIME_DAYS);
  const byDevice = request.dimensions.includes('device_type') || request.where.device_type !== undefined;
  const byBrowser = request.dimensions.includes('browser_type');
  // No report has data before its dimensions' first day (browser_type: 2016-08-30).
  fromDay = Math.max(fromDay, dayOf(dataFromOf(request.dimensions)));
  const keyDims = request.dimensions;
  const groups = new Map<string, Group>();
  const videosById = new Map<string, CmsVideo>();

  const add = (row: Omit<DailyRow, 'devices'> & { device_type?: string; browser_type?: string }) => {
    const key = keyDims.map((d) => (d === 'video' ? row.video : d === 'date' ? row.date : d === 'browser_type' ? row.browser_type : row.device_type)).join('|');
    let group = groups.get(key);
    if (!group) {
      group = {
        video: keyDims.includes('video') ? row.video : null,
        date: keyDims.includes('date') ? row.date : undefined,
        device_type: keyDims.includes('device_type') ? row.device_type : undefined,
        browser_type: keyDims.includes('browser_type') ? row.browser_type : undefined,
        sums: emptySums(),
        videoDuration: null,
      };
      groups.set(key, group);
    }
    for (const metric of SUMMED) group.sums[metric] += row[metric];
    if (keyDims.includes('video') && row.video_view > 0 && row.video_duration !== null) group.videoDuration = row.video_duration;
  };

  for (const accountId of request.accounts) {
    for (const video of state.videosOf(accountId)) videosById.set(video.id, video);
    const { rows, days } = state.rowsOf(accountId);
    const end = lowerBound(days, toDay + 1);
    for (let i = lowerBound(days, fromDay); i < end; i++) {
      const stored = rows[i]!;
      if (request.where.video && (stored.video === null || !request.where.video.has(stored.video))) continue;
      const row = (days[i] ?? 0) >= provisionalFrom ? provisionalRow(stored, PROVISIONAL_FACTOR) : stored;
      if (byBrowser) for (const browserRow of browserRowsOf(row)) add(browserRow);
      else if (!byDevice) add(row);
      else for (const deviceRow of deviceRowsOf(row)) if (!request.where.device_type || request.where.device_type.has(deviceRow.device_type)) add(deviceRow);
    }
  }

  const maxRows = state.faults.config.maxRowsPerRequest;
  if (groups.size > maxRows) {
    throw badRequest('BAD_REQUEST', `The query matches ${groups.size} rows, more than the ${maxRows} a request may return; narrow the date range (from ${isoOfDay(fromDay)} to ${isoOfDay(toDay)})`);
  }

  const outputFields = [...keyDims, ...request.fields];
  const all = [...groups.values()];
  const { field: sortField, descending } = request.sort;
  // Ties are ordered by a hash salted with the page position, so tied rows can repeat or vanish across pages.
  const salt = hash32(request.offset, request.limit === 'all' ? -1 : request.limit);
  const keyed = all.map((group, index) => ({ group, value: fieldValue(sortField, group, group.video ? videosById.get(group.video) : undefined), tie: hash32(index, salt) }));
  keyed.sort((a, b) => {
    const aMissing = a.value === null || a.value === undefined;
    const bMissing = b.value === null || b.value === undefined;
    if (aMissing || bMissing) return aMissing === bMissing ? a.tie - b.tie : aMissing ? 1 : -1;
    const order = (a.value as number | string) < (b.value as number | string) ? -1 : (a.value as number | string) > (b.value as number | string) ? 1 : 0;
    return (descending ? -order : order) || a.tie - b.tie;
  });
  const page = request.limit === 'all' ? keyed.slice(request.offset) : keyed.slice(request.offset, request.offset + request.limit);
  const items = page.map(({ group }) => {
    const video = group.video ? videosById.get(group.video) : undefined;
    const item: Record<string, unknown> = {};
    for (const field of outputFields) item[field] = fieldValue(field, group, video);
    return item;
  });

  const totals = emptySums();
  for (const group of all) for (const metric of SUMMED) totals[metric] += group.sums[metric];
  const summary: Record<string, number | null> = {};
  for (const field of request.fields) {
    if (field === 'engagement_score') summary[field] = totals.video_view > 0 ? round3(totals.video_percent_viewed / totals.video_view) : null;
    else if (field === 'play_rate') summary[field] = totals.video_impression > 0 ? round3(totals.video_view / totals.video_impression) : null;
    else if ((FLOAT_METRICS as readonly string[]).includes(field)) summary[field] = round3(totals[field as SummedMetric]);
    else if ((INTEGER_METRICS as readonly string[]).includes(field)) summary[field] = totals[field as SummedMetric];
  }
  return { item_count: all.length, items, summary };
}

/**
 * GET /v1/data/status: the reconciled date range. `reconciled_from` is the first day the API holds data
 * for the requested dimensions (2011-01-01, browser_type 2016-08-30), as the documented example answers
 * 2011-01-01 whatever the account; without dimensions, the accounts' first day with data.
 */
export function dataStatus(state: SimulatorState, accounts: string[], dimensions: string[] = []): { reconciled_from: string; reconciled_to: string } {
  const reconciledTo = isoOfDay(state.todayDay() - PROVISIONAL_DAYS - 1);
  if (dimensions.length > 0) return { reconciled_from: dataFromOf(dimensions), reconciled_to: reconciledTo };
  const firstDays = accounts.map((a) => state.rowsOf(a).days[0]).filter((d): d is number => d !== undefined);
  const from = firstDays.length > 0 ? Math.min(...firstDays) : dayOf(state.dataset.historyStart);
  return { reconciled_from: isoOfDay(from), reconciled_to: reconciledTo };
}
