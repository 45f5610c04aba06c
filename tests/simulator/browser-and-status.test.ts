import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BROWSER_TYPES } from '../../simulator/daily-views.ts';
import { startSimulator, type RunningSimulator } from '../../simulator/server.ts';
import { accessToken, get, getJson, type Report } from './simulator-client.ts';

/**
 * The simulator's browser_type report and /v1/data/status, in the real API's shapes
 * (tests/fixtures/brightcove-samples: analytics-data-status_openapi-example.json and the dimension model).
 */

let sim: RunningSimulator;
let token: string;
const account = '5972928207001';
const samples = join(import.meta.dirname, '..', 'fixtures', 'brightcove-samples');

beforeAll(async () => {
  sim = await startSimulator({ seed: 5, today: '2025-06-15', historyStart: '2025-02-01', videosPerAccount: 20, viewsEndByAccount: { '1197194721001': '2025-03-31' } });
  token = await accessToken(sim.url);
});
afterAll(() => sim.stop());

describe('simulator browser_type report', () => {
  it('splits each video,date row over the documented browsers, summing to its views', async () => {
    const from = '2025-03-01';
    const to = '2025-03-31';
    const byVideo = await getJson<Report>(sim.url, `/v1/data?accounts=${account}&dimensions=video,date&fields=video_view&from=${from}&to=${to}&limit=all&reconciled=true`, token);
    const byBrowser = await getJson<Report>(
      sim.url,
      `/v1/data?accounts=${account}&dimensions=video,date,browser_type&fields=video,date,browser_type,video_view&from=${from}&to=${to}&limit=all&reconciled=true`,
      token,
    );
    expect(byBrowser.item_count).toBe(byBrowser.items.length);
    const documented = new Set<string>(BROWSER_TYPES);
    expect([...documented].sort()).toEqual(['chrome', 'edge', 'firefox', 'ie', 'opera', 'safari', 'other'].sort());
    const sums = new Map<string, number>();
    for (const item of byBrowser.items) {
      expect(Object.keys(item).sort()).toEqual(['browser_type', 'date', 'video', 'video_view']);
      expect(documented.has(item['browser_type'] as string)).toBe(true);
      const key = `${item['video']}|${item['date']}`;
      sums.set(key, (sums.get(key) ?? 0) + (item['video_view'] as number));
    }
    const viewed = byVideo.items.filter((item) => (item['video_view'] as number) > 0);
    expect(viewed.length).toBeGreaterThan(10);
    for (const item of viewed) expect(sums.get(`${item['video']}|${item['date']}`)).toBe(item['video_view']);
    expect(new Set(byBrowser.items.map((item) => item['browser_type'])).size).toBeGreaterThan(3);
  });

  it('refuses a field the model does not list for browser_type combinations', async () => {
    const answer = await get(sim.url, `/v1/data?accounts=${account}&dimensions=video,date,browser_type&fields=country_name&from=2025-03-01&to=2025-03-02`, token);
    expect(answer.status).toBe(400);
    expect(answer.text).toContain('UNSUPPORTED_FIELD_COMBINATION_ERROR');
  });
});

describe('simulator /v1/data/status', () => {
  it('answers the first day the API holds data for the dimensions, in the documented shape', async () => {
    const example = JSON.parse(readFileSync(join(samples, 'analytics-data-status_openapi-example.json'), 'utf8')) as Record<string, string>;
    const status = await getJson<Record<string, string>>(sim.url, `/v1/data/status?accounts=${account}&dimensions=video,date`, token);
    expect(Object.keys(status).sort()).toEqual(Object.keys(example).sort());
    expect(status['reconciled_from']).toBe(example['reconciled_from']); // 2011-01-01 for video,date
    // today 2025-06-15: the last 3 days are provisional, so reconciled data ends 4 days before.
    expect(status['reconciled_to']).toBe('2025-06-11');
    const browser = await getJson<Record<string, string>>(sim.url, `/v1/data/status?accounts=${account}&dimensions=video,date,browser_type`, token);
    expect(browser['reconciled_from']).toBe('2016-08-30'); // browser_type's documented first day
    const device = await getJson<Record<string, string>>(sim.url, `/v1/data/status?accounts=${account}&dimensions=video,date,device_type`, token);
    expect(device['reconciled_from']).toBe('2011-01-01');
    const unknown = await get(sim.url, `/v1/data/status?accounts=${account}&dimensions=video,nonsense`, token);
    expect(unknown.status).toBe(400);
  });

  it('serves no browser rows before 2016-08-30 even when asked from alltime', async () => {
    const answer = await getJson<Report>(sim.url, `/v1/data?accounts=${account}&dimensions=browser_type&fields=video_view&from=alltime&to=2016-08-29&limit=all`, token);
    expect(answer.item_count).toBe(0);
  });
});

describe('simulator viewsEndByAccount', () => {
  it('ends an account\'s views on the given day and leaves the other accounts alone', () => {
    const quiet = sim.dataset.daily['1197194721001']!;
    expect(quiet.length).toBeGreaterThan(0);
    expect(quiet.at(-1)!.date).toBe(quiet.map((row) => row.date).sort().at(-1));
    expect(quiet.every((row) => row.date <= '2025-03-31')).toBe(true);
    expect(sim.dataset.daily[account]!.some((row) => row.date > '2025-03-31')).toBe(true);
  });
});
