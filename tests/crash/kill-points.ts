/**
 * Where the crash suite kills `pipeline run`, chosen from a seed. The places are fixed (KILL_POINTS);
 * the seed picks WHICH pass of each point (stratified over how often an uninterrupted run passes it,
 * so the kills of one point are spread over the run) and the delays of the wall-clock kills. Same
 * seed and same reference counts, same scenarios: a failure is replayed with `--seed S --scenario I`.
 */
import { seededRandom } from '../../extract/events/seeded-random.ts';

/** A fresh data dir (first run ever) or a copy of a finished one (a later, incremental run). */
export type RunMode = 'fresh' | 'rerun';

export interface KillPoint {
  /** A crashPoint name, or 'wall-clock' for a SIGKILL sent from outside after a delay. */
  readonly point: string;
  readonly mode: RunMode;
  /** How many scenarios kill at this point (at different passes). */
  readonly kills: number;
  /** What the data dir holds at that moment, for the report. */
  readonly moment: string;
  /** Kill the recovery run too, the first time it reaches this point (a crash during recovery). */
  readonly thenAt?: string;
  /** After the kill, work.duckdb is lost (deleted) or corrupt (blocks overwritten): the lake must rebuild it. */
  readonly warehouse?: WarehouseDamage;
}

export type WarehouseDamage = 'lost' | 'corrupt';

export const WALL_CLOCK = 'wall-clock';

export const KILL_POINTS: readonly KillPoint[] = [
  { point: 'lock:writing', mode: 'fresh', kills: 1, moment: 'taking the data dir lock: holder written, lock not yet in place' },
  { point: 'session:opened', mode: 'fresh', kills: 1, moment: 'schema applied, run row written, nothing extracted' },
  { point: 'oauth:token-received', mode: 'fresh', kills: 1, moment: 'during the token fetch: token issued, never used' },
  { point: 'cms:page-received', mode: 'fresh', kills: 1, moment: 'a CMS page received, not landed' },
  { point: 'analytics:page-received', mode: 'fresh', kills: 2, moment: 'an Analytics page received, not landed' },
  { point: 'land:parquet-temp-written', mode: 'fresh', kills: 1, moment: 'Parquet written under its temporary name, not renamed' },
  { point: 'land:parquet-renamed', mode: 'fresh', kills: 2, moment: 'Parquet renamed into the lake, raw rows and checkpoint not committed' },
  { point: 'land:committed', mode: 'fresh', kills: 1, moment: 'page, landed_files row and checkpoint committed' },
  { point: 'events:files-renamed', mode: 'fresh', kills: 1, moment: 'event Parquet and quarantine files renamed, load not committed' },
  { point: 'events:committed', mode: 'fresh', kills: 1, moment: 'event load committed, staging tables not dropped' },
  { point: 'build:model-uncommitted', mode: 'fresh', kills: 1, moment: 'mid-model-build: a model table replaced inside its open transaction' },
  { point: 'build:model-committed', mode: 'fresh', kills: 1, moment: 'between two models' },
  { point: 'check:ran', mode: 'fresh', kills: 1, moment: 'checks running, results not recorded' },
  { point: 'export:temp-written', mode: 'fresh', kills: 1, moment: 'mid-export: a CSV written under its temporary name' },
  { point: 'export:renamed', mode: 'fresh', kills: 1, moment: 'mid-export: some CSVs replaced, others not' },
  { point: 'distribute:temp-written', mode: 'fresh', kills: 1, moment: 'mid-distribution: a verified copy under its temporary name' },
  { point: 'publish:table-copied', mode: 'fresh', kills: 1, moment: 'mid-publish: tables being copied into the temporary DuckDB file' },
  { point: 'publish:temp-written', mode: 'fresh', kills: 1, moment: 'mid-publish: temporary DuckDB file complete, before the rename' },
  { point: 'publish:renamed', mode: 'fresh', kills: 1, moment: 'right after the rename, run not marked finished' },
  { point: WALL_CLOCK, mode: 'fresh', kills: 1, moment: 'SIGKILL from outside after a seeded delay' },
  { point: 'land:parquet-renamed', mode: 'fresh', kills: 1, thenAt: 'land:parquet-renamed', moment: 'killed again at the first landing of the recovery run' },
  { point: 'export:temp-written', mode: 'fresh', kills: 1, thenAt: 'publish:temp-written', moment: 'mid-export, then the recovery run killed mid-publish' },
  { point: 'land:parquet-renamed', mode: 'rerun', kills: 1, moment: 'second run: Parquet renamed, not committed' },
  { point: 'build:model-uncommitted', mode: 'rerun', kills: 1, moment: 'second run: a model replaced inside its transaction' },
  { point: 'distribute:renamed', mode: 'rerun', kills: 1, moment: 'second run: a delivery renamed, not recorded' },
  { point: 'publish:temp-written', mode: 'rerun', kills: 1, moment: 'second run: the new published file complete, old one in place' },
  { point: WALL_CLOCK, mode: 'rerun', kills: 1, moment: 'second run: SIGKILL from outside after a seeded delay' },
  { point: 'land:lake-committed', mode: 'fresh', kills: 1, moment: "page committed in the lake's log, not yet in work.duckdb" },
  { point: 'events:lake-committed', mode: 'fresh', kills: 1, moment: "event load committed in the lake's log, not yet in work.duckdb" },
  { point: 'publish:renamed', mode: 'rerun', kills: 1, warehouse: 'lost', moment: 'warehouse file lost: second run published, then work.duckdb deleted' },
  { point: 'land:parquet-renamed', mode: 'fresh', kills: 1, warehouse: 'lost', moment: 'warehouse file lost after a kill mid-extraction' },
  { point: 'events:committed', mode: 'fresh', kills: 1, warehouse: 'lost', thenAt: 'lake:commit-applied', moment: 'warehouse file lost after a kill past the event load, and the rebuild killed too' },
  { point: 'publish:renamed', mode: 'rerun', kills: 1, warehouse: 'corrupt', moment: 'warehouse file corrupt: the run refuses naming the fix, then work.duckdb moved aside' },
];

export interface Scenario {
  readonly index: number;
  readonly mode: RunMode;
  readonly point: string;
  /** Failpoint scenarios: the pass of `point` that kills (1-based). */
  readonly occurrence?: number;
  /** Wall-clock scenarios: milliseconds after the start. */
  readonly delayMs?: number;
  readonly moment: string;
  /** The recovery run is killed too, the first time it reaches this point. */
  readonly thenAt?: string;
  readonly warehouse?: WarehouseDamage;
}

/** What an uninterrupted run of each mode looked like: passes per point, and how long it took. */
export interface ReferenceRun {
  readonly counts: ReadonlyMap<string, number>;
  readonly durationMs: number;
}

export { seededRandom };

/** `kills` passes out of 1..count, one drawn from each of `kills` equal strata (fewer when count is smaller). */
export function spreadOccurrences(count: number, kills: number, random: () => number): number[] {
  const picks = new Set<number>();
  for (let stratum = 0; stratum < kills; stratum += 1) {
    const low = Math.floor((stratum * count) / kills) + 1;
    const high = Math.max(low, Math.floor(((stratum + 1) * count) / kills));
    picks.add(Math.min(count, low + Math.floor(random() * (high - low + 1))));
  }
  return [...picks].sort((a, b) => a - b);
}

/**
 * The scenarios of a seed. A point an uninterrupted run never passes still gets a scenario (occurrence
 * 1), which then fails as "never reached": a moved or deleted crashPoint call must not go unnoticed.
 */
export function drawScenarios(seed: number, references: Readonly<Record<RunMode, ReferenceRun>>, points: readonly KillPoint[] = KILL_POINTS): Scenario[] {
  const random = seededRandom(seed);
  const scenarios: Scenario[] = [];
  for (const entry of points) {
    const reference = references[entry.mode];
    if (entry.point === WALL_CLOCK) {
      for (let kill = 0; kill < entry.kills; kill += 1) {
        // Within the first 60 %: a run on a less busy machine than the reference's must still be killed.
        const delayMs = Math.round(reference.durationMs * (0.1 + 0.5 * random()));
        scenarios.push({ index: scenarios.length, mode: entry.mode, point: entry.point, delayMs, moment: entry.moment });
      }
      continue;
    }
    const count = reference.counts.get(entry.point) ?? 0;
    const occurrences = count === 0 ? [1] : spreadOccurrences(count, entry.kills, random);
    for (const occurrence of occurrences) {
      scenarios.push({
        index: scenarios.length,
        mode: entry.mode,
        point: entry.point,
        occurrence,
        moment: entry.moment,
        ...(entry.thenAt ? { thenAt: entry.thenAt } : {}),
        ...(entry.warehouse ? { warehouse: entry.warehouse } : {}),
      });
    }
  }
  return scenarios;
}

export function describeScenario(scenario: Scenario): string {
  const where = scenario.delayMs !== undefined ? `${scenario.point} after ${scenario.delayMs} ms` : `${scenario.point}:${scenario.occurrence}`;
  const damage = scenario.warehouse ? `, warehouse file ${scenario.warehouse}` : '';
  return `#${scenario.index} ${scenario.mode} ${where}${damage}${scenario.thenAt ? `, then ${scenario.thenAt}:1` : ''}`;
}

/** Counts the lines of a REELHOUSE_CRASH_TRACE file. */
export function countTrace(text: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const name of text.split('\n').filter(Boolean)) counts.set(name, (counts.get(name) ?? 0) + 1);
  return counts;
}
