import { writeSync } from 'node:fs';

/**
 * SIGINT (Ctrl-C) and SIGTERM end a pipeline process at once, the way a kill does: no more work, no
 * exit handler. That is the crash the pipeline is built to survive (every stage commits atomically;
 * the next session marks the run interrupted and carries on from what was committed).
 *
 * Why not a graceful `process.exit`: it runs the exit handlers first (which would free the data dir
 * lock) and then waits for the threads still working (a DuckDB query, a blocked read), possibly for
 * ever, so the next command found the lock free but the warehouse still locked by DuckDB. Ended by
 * the signal itself, the process is gone when its lock file is seen, and the lock (naming a dead pid)
 * is taken over by the next command. Exit status 130 (SIGINT) or 143 (SIGTERM), as for any process
 * ended by that signal; `tsx` reports the same.
 *
 * A command that stops gracefully on a signal (the simulator) registers its own listener; then this
 * one leaves the signal to it.
 */
export function endProcessOnSignals(log: (line: string) => void = (line) => writeSync(2, `${line}\n`)): void {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    const end = () => {
      if (process.listeners(signal).some((listener) => listener !== end)) return;
      log(`\nStopped by ${signal}. Whatever was committed is kept; the next command carries on from there.`);
      // With no listener left, Node restores the default action, which the signal then takes.
      process.removeAllListeners(signal);
      process.kill(process.pid, signal);
    };
    process.on(signal, end);
  }
}
