import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PipelineSession } from '../../warehouse/session.ts';
import { addCatalogDurations, buildEngagement, engagementRows, eventSession, ingestLines, type EngagementRow } from './harness.ts';
import { agrees, loadScenarios, STATED_KEY_TO_OURS } from './scenarios.ts';

/**
 * Every scenario of the original project runs through ingest + build (all in one warehouse, ids
 * prefixed by the scenario). Each stated output either matches or is listed, with the value we give
 * and the reason, in docs/engagement.md ("Where the scenarios' stated outputs differ"): an unlisted
 * difference fails, a listed one that no longer differs fails, and so does a listed one whose "ours"
 * or "stated" column is not exactly what the mart gives and the scenario states.
 */

const scenarios = loadScenarios();
const DOC = readFileSync(join(import.meta.dirname, '..', '..', 'docs', 'engagement.md'), 'utf8');

interface DocumentedDifference {
  readonly stated: string;
  readonly ours: string;
}

/** `| scenario | key | stated | ours | why |` rows of the differences table, by "scenario key". */
const documented = new Map<string, DocumentedDifference>(
  [...DOC.matchAll(/^\|\s*`?(va-[\w-]+)`?\s*\|\s*`?(\w+(?:\[\w+\])?)`?\s*\|([^|]*)\|([^|]*)\|/gm)].map((m) => [
    `${m[1]} ${m[2]}`,
    { stated: m[3]!.trim(), ours: m[4]!.trim() },
  ]),
);
/** The table's mark for "no column of ours holds this". */
const NO_COLUMN = '—';

/** Does a cell of the table say exactly `value`? Numbers as numbers (60.0 is 60), the rest as text. */
function cellSays(cell: string, value: unknown): boolean {
  if (typeof value === 'number') return cell !== '' && Number(cell) === value;
  return cell === String(value);
}

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
      const documentedWrongly: string[] = [];
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
          const entry = documented.get(`${scenario.key} ${label}`) ?? documented.get(`${scenario.key} ${key}`);
          if (!ok && !entry) unlisted.push(`${label}: stated ${JSON.stringify(value)}, ours ${JSON.stringify(ours)}`);
          if (ok && documented.has(`${scenario.key} ${label}`)) agreedButListed.push(label);
          if (!ok && entry) {
            const oursAsDocumented = mapping === undefined ? entry.ours === NO_COLUMN : cellSays(entry.ours, ours);
            if (!oursAsDocumented) documentedWrongly.push(`${label}: ours documented ${entry.ours}, the mart gives ${JSON.stringify(ours ?? NO_COLUMN)}`);
            if (!cellSays(entry.stated, value)) documentedWrongly.push(`${label}: stated documented ${entry.stated}, the scenario states ${JSON.stringify(value)}`);
          }
        }
      });
      expect(unlisted, 'differences not listed in docs/engagement.md').toEqual([]);
      expect(agreedButListed, 'listed in docs/engagement.md but no longer different').toEqual([]);
      expect(documentedWrongly, 'docs/engagement.md states other values than the mart gives or the scenario states').toEqual([]);
    });
  }

  it('every row of the differences table names a scenario and a value it states', () => {
    const statedLabels = new Set(
      scenarios.flatMap((scenario) =>
        (scenario.expected.rows ?? [scenario.expected]).flatMap((stated) =>
          Object.keys(stated).flatMap((key) => [`${scenario.key} ${key}`, ...(stated.videoId ? [`${scenario.key} ${key}[${String(stated.videoId)}]`] : [])]),
        ),
      ),
    );
    expect(documented.size).toBeGreaterThan(0);
    expect([...documented.keys()].filter((label) => !statedLabels.has(label))).toEqual([]);
  });
});
