import { badRequest } from './errors.ts';
import type { CmsVideo } from './video-catalog.ts';

/**
 * The subset of CMS search v1 (`q=`) the pipeline relies on, with its real semantics: `+term` required,
 * `-term` excluded, bare terms optional (at least one must match when nothing is required). A client
 * that forgets to encode `+` as %2B sends a space instead, and gets the looser OR semantics, as on the
 * real API. DELETED videos are only searched when the query names state:DELETED.
 */

export interface CompiledQuery {
  matches(video: CmsVideo): boolean;
  includesDeleted: boolean;
}

type Predicate = (video: CmsVideo) => boolean;

const DATE_FIELDS: Record<string, (v: CmsVideo) => string | null | undefined> = {
  created_at: (v) => v.created_at,
  updated_at: (v) => v.updated_at,
  published_at: (v) => v.published_at,
  'schedule.starts_at': (v) => v.schedule?.starts_at,
  'schedule.ends_at': (v) => v.schedule?.ends_at,
};
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
const ISO_DATETIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:?\d{2})$/;
const RELATIVE = /^-(\d+)(d|days?|h|hours?|minutes?)$/i;
const UNIT_MS: Record<string, number> = { d: 86_400_000, h: 3_600_000, m: 60_000 };

function tokenize(q: string): string[] {
  const tokens: string[] = [];
  let current = '';
  let quoted = false;
  for (const char of q) {
    if (char === '"') quoted = !quoted;
    if (!quoted && /\s/.test(char)) {
      if (current) tokens.push(current);
      current = '';
    } else current += char;
  }
  if (quoted) throw badRequest('ILLEGAL_QUERY', `unclosed quote in q=${JSON.stringify(q)}`);
  if (current) tokens.push(current);
  return tokens;
}

/** One end of a date range as epoch ms; `end` rounds a bare day up to its last millisecond. */
function bound(text: string, end: boolean, nowMs: number, term: string): number | undefined {
  if (text === '') return undefined;
  if (text.toUpperCase() === 'NOW') return nowMs;
  if (ISO_DATE.test(text)) {
    const start = Date.parse(`${text}T00:00:00Z`);
    if (Number.isNaN(start)) throw badRequest('ILLEGAL_QUERY', `invalid date in ${term}`);
    return end ? start + 86_400_000 - 1 : start;
  }
  if (ISO_DATETIME.test(text)) {
    const ms = Date.parse(text);
    if (Number.isNaN(ms)) throw badRequest('ILLEGAL_QUERY', `invalid date in ${term}`);
    return ms;
  }
  const relative = RELATIVE.exec(text);
  if (relative) return nowMs - Number(relative[1]) * (UNIT_MS[(relative[2] ?? 'd')[0]!.toLowerCase()] ?? 0);
  throw badRequest('ILLEGAL_QUERY', `invalid date ${JSON.stringify(text)} in ${term}; use YYYY-MM-DD, an ISO UTC datetime, NOW or -Nd`);
}

function dateRange(field: string, value: string, nowMs: number, term: string): Predicate {
  const getter = DATE_FIELDS[field]!;
  const [fromText, toText] = value.includes('..') ? (value.split('..', 2) as [string, string]) : [value, value];
  const from = bound(fromText, false, nowMs, term) ?? -Infinity;
  const to = bound(toText, true, nowMs, term) ?? Infinity;
  return (video) => {
    const iso = getter(video);
    if (!iso) return false;
    const ms = Date.parse(iso);
    return ms >= from && ms <= to;
  };
}

const lower = (text: string | null | undefined) => (text ?? '').toLowerCase();

function textOf(video: CmsVideo): string {
  return [video.name, video.description, video.long_description, ...video.tags, ...Object.values(video.custom_fields)].map(lower).join('\n');
}

function fieldPredicate(field: string, rawValue: string, nowMs: number, term: string): Predicate {
  const value = rawValue.replace(/^"(.*)"$/s, '$1');
  const needle = value.toLowerCase();
  if (field in DATE_FIELDS) return dateRange(field, value, nowMs, term);
  switch (field) {
    case 'state':
      return (v) => v.state === value.toUpperCase();
    case 'id':
      return (v) => v.id === value;
    case 'reference_id':
      return (v) => v.reference_id === value;
    case 'complete':
      return (v) => String(v.complete) === needle;
    case 'name':
    case 'description':
    case 'long_description':
      return (v) => lower(v[field] as string | null).includes(needle);
    case 'text':
      return (v) => [v.name, v.description, v.long_description].map(lower).join('\n').includes(needle);
    case 'tags': {
      // tags:a,b means a OR b; a quoted "a,b" is one tag.
      const wanted = rawValue.startsWith('"') ? [needle] : needle.split(',');
      if (wanted.some((t) => t === '')) throw badRequest('ILLEGAL_QUERY', `empty tag in ${term}`);
      return (v) => v.tags.some((t) => wanted.includes(t.toLowerCase()));
    }
    case 'custom_fields':
      return (v) => Object.values(v.custom_fields).some((x) => x.toLowerCase().includes(needle));
    default:
      return (v) => lower(v.custom_fields[field]).includes(needle);
  }
}

export function compileQuery(q: string | null, nowMs: number): CompiledQuery {
  const text = (q ?? '').trim();
  // Search strings under 3 characters are ignored: every video comes back.
  if (text.length < 3) return { matches: () => true, includesDeleted: false };
  const required: Predicate[] = [];
  const excluded: Predicate[] = [];
  const optional: Predicate[] = [];
  let includesDeleted = false;
  for (const token of tokenize(text)) {
    const sign = token[0] === '+' || token[0] === '-' ? token[0] : '';
    const term = token.slice(sign.length);
    const colon = term.indexOf(':');
    let predicate: Predicate;
    if (colon > 0) {
      const field = term.slice(0, colon);
      const value = term.slice(colon + 1);
      if (value === '') throw badRequest('ILLEGAL_QUERY', `missing value in ${JSON.stringify(token)}`);
      if (field === 'state' && value.replace(/"/g, '').toUpperCase() === 'DELETED' && sign !== '-') includesDeleted = true;
      predicate = fieldPredicate(field, value, nowMs, token);
    } else {
      const needle = term.replace(/^"(.*)"$/s, '$1').toLowerCase();
      if (needle.length < 3) continue;
      predicate = (video) => textOf(video).includes(needle);
    }
    (sign === '+' ? required : sign === '-' ? excluded : optional).push(predicate);
  }
  return {
    includesDeleted,
    matches: (video) =>
      required.every((p) => p(video)) &&
      !excluded.some((p) => p(video)) &&
      (required.length > 0 || optional.length === 0 || optional.some((p) => p(video))),
  };
}
