import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, parseConfig } from '../../config/load-config.ts';
import { TEST_CONFIG_PATH } from '../support/test-config.ts';

// The validation tests break a copy of the test configuration, so a user's edit of the shipped file
// (fewer accounts, other windows) cannot break them; only the first test is about the shipped file.
const testConfigRaw = () => JSON.parse(readFileSync(TEST_CONFIG_PATH, 'utf8'));

describe('configuration', () => {
  it('ships the 11 accounts of the originals, Reporting on the first five', () => {
    const config = loadConfig();
    expect(config.accounts).toHaveLength(11);
    expect(config.accounts.filter((a) => a.workflows.includes('reporting')).map((a) => a.slug)).toEqual([
      'internet',
      'intranet',
      'neo',
      'research',
      'research_internal',
    ]);
    expect(config.accounts.find((a) => a.slug === 'sumitrust')?.distribution_folder).toBe('SuMi-Trust');
    expect(Object.isFrozen(config.accounts[0])).toBe(true);
  });

  it('names the field, the bad value and a good example', () => {
    const raw = testConfigRaw();
    raw.accounts[2].account_id = 'NEO-ID';
    raw.reporting.cache_window_days = -5;
    expect(() => parseConfig(raw)).toThrow(ConfigError);
    try {
      parseConfig(raw);
    } catch (error) {
      const message = (error as Error).message;
      expect(message).toContain('accounts.2.account_id');
      expect(message).toContain('"NEO-ID"');
      expect(message).toContain('"1197194721001"');
      expect(message).toContain('reporting.cache_window_days');
      expect(message).toContain('-5');
    }
  });

  it('refuses a distribution folder that is a path, and duplicate slugs', () => {
    const raw = testConfigRaw();
    raw.accounts[0].distribution_folder = '../../etc';
    raw.accounts[1].slug = 'internet';
    expect(() => parseConfig(raw)).toThrow(/accounts\.0\.distribution_folder[\s\S]*accounts\.1\.slug: duplicate slug/);
  });

  it('refuses unknown keys so a typo is not silently ignored', () => {
    const raw = testConfigRaw();
    raw.reporting.cache_windw_days = 30;
    expect(() => parseConfig(raw)).toThrow(/cache_windw_days/);
  });
});
