import { existsSync, readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { z } from 'zod';
import type { ReelhouseConfig } from '../../config/load-config.ts';
import type { ProxySettings } from '../http.ts';
import { registerSecret } from '../redact.ts';

/**
 * Where reelhouse finds its Brightcove credentials, base URLs and proxy. Credentials: the environment
 * (BRIGHTCOVE_CLIENT_ID / BRIGHTCOVE_CLIENT_SECRET), else secrets.json in the seed's form
 * `{client_id, client_secret, proxies: {http, https}}`, optionally with per-account credentials
 * `accounts: {<slug>: {client_id, client_secret}}`. Base URLs: config `brightcove.*`, overridden by
 * BRIGHTCOVE_OAUTH_URL / BRIGHTCOVE_CMS_URL / BRIGHTCOVE_ANALYTICS_URL.
 */

export interface Credential {
  readonly clientId: string;
  readonly clientSecret: string;
}

export interface BrightcoveAccess {
  readonly defaultCredential?: Credential;
  readonly perAccount: Readonly<Record<string, Credential>>;
  readonly proxy: ProxySettings;
  readonly baseUrls: { readonly oauth: string; readonly cms: string; readonly analytics: string };
}

const credentialSchema = z.object({ client_id: z.string().min(1), client_secret: z.string().min(1) });
const secretsSchema = z.object({
  client_id: z.string().min(1).optional(),
  client_secret: z.string().min(1).optional(),
  proxies: z.object({ http: z.string().optional().nullable(), https: z.string().optional().nullable() }).partial().optional(),
  accounts: z.record(z.string(), credentialSchema).optional(),
});

export class MissingCredentialsError extends Error {
  override name = 'MissingCredentialsError';
}

export const HOW_TO_CONFIGURE = [
  'No Brightcove credentials found. Either:',
  '  export BRIGHTCOVE_CLIENT_ID=… BRIGHTCOVE_CLIENT_SECRET=…',
  '  or create secrets.json: {"client_id": "…", "client_secret": "…", "proxies": {"http": null, "https": null}}',
  '     (optional per account: "accounts": {"<slug>": {"client_id": "…", "client_secret": "…"}})',
  'Or try the pipeline without credentials against the built-in simulator: npm run demo',
].join('\n');

const trimOrigin = (url: string) => url.replace(/\/+$/, '');

/** The warning for a secrets file that users other than its owner can read, or undefined (POSIX modes only). */
export function secretsFileModeWarning(secretsPath: string, platform: NodeJS.Platform = process.platform): string | undefined {
  if (platform === 'win32') return undefined;
  const mode = statSync(secretsPath).mode & 0o777;
  if ((mode & 0o077) === 0) return undefined;
  return (
    `Warning: ${secretsPath} holds the Brightcove client secret but is readable by its group or others ` +
    `(mode ${mode.toString(8).padStart(4, '0')}); fix: chmod 600 ${secretsPath}`
  );
}

export function loadBrightcoveAccess(
  config: ReelhouseConfig,
  options: { secretsPath?: string; env?: NodeJS.ProcessEnv; warn?: (line: string) => void } = {},
): BrightcoveAccess {
  const env = options.env ?? process.env;
  const secretsPath = resolve(options.secretsPath ?? env['REELHOUSE_SECRETS_FILE'] ?? 'secrets.json');
  let secrets: z.infer<typeof secretsSchema> = {};
  if (existsSync(secretsPath)) {
    const warning = secretsFileModeWarning(secretsPath);
    if (warning) (options.warn ?? console.warn)(warning);
    let raw: unknown;
    try {
      raw = JSON.parse(readFileSync(secretsPath, 'utf8'));
    } catch (error) {
      throw new MissingCredentialsError(`${secretsPath} is not valid JSON (${(error as Error).name}); expected {"client_id", "client_secret", "proxies"}`);
    }
    const parsed = secretsSchema.safeParse(raw);
    if (!parsed.success) {
      const fields = parsed.error.issues.map((issue) => issue.path.join('.') || '(root)').join(', ');
      throw new MissingCredentialsError(`${secretsPath} has invalid fields: ${fields}; expected {"client_id", "client_secret", "proxies": {"http", "https"}}`);
    }
    secrets = parsed.data;
  }

  const envId = env['BRIGHTCOVE_CLIENT_ID'];
  const envSecret = env['BRIGHTCOVE_CLIENT_SECRET'];
  const defaultCredential =
    envId && envSecret
      ? { clientId: envId, clientSecret: envSecret }
      : secrets.client_id && secrets.client_secret
        ? { clientId: secrets.client_id, clientSecret: secrets.client_secret }
        : undefined;
  const perAccount: Record<string, Credential> = {};
  for (const [slug, credential] of Object.entries(secrets.accounts ?? {})) {
    perAccount[slug] = { clientId: credential.client_id, clientSecret: credential.client_secret };
  }
  for (const credential of [defaultCredential, ...Object.values(perAccount)]) registerSecret(credential?.clientSecret);

  const noProxy = (env['NO_PROXY'] ?? env['no_proxy'] ?? '').split(',').map((entry) => entry.trim()).filter(Boolean);
  return {
    defaultCredential,
    perAccount,
    proxy: {
      https: secrets.proxies?.https ?? env['HTTPS_PROXY'] ?? env['https_proxy'] ?? undefined,
      http: secrets.proxies?.http ?? env['HTTP_PROXY'] ?? env['http_proxy'] ?? undefined,
      noProxy,
    },
    baseUrls: {
      oauth: trimOrigin(env['BRIGHTCOVE_OAUTH_URL'] || config.brightcove.oauth_url),
      cms: trimOrigin(env['BRIGHTCOVE_CMS_URL'] || config.brightcove.cms_url),
      analytics: trimOrigin(env['BRIGHTCOVE_ANALYTICS_URL'] || config.brightcove.analytics_url),
    },
  };
}

/** The credential an account uses; throws the how-to message when there is none. */
export function credentialFor(access: BrightcoveAccess, slug: string): Credential {
  const credential = access.perAccount[slug] ?? access.defaultCredential;
  if (!credential) throw new MissingCredentialsError(HOW_TO_CONFIGURE);
  return credential;
}

export function assertCredentialsFor(access: BrightcoveAccess, slugs: readonly string[]): void {
  const missing = slugs.filter((slug) => !access.perAccount[slug] && !access.defaultCredential);
  if (missing.length > 0) throw new MissingCredentialsError(HOW_TO_CONFIGURE);
}
