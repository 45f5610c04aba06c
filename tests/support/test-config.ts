import { join } from 'node:path';
import { loadConfig, type ReelhouseConfig } from '../../config/load-config.js';

/**
 * The configuration every test runs with: the shipped accounts and every rule value at its
 * documented default (docs/engagement-rules.md). Tests never read the user's reelhouse.config.json,
 * so tuning the shipped file cannot break them, and moving a rule value here must make a test fail.
 */
export const TEST_CONFIG_PATH = join(import.meta.dirname, '..', 'fixtures', 'reelhouse.config.json');

export function loadTestConfig(): Readonly<ReelhouseConfig> {
  return loadConfig(TEST_CONFIG_PATH);
}
