import { appendFileSync } from 'node:fs';

/**
 * Failpoints for the crash suite (tests/crash/run-crash-suite.ts). `crashPoint(name)` does nothing
 * unless one of two environment variables is set:
 *
 * - `REELHOUSE_CRASH_AT=<name>:<n>`: the n-th time this process reaches the point `name`, it kills
 *   itself with SIGKILL. No finally block, exit handler or flush runs: what is on disk is exactly what
 *   a power cut or the OOM killer would leave.
 * - `REELHOUSE_CRASH_TRACE=<file>`: every point reached is appended to the file, one name a line, so
 *   the suite can count how often an uninterrupted run passes each point and spread its kills.
 *
 * Point names are `<stage>:<moment>`, e.g. `land:parquet-renamed`; `grep -rn crashPoint` lists them.
 */

const reached = new Map<string, number>();

export interface CrashTarget {
  readonly name: string;
  readonly occurrence: number;
}

/** Parses `<name>:<n>` (the name may itself contain colons); throws on anything else. */
export function parseCrashTarget(value: string): CrashTarget {
  const match = /^(.+):(\d+)$/.exec(value);
  const occurrence = match ? Number(match[2]) : 0;
  if (!match || occurrence < 1) {
    throw new Error(`REELHOUSE_CRASH_AT must be <point>:<n> with n ≥ 1, got "${value}" (for example land:parquet-renamed:3)`);
  }
  return { name: match[1]!, occurrence };
}

export function crashPoint(name: string): void {
  const at = process.env['REELHOUSE_CRASH_AT'];
  const trace = process.env['REELHOUSE_CRASH_TRACE'];
  if (!at && !trace) return;
  const count = (reached.get(name) ?? 0) + 1;
  reached.set(name, count);
  if (trace) appendFileSync(trace, `${name}\n`);
  if (!at) return;
  const target = parseCrashTarget(at);
  if (target.name !== name || target.occurrence !== count) return;
  process.kill(process.pid, 'SIGKILL');
  // The signal is delivered before this returns on Linux; never run another line if it is not.
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 60_000);
}
