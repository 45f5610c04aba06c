import yargs from 'yargs';
import { describe, expect, it } from 'vitest';
import { extractOptions } from '../../pipeline.ts';
import { parseAccountList } from '../../extract/extract-command.ts';
import { policyFromEnv, selectAccounts } from '../../extract/run-extract.ts';
import { testConfig } from './helpers.ts';

describe('pipeline extract / run arguments', () => {
  it('parses --demo, --accounts and --secrets', () => {
    const args = extractOptions(yargs(['--demo', '--accounts', 'neo, impact', '--secrets', 'x.json'])).parseSync();
    expect(args.demo).toBe(true);
    expect(parseAccountList(args.accounts)).toEqual(['neo', 'impact']);
    expect(args.secrets).toBe('x.json');
    expect(extractOptions(yargs([])).parseSync().demo).toBe(false);
    expect(parseAccountList(undefined)).toBeUndefined();
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
