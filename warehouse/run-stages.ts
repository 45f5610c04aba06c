import { buildCommand } from './build-command.ts';
import { checkCommand } from './checks.ts';
import { distribute } from './distribute.ts';
import { exportAll } from './export/export-command.ts';
import { publish } from './publish.ts';
import { writeReport } from './report/report-command.ts';
import { logRowAccounting } from './row-accounting-summary.ts';
import type { PipelineSession } from './session.ts';

/**
 * What `pipeline run` does after extraction: build → check → export → distribute → publish → report.
 * A failing stage stops the run before anything later: a failing check writes no export, delivers
 * nothing and leaves the previously published warehouse as it was.
 */
export async function runAfterExtract(session: PipelineSession, log: (line: string) => void = console.log): Promise<void> {
  const stage = (name: string) => log(`\n== ${name}`);
  stage('build');
  await buildCommand(session, undefined, log);
  await logRowAccounting(session.warehouse, log);
  stage('check');
  await checkCommand(session, log);
  stage('export');
  const files = await exportAll(session, log);
  stage('distribute');
  const deliveries = await distribute(session, log);
  log(`  ${deliveries.length} file(s) delivered`);
  stage('publish');
  const publication = await publish(session, { log });
  log(`\nWarehouse for analysts: ${publication.path} (${publication.tables.length} tables; open it read-only)`);
  log(`Exports (${files.length} files): ${session.dir.exports}`);
  stage('report');
  await writeReport(session, log);
}
