import { buildModels, discoverModels, selectModels } from './models.ts';
import type { PipelineSession } from './session.ts';
import { assertLakeSound } from './lake-index.ts';

/** `pipeline build [--select MODEL+]`: builds the selected models in dependency order. */
export async function buildCommand(session: PipelineSession, select?: string, log: (line: string) => void = console.log) {
  const models = selectModels(discoverModels(), select);
  // No mart is built on a damaged lake: a damaged event load waits for a person (verify --accept-loss).
  assertLakeSound(session.dir);
  log(`Building ${models.length} model(s) into ${session.dir.workingDb}`);
  return buildModels(session.warehouse, models, session.runId, (build) => {
    log(`  ${build.model.padEnd(42)} ${String(build.rowCount).padStart(10)} rows  ${build.seconds.toFixed(2)} s`);
  });
}
