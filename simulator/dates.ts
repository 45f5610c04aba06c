/** Calendar days as integers (days since 1970-01-01, UTC): cheap to compare, add and binary-search. */

const MS_PER_DAY = 86_400_000;
const ISO_DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

// Parsing and formatting dates dominate dataset generation; a few thousand distinct days are cached.
const dayByIso = new Map<string, number>();
const isoByDay = new Map<number, string>();

export function dayOf(isoDate: string): number {
  const cached = dayByIso.get(isoDate);
  if (cached !== undefined) return cached;
  const match = ISO_DAY.exec(isoDate);
  if (!match) throw new Error(`expected a date YYYY-MM-DD, got ${JSON.stringify(isoDate)}`);
  const ms = Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]));
  const day = ms / MS_PER_DAY;
  if (isoOfDay(day) !== isoDate) throw new Error(`not a calendar date: ${JSON.stringify(isoDate)}`);
  dayByIso.set(isoDate, day);
  return day;
}

/** Like dayOf, but undefined instead of an error (for request validation). */
export function tryDayOf(isoDate: string): number | undefined {
  try {
    return dayOf(isoDate);
  } catch {
    return undefined;
  }
}

export function isoOfDay(day: number): string {
  let iso = isoByDay.get(day);
  if (iso === undefined) {
    iso = new Date(day * MS_PER_DAY).toISOString().slice(0, 10);
    isoByDay.set(day, iso);
  }
  return iso;
}

export function dayOfMs(ms: number): number {
  return Math.floor(ms / MS_PER_DAY);
}

export function msOfDay(day: number): number {
  return day * MS_PER_DAY;
}

export function isoTimestamp(ms: number): string {
  return new Date(ms).toISOString();
}

export function utcToday(): string {
  return new Date().toISOString().slice(0, 10);
}

export { MS_PER_DAY };
