import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type RunningSimulator } from '../../simulator/server.ts';
import { accessToken, get } from './simulator-client.ts';

let sim: RunningSimulator;
let token: string;
const videos = '/v1/accounts/6300219615001/videos?limit=5&sort=created_at';
const report = '/v1/data?accounts=6300219615001&dimensions=video,date&fields=video_view&limit=all&from=2025-05-01&to=2025-05-31';

beforeAll(async () => {
  sim = await startSimulator({ seed: 9, today: '2025-06-15', historyStart: '2025-04-01', videosPerAccount: 15, faults: { cmsLimits: null } });
  token = await accessToken(sim.url);
});
afterAll(() => sim.stop());

describe('simulator faults', () => {
  it('answers 429 bursts, with a Retry-After header or without one', async () => {
    sim.setFaults({ rateLimitBurst: { every: 3, length: 1, retryAfterSeconds: 2 } });
    const statuses = [];
    for (let i = 0; i < 6; i++) {
      const answer = await get(sim.url, videos, token);
      statuses.push(answer.status);
      if (answer.status === 429) {
        expect(answer.headers['retry-after']).toBe('2');
        expect(JSON.parse(answer.text)[0].error_code).toBe('TOO_MANY_REQUESTS');
      }
    }
    expect(statuses).toEqual([200, 200, 429, 200, 200, 429]);
    sim.setFaults({ rateLimitBurst: { every: 2, length: 1, retryAfterSeconds: null } });
    await get(sim.url, videos, token);
    const withoutHeader = await get(sim.url, report, token);
    expect(withoutHeader.status).toBe(429);
    expect(withoutHeader.headers['retry-after']).toBeUndefined();
    sim.setFaults({ rateLimitBurst: null });
  });

  it('answers PROCESSING on every n-th analytics query, with the documented message', async () => {
    sim.setFaults({ processing: { every: 2, status: 503 } });
    const first = await get(sim.url, report, token);
    const second = await get(sim.url, report, token);
    sim.setFaults({ processing: { every: 1, status: 500 } });
    const third = await get(sim.url, report, token);
    sim.setFaults({ processing: null });
    expect(first.status).toBe(200);
    expect(second.status).toBe(503);
    const [error] = JSON.parse(second.text) as Array<Record<string, string>>;
    expect(error).toMatchObject({ error_code: 'PROCESSING', message: 'Processing query in background' });
    expect(error!.request_id).toBeTruthy();
    expect(third.status).toBe(500);
  });

  it('destroys the connection halfway through every n-th response', async () => {
    sim.setFaults({ resetEvery: 2 });
    expect((await get(sim.url, videos, token)).status).toBe(200);
    await expect(get(sim.url, videos, token)).rejects.toThrow();
    expect((await get(sim.url, videos, token)).status).toBe(200);
    sim.setFaults({ resetEvery: 0 });
  });

  it('sends half of the JSON body and ends cleanly on every n-th response', async () => {
    sim.setFaults({ truncateEvery: 1 });
    const answer = await get(sim.url, report, token);
    sim.setFaults({ truncateEvery: 0 });
    expect(answer.status).toBe(200);
    expect(answer.text.length).toBeGreaterThan(10);
    expect(() => JSON.parse(answer.text)).toThrow();
  });

  it('delays answers by slowMs', async () => {
    sim.setFaults({ slowMs: 150 });
    const started = Date.now();
    await get(sim.url, videos, token);
    sim.setFaults({ slowMs: 0 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(145);
  });

  it('counts requests by endpoint and outcome, and resets the counts', async () => {
    sim.resetCounts();
    await accessToken(sim.url);
    await get(sim.url, videos, token);
    await get(sim.url, '/v1/accounts/6300219615001/counts/videos', token);
    await get(sim.url, videos.replace('limit=5', 'limit=500'), token);
    await get(sim.url, report, 'expired-token');
    sim.setFaults({ truncateEvery: 1 });
    await get(sim.url, report, token);
    sim.setFaults({ truncateEvery: 0, resetEvery: 1 });
    await get(sim.url, report, token).catch(() => undefined);
    sim.setFaults({ resetEvery: 0 });
    expect(sim.counts()).toEqual({
      oauth: { '200': 1 },
      cms_videos: { '200': 1, '400': 1 },
      cms_counts: { '200': 1 },
      analytics_data: { '401': 1, truncated: 1, reset: 1 },
    });
    sim.resetCounts();
    expect(sim.counts()).toEqual({});
  });

  it('rejects unknown fault names and non-GET methods', async () => {
    expect(() => sim.setFaults({ nonsense: 1 } as never)).toThrow(/unknown simulator fault/);
    const post = await request(`${sim.url}${videos}`, { method: 'POST', headers: { authorization: `Bearer ${token}` } });
    expect(post.statusCode).toBe(405);
    await post.body.text();
  });
});
