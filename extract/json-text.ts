/**
 * JSON parsing that never turns an id into a lossy number. Brightcove video ids are numeric-looking
 * strings that can exceed 2^53; should a server ever send one unquoted, `JSON.parse` would silently
 * round it. Before parsing, every number that is the value of an id-like key (`id`, `video`, `*_id`)
 * and every integer too large for a double is wrapped in quotes, keeping its exact text.
 */

const TOKEN = /("(?:[^"\\]|\\.)*")(\s*:)?|(-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)/g;
const ID_KEY = /^"(?:id|video|account|[a-z_]*_id)"$/;

function isUnsafeInteger(literal: string): boolean {
  return /^-?\d+$/.test(literal) && !Number.isSafeInteger(Number(literal));
}

export function quoteIdNumbers(text: string): string {
  let lastKey: string | undefined;
  return text.replace(TOKEN, (match, quoted: string | undefined, colon: string | undefined, number: string | undefined) => {
    if (quoted !== undefined) {
      lastKey = colon !== undefined ? quoted : undefined;
      return match;
    }
    const key = lastKey;
    lastKey = undefined;
    if (number !== undefined && ((key !== undefined && ID_KEY.test(key)) || isUnsafeInteger(number))) return `"${number}"`;
    return match;
  });
}

/**
 * A cheap pre-check: could the text hold an unquoted id or an unsafe integer at all? Usually not
 * (Brightcove quotes its ids), and then the tokenizing pass (about 10× the cost of JSON.parse) is skipped.
 * It may answer yes for text inside a string; the tokenizer then decides correctly.
 */
const MAYBE_UNQUOTED = /"(?:id|video|account|[a-z_]*_id)"\s*:\s*-?\d|[:,[]\s*-?\d{16,}/;

export class UnparseableBodyError extends Error {
  override name = 'UnparseableBodyError';
}

/** Parseable JSON of the wrong shape (an object where an array was due…): retried like a cut-off body. */
export class UnexpectedBodyError extends UnparseableBodyError {
  override name = 'UnexpectedBodyError';
}

/** Parses a response body with ids kept as text; a truncated or malformed body throws UnparseableBodyError. */
export function parseJsonKeepingIds(text: string): unknown {
  try {
    return JSON.parse(MAYBE_UNQUOTED.test(text) ? quoteIdNumbers(text) : text);
  } catch (error) {
    throw new UnparseableBodyError(`response body is not complete JSON (${text.length} bytes): ${(error as Error).message}`);
  }
}
