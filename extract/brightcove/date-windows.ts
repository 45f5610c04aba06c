/**
 * Date windows for the Analytics API. Dates are `YYYY-MM-DD` strings (the account's days); windows are
 * inclusive at both ends.
 */

export interface DateWindow {
  readonly from: string;
  readonly to: string;
}

const DAY_MS = 86_400_000;
const toMs = (date: string) => Date.parse(`${date}T00:00:00Z`);
const fromMs = (ms: number) => new Date(ms).toISOString().slice(0, 10);

export const addDays = (date: string, days: number): string => fromMs(toMs(date) + days * DAY_MS);
export const daysIn = (window: DateWindow): number => Math.round((toMs(window.to) - toMs(window.from)) / DAY_MS) + 1;
export const formatWindow = (window: DateWindow): string => `${window.from}..${window.to}`;

export function datesOf(window: DateWindow): string[] {
  return Array.from({ length: daysIn(window) }, (_, index) => addDays(window.from, index));
}

export interface AnalyticsWindows {
  /** Fixed windows from history start up to the day before the trailing window: fetched until done. */
  readonly settled: DateWindow[];
  /** The trailing window ending at the as-of date: fetched on every run. */
  readonly trailing: DateWindow | undefined;
}

/**
 * Windows of `windowDays` aligned on the history start (so they are the same from run to run),
 * ending where the trailing re-fetch window of `trailingDays` (ending at as-of) begins.
 */
export function analyticsWindows(historyStart: string, asOf: string, windowDays: number, trailingDays: number): AnalyticsWindows {
  const range = analyticsRange(historyStart, asOf, trailingDays);
  return { settled: range.settled ? fixedWindows(range.settled, windowDays) : [], trailing: range.trailing };
}

/**
 * The first day of an account's report history. No view precedes its video, so the history starts at
 * the earliest video's creation day; a configured date only moves it earlier; and it never starts
 * before the first day the API holds data for the report (`reconciled_from` of /v1/data/status).
 * Without a catalog the configured date is the start.
 */
export function analyticsHistoryStart(input: { configured: string; earliestCreated?: string; dataFrom: string }): string {
  const candidate = input.earliestCreated === undefined ? input.configured : minDate(input.configured, input.earliestCreated);
  return maxDate(input.dataFrom, candidate);
}

/**
 * The settled range (history start up to the day before the trailing window, fetched until covered)
 * and the trailing window of `trailingDays` ending at as-of (fetched on every run).
 */
export function analyticsRange(historyStart: string, asOf: string, trailingDays: number): { settled: DateWindow | undefined; trailing: DateWindow | undefined } {
  if (toMs(asOf) < toMs(historyStart)) return { settled: undefined, trailing: undefined };
  const trailingFrom = trailingDays > 0 ? maxDate(historyStart, addDays(asOf, 1 - trailingDays)) : addDays(asOf, 1);
  const trailing = trailingDays > 0 ? { from: trailingFrom, to: asOf } : undefined;
  const lastSettled = addDays(trailingFrom, -1);
  const settled = toMs(lastSettled) >= toMs(historyStart) ? { from: historyStart, to: lastSettled } : undefined;
  return { settled, trailing };
}

/**
 * Cuts `range` into consecutive windows whose expected rows fit `budget`: a window takes day after day
 * while the sum of `expectedRowsOn(day)` stays within the budget; a day expected above the budget on
 * its own is a window alone (the row cap then splits it, or fails naming it).
 */
export function sizeWindows(range: DateWindow, expectedRowsOn: (date: string) => number, budget: number): DateWindow[] {
  const windows: DateWindow[] = [];
  let from = range.from;
  let rows = 0;
  for (let day = range.from; toMs(day) <= toMs(range.to); day = addDays(day, 1)) {
    const dayRows = expectedRowsOn(day);
    if (day !== from && rows + dayRows > budget) {
      windows.push({ from, to: addDays(day, -1) });
      from = day;
      rows = 0;
    }
    rows += dayRows;
  }
  windows.push({ from, to: range.to });
  return windows;
}

/** Cuts `range` into windows of `windowDays` (the last one shorter): when no row count can be expected. */
export function fixedWindows(range: DateWindow, windowDays: number): DateWindow[] {
  const windows: DateWindow[] = [];
  for (let from = range.from; toMs(from) <= toMs(range.to); from = addDays(from, windowDays)) {
    windows.push({ from, to: minDate(addDays(from, windowDays - 1), range.to) });
  }
  return windows;
}

/** The runs of consecutive dates of `window` not in `covered`. */
export function uncoveredParts(window: DateWindow, covered: ReadonlySet<string>): DateWindow[] {
  const parts: DateWindow[] = [];
  let start: string | undefined;
  let previous: string | undefined;
  for (const date of datesOf(window)) {
    if (covered.has(date)) {
      if (start && previous) parts.push({ from: start, to: previous });
      start = undefined;
    } else {
      start ??= date;
    }
    previous = date;
  }
  if (start && previous) parts.push({ from: start, to: previous });
  return parts;
}

export function halves(window: DateWindow): [DateWindow, DateWindow] {
  const leftDays = Math.ceil(daysIn(window) / 2);
  const leftTo = addDays(window.from, leftDays - 1);
  return [
    { from: window.from, to: leftTo },
    { from: addDays(leftTo, 1), to: window.to },
  ];
}

/**
 * Reconciled data is final; ask for it only once a window ended `afterDays` or more before as-of. A
 * window ends at the midnight after its last day: with as-of 2025-06-30 and 3 days, the last day may be
 * 2025-06-26 (ended 06-27 00:00). Days after that are still provisional and a reconciled query leaves
 * them out, which would mark days done that have no final numbers yet.
 */
export function isSettledForReconciled(window: DateWindow, asOf: string, afterDays: number): boolean {
  return toMs(window.to) + DAY_MS <= toMs(asOf) - afterDays * DAY_MS;
}

/**
 * The last day a run as of `asOf` holds Brightcove's final numbers for: before the trailing window
 * (re-fetched without reconciled=true on every run) and settled for a reconciled query. Later days stay
 * provisional in the warehouse until a later run fetches them final.
 */
export function lastFinalDay(asOf: string, settings: { readonly trailing_refetch_days: number; readonly reconciled_after_days: number }): string {
  const beforeTrailing = addDays(asOf, -Math.max(settings.trailing_refetch_days, 1));
  const settled = addDays(asOf, -(settings.reconciled_after_days + 1));
  return minDate(beforeTrailing, settled);
}

function maxDate(a: string, b: string): string {
  return toMs(a) >= toMs(b) ? a : b;
}
function minDate(a: string, b: string): string {
  return toMs(a) <= toMs(b) ? a : b;
}
