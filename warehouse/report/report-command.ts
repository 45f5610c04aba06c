import { join } from 'node:path';
import { writeFileAtomically } from '../atomic-file.ts';
import type { PipelineSession } from '../session.ts';
import { runAnalysis } from '../analyses.ts';
import { renderReport } from './report-page.ts';

/**
 * `pipeline report`: writes <data-dir>/report/index.html (outside exports/, which stays byte-identical
 * between runs; the report is never distributed). `pipeline run` writes it last.
 */
export function reportPath(dataDirRoot: string): string {
  return join(dataDirRoot, 'report', 'index.html');
}

export async function writeReport(session: PipelineSession, log: (line: string) => void = console.log): Promise<string> {
  const { warehouse } = session;
  const build = (await warehouse.rows<{ run_id: string; as_of_date: string }>(
    `SELECT r.run_id, CAST(r.as_of_date AS VARCHAR) AS as_of_date
     FROM meta.model_builds AS b JOIN meta.runs AS r USING (run_id)
     ORDER BY b.built_at DESC LIMIT 1`,
  ))[0];
  if (build === undefined) throw new Error('Nothing to report: no model was built in this data dir yet (run pipeline build, or pipeline run)');
  const html = await renderReport(
    { asOfDate: build.as_of_date, builtByRun: build.run_id, writtenByRun: session.runId },
    async (analysis) => [...(await runAnalysis(analysis, session.dir.publishedDb)).rows],
  );
  const target = reportPath(session.dir.root);
  await writeFileAtomically(target, html);
  log(`Report: ${target}`);
  return target;
}
