import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { configSchema } from '../../config/load-config.ts';
import { CONFIG_FIXTURE, CONFIG_STEPS, NON_RULE_VALUES } from '../mutation/config-steps.ts';
import { loadTestConfig, TEST_CONFIG_PATH } from '../support/test-config.ts';

/**
 * The list of rule values that `npm run test:mutation` moves one step either way
 * (tests/mutation/config-steps.ts) must cover every value of the test configuration: a value added to
 * the fixture is either a rule (with steps and the tests that catch them) or named, with a reason, as
 * not a rule. Walks the configuration as loaded, so a schema default (events_per_build_slice) counts too.
 */

/** Dotted paths of the leaves; a list of plain values is one leaf, a list of objects is walked as `.*`. */
function leafPaths(value: unknown, prefix = ''): string[] {
  if (Array.isArray(value)) {
    if (value.every((item) => item === null || typeof item !== 'object')) return [prefix];
    return [...new Set(value.flatMap((item) => leafPaths(item, `${prefix}.*`)))];
  }
  if (value !== null && typeof value === 'object') {
    return Object.entries(value).flatMap(([key, inner]) => leafPaths(inner, prefix ? `${prefix}.${key}` : key));
  }
  return [prefix];
}

function valueAt(root: unknown, path: string): unknown {
  return path.split('.').reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], root);
}

function withValue(root: unknown, path: string, value: unknown): unknown {
  const copy = structuredClone(root) as Record<string, unknown>;
  const keys = path.split('.');
  const parent = keys.slice(0, -1).reduce<Record<string, unknown>>((node, key) => node[key] as Record<string, unknown>, copy);
  parent[keys.at(-1)!] = value;
  return copy;
}

const fixture = JSON.parse(readFileSync(TEST_CONFIG_PATH, 'utf8')) as unknown;

describe('the rule values of the test configuration', () => {
  it('names the fixture the tests run with', () => {
    expect(TEST_CONFIG_PATH.replaceAll('\\', '/').endsWith(CONFIG_FIXTURE)).toBe(true);
  });

  it('lists every value of the loaded fixture as a rule value or as a reasoned non-rule value', () => {
    const listed = new Set([...CONFIG_STEPS.map((rule) => rule.path), ...Object.keys(NON_RULE_VALUES)]);
    const unlisted = leafPaths(loadTestConfig()).filter((path) => !listed.has(path));
    expect(unlisted).toEqual([]);
  });

  it('lists nothing the fixture does not hold, and nothing twice', () => {
    const leaves = new Set(leafPaths(loadTestConfig()));
    const paths = [...CONFIG_STEPS.map((rule) => rule.path), ...Object.keys(NON_RULE_VALUES)];
    expect(paths.filter((path) => !leaves.has(path))).toEqual([]);
    expect(new Set(paths).size).toBe(paths.length);
    for (const reason of Object.values(NON_RULE_VALUES)) expect(reason.length).toBeGreaterThan(20);
  });

  it.each(CONFIG_STEPS.map((rule) => [rule.path, rule] as const))('%s: the value matches the fixture, with a step each way', (_path, rule) => {
    expect(valueAt(fixture, rule.path)).toEqual(rule.value);
    expect(rule.steps).toHaveLength(2);
    expect(rule.tests.length).toBeGreaterThan(0);
    for (const step of rule.steps) expect(step).not.toEqual(rule.value);
    if (typeof rule.value === 'number') {
      const [down, up] = rule.steps as number[];
      expect(down).toBeLessThan(rule.value);
      expect(up).toBeGreaterThan(rule.value);
    }
  });

  it.each(CONFIG_STEPS.map((rule) => [rule.path, rule] as const))('%s: each step is a valid configuration unless listed as refused', (_path, rule) => {
    for (const step of rule.steps) {
      const accepted = configSchema.safeParse(withValue(fixture, rule.path, step)).success;
      expect(accepted, `${rule.path} = ${JSON.stringify(step)}`).toBe(!(rule.refused ?? []).some((refused) => JSON.stringify(refused) === JSON.stringify(step)));
    }
  });
});
