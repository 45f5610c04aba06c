/**
 * Bench: the Brightcove simulator at demo size.
 *   npx tsx bench/simulator.ts [--videos-per-account 250] [--history-start 2023-01-01] [--today 2025-11-22]
 * Prints dataset generation time, rows, and the time of `limit=all` analytics windows over HTTP.
 */
import { parseArgs } from 'node:util';
import { request } from 'undici';
import { generateDataset } from '../simulator/dataset.ts';
import { DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, startSimulator } from '../simulator/server.ts';

const { values } = parseArgs({
  options: {
    'videos-per-account': { type: 'string', default: '250' },
    'history-start': { type: 'string', default: '2023-01-01' },
    today: { type: 'string', default: '2025-11-22' },
  },
});
const options = { seed: 1, today: values.today!, historyStart: values['history-start']!, videosPerAccount: Number(values['videos-per-account']) };
const seconds = (since: number) => ((performance.now() - since) / 1000).toFixed(3);

let started = performance.now();
const { dataset } = generateDataset(options);
const rows = Object.values(dataset.daily).reduce((sum, r) => sum + r.length, 0);
console.log(`generate dataset                   ${seconds(started)} s  (${Object.values(dataset.videos).flat().length} videos, ${rows} video-day rows)`);

started = performance.now();
const sim = await startSimulator({ ...options, faults: { cmsLimits: null } });
console.log(`startSimulator                     ${seconds(started)} s`);
try {
  const tokenAnswer = await request(`${sim.url}/v4/access_token`, {
    method: 'POST',
    headers: { authorization: `Basic ${Buffer.from(`${DEMO_CLIENT_ID}:${DEMO_CLIENT_SECRET}`).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
    body: 'grant_type=client_credentials',
  });
  const { access_token: token } = (await tokenAnswer.body.json()) as { access_token: string };
  const fields = 'video_view,video_impression,play_request,engagement_score,video_engagement_1,video_engagement_25,video_engagement_50,video_engagement_75,video_engagement_100,video_percent_viewed,video_seconds_viewed';
  for (const [label, dims, from, to] of [
    ['video,date 31 days, 11 accounts', 'video,date', '2025-09-01', '2025-10-01'],
    ['video,date,device_type 31 days', 'video,date,device_type', '2025-09-01', '2025-10-01'],
    ['video,date 365 days, 11 accounts', 'video,date', '2024-10-01', '2025-09-30'],
  ] as const) {
    started = performance.now();
    let items = 0;
    let bytes = 0;
    for (const account of dataset.accounts) {
      const answer = await request(`${sim.url}/v1/data?accounts=${account.id}&dimensions=${dims}&fields=${fields}&from=${from}&to=${to}&limit=all&reconciled=true`, { headers: { authorization: `Bearer ${token}` } });
      const text = await answer.body.text();
      bytes += text.length;
      items += (JSON.parse(text) as { item_count: number }).item_count;
    }
    console.log(`${label.padEnd(34)} ${seconds(started)} s  (${items} items, ${(bytes / 1e6).toFixed(1)} MB)`);
  }
  started = performance.now();
  let videos = 0;
  for (const account of dataset.accounts) {
    for (let offset = 0; ; offset += 100) {
      const answer = await request(`${sim.url}/v1/accounts/${account.id}/videos?limit=100&offset=${offset}&sort=created_at`, { headers: { authorization: `Bearer ${token}` } });
      const page = (await answer.body.json()) as unknown[];
      videos += page.length;
      if (page.length < 100) break;
    }
  }
  console.log(`CMS crawl, 11 accounts, limit=100  ${seconds(started)} s  (${videos} videos)`);
} finally {
  await sim.stop();
}
