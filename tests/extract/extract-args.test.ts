import { describe, expect, it } from 'vitest';
import { parseAccountList } from '../../extract/extract-command.ts';
import { policyFromEnv, selectAccounts } from '../../extract/run-extract.ts';
import { testConfig } from './helpers.ts';

describe('pipeline extract / run arguments', () => {
  it('parses --accounts into slugs', () => {
    expect(parseAccountList('neo, impact')).toEqual(['neo', 'impact']);
    expect(parseAccountList(undefined)).toBeUndefined();
    expect(parseAccountList(' , ')).toBeUndefined();
  });

  it('rejects an unknown account slug naming the configured ones', () => {
    const accounts = testConfig().accounts;
    expect(selectAccounts(accounts, ['neo']).map((account) => account.account_id)).toEqual(['5972928207001']);
    expect(() => selectAccounts(accounts, ['neo', 'sumi_trust'])).toThrow(/unknown account "sumi_trust"; configured: internet, .*sumitrust/);
  });

  it('reads retry and timeout settings from the environment, refusing nonsense', () => {
    expect(policyFromEnv({ REELHOUSE_RETRY_BASE_MS: '5', REELHOUSE_HTTP_TIMEOUT_MS: '1000' })).toEqual({ baseDelayMs: 5, timeoutMs: 1000 });
    expect(() => policyFromEnv({ REELHOUSE_RETRY_BASE_MS: 'soon' })).toThrow(/REELHOUSE_RETRY_BASE_MS must be a number of milliseconds/);
  });
});
