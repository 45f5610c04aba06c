import { compileQuery } from './cms-query.ts';
import { dayOf, isoTimestamp, msOfDay } from './dates.ts';
import { ApiError, badRequest } from './errors.ts';
import { hash32, hashString, Rng } from './prng.ts';
import type { SimulatorState } from './state.ts';
import { drawVideo, drawVideoId, type CmsVideo } from './video-catalog.ts';

/** CMS API: GET /videos (search and paging), GET /counts/videos, GET /videos/{ids}. */

const SORTABLE: Record<string, (video: CmsVideo, state: SimulatorState) => string | number | null | undefined> = {
  name: (v) => v.name,
  reference_id: (v) => v.reference_id,
  created_at: (v) => v.created_at,
  published_at: (v) => v.published_at,
  updated_at: (v) => v.updated_at,
  schedule_starts_at: (v) => v.schedule?.starts_at,
  schedule_ends_at: (v) => v.schedule?.ends_at,
  state: (v) => v.state,
  plays_total: (v, s) => s.playsOf(v.account_id, v.id).total,
  plays_trailing_week: (v, s) => s.playsOf(v.account_id, v.id).trailingWeek,
};

function integerParam(params: URLSearchParams, name: string, fallback: number, min: number, max: number): number {
  const raw = params.get(name);
  if (raw === null) return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) {
    throw badRequest('BAD_REQUEST', `${name} must be an integer from ${min} to ${max === Number.MAX_SAFE_INTEGER ? 'any' : max}, got ${JSON.stringify(raw)}`);
  }
  return Number(raw);
}

function compare(a: string | number | null | undefined, b: string | number | null | undefined): number {
  const aMissing = a === null || a === undefined;
  const bMissing = b === null || b === undefined;
  if (aMissing || bMissing) return aMissing === bMissing ? 0 : aMissing ? 1 : -1;
  return a < b ? -1 : a > b ? 1 : 0;
}

function matching(state: SimulatorState, accountId: string, q: string | null): CmsVideo[] {
  const query = compileQuery(q, state.nowMs());
  return state.videosOf(accountId).filter((v) => (v.state !== 'DELETED' || query.includesDeleted) && query.matches(v));
}

export function listVideos(state: SimulatorState, accountId: string, params: URLSearchParams): CmsVideo[] {
  const limit = integerParam(params, 'limit', 20, 1, 100);
  const offset = integerParam(params, 'offset', 0, 0, Number.MAX_SAFE_INTEGER);
  const sortParam = params.get('sort');
  const q = params.get('q');
  const sortName = sortParam?.replace(/^-/, '');
  if (sortName !== undefined && !(sortName in SORTABLE)) {
    throw badRequest('INVALID_SORT', `sort must be one of ${Object.keys(SORTABLE).join(', ')} (with - for descending), got ${JSON.stringify(sortParam)}`);
  }
  const maxOffset = state.faults.config.cmsMaxOffset;
  if (maxOffset !== null && offset + limit > maxOffset) {
    throw badRequest('BAD_REQUEST', `offset + limit must not exceed ${maxOffset}; narrow the query (for example by created_at ranges)`);
  }
  if (offset > 0 && state.faults.config.mutateDuringCrawl) mutateAccount(state, accountId);
  const videos = matching(state, accountId, q);
  if (sortName === undefined && q !== null && q.trim().length >= 3) {
    // Relevance order: scores tie constantly, so the order differs between requests.
    const salt = state.requestSerial;
    const keyed = videos.map((v) => ({ v, key: hash32(hashString(v.id), salt) }));
    keyed.sort((a, b) => a.key - b.key);
    return keyed.slice(offset, offset + limit).map((k) => k.v);
  }
  const effectiveSort = sortParam ?? '-updated_at';
  const descending = effectiveSort.startsWith('-');
  const getter = SORTABLE[effectiveSort.replace(/^-/, '')]!;
  const sorted = videos
    .map((v) => ({ v, key: getter(v, state) }))
    .sort((a, b) => {
      const missingLast = compare(a.key, b.key);
      const primary = a.key === null || a.key === undefined || b.key === null || b.key === undefined ? missingLast : descending ? -missingLast : missingLast;
      return primary || compare(a.v.id, b.v.id);
    });
  return sorted.slice(offset, offset + limit).map((k) => k.v);
}

export function countVideos(state: SimulatorState, accountId: string, params: URLSearchParams): { count: number } {
  return { count: matching(state, accountId, params.get('q')).length };
}

/** GET /videos/{id}[,{id}…] (at most 10; `ref:` reference ids accepted): one object, or an array for several. */
export function getVideos(state: SimulatorState, accountId: string, idList: string): CmsVideo | CmsVideo[] {
  const ids = decodeURIComponent(idList).split(',');
  if (ids.length > 10) throw badRequest('ILLEGAL_PATH', 'at most 10 video ids per request');
  const visible = state.videosOf(accountId).filter((v) => v.state !== 'DELETED');
  const found = ids.map((id) => visible.find((v) => (id.startsWith('ref:') ? v.reference_id === id.slice(4) : v.id === id)));
  if (ids.length === 1) {
    if (!found[0]) throw new ApiError(404, 'RESOURCE_NOT_FOUND', 'The resource you requested does not exist.');
    return found[0];
  }
  return found.filter((v): v is CmsVideo => v !== undefined);
}

/**
 * A crawl page arrived while the account changes: one existing video is edited (its updated_at jumps
 * to now, so it moves within updated_at orders) and one new video is created.
 */
function mutateAccount(state: SimulatorState, accountId: string): void {
  const serial = ++state.mutationSerial;
  const account = state.dataset.accounts.find((a) => a.id === accountId)!;
  const videos = state.videosOf(accountId);
  const editableVideos = videos.filter((v) => v.state !== 'DELETED');
  const instantMs = msOfDay(dayOf(state.dataset.today)) + serial * 1000;
  const edited = editableVideos[hash32(state.dataset.seed, serial, 0xed17) % Math.max(1, editableVideos.length)];
  if (edited) edited.updated_at = isoTimestamp(instantMs);
  const rng = new Rng(hash32(state.dataset.seed, serial, 0x1ee7));
  const id = drawVideoId(rng, state.takenIds);
  videos.push(drawVideo(rng, account, id, videos.length + 1, msOfDay(dayOf(state.dataset.today)), { state: 'ACTIVE', createdAtMs: instantMs, plain: true }));
}
