import { sweepAbandonedTemporaries } from '../atomic-file.ts';
import type { PipelineSession } from '../session.ts';
import type { WrittenFile } from './csv.ts';

/**
 * `pipeline export`: every export family writes its files from the marts. Each family lives in its own
 * file and is listed here; a family must work on an empty warehouse too (no Brightcove data, or no events).
 */
export type Exporter = (session: PipelineSession) => Promise<WrittenFile[]>;

async function exporters(): Promise<Array<[string, Exporter]>> {
  return [
    ['harper', (await import('./harper.ts')).harperExporter],
    ['reporting', (await import('./reporting.ts')).reportingExporter],
    ['engagement', (await import('./engagement.ts')).exportEngagement],
  ];
}

export async function exportAll(session: PipelineSession, log: (line: string) => void = console.log): Promise<WrittenFile[]> {
  // Leftovers of killed writers whose target no export writes any more (an account removed from the config).
  for (const path of sweepAbandonedTemporaries(session.dir.exports)) log(`  removed ${path}, left by a process that ended before renaming it`);
  const written: WrittenFile[] = [];
  for (const [family, exporter] of await exporters()) {
    const files = await exporter(session);
    log(`  ${family}: ${files.length} file(s), ${files.reduce((sum, file) => sum + file.rows, 0)} rows`);
    written.push(...files);
  }
  return written;
}
