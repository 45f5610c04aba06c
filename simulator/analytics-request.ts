import { DOCUMENTED_FIELDS } from './analytics-field-model.ts';
import { dayOf, dayOfMs, tryDayOf } from './dates.ts';
import { ApiError, badRequest } from './errors.ts';

/**
 * Validation of GET /v1/data parameters, the way the real API validates them: dimensions and their
 * combination, fields per combination, dates, limit/offset, sort and where.
 */

export type Dimension = 'video' | 'date' | 'device_type' | 'browser_type';

/** The combinations the simulator serves (sorted names), out of the 309 Brightcove documents. */
const SERVED_COMBINATIONS = new Set(['date,video', 'date,device_type,video', 'date', 'video', 'device_type', 'date,device_type',
  'browser_type,date,video', 'browser_type', 'browser_type,date', 'browser_type,video']);
const KNOWN_DIMENSIONS = new Set(['account', 'browser_type', 'city', 'country', 'date', 'date_hour', 'destination_domain',
  'destination_path', 'device_os', 'device_manufacturer', 'device_type', 'live_stream', 'player', 'referrer_domain', 'region',
  'search_terms', 'social_platform', 'source_type', 'video', 'viewer']);

export const isKnownDimension = (dimension: string): boolean => KNOWN_DIMENSIONS.has(dimension);

/** The fields the spec says the pipeline requests: allowed on every served combination unless strict. */
const SPEC_METRICS = ['video_view', 'video_impression', 'play_request', 'play_rate', 'engagement_score', 'video_engagement_1',
  'video_engagement_25', 'video_engagement_50', 'video_engagement_75', 'video_engagement_100', 'video_percent_viewed',
  'video_seconds_viewed'];
const SPEC_VIDEO_FIELDS = ['video_duration', 'video_name'];

/** Brightcove's earliest analytics date: `from=alltime` starts here. */
export const ALLTIME_FROM = '2011-01-01';

/** The dimensions whose data starts later than ALLTIME_FROM (Brightcove's model, `from` per dimension). */
export const DIMENSION_DATA_FROM: Readonly<Record<string, string>> = {
  browser_type: '2016-08-30',
  device_manufacturer: '2016-08-30',
  social_platform: '2016-11-01',
  live_stream: '2017-02-01',
  referrer_domain: '2012-10-01',
  search_terms: '2012-10-01',
  source_type: '2012-10-01',
};

/** The first day a report of these dimensions can have data: the latest of their `from` dates. */
export function dataFromOf(dimensions: readonly string[]): string {
  return dimensions.reduce((latest, dimension) => {
    const from = DIMENSION_DATA_FROM[dimension] ?? ALLTIME_FROM;
    return from > latest ? from : latest;
  }, ALLTIME_FROM);
}

export interface AnalyticsRequest {
  accounts: string[];
  dimensions: Dimension[];
  fields: string[];
  fromDay: number;
  toDay: number;
  where: { video?: Set<string>; device_type?: Set<string> };
  limit: number | 'all';
  offset: number;
  sort: { field: string; descending: boolean };
  reconciled: boolean | undefined;
  /** The request minus its token: two requests with the same key are "identical". */
  key: string;
}

function allowedFields(combination: string, strict: boolean): Set<string> {
  const dims = combination.split(',');
  let documented: string[];
  if (DOCUMENTED_FIELDS[combination]) documented = [...DOCUMENTED_FIELDS[combination]];
  else {
    // video,date,device_type (and video,date,browser_type) are missing from the model: lenient takes the
    // union of their pairs, strict the intersection.
    const pairNames = dims.flatMap((a, i) => dims.slice(i + 1).map((b) => [a, b].sort().join(',')));
    const pairs = pairNames.map((pair) => DOCUMENTED_FIELDS[pair] ?? []);
    documented = strict ? pairs[0]!.filter((f) => pairs.every((p) => p.includes(f))) : pairs.flat();
  }
  const allowed = new Set(documented);
  if (!strict) {
    for (const field of SPEC_METRICS) allowed.add(field);
    if (dims.includes('video')) for (const field of SPEC_VIDEO_FIELDS) allowed.add(field);
  }
  for (const dim of dims) allowed.add(dim);
  return allowed;
}

function parseDay(raw: string, name: string, todayDay: number): number {
  if (/^\d{10,}$/.test(raw)) return dayOfMs(Number(raw));
  if (name === 'from' && raw === 'alltime') return dayOf(ALLTIME_FROM);
  if (name === 'to' && raw === 'now') return todayDay;
  const day = tryDayOf(raw);
  if (day === undefined) {
    throw badRequest('BAD_REQUEST', `${name} must be YYYY-MM-DD, epoch milliseconds, ${name === 'from' ? "'alltime'" : "'now'"} or a relative -Nd, got ${JSON.stringify(raw)}`);
  }
  return day;
}

const RELATIVE_DAYS = /^([+-]?)(\d+)d$/;

function parseRange(params: URLSearchParams, todayDay: number): { fromDay: number; toDay: number } {
  const fromRaw = params.get('from') ?? '-30d';
  const toRaw = params.get('to') ?? 'now';
  const fromRelative = RELATIVE_DAYS.exec(fromRaw);
  const toRelative = RELATIVE_DAYS.exec(toRaw);
  if (fromRelative && toRelative) throw badRequest('BAD_REQUEST', 'from and to cannot both be relative');
  let fromDay: number;
  let toDay: number;
  if (toRelative) {
    fromDay = parseDay(fromRaw, 'from', todayDay);
    toDay = fromDay + Number(toRelative[2]);
  } else {
    toDay = parseDay(toRaw, 'to', todayDay);
    fromDay = fromRelative ? toDay - Number(fromRelative[2]) : parseDay(fromRaw, 'from', todayDay);
  }
  if (fromDay > toDay) throw badRequest('BAD_REQUEST', `from (${fromRaw}) is after to (${toRaw})`);
  return { fromDay, toDay };
}

function parseWhere(raw: string | null): AnalyticsRequest['where'] {
  const where: AnalyticsRequest['where'] = {};
  if (raw === null || raw === '') return where;
  for (const clause of raw.split(';')) {
    const match = /^([a-z_.]+)==(.+)$/.exec(clause);
    if (!match) throw badRequest('BAD_REQUEST', `where clauses look like dimension==value1,value2; got ${JSON.stringify(clause)}`);
    const [, dimension, values] = match as unknown as [string, string, string];
    if (dimension !== 'video' && dimension !== 'device_type') {
      throw badRequest('BAD_REQUEST', `the simulator filters on video and device_type only, got ${JSON.stringify(dimension)}`);
    }
    where[dimension] = new Set(values.split(',').filter((v) => v !== ''));
  }
  return where;
}

export function parseAnalyticsRequest(params: URLSearchParams, todayDay: number, strict: boolean): AnalyticsRequest {
  const accountsRaw = params.get('accounts') ?? params.get('account');
  if (!accountsRaw) throw badRequest('BAD_REQUEST', 'accounts is required: one or more account ids, comma-separated');
  const dimensionsRaw = params.get('dimensions');
  if (!dimensionsRaw) throw badRequest('BAD_REQUEST', 'dimensions is required, for example dimensions=video,date');
  const dimensionList = dimensionsRaw.split(',');
  for (const dim of dimensionList) if (!KNOWN_DIMENSIONS.has(dim)) throw badRequest('BAD_REQUEST', `unknown dimension ${JSON.stringify(dim)}`);
  if (new Set(dimensionList).size !== dimensionList.length) throw badRequest('BAD_REQUEST', `dimension repeated in ${JSON.stringify(dimensionsRaw)}`);
  const combination = [...dimensionList].sort().join(',');
  if (!SERVED_COMBINATIONS.has(combination)) {
    throw badRequest('BAD_REQUEST', `dimensions ${JSON.stringify(dimensionsRaw)} are not served by the simulator (served: video,date; video,date,device_type; video,date,browser_type; date; video; device_type; browser_type; date,device_type; date,browser_type; video,browser_type)`);
  }
  const dimensions = dimensionList as Dimension[];
  const allowed = allowedFields(combination, strict);
  const requested = (params.get('fields') ?? 'video_view').split(',').filter((f) => f !== '');
  for (const field of requested) {
    if (field.includes(':')) throw badRequest('BAD_REQUEST', `calculated fields are not simulated: ${JSON.stringify(field)}`);
    if (!allowed.has(field)) {
      throw badRequest('UNSUPPORTED_FIELD_COMBINATION_ERROR', `The field ${field} is not supported for the dimension combination ${dimensionsRaw}`);
    }
  }
  const fields = [...new Set(requested.filter((f) => !(dimensions as string[]).includes(f)))];
  const { fromDay, toDay } = parseRange(params, todayDay);
  const limitRaw = params.get('limit') ?? '10';
  if (limitRaw !== 'all' && !(/^\d+$/.test(limitRaw) && Number(limitRaw) >= 1)) throw badRequest('BAD_REQUEST', `limit must be a positive integer or 'all', got ${JSON.stringify(limitRaw)}`);
  const offsetRaw = params.get('offset') ?? '0';
  if (!/^\d+$/.test(offsetRaw)) throw badRequest('BAD_REQUEST', `offset must be a non-negative integer, got ${JSON.stringify(offsetRaw)}`);
  const sortRaw = params.get('sort') ?? 'video_view';
  const sortField = sortRaw.replace(/^-/, '');
  if (!(dimensions as string[]).includes(sortField) && !fields.includes(sortField) && sortField !== 'video_view') {
    throw badRequest('BAD_REQUEST', `sort must name a dimension or a requested field, got ${JSON.stringify(sortRaw)}`);
  }
  const reconciledRaw = params.get('reconciled');
  if (reconciledRaw !== null && reconciledRaw !== 'true' && reconciledRaw !== 'false') {
    throw badRequest('BAD_REQUEST', `reconciled must be true or false, got ${JSON.stringify(reconciledRaw)}`);
  }
  const format = params.get('format');
  if (format !== null && format !== 'json') throw new ApiError(400, 'BAD_REQUEST', `only format=json is simulated, got ${JSON.stringify(format)}`);
  const keyParams = new URLSearchParams([...params].filter(([name]) => name !== 'access_token'));
  keyParams.sort();
  return {
    accounts: [...new Set(accountsRaw.split(','))],
    dimensions,
    fields,
    fromDay,
    toDay,
    where: parseWhere(params.get('where')),
    limit: limitRaw === 'all' ? 'all' : Number(limitRaw),
    offset: Number(offsetRaw),
    sort: { field: sortField, descending: sortRaw.startsWith('-') },
    reconciled: reconciledRaw === null ? undefined : reconciledRaw === 'true',
    key: keyParams.toString(),
  };
}
