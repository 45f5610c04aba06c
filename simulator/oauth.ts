import { randomBytes } from 'node:crypto';

/**
 * OAuth client credentials: POST /v4/access_token with Basic auth and grant_type=client_credentials.
 * Tokens are random (they are secrets, not data) and expire after the configured lifetime.
 */

export const DEMO_CLIENT_ID = 'reelhouse-demo-client';
export const DEMO_CLIENT_SECRET = 'reelhouse-demo-secret';

export interface TokenAnswer {
  status: number;
  body: unknown;
}

export class TokenStore {
  private expiries = new Map<string, number>();
  private used = new Set<string>();
  private issuedTokens: string[] = [];

  issue(ttlSeconds: number, nowMs: number): string {
    const token = `SIM-${randomBytes(24).toString('base64url')}`;
    this.expiries.set(token, nowMs + ttlSeconds * 1000);
    this.issuedTokens.push(token);
    return token;
  }

  /** Every token issued so far, expired or not: what a secret scan must never find in a client's files. */
  issued(): string[] {
    return [...this.issuedTokens];
  }

  isValid(token: string, nowMs: number): boolean {
    const expiry = this.expiries.get(token);
    if (expiry === undefined) return false;
    if (expiry <= nowMs) {
      this.expiries.delete(token);
      return false;
    }
    return true;
  }

  /** Records a use; true when the token had been used before (a fresh token is never "stale"). */
  markUsed(token: string): boolean {
    const before = this.used.has(token);
    this.used.add(token);
    return before;
  }

  revoke(token: string): void {
    this.expiries.delete(token);
  }
}

interface Credentials {
  clientId: string;
  clientSecret: string;
}

function credentialsOf(authorization: string | undefined, form: URLSearchParams): Credentials | undefined {
  const basic = /^Basic\s+(.+)$/i.exec(authorization ?? '');
  if (basic) {
    const decoded = Buffer.from(basic[1] ?? '', 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) return undefined;
    return { clientId: decoded.slice(0, colon), clientSecret: decoded.slice(colon + 1) };
  }
  // The docs' Ruby sample posts the credentials as form fields instead of Basic auth.
  const clientId = form.get('client_id');
  const clientSecret = form.get('client_secret');
  return clientId !== null && clientSecret !== null ? { clientId, clientSecret } : undefined;
}

/** Answers a token request; the error body follows RFC 6749 since Brightcove does not document its own. */
export function answerTokenRequest(
  authorization: string | undefined,
  body: string,
  query: URLSearchParams,
  expected: Credentials,
  store: TokenStore,
  ttlSeconds: number,
  nowMs: number,
): TokenAnswer {
  const form = new URLSearchParams(body);
  const grantType = form.get('grant_type') ?? query.get('grant_type');
  if (grantType !== 'client_credentials') {
    return { status: 400, body: { error: 'unsupported_grant_type', error_description: 'grant_type must be client_credentials' } };
  }
  const credentials = credentialsOf(authorization, form);
  if (!credentials || credentials.clientId !== expected.clientId || credentials.clientSecret !== expected.clientSecret) {
    return { status: 401, body: { error: 'invalid_client', error_description: 'The client credentials are invalid.' } };
  }
  return { status: 200, body: { access_token: store.issue(ttlSeconds, nowMs), token_type: 'Bearer', expires_in: ttlSeconds } };
}
