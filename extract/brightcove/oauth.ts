import { isUnreachable, RunStoppingError, type BearerAuth, type HttpClient, type TimeLimits } from '../http.ts';
import { redactUrl, registerSecret } from '../redact.ts';
import type { Credential } from './credentials.ts';
import { ENDPOINT, OAUTH_TOKEN_PATH } from './api-constants.ts';
import { crashPoint } from '../../warehouse/crash-point.ts';

/**
 * Client-credentials tokens, cached per credential. A token is used until a margin before its
 * `expires_in` runs out (a tenth of its life, between 1 and 60 seconds), never a hard-coded 300;
 * a 401 from CMS or Analytics invalidates it (the HTTP layer then asks once more). Concurrent callers
 * share one refresh. Tokens are registered with the redactor the moment they arrive.
 */

/**
 * The token endpoint could not be reached at all (refused, DNS, resets or timeouts, after the retry
 * budget). It serves every account, so every account would fail the same way: the run stops at once.
 */
export class TokenEndpointUnreachableError extends RunStoppingError {
  override name = 'TokenEndpointUnreachableError';
  constructor(tokenUrl: string, why: string) {
    super(
      `Cannot reach the Brightcove OAuth token endpoint ${redactUrl(tokenUrl)} (${why}). It serves every account, so the ` +
        'extraction stopped here instead of trying each account. Check the network and the proxy (HTTPS_PROXY, or ' +
        '"proxies" in secrets.json), and the OAuth URL (BRIGHTCOVE_OAUTH_URL, or brightcove.oauth_url in the config); ' +
        'landed data is kept, and the next run resumes.',
    );
  }
}

/** Shared by the token providers of one run: once the endpoint is known unreachable, no provider tries it again. */
export interface TokenEndpointState {
  unreachable?: TokenEndpointUnreachableError;
}

interface CachedToken {
  readonly value: string;
  readonly refreshAt: number;
}

/**
 * The token endpoint answers in milliseconds when it is up, and it serves every account: 8 s per
 * attempt (connecting included) and no attempt that could end past 40 s, so a run whose token
 * endpoint cannot be reached stops within a minute of its start. 40 s holds the whole default
 * backoff of a refused endpoint (6 attempts: delays of at most 1 + 2 + 4 + 8 + 16 s, then 8 s), and
 * 3 or 4 attempts at a host that drops packets.
 */
export const TOKEN_TIME_LIMITS: TimeLimits = Object.freeze({ attemptTimeoutMs: 8_000, budgetMs: 40_000 });

export function refreshMarginMs(expiresInSeconds: number): number {
  return Math.min(60_000, Math.max(1_000, expiresInSeconds * 100));
}

export class TokenProvider implements BearerAuth {
  private cached: CachedToken | undefined;
  private pending: Promise<string> | undefined;
  tokensFetched = 0;

  constructor(
    private readonly http: HttpClient,
    private readonly oauthOrigin: string,
    private readonly credential: Credential,
    private readonly now: () => number = Date.now,
    private readonly endpoint: TokenEndpointState = {},
    private readonly limits: TimeLimits = TOKEN_TIME_LIMITS,
  ) {}

  async token(): Promise<string> {
    if (this.endpoint.unreachable) throw this.endpoint.unreachable;
    if (this.cached && this.now() < this.cached.refreshAt) return this.cached.value;
    this.pending ??= this.fetchToken().finally(() => {
      this.pending = undefined;
    });
    return this.pending;
  }

  invalidate(token: string): void {
    if (this.cached?.value === token) this.cached = undefined;
  }

  private async fetchToken(): Promise<string> {
    const basic = Buffer.from(`${this.credential.clientId}:${this.credential.clientSecret}`).toString('base64');
    registerSecret(basic);
    const requestedAt = this.now();
    const tokenUrl = `${this.oauthOrigin}${OAUTH_TOKEN_PATH}`;
    let response;
    try {
      response = await this.http.postForm(tokenUrl, 'grant_type=client_credentials', { authorization: `Basic ${basic}` }, { endpoint: ENDPOINT.token }, this.limits);
    } catch (error) {
      if (!isUnreachable(error)) throw error;
      this.endpoint.unreachable ??= new TokenEndpointUnreachableError(tokenUrl, error.reason);
      throw this.endpoint.unreachable;
    }
    crashPoint('oauth:token-received');
    const body = response.body as { access_token?: unknown; expires_in?: unknown };
    if (typeof body.access_token !== 'string' || body.access_token.length === 0) {
      throw new Error('The OAuth token endpoint answered 200 without an access_token');
    }
    registerSecret(body.access_token);
    const expiresIn = Number(body.expires_in);
    const lifetimeS = Number.isFinite(expiresIn) && expiresIn > 0 ? expiresIn : 300;
    this.cached = { value: body.access_token, refreshAt: requestedAt + lifetimeS * 1000 - refreshMarginMs(lifetimeS) };
    this.tokensFetched += 1;
    return body.access_token;
  }
}

/** One TokenProvider per distinct credential, so accounts sharing a credential share its token. */
export class TokenCache {
  private readonly providers = new Map<string, TokenProvider>();
  private readonly endpoint: TokenEndpointState = {};
  constructor(
    private readonly http: HttpClient,
    private readonly oauthOrigin: string,
    private readonly limits: TimeLimits = TOKEN_TIME_LIMITS,
  ) {}
  forCredential(credential: Credential): TokenProvider {
    const key = `${credential.clientId}\u0000${credential.clientSecret}`;
    let provider = this.providers.get(key);
    if (!provider) {
      provider = new TokenProvider(this.http, this.oauthOrigin, credential, Date.now, this.endpoint, this.limits);
      this.providers.set(key, provider);
    }
    return provider;
  }
}
