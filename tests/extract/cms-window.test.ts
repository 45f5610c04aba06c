import { afterEach, describe, expect, it } from 'vitest';
import { startSimulator, type RunningSimulator } from '../../simulator/server.ts';
import { loadTestConfig } from '../support/test-config.ts';
import { extractOnce, tempDataDir } from './helpers.ts';

/**
 * extract.cms_window_max_videos (5000 in the test configuration): a first CMS crawl counts the whole
 * created_at range and bisects it only while a window holds more videos than that. Exactly at the
 * limit one window is crawled; one video more and it is split. Read from the simulator's requests: a
 * crawl that does not split counts once and pages the range it counted; one that splits counts more
 * and pages a narrower range first. (How many splits depends on where the halves fall, and the range
 * ends two days after the clock, so only split / not split is asserted.)
 * The simulator refuses the first page (cmsMaxOffset 50 < offset + limit 100), so the test stops right
 * after the planning instead of paging 5000 videos.
 */

const IMPACT = '968049871001';
const started: RunningSimulator[] = [];
afterEach(async () => {
  await Promise.all(started.splice(0).map((sim) => sim.stop()));
});

describe('cms_window_max_videos', () => {
  // With seed 11, 5264 generated videos leave 5000 that are not DELETED (a crawl never sees those),
  // 5265 leave 5001.
  const cases = [
    { generated: 5264, visible: 5000, split: false }, // 5000 ≤ 5000: one window
    { generated: 5265, visible: 5001, split: true }, // 5001 > 5000: bisected
  ];
  for (const { generated, visible, split } of cases) {
    it(`${visible} videos: ${split ? 'split' : 'crawled as one window'}`, async () => {
      const sim = await startSimulator({
        seed: 11,
        today: '2025-06-30',
        historyStart: '2025-06-28',
        videosPerAccount: 10,
        videosByAccount: { [IMPACT]: generated },
        faults: { cmsLimits: null, cmsMaxOffset: 50 },
      });
      started.push(sim);
      expect(sim.dataset.videos[IMPACT]!.filter((video) => video.state !== 'DELETED')).toHaveLength(visible);
      const run = await extractOnce(sim, tempDataDir(), { accounts: ['impact'], config: loadTestConfig() });
      expect(run.error?.message).toMatch(/cms:\/videos/);
      const requests = sim.requests();
      const firstPage = requests.findIndex((request) => request.endpoint === 'cms_videos' && request.query['sort'] === 'created_at');
      expect(firstPage).toBeGreaterThan(0);
      const counts = requests.slice(0, firstPage).filter((request) => request.endpoint === 'cms_counts');
      expect(counts.length > 1).toBe(split);
      // Not split: the first page asks for exactly the range first counted.
      expect(requests[firstPage]!.query['q'] === counts[0]!.query['q']).toBe(!split);
      expect(requests[firstPage]!.status).toBe(400);
    });
  }
});
