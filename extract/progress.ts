import cliProgress from 'cli-progress';
import type { AccountProgress } from './brightcove/account-context.ts';
import { redact } from './redact.ts';

/**
 * Progress of an extraction: one bar per account on a terminal (cli-progress MultiBar; the total
 * grows as /counts/videos and the window plan become known), plain log lines otherwise.
 */
export interface ExtractProgress {
  forAccount(slug: string): AccountProgress;
  log(line: string): void;
  stop(): void;
}

export function createProgress(options: { tty: boolean; log: (line: string) => void }): ExtractProgress {
  const log = (line: string) => options.log(redact(line));
  if (!options.tty) {
    return {
      forAccount(slug) {
        let done = 0;
        let total = 0;
        let lastLogged = 0;
        return {
          addWork(units) {
            total += units;
          },
          advance(units, status) {
            done += units;
            // A line per tenth of the work keeps a CI log readable.
            if (done === total || done - lastLogged >= Math.max(1, Math.ceil(total / 10))) {
              lastLogged = done;
              log(`[${slug}] ${done}/${total}${status ? ` ${status}` : ''}`);
            }
          },
          log: (line) => log(`[${slug}] ${line}`),
        };
      },
      log,
      stop() {},
    };
  }
  const bars = new cliProgress.MultiBar(
    { format: '{slug} |{bar}| {value}/{total} {status}', hideCursor: true, clearOnComplete: false, stopOnComplete: false },
    cliProgress.Presets.shades_classic,
  );
  return {
    forAccount(slug) {
      const label = slug.padEnd(24).slice(0, 24);
      const bar = bars.create(0, 0, { slug: label, status: '' });
      let total = 0;
      return {
        addWork(units) {
          total += units;
          bar.setTotal(total);
        },
        advance(units, status) {
          bar.increment(units, { status: status ?? '' });
        },
        log: (line) => bars.log(`${redact(`[${slug}] ${line}`)}\n`),
      };
    },
    log: (line) => bars.log(`${redact(line)}\n`),
    stop: () => bars.stop(),
  };
}
