import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ProxyAgent } from 'undici';
import { describe, expect, it } from 'vitest';
import { credentialFor, loadBrightcoveAccess, MissingCredentialsError } from '../../extract/brightcove/credentials.ts';
import { HttpClient } from '../../extract/http.ts';
import { refreshMarginMs } from '../../extract/brightcove/oauth.ts';
import { testConfig } from './helpers.ts';

function secretsFile(content: unknown): string {
  const path = join(mkdtempSync(join(tmpdir(), 'reelhouse-secrets-')), 'secrets.json');
  writeFileSync(path, JSON.stringify(content));
  return path;
}

describe('Brightcove credentials, base URLs and proxy', () => {
  const config = testConfig();

  it('takes the environment first, then secrets.json in the seed form, with per-account credentials', () => {
    const path = secretsFile({
      client_id: 'file-id',
      client_secret: 'file-secret',
      proxies: { http: null, https: 'http://proxy.internal:3128' },
      accounts: { neo: { client_id: 'neo-id', client_secret: 'neo-secret' } },
    });
    const fromFile = loadBrightcoveAccess(config, { secretsPath: path, env: {} });
    expect(credentialFor(fromFile, 'internet')).toEqual({ clientId: 'file-id', clientSecret: 'file-secret' });
    expect(credentialFor(fromFile, 'neo')).toEqual({ clientId: 'neo-id', clientSecret: 'neo-secret' });
    expect(fromFile.proxy.https).toBe('http://proxy.internal:3128');
    expect(fromFile.baseUrls.cms).toBe('https://cms.api.brightcove.com');

    const fromEnv = loadBrightcoveAccess(config, {
      secretsPath: path,
      env: { BRIGHTCOVE_CLIENT_ID: 'env-id', BRIGHTCOVE_CLIENT_SECRET: 'env-secret', BRIGHTCOVE_CMS_URL: 'http://127.0.0.1:9/' },
    });
    expect(credentialFor(fromEnv, 'internet').clientId).toBe('env-id');
    expect(fromEnv.baseUrls.cms).toBe('http://127.0.0.1:9');
    expect(fromEnv.baseUrls.analytics).toBe('https://analytics.api.brightcove.com');
  });

  it('explains how to configure credentials when there are none, without echoing a bad file', () => {
    const none = loadBrightcoveAccess(config, { secretsPath: '/nonexistent/secrets.json', env: {} });
    expect(() => credentialFor(none, 'internet')).toThrow(MissingCredentialsError);
    expect(() => credentialFor(none, 'internet')).toThrow(/BRIGHTCOVE_CLIENT_ID.*\n.*secrets\.json[\s\S]*npm run demo/);
    const broken = secretsFile('x');
    writeFileSync(broken, '{"client_secret": "leaky-secret-value", ');
    expect(() => loadBrightcoveAccess(config, { secretsPath: broken, env: {} })).toThrow(/is not valid JSON/);
    try {
      loadBrightcoveAccess(config, { secretsPath: broken, env: {} });
    } catch (error) {
      expect((error as Error).message).not.toContain('leaky-secret-value');
    }
  });

  it('routes https through the configured proxy, never loopback or NO_PROXY hosts', async () => {
    const http = new HttpClient({ proxy: { https: 'http://proxy.internal:3128', noProxy: ['.corp.example'] } });
    expect(http.dispatcherFor(new URL('https://cms.api.brightcove.com/v1'))).toBeInstanceOf(ProxyAgent);
    expect(http.dispatcherFor(new URL('https://api.corp.example/v1'))).not.toBeInstanceOf(ProxyAgent);
    expect(http.dispatcherFor(new URL('http://127.0.0.1:8080/v1'))).not.toBeInstanceOf(ProxyAgent);
    await http.close();
  });

  it('refreshes tokens a margin before expires_in, scaled to the lifetime', () => {
    expect(refreshMarginMs(300)).toBe(30_000);
    expect(refreshMarginMs(3600)).toBe(60_000);
    expect(refreshMarginMs(2)).toBe(1_000);
  });
});
