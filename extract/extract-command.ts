import { loadConfig } from '../config/load-config.ts';
import { assertIsoDate, todayUtc, type PipelineSession } from '../warehouse/session.ts';
import { assertCredentialsFor, loadBrightcoveAccess, type BrightcoveAccess } from './brightcove/credentials.ts';
import { lastFinalDay } from './brightcove/date-windows.ts';
import { demoEventVideos } from './events/demo-events.ts';
import type { SampleVideo } from './events/sample-events.ts';
import { runExtract, selectAccounts, type ExtractSummary } from './run-extract.ts';

/**
 * The `pipeline extract` / `pipeline run` entry: finds credentials (or, with --demo, starts the
 * built-in simulator in-process and points all three base URLs at it), then extracts.
 */

export interface ExtractArgs {
  readonly config: string;
  readonly 'as-of'?: string;
  readonly accounts?: string;
  readonly demo?: boolean;
  readonly secrets?: string;
}

export interface PreparedExtract {
  readonly access: BrightcoveAccess;
  readonly accounts: string[] | undefined;
  /** The as-of date to use (the demo's simulator is generated up to it). */
  readonly asOf: string;
  /** Demo only: videos of the simulator's catalog to generate sample player events for. */
  readonly demoEventVideos?: SampleVideo[];
  stop(): Promise<void>;
}

export function parseAccountList(value: string | undefined): string[] | undefined {
  const slugs = (value ?? '').split(',').map((slug) => slug.trim()).filter(Boolean);
  return slugs.length > 0 ? slugs : undefined;
}

/** Resolves credentials before anything is opened, so a missing secret fails fast with the how-to. */
export async function prepareExtract(args: ExtractArgs, log: (line: string) => void = console.log): Promise<PreparedExtract> {
  const config = loadConfig(args.config);
  const asOf = assertIsoDate(args['as-of'] ?? todayUtc());
  const accounts = parseAccountList(args.accounts);
  const slugs = selectAccounts(config.accounts, accounts).map((account) => account.slug);
  if (!args.demo) {
    const access = loadBrightcoveAccess(config, { secretsPath: args.secrets });
    assertCredentialsFor(access, slugs);
    return { access, accounts, asOf, stop: async () => undefined };
  }
  const { startSimulator, DEMO_CLIENT_ID, DEMO_CLIENT_SECRET } = await import('../simulator/server.ts');
  // The demo's size can shrink for CI (the crash suite); its history always follows the config's history_start_date.
  const simulator = await startSimulator({ seed: 42, today: asOf, historyStart: config.extract.history_start_date, videosPerAccount: demoVideosPerAccount() });
  log(`Demo: the Brightcove simulator serves ${simulator.url} (no credentials, no network)`);
  const access: BrightcoveAccess = {
    defaultCredential: { clientId: DEMO_CLIENT_ID, clientSecret: DEMO_CLIENT_SECRET },
    perAccount: {},
    proxy: {},
    baseUrls: { oauth: simulator.url, cms: simulator.url, analytics: simulator.url },
  };
  const catalog = Object.values(simulator.dataset.videos).flat();
  const daily = Object.values(simulator.dataset.daily).flat();
  return { access, accounts, asOf, demoEventVideos: demoEventVideos(catalog, 60, { daily, asOf, lastFinalDay: lastFinalDay(asOf, config.extract) }), stop: () => simulator.stop() };
}

/** REELHOUSE_DEMO_VIDEOS_PER_ACCOUNT: the demo simulator's videos per account (default: the simulator's 250). */
export function demoVideosPerAccount(env: NodeJS.ProcessEnv = process.env): number | undefined {
  const value = env['REELHOUSE_DEMO_VIDEOS_PER_ACCOUNT'];
  if (value === undefined || value === '') return undefined;
  const count = Number(value);
  if (!Number.isInteger(count) || count < 10) {
    throw new Error(`REELHOUSE_DEMO_VIDEOS_PER_ACCOUNT must be a whole number of at least 10, got "${value}" (for example 12)`);
  }
  return count;
}

export function extractWith(prepared: PreparedExtract, session: PipelineSession, log: (line: string) => void = console.log): Promise<ExtractSummary> {
  return runExtract(session, { access: prepared.access, accounts: prepared.accounts, log });
}
