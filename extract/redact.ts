/**
 * Secrets must never reach a log line, an error, a landed file or the warehouse. Every message that
 * leaves the HTTP layer goes through `redact`: credentials registered here are replaced wherever they
 * appear, and anything shaped like an Authorization header or an access_token parameter is masked.
 */

const knownSecrets = new Set<string>();

/** Registers a value (client secret, access token) to be masked from now on. Short values are ignored. */
export function registerSecret(value: string | undefined): void {
  if (value && value.length >= 6) knownSecrets.add(value);
}

const PATTERNS: Array<[RegExp, string]> = [
  [/(authorization\s*[:=]\s*"?)(bearer|basic)\s+[^\s",;]+/gi, '$1$2 [redacted]'],
  [/\b(bearer|basic)\s+[A-Za-z0-9._~+/=-]{12,}/gi, '$1 [redacted]'],
  [/(access_token|client_secret|client_id)(["']?\s*[:=]\s*["']?)[^"'&\s,}]+/gi, '$1$2[redacted]'],
];

export function redact(text: string): string {
  let result = text;
  for (const secret of knownSecrets) result = result.split(secret).join('[redacted]');
  for (const [pattern, replacement] of PATTERNS) result = result.replace(pattern, replacement);
  return result;
}

/** A URL as it may be stored or shown: credentials in the userinfo or the query are removed. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.username = '';
    parsed.password = '';
    for (const name of [...parsed.searchParams.keys()]) {
      if (/^(access_token|client_secret|client_id|token)$/i.test(name)) parsed.searchParams.delete(name);
    }
    return redact(parsed.toString());
  } catch {
    return redact(url);
  }
}
