import { describe, expect, it } from 'vitest';
import { deliveryMonth } from '../../warehouse/distribute.ts';
import { loadTestConfig } from '../support/test-config.ts';

/**
 * distribution.month_offset (1 in the test configuration): a run as of a day delivers into the folder
 * of the month that many months later, so June's run fills the July folder the business reads.
 */
describe('distribution.month_offset of the test configuration', () => {
  it('a run as of 2025-06-30 delivers into 2025_07, one as of 2025-12-01 into 2026_01', () => {
    const offset = loadTestConfig().distribution.month_offset;
    // 2025-06 + 1 month = 2025-07; 2025-12 + 1 month = 2026-01 (the year rolls over).
    expect(deliveryMonth('2025-06-30', offset)).toBe('2025_07');
    expect(deliveryMonth('2025-12-01', offset)).toBe('2026_01');
  });
});
