import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PipelineSession } from '../../warehouse/session.ts';
import { addCatalogDurations, buildEngagement, engagementRows, eventSession, ingestLines, type EngagementRow } from './harness.ts';
import { agrees, loadScenarios, STATED_KEY_TO_OURS } from './scenarios.ts';

/**
 * Every scenario of the original project runs through ingest + build (all in one warehouse, ids
 * prefixed by the scenario). Each stated output either matches or is listed, with the reason, in
 * docs/engagement.md ("Where the scenarios' stated outputs differ"); an unlisted difference fails, and
 * so does a listed one that no longer differs.
 */

const scenarios = loadScenarios();
const DOC = readFileSync(join(import.meta.dirname, '..', '..', 'docs', 'engagement.md'), 'utf8');
/** `| scenario | key | …` rows of the differences table. */
const listed = new Set(
  [...DOC.matchAll(/^\|\s*`?(va-[\w-]+)`?\s*\|\s*`?(\w+(?:\[\w+\])?)`?\s*\|/gm)].map((m) => `${m[1]} ${m[2]}`),
);

let session: PipelineSession;
let rows: EngagementRow[];

beforeAll(async () => {
  session = await eventSession();
  const prefix = (key: string, id: unknown) => `${key}::${String(id)}`;
  const catalog: Record<string, number> = {};
  const events = scenarios.flatMap((scenario) => {
    const videos = new Set(scenario.events.map((e) => e.videoId));
    for (const video of videos) {
      const duration = scenario.videoDurationsS ? scenario.videoDurationsS[String(video)] : scenario.videoDurationS;
      if (typeof duration === 'number') catalog[prefix(scenario.key, video)] = duration;
    }
    return scenario.events.map((event) => ({
      ...event,
      userId: event.userId == null ? event.userId : prefix(scenario.key, event.userId),
      videoId: event.videoId == null ? event.videoId : prefix(scenario.key, event.videoId),
    }));
  });
  await addCatalogDurations(session, catalog);
  await ingestLines(session, events);
  await buildEngagement(session);
  rows = await engagementRows(session);
});

afterAll(() => session?.warehouse.close());

describe('the original project scenarios', () => {
  for (const scenario of scenarios) {
    it(scenario.key, () => {
      const mine = rows.filter((row) => row.user_id.startsWith(`${scenario.key}::`));
      const statedRows = scenario.expected.rows ?? [scenario.expected];
      const unlisted: string[] = [];
      const agreedButListed: string[] = [];
      statedRows.forEach((stated) => {
        const row = stated.videoId
          ? mine.find((r) => r.video_id === `${scenario.key}::${String(stated.videoId)}`)
          : mine.length === 1 ? mine[0] : undefined;
        expect(row, `${scenario.key}: a row for ${JSON.stringify(stated.videoId ?? 'its video')}`).toBeDefined();
        for (const [key, value] of Object.entries(stated)) {
          if (key === 'userId' || key === 'videoId' || key === 'rows') continue;
          const mapping = STATED_KEY_TO_OURS[key];
          const label = stated.videoId ? `${key}[${String(stated.videoId)}]` : key;
          const ours = mapping ? mapping(row!) : undefined;
          const ok = mapping !== undefined && agrees(key, value, ours);
          const isListed = listed.has(`${scenario.key} ${label}`) || listed.has(`${scenario.key} ${key}`);
          if (!ok && !isListed) unlisted.push(`${label}: stated ${JSON.stringify(value)}, ours ${JSON.stringify(ours)}`);
          if (ok && isListed && listed.has(`${scenario.key} ${label}`)) agreedButListed.push(label);
        }
      });
      expect(unlisted, 'differences not listed in docs/engagement.md').toEqual([]);
      expect(agreedButListed, 'listed in docs/engagement.md but no longer different').toEqual([]);
    });
  }
});
