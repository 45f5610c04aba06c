import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DOCUMENTED_FIELDS } from '../../simulator/analytics-field-model.ts';

/**
 * The simulator's strict field lists are Brightcove's own model (the interactive tool's data,
 * extracted to tests/fixtures/brightcove-samples): a list that drifts from it would let the simulator
 * accept or refuse fields the real Analytics API does not.
 */

interface FieldModel {
  dimensions: Record<string, { fields: string[] }>;
  combinations: Record<string, { dimensions: string[]; fields: string[] }>;
}

const model = JSON.parse(
  readFileSync(join(import.meta.dirname, '..', 'fixtures', 'brightcove-samples', 'analytics-dimension-field-model_extracted.json'), 'utf8'),
) as FieldModel;

/** The model's fields for a set of dimensions: a single dimension's own list, or its combination's. */
function modelFields(dimensions: readonly string[]): string[] | undefined {
  if (dimensions.length === 1) return model.dimensions[dimensions[0]!]?.fields;
  const wanted = [...dimensions].sort().join(',');
  return Object.values(model.combinations).find((combination) => [...combination.dimensions].sort().join(',') === wanted)?.fields;
}

describe("the simulator's Analytics field lists", () => {
  it('serve nine dimension sets', () => {
    expect(Object.keys(DOCUMENTED_FIELDS).sort()).toEqual([
      'browser_type', 'browser_type,date', 'browser_type,video', 'date', 'date,device_type', 'date,video', 'device_type', 'device_type,video', 'video',
    ]);
  });

  for (const [key, fields] of Object.entries(DOCUMENTED_FIELDS)) {
    it(`${key}: exactly the fields Brightcove's model lists`, () => {
      const documented = modelFields(key.split(','));
      expect(documented, `the model has ${key}`).toBeDefined();
      expect([...fields].sort()).toEqual([...new Set(documented)].sort());
    });
  }
});
