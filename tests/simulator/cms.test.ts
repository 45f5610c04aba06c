import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type CmsVideo, type RunningSimulator } from '../../simulator/server.ts';
import { accessToken, fetchToken, get, getJson } from './simulator-client.ts';

let sim: RunningSimulator;
let token: string;
const account = '1197194721001';

beforeAll(async () => {
  sim = await startSimulator({ seed: 3, today: '2025-06-15', historyStart: '2025-03-01', videosPerAccount: 30, faults: { cmsLimits: null } });
  token = await accessToken(sim.url);
});
afterAll(() => sim.stop());

const videosPath = (query: string) => `/v1/accounts/${account}/videos?${query}`;
const countOf = async (q: string) => (await getJson<{ count: number }>(sim.url, `/v1/accounts/${account}/counts/videos?q=${encodeURIComponent(q)}`, token)).count;
const listAll = async (query: string, pageSize = 7) => {
  const seen: CmsVideo[] = [];
  for (let offset = 0; ; offset += pageSize) {
    const page = await getJson<CmsVideo[]>(sim.url, videosPath(`${query}&limit=${pageSize}&offset=${offset}`), token);
    seen.push(...page);
    if (page.length < pageSize) return seen;
  }
};

describe('simulator OAuth', () => {
  it('issues a bearer token for the right credentials and refuses others', async () => {
    const good = await fetchToken(sim.url);
    expect(good.status).toBe(200);
    const body = JSON.parse(good.text) as Record<string, unknown>;
    expect(body).toMatchObject({ token_type: 'Bearer', expires_in: 300 });
    expect(typeof body.access_token).toBe('string');
    const bad = await fetchToken(sim.url, 'someone', 'wrong');
    expect(bad.status).toBe(401);
    expect(JSON.parse(bad.text)).toMatchObject({ error: 'invalid_client' });
  });

  it('answers the documented 401 body for unknown and expired tokens', async () => {
    const unknown = await get(sim.url, videosPath('limit=1'), 'not-a-token');
    expect(unknown.status).toBe(401);
    expect(JSON.parse(unknown.text)).toEqual([{ error_code: 'UNAUTHORIZED', message: 'Permission denied.' }]);
    // Expiry on a clock the test sets: a 1 s token is good until 999 ms after issue and dead at 1000 ms.
    let now = Date.parse('2025-06-15T08:00:00Z');
    const clocked = await startSimulator({ seed: 1, today: '2025-06-15', historyStart: '2025-06-01', videosPerAccount: 10, faults: { tokenTtlSeconds: 1 }, tokenClock: () => now });
    try {
      const shortLived = await accessToken(clocked.url);
      now += 999;
      expect((await get(clocked.url, videosPath('limit=1'), shortLived)).status).toBe(200);
      now += 1;
      const expired = await get(clocked.url, videosPath('limit=1'), shortLived);
      expect(expired.status).toBe(401);
      expect(JSON.parse(expired.text)).toEqual([{ error_code: 'UNAUTHORIZED', message: 'Permission denied.' }]);
    } finally {
      await clocked.stop();
    }
  });

  it('answers 401 to the next N requests when a stale token is simulated; a refreshed token works', async () => {
    sim.setFaults({ staleToken401: 1 });
    const first = await accessToken(sim.url);
    expect((await get(sim.url, videosPath('limit=1'), first)).status).toBe(200);
    const stale = await get(sim.url, videosPath('limit=1'), first);
    expect(stale.status).toBe(401);
    expect(JSON.parse(stale.text)).toEqual([{ error_code: 'UNAUTHORIZED', message: 'Permission denied.' }]);
    expect((await get(sim.url, videosPath('limit=1'), first)).status).toBe(401);
    const refreshed = await accessToken(sim.url);
    expect((await get(sim.url, videosPath('limit=1'), refreshed)).status).toBe(200);
    expect((await get(sim.url, videosPath('limit=1'), refreshed)).status).toBe(200);
  });
});

describe('simulator CMS', () => {
  it('validates limit and sort like the real API', async () => {
    for (const limit of ['0', '101', 'ten']) {
      const answer = await get(sim.url, videosPath(`limit=${limit}`), token);
      expect(answer.status).toBe(400);
      expect(JSON.parse(answer.text)[0].error_code).toBe('BAD_REQUEST');
    }
    const badSort = await get(sim.url, videosPath('sort=views'), token);
    expect(badSort.status).toBe(400);
    expect(JSON.parse(badSort.text)[0].error_code).toBe('INVALID_SORT');
    expect((await getJson<unknown[]>(sim.url, videosPath(''), token)).length).toBe(20);
    expect((await getJson<unknown[]>(sim.url, videosPath('limit=100'), token)).length).toBeLessThanOrEqual(100);
  });

  it('serves ids as strings and unknown accounts as 401', async () => {
    const text = (await get(sim.url, videosPath('limit=5&sort=created_at'), token)).text;
    expect(text).toMatch(/^\[\{"id":"\d{16,19}"/);
    expect((await get(sim.url, '/v1/accounts/123/videos', token)).status).toBe(401);
  });

  it('pages with sort=created_at over every visible video exactly once, and counts agree', async () => {
    const crawled = await listAll('sort=created_at');
    const visible = sim.dataset.videos[account]!.filter((v) => v.state !== 'DELETED');
    expect(crawled.map((v) => v.id).sort()).toEqual(visible.map((v) => v.id).sort());
    expect(new Set(crawled.map((v) => v.id)).size).toBe(crawled.length);
    expect(crawled.map((v) => v.created_at)).toEqual([...crawled.map((v) => v.created_at)].sort());
    expect(await countOf('')).toBe(visible.length);
    expect((await getJson<{ count: number }>(sim.url, `/v1/accounts/${account}/videos/count`, token)).count).toBe(visible.length);
  });

  it('filters with +state, +created_at and +updated_at ranges, NOW and -term, in agreement with counts', async () => {
    const all = sim.dataset.videos[account]!;
    const cases: Array<[string, (v: CmsVideo) => boolean]> = [
      ['+state:ACTIVE', (v) => v.state === 'ACTIVE'],
      ['+state:INACTIVE', (v) => v.state === 'INACTIVE'],
      ['+state:DELETED', (v) => v.state === 'DELETED'],
      ['+created_at:2022-01-01..2023-12-31', (v) => v.state !== 'DELETED' && v.created_at >= '2022-01-01' && v.created_at < '2024-01-01'],
      ['+updated_at:2024-01-01T00:00:00Z..NOW', (v) => v.state !== 'DELETED' && v.updated_at >= '2024-01-01T00:00:00Z'],
      ['+state:ACTIVE -state:INACTIVE +created_at:..2021-06-30', (v) => v.state === 'ACTIVE' && v.created_at < '2021-07-01'],
    ];
    for (const [q, expected] of cases) {
      const ids = (await listAll(`q=${encodeURIComponent(q)}&sort=created_at`, 50)).map((v) => v.id).sort();
      expect(ids, q).toEqual(all.filter(expected).map((v) => v.id).sort());
      expect(await countOf(q), q).toBe(ids.length);
    }
    expect((await get(sim.url, videosPath(`q=${encodeURIComponent('+created_at:2024-13-45..NOW')}`), token)).status).toBe(400);
  });

  it('applies OR semantics when + is not encoded (it arrives as a space)', async () => {
    const strict = await countOf('+state:INACTIVE +created_at:2019-01-01..2019-12-31');
    const loose = (await getJson<{ count: number }>(sim.url, `/v1/accounts/${account}/counts/videos?q=+state:INACTIVE%20+created_at:2019-01-01..2019-12-31`, token)).count;
    expect(loose).toBeGreaterThan(strict);
  });

  it('orders a q search without sort by unstable relevance', async () => {
    const q = `q=${encodeURIComponent('+state:ACTIVE')}&limit=100`;
    const first = (await getJson<CmsVideo[]>(sim.url, videosPath(q), token)).map((v) => v.id);
    const second = (await getJson<CmsVideo[]>(sim.url, videosPath(q), token)).map((v) => v.id);
    expect([...first].sort()).toEqual([...second].sort());
    expect(first).not.toEqual(second);
  });

  it('mutates videos while a crawl pages: updated_at paging goes wrong, created_at paging still sees everything', async () => {
    const local = await startSimulator({ seed: 4, today: '2025-06-15', historyStart: '2025-03-01', videosPerAccount: 20, faults: { cmsLimits: null, mutateDuringCrawl: true } });
    try {
      const localToken = await accessToken(local.url);
      const before = local.dataset.videos[account]!.filter((v) => v.state !== 'DELETED').map((v) => v.id);
      const crawl = async (sort: string) => {
        const seen: string[] = [];
        for (let offset = 0; ; offset += 5) {
          const page = await getJson<CmsVideo[]>(local.url, `/v1/accounts/${account}/videos?sort=${sort}&limit=5&offset=${offset}`, localToken);
          seen.push(...page.map((v) => v.id));
          if (page.length < 5) return seen;
        }
      };
      const byUpdated = await crawl('updated_at');
      const missedOrRepeated = before.some((id) => !byUpdated.includes(id)) || new Set(byUpdated).size < byUpdated.length;
      expect(missedOrRepeated).toBe(true);
      const byCreated = await crawl('created_at');
      for (const id of before) expect(byCreated).toContain(id);
      expect(local.dataset.videos[account]!.length).toBeGreaterThan(20);
    } finally {
      await local.stop();
    }
  });

  it('caps deep offsets when cmsMaxOffset is set', async () => {
    sim.setFaults({ cmsMaxOffset: 10 });
    expect((await get(sim.url, videosPath('limit=5&offset=5&sort=created_at'), token)).status).toBe(200);
    expect((await get(sim.url, videosPath('limit=5&offset=6&sort=created_at'), token)).status).toBe(400);
    sim.setFaults({ cmsMaxOffset: null });
  });

  it('answers 429 TOO_MANY_REQUESTS past 10 requests per second for one account', async () => {
    sim.setFaults({ cmsLimits: { requestsPerSecond: 10, concurrent: 20 } });
    const answers = await Promise.all(Array.from({ length: 12 }, () => get(sim.url, videosPath('limit=1'), token)));
    sim.setFaults({ cmsLimits: null });
    const limited = answers.filter((a) => a.status === 429);
    expect(limited.length).toBeGreaterThanOrEqual(3);
    expect(JSON.parse(limited[0]!.text)[0].error_code).toBe('TOO_MANY_REQUESTS');
  });
});
