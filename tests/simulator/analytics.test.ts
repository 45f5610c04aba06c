import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type RunningSimulator } from '../../simulator/server.ts';
import { accessToken, ALL_FIELDS, get, getJson, type Report } from './simulator-client.ts';

let sim: RunningSimulator;
let token: string;
const account = '5972928207001';

beforeAll(async () => {
  sim = await startSimulator({ seed: 5, today: '2025-06-15', historyStart: '2025-02-01', videosPerAccount: 20 });
  token = await accessToken(sim.url);
});
afterAll(() => sim.stop());

const data = (query: string) => `/v1/data?accounts=${account}&${query}`;
const report = (query: string) => getJson<Report>(sim.url, data(query), token);

describe('simulator Analytics validation', () => {
  it('rejects missing parameters, unserved dimensions, unsupported fields and bad dates', async () => {
    const cases: Array<[string, string]> = [
      ['/v1/data?dimensions=video', 'BAD_REQUEST'],
      [data('fields=video_view'), 'BAD_REQUEST'],
      [data('dimensions=video,city'), 'BAD_REQUEST'],
      [data('dimensions=date&fields=video_duration'), 'UNSUPPORTED_FIELD_COMBINATION_ERROR'],
      [data('dimensions=video,date&fields=not_a_field'), 'UNSUPPORTED_FIELD_COMBINATION_ERROR'],
      [data('dimensions=video,date&from=2025-02-30'), 'BAD_REQUEST'],
      [data('dimensions=video,date&from=2025-06-10&to=2025-06-01'), 'BAD_REQUEST'],
      [data('dimensions=video,date&limit=0'), 'BAD_REQUEST'],
      [data('dimensions=video,date&sort=video_impression'), 'BAD_REQUEST'],
      [data('dimensions=video,date&reconciled=maybe'), 'BAD_REQUEST'],
    ];
    for (const [path, code] of cases) {
      const answer = await get(sim.url, path, token);
      expect(answer.status, path).toBe(400);
      const [error] = JSON.parse(answer.text) as Array<Record<string, string>>;
      expect(error!.error_code, path).toBe(code);
      expect(error!.request_id, path).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-a[0-9a-f]{3}-[0-9a-f]{12}$/);
    }
  });

  it('allows play_request on video,date by default and refuses it in strict field-model mode', async () => {
    expect((await get(sim.url, data('dimensions=video,date&fields=play_request'), token)).status).toBe(200);
    sim.setFaults({ strictFieldModel: true });
    const strict = await get(sim.url, data('dimensions=video,date&fields=play_request'), token);
    sim.setFaults({ strictFieldModel: false });
    expect(strict.status).toBe(400);
    expect(JSON.parse(strict.text)[0].error_code).toBe('UNSUPPORTED_FIELD_COMBINATION_ERROR');
  });
});

describe('simulator Analytics data', () => {
  it('returns the ground-truth rows for a reconciled window, both ends inclusive, with API types', async () => {
    const answer = await report(`dimensions=video,date&fields=${ALL_FIELDS},video_duration&from=2025-05-01&to=2025-05-31&limit=all&reconciled=true`);
    const expected = sim.dataset.daily[account]!.filter((r) => r.date >= '2025-05-01' && r.date <= '2025-05-31');
    expect(answer.item_count).toBe(expected.length);
    expect(answer.items).toHaveLength(expected.length);
    const dates = answer.items.map((i) => i.date as string);
    expect(dates).toContain('2025-05-01');
    expect(dates).toContain('2025-05-31');
    const key = (video: unknown, date: unknown) => `${String(video)}|${String(date)}`;
    const truth = new Map(expected.map((r) => [key(r.video, r.date), r]));
    for (const item of answer.items) {
      const row = truth.get(key(item.video, item.date))!;
      expect(item.video_view).toBe(row.video_view);
      expect(item.video_percent_viewed).toBe(row.video_percent_viewed);
      expect(item.engagement_score).toBe(row.video_view > 0 ? Math.round((row.video_percent_viewed / row.video_view) * 1000) / 1000 : null);
      expect(item.video_duration === null || typeof item.video_duration === 'string').toBe(true);
      expect(item.video === null || typeof item.video === 'string').toBe(true);
    }
  });

  it('splits video,date rows by device so that device views sum to the video,date views', async () => {
    const window = 'from=2025-04-01&to=2025-06-14&limit=all';
    const byDay = await report(`dimensions=video,date&fields=video_view,video_impression&${window}`);
    const byDevice = await report(`dimensions=video,date,device_type&fields=video_view,video_impression&${window}`);
    const sums = new Map<string, { views: number; impressions: number }>();
    for (const item of byDevice.items) {
      expect(['desktop', 'mobile', 'tablet', 'tv', 'other']).toContain(item.device_type);
      const key = `${String(item.video)}|${String(item.date)}`;
      const sum = sums.get(key) ?? { views: 0, impressions: 0 };
      sum.views += item.video_view as number;
      sum.impressions += item.video_impression as number;
      sums.set(key, sum);
    }
    expect(sums.size).toBe(byDay.item_count);
    for (const item of byDay.items) {
      expect(sums.get(`${String(item.video)}|${String(item.date)}`)).toEqual({ views: item.video_view, impressions: item.video_impression });
    }
    const planted = sim.dataset.planted[account]!.tvAndOtherDevices;
    const plantedDevices = new Set(byDevice.items.filter((i) => i.video === planted).map((i) => i.device_type));
    expect(plantedDevices).toEqual(new Set(['tv', 'other']));
  });

  it('recomputes summary ratios from sums instead of averaging rows', async () => {
    const answer = await report('dimensions=video&fields=video_view,video_impression,video_percent_viewed,engagement_score,play_rate&from=2025-03-01&to=2025-05-31&limit=all');
    const views = answer.items.reduce((s, i) => s + (i.video_view as number), 0);
    const impressions = answer.items.reduce((s, i) => s + (i.video_impression as number), 0);
    const percent = answer.items.reduce((s, i) => s + (i.video_percent_viewed as number), 0);
    expect(answer.summary.video_view).toBe(views);
    expect(answer.summary.play_rate).toBeCloseTo(views / impressions, 3);
    expect(answer.summary.engagement_score).toBeCloseTo(percent / views, 3);
    const scores = answer.items.filter((i) => i.engagement_score !== null).map((i) => i.engagement_score as number);
    const averageOfRows = scores.reduce((a, b) => a + b, 0) / scores.length;
    expect(Math.abs(averageOfRows - (answer.summary.engagement_score ?? 0))).toBeGreaterThan(0.01);
  });

  it('pages with limit/offset, reports item_count as the total, and filters with where', async () => {
    const all = await report('dimensions=video,date&from=2025-04-01&to=2025-04-30&limit=all&sort=date');
    const firstPage = await report('dimensions=video,date&from=2025-04-01&to=2025-04-30&limit=5&offset=0&sort=date');
    expect(firstPage.item_count).toBe(all.item_count);
    expect(firstPage.items).toHaveLength(5);
    const someVideos = [...new Set(all.items.map((i) => i.video).filter((v): v is string => typeof v === 'string'))].slice(0, 2);
    const filtered = await report(`dimensions=video,date&from=2025-04-01&to=2025-04-30&limit=all&where=video==${someVideos.join(',')}`);
    expect(filtered.item_count).toBe(all.items.filter((i) => someVideos.includes(i.video as string)).length);
    const mobile = await report('dimensions=date,device_type&from=2025-04-01&to=2025-04-30&limit=all&where=device_type==mobile');
    expect(new Set(mobile.items.map((i) => i.device_type))).toEqual(new Set(['mobile']));
    const defaultLimit = await report('dimensions=video,date&from=2025-04-01&to=2025-04-30');
    expect(defaultLimit.items).toHaveLength(Math.min(10, all.item_count));
  });

  it('finds the first day of data with dimensions=date&from=alltime&sort=date&limit=1', async () => {
    const answer = await report('dimensions=date&from=alltime&to=now&sort=date&limit=1');
    expect(answer.items[0]!.date).toBe(sim.dataset.daily[account]![0]!.date);
  });

  it('answers 400 above maxRowsPerRequest, telling to narrow the date range', async () => {
    sim.setFaults({ maxRowsPerRequest: 5 });
    const answer = await get(sim.url, data('dimensions=video,date&from=2025-03-01&to=2025-05-31&limit=all'), token);
    sim.setFaults({ maxRowsPerRequest: 1_000_000 });
    expect(answer.status).toBe(400);
    expect(JSON.parse(answer.text)[0].message).toMatch(/narrow the date range/);
  });
});

describe('simulator Analytics freshness', () => {
  it('serves smaller provisional numbers for the last 3 days, excludes them when reconciled, and finalises them after setToday', async () => {
    const local = await startSimulator({ seed: 6, today: '2025-06-15', historyStart: '2025-05-01', videosPerAccount: 12 });
    try {
      const localToken = await accessToken(local.url);
      const planted = local.dataset.planted[account]!;
      const path = (extra: string) => `/v1/data?accounts=${account}&dimensions=video,date&fields=video_view&from=2025-06-10&to=2025-06-14&limit=all&where=video==${planted.provisionalDayChanges}${extra}`;
      const viewsOn = (r: Report, date: string) => r.items.find((i) => i.date === date)?.video_view;
      const final = local.dataset.daily[account]!.find((r) => r.video === planted.provisionalDayChanges && r.date === '2025-06-14')!.video_view;
      const before = await getJson<Report>(local.url, path(''), localToken);
      expect(viewsOn(before, '2025-06-14')).toBe(Math.floor(final * 0.7));
      expect(viewsOn(before, '2025-06-10')).toBe(30);
      const reconciled = await getJson<Report>(local.url, path('&reconciled=true'), localToken);
      expect(reconciled.items.map((i) => i.date)).toEqual(['2025-06-10']);
      // With seed 6 this account's first rows after 2025-06-14 are on 2025-06-22 (8 views) and 06-23 (1 view).
      local.setToday('2025-06-25');
      const after = await getJson<Report>(local.url, path(''), localToken);
      expect(viewsOn(after, '2025-06-14')).toBe(final);
      const newDays = await getJson<Report>(local.url, `/v1/data?accounts=${account}&dimensions=date&from=2025-06-15&to=now&limit=all`, localToken);
      expect(newDays.items.length).toBeGreaterThan(0);
    } finally {
      await local.stop();
    }
  });
});

describe('simulator Analytics concurrency', () => {
  it('runs one query at a time per account and refuses an identical query in flight with 429', async () => {
    sim.setFaults({ slowMs: 250 });
    try {
      const started = Date.now();
      const finished: number[] = [];
      const timed = (path: string) => get(sim.url, path, token).then((a) => (finished.push(Date.now() - started), a));
      const [a, b] = await Promise.all([timed(data('dimensions=date&from=2025-04-01&to=2025-04-10')), timed(data('dimensions=date&from=2025-04-02&to=2025-04-10'))]);
      expect([a.status, b.status]).toEqual([200, 200]);
      expect(Math.max(...finished)).toBeGreaterThanOrEqual(480);
      // The duplicate is sent the moment the simulator has the first (no sleep), while slowMs holds it:
      // 1 s, so that even a busy machine delivers the duplicate long before the first is answered.
      sim.setFaults({ slowMs: 1000 });
      const same = data('dimensions=date&from=2025-04-03&to=2025-04-10');
      const firstAnswer = get(sim.url, same, token);
      await sim.whenRequest((request) => request.query['from'] === '2025-04-03');
      const duplicate = await get(sim.url, same, token);
      const first = await firstAnswer;
      expect(first.status).toBe(200);
      expect(duplicate.status).toBe(429);
      expect(JSON.parse(duplicate.text)[0].error_code).toBe('TOO_MANY_REQUESTS');
      // Another account is not held up by this one: it finishes before the second query of the busy
      // account (1 s after it arrives, against about 2 s for busy-2, queued behind busy-1).
      const order: string[] = [];
      const tagged = (tag: string, path: string) => get(sim.url, path, token).then(() => order.push(tag));
      await Promise.all([
        tagged('busy-1', data('dimensions=date&from=2025-04-04&to=2025-04-10')),
        tagged('busy-2', data('dimensions=date&from=2025-04-05&to=2025-04-10')),
        tagged('other', '/v1/data?accounts=3467683096001&dimensions=date'),
      ]);
      expect(order.indexOf('other')).toBeLessThan(order.indexOf('busy-2'));
    } finally {
      sim.setFaults({ slowMs: 0 });
    }
  });
});

describe('simulator determinism', () => {
  it('answers byte-identical CMS and Analytics bodies for the same seed', async () => {
    const twin = await startSimulator({ seed: 5, today: '2025-06-15', historyStart: '2025-02-01', videosPerAccount: 20 });
    try {
      const twinToken = await accessToken(twin.url);
      for (const path of [`/v1/accounts/${account}/videos?limit=100&sort=created_at`, data(`dimensions=video,date,device_type&fields=${ALL_FIELDS}&limit=all&from=2025-05-01&to=2025-06-14`)]) {
        expect((await get(twin.url, path, twinToken)).text === (await get(sim.url, path, token)).text, path).toBe(true);
      }
    } finally {
      await twin.stop();
    }
  });
});
