import { describe, expect, it } from 'vitest';
import { countTrace, KILL_POINTS, drawScenarios, spreadOccurrences, seededRandom, WALL_CLOCK, type ReferenceRun, type RunMode } from './kill-points.ts';

/** The crash suite's kill scenarios: deterministic per seed, spread over the run, loud about points that vanished. */

function references(count: number): Record<RunMode, ReferenceRun> {
  const counts = new Map(KILL_POINTS.map((entry) => [entry.point, count]));
  return { fresh: { counts, durationMs: 10_000 }, rerun: { counts, durationMs: 4_000 } };
}

describe('kill scenarios', () => {
  it('gives the same scenarios for the same seed, and other passes for another seed', () => {
    const scenarios = drawScenarios(7, references(200));
    expect(drawScenarios(7, references(200))).toEqual(scenarios);
    expect(drawScenarios(8, references(200))).not.toEqual(scenarios);
    expect(scenarios.map((scenario) => scenario.index)).toEqual(scenarios.map((_, index) => index));
  });

  it('kills at 20 or more places, including every stage the brief names, on first and later runs', () => {
    const scenarios = drawScenarios(1, references(50));
    expect(scenarios.length).toBeGreaterThanOrEqual(20);
    const points = new Set(scenarios.map((scenario) => scenario.point));
    for (const point of ['oauth:token-received', 'analytics:page-received', 'land:parquet-renamed', 'build:model-uncommitted', 'export:temp-written', 'distribute:temp-written', 'publish:temp-written', 'publish:renamed', WALL_CLOCK]) {
      expect(points.has(point), point).toBe(true);
    }
    expect(scenarios.some((scenario) => scenario.mode === 'rerun')).toBe(true);
    for (const scenario of scenarios.filter((s) => s.point === WALL_CLOCK)) {
      const duration = scenario.mode === 'fresh' ? 10_000 : 4_000;
      expect(scenario.delayMs).toBeGreaterThanOrEqual(duration * 0.1);
      expect(scenario.delayMs).toBeLessThanOrEqual(duration * 0.6);
    }
  });

  it('spreads several kills of one point over its passes, one per stratum, all within 1..count', () => {
    const random = seededRandom(3);
    for (let trial = 0; trial < 200; trial += 1) {
      const picks = spreadOccurrences(90, 3, random);
      expect(picks).toHaveLength(3);
      expect(picks[0]).toBeGreaterThanOrEqual(1);
      expect(picks[0]).toBeLessThanOrEqual(30);
      expect(picks[1]).toBeGreaterThanOrEqual(31);
      expect(picks[1]).toBeLessThanOrEqual(60);
      expect(picks[2]).toBeGreaterThanOrEqual(61);
      expect(picks[2]).toBeLessThanOrEqual(90);
    }
    expect(spreadOccurrences(1, 2, random)).toEqual([1]);
  });

  it('keeps a scenario for a point no uninterrupted run passes, so it fails instead of vanishing', () => {
    const scenarios = drawScenarios(1, { fresh: { counts: new Map(), durationMs: 1000 }, rerun: { counts: new Map(), durationMs: 1000 } });
    expect(scenarios.find((scenario) => scenario.point === 'publish:renamed')?.occurrence).toBe(1);
  });

  it('counts a trace file', () => {
    expect(countTrace('a:b\nc:d\na:b\n')).toEqual(new Map([['a:b', 2], ['c:d', 1]]));
  });
});
