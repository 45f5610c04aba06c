import { buildCommand } from './build-command.ts';
import type { PipelineSession } from './session.ts';

/**
 * What `pipeline run` does after extraction: build → check → export → distribute → publish.
 * A failing stage stops the run before anything later (a failing check never publishes).
 */
export async function runAfterExtract(session: PipelineSession, log: (line: string) => void = console.log): Promise<void> {
  await buildCommand(session, undefined, log);
}
