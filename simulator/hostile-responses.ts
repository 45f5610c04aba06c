/**
 * Hostile answers: what a real API sometimes sends instead of what its documentation promises. Two
 * kinds, both switched on through FaultConfig and decided by counters (never the clock or Math.random):
 *
 * - whole bodies (`htmlErrorPage`, `emptyBodyEvery`, `unexpectedShapeEvery`): a proxy's HTML page,
 *   an empty 200, or valid JSON of the wrong shape (an object where an array was due, or the reverse);
 * - single items inside an otherwise good CMS `/videos` page or Analytics `items` array
 *   (`wrongTypeItemEvery`, `bareIdEvery`, `missingKeyEvery`, `extraKeysEvery`, `invalidValueEvery`):
 *   wrong types, ids as bare JSON numbers (often beyond 2^53), missing keys, unknown keys (custom-field
 *   keys that look like paths, SQL or spreadsheet formulas), negative views and impossible dates
 *   (Analytics rows only: a CMS video with an unreadable field is still a video).
 *
 * Items are copied before they are changed: the dataset stays the ground truth.
 */

/** Custom-field keys and extra top-level keys planted by `extraKeysEvery`. */
export const HOSTILE_KEYS = {
  pathKey: '../../etc/passwd',
  sqlKey: "x'); DROP TABLE raw.cms_videos; --",
  formulaKey: '=cmd|\' /C calc\'!A0',
  quotedKey: 'notes, "quoted"\nsecond line',
} as const;

/** The placeholder a bare id travels in until the body is serialized (a NUL cannot occur in real data). */
const BARE_MARK = '\u0000bare-number:';
const BARE_MARK_IN_JSON = /"\\u0000bare-number:(-?\d+)"/g;

/** JSON text of a body, with marked ids written as bare numbers, exact digits kept. */
export function serializeBody(body: unknown): string {
  const text = JSON.stringify(body);
  return text.includes('bare-number:') ? text.replace(BARE_MARK_IN_JSON, '$1') : text;
}

export type ItemSource = 'cms' | 'analytics';

export interface ItemFaultCounts {
  wrongTypeItemEvery: number;
  bareIdEvery: number;
  missingKeyEvery: number;
  extraKeysEvery: number;
  invalidValueEvery: number;
}

type ItemFault = keyof ItemFaultCounts;
const ITEM_FAULTS: readonly ItemFault[] = ['wrongTypeItemEvery', 'bareIdEvery', 'missingKeyEvery', 'extraKeysEvery', 'invalidValueEvery'];

/** Counts served items per fault and changes the n-th ones. */
export class ItemCorrupter {
  private counters: Record<ItemFault, number> = { wrongTypeItemEvery: 0, bareIdEvery: 0, missingKeyEvery: 0, extraKeysEvery: 0, invalidValueEvery: 0 };
  /** How many items each fault changed since it was last set (tests read it to know a fault fired). */
  changed: Record<ItemFault, number> = { wrongTypeItemEvery: 0, bareIdEvery: 0, missingKeyEvery: 0, extraKeysEvery: 0, invalidValueEvery: 0 };

  restart(fault: string): void {
    if ((ITEM_FAULTS as readonly string[]).includes(fault)) {
      this.counters[fault as ItemFault] = 0;
      this.changed[fault as ItemFault] = 0;
    }
  }

  /** The items of one answer, each possibly replaced by a changed copy. */
  apply(items: readonly unknown[], source: ItemSource, config: ItemFaultCounts): unknown[] {
    if (ITEM_FAULTS.every((fault) => !(config[fault] > 0))) return [...items];
    return items.map((original) => {
      let item = original as Record<string, unknown>;
      for (const fault of ITEM_FAULTS) {
        const every = config[fault];
        if (!(every > 0) || (fault === 'invalidValueEvery' && source === 'cms')) continue;
        const serial = ++this.counters[fault];
        if (serial % every !== 0) continue;
        this.changed[fault] += 1;
        item = corrupt(fault, { ...item }, source, Math.floor(serial / every));
      }
      return item;
    });
  }
}

function corrupt(fault: ItemFault, item: Record<string, unknown>, source: ItemSource, occurrence: number): Record<string, unknown> {
  const idKey = source === 'cms' ? 'id' : 'video';
  switch (fault) {
    case 'wrongTypeItemEvery':
      // A number as a string: "17" is still readable, "17 views" is not.
      if (source === 'cms') item['duration'] = item['duration'] === null || item['duration'] === undefined ? 'unknown' : String(item['duration']);
      else item['video_view'] = occurrence % 2 === 1 ? String(item['video_view']) : `${String(item['video_view'])} views`;
      return item;
    case 'bareIdEvery':
      if (typeof item[idKey] === 'string' && /^\d+$/.test(item[idKey] as string)) item[idKey] = `${BARE_MARK}${item[idKey] as string}`;
      return item;
    case 'missingKeyEvery': {
      const keys = source === 'cms' ? ['id', 'name'] : ['video', 'date'];
      delete item[keys[occurrence % keys.length]!];
      return item;
    }
    case 'extraKeysEvery':
      item['x_unexpected'] = { nested: [1, 'two', null], note: 'a key no documentation mentions' };
      if (source === 'cms') {
        item['custom_fields'] = {
          ...((item['custom_fields'] as Record<string, unknown> | undefined) ?? {}),
          [HOSTILE_KEYS.pathKey]: 'value under a path-like key',
          [HOSTILE_KEYS.sqlKey]: 'value under a SQL-like key',
          [HOSTILE_KEYS.formulaKey]: '=1+1',
          [HOSTILE_KEYS.quotedKey]: 'a value, "quoted"\nover two lines',
        };
      }
      return item;
    case 'invalidValueEvery':
      if (occurrence % 2 === 1) item['video_view'] = -Math.max(1, Number(item['video_view']) || 1);
      else item['date'] = '2025-13-45';
      return item;
  }
}

/** A whole answer replaced: how it is sent, or undefined to send the real one. */
export interface HostileBody {
  readonly status: number;
  readonly contentType: string;
  readonly text: string;
  readonly outcome: string;
}

export function htmlErrorPage(status: 502 | 200): HostileBody {
  const text =
    '<!DOCTYPE html>\n<html><head><title>502 Bad Gateway</title></head>\n' +
    '<body><h1>Bad Gateway</h1><p>The proxy server received an invalid response from an upstream server.</p></body></html>\n';
  return { status, contentType: 'text/html; charset=utf-8', text, outcome: `html_${status}` };
}

export function emptyBody(): HostileBody {
  return { status: 200, contentType: 'application/json;charset=UTF-8', text: '', outcome: 'empty_200' };
}

/** Valid JSON of the wrong shape: an array where an object was due, an object where an array was. */
export function unexpectedShape(body: unknown): HostileBody {
  const wrong = Array.isArray(body) ? { videos: body } : [body];
  return { status: 200, contentType: 'application/json;charset=UTF-8', text: JSON.stringify(wrong), outcome: 'unexpected_shape' };
}
