import type { AccountConfig } from '../config/load-config.ts';
import type { PipelineSession } from '../warehouse/session.ts';
import { AnalyticsExtractor, type AnalyticsResult } from './brightcove/analytics.ts';
import { CmsExtractor } from './brightcove/cms.ts';
import { accountLabel, type AccountContext } from './brightcove/account-context.ts';
import { credentialFor, type BrightcoveAccess } from './brightcove/credentials.ts';
import { TokenCache } from './brightcove/oauth.ts';
import { ANALYTICS_ROW_CAP, CMS_REQUESTS_PER_SECOND, ENDPOINT } from './brightcove/api-constants.ts';
import { HttpClient, RunStoppingError, type RetryPolicy } from './http.ts';
import { Lander, RAW_SOURCES, type RawSource } from './land.ts';
import { createProgress } from './progress.ts';
import { redact } from './redact.ts';

/**
 * `pipeline extract` (and the first half of `pipeline run`): every selected account's CMS videos and
 * daily analytics, accounts in parallel, each account's analytics requests one at a time, landed
 * page by page. Per account the CMS crawl comes first: the analytics history starts at the earliest
 * video's creation day and windows are sized by the catalog. A failing account does not stop the others; the run still fails at the end, naming
 * account, endpoint and window, with every finished page kept for the next run to resume from.
 */

export interface ExtractOptions {
  readonly access: BrightcoveAccess;
  /** Slugs; all configured accounts when absent. */
  readonly accounts?: readonly string[];
  readonly policy?: Partial<RetryPolicy>;
  readonly cmsRequestsPerSecond?: number;
  readonly tty?: boolean;
  readonly log?: (line: string) => void;
  /** Analytics page size override (tests); default `all`. */
  readonly analyticsPageLimit?: number | 'all';
}

export interface ExtractSummary {
  readonly requests: Array<{ endpoint: string; outcome: string; requests: number }>;
  readonly rowsLanded: Record<RawSource, number>;
  readonly filesLanded: number;
  readonly strayFilesRemoved: number;
  readonly analyticsRequests: number;
  /**
   * The fewest analytics requests the run could have made: one per account and report it asked, more
   * only where the row cap forces it (ceil(rows landed / 1,000,000)).
   */
  readonly leastAnalyticsRequests: number;
  readonly videos: number;
  readonly oneRequestPerVideo: number;
  readonly seconds: number;
  readonly failures: string[];
}

export class ExtractFailedError extends Error {
  override name = 'ExtractFailedError';
}

/** Retry and timeout settings from the environment, so tests and slow links can tune them without config. */
export function policyFromEnv(env: NodeJS.ProcessEnv = process.env): Partial<RetryPolicy> {
  const read = (name: string) => {
    const value = env[name];
    if (value === undefined || value === '') return undefined;
    const number = Number(value);
    if (!Number.isFinite(number) || number < 0) throw new Error(`${name} must be a number of milliseconds, got "${value}" (for example 500)`);
    return number;
  };
  const policy: Partial<{ -readonly [K in keyof RetryPolicy]: RetryPolicy[K] }> = {};
  const base = read('REELHOUSE_RETRY_BASE_MS');
  const max = read('REELHOUSE_RETRY_MAX_MS');
  const processing = read('REELHOUSE_PROCESSING_DELAY_MS');
  const timeout = read('REELHOUSE_HTTP_TIMEOUT_MS');
  if (base !== undefined) policy.baseDelayMs = base;
  if (max !== undefined) policy.maxDelayMs = max;
  if (processing !== undefined) policy.processingDelayMs = processing;
  if (timeout !== undefined) policy.timeoutMs = timeout;
  return policy;
}

export function selectAccounts(all: readonly AccountConfig[], slugs?: readonly string[]): AccountConfig[] {
  if (!slugs || slugs.length === 0) return [...all];
  const unknown = slugs.filter((slug) => !all.some((account) => account.slug === slug));
  if (unknown.length > 0) {
    throw new Error(`--accounts: unknown account ${unknown.map((slug) => `"${slug}"`).join(', ')}; configured: ${all.map((a) => a.slug).join(', ')}`);
  }
  return all.filter((account) => slugs.includes(account.slug));
}

export async function runExtract(session: PipelineSession, options: ExtractOptions): Promise<ExtractSummary> {
  const started = performance.now();
  const log = options.log ?? ((line: string) => console.log(line));
  const accounts = selectAccounts(session.config.accounts, options.accounts);
  const extractConfig = session.config.extract;
  const lander = new Lander(session.warehouse, session.dir, session.runId);
  const recovery = await lander.recoverLake();
  const strayFilesRemoved = recovery.removed;
  if (strayFilesRemoved > 0) log(`Removed ${strayFilesRemoved} uncommitted file(s) (not in the lake's commit log) left in the lake by an interrupted run`);
  if (recovery.retracted.length > 0) {
    log(`Lake: ${recovery.retracted.length} committed file(s) damaged or missing; moved aside to damaged/ when present, and their windows are fetched again:`);
    for (const line of recovery.retracted) log(`  ${line}`);
  }

  const http = new HttpClient({
    policy: { maxAttempts: extractConfig.max_attempts, ...policyFromEnv(), ...options.policy },
    proxy: options.access.proxy,
  });
  const tokens = new TokenCache(http, options.access.baseUrls.oauth);
  const progress = createProgress({ tty: options.tty ?? Boolean(process.stdout.isTTY), log });
  const cmsRate = options.cmsRequestsPerSecond ?? (Number(process.env['REELHOUSE_CMS_RPS']) || CMS_REQUESTS_PER_SECOND);
  const failures: string[] = [];
  // A failure every account shares (the token endpoint unreachable) ends the run as itself, once.
  let runStopper: RunStoppingError | undefined;
  const analyticsResults: Array<AnalyticsResult & { accountId: string }> = [];

  try {
    await Promise.all(
      accounts.map(async (account) => {
        const context: AccountContext = {
          account,
          http,
          auth: tokens.forCredential(credentialFor(options.access, account.slug)),
          lander,
          cmsOrigin: options.access.baseUrls.cms,
          analyticsOrigin: options.access.baseUrls.analytics,
          extractConfig,
          asOfDate: session.asOfDate,
          progress: progress.forAccount(account.slug),
          cmsRequestsPerSecond: cmsRate,
        };
        const analytics = new AnalyticsExtractor(context, { pageLimit: options.analyticsPageLimit });
        // The catalog first: analytics plans its history and windows from it. A failed crawl still lets
        // analytics run, on the catalog landed so far (or the configured start without one).
        const [cms] = await Promise.allSettled([new CmsExtractor(context).run()]);
        const [report] = await Promise.allSettled([analytics.run()]);
        if (report.status === 'fulfilled') analyticsResults.push({ ...report.value, accountId: account.account_id });
        for (const outcome of [cms, report]) {
          if (outcome.status !== 'rejected') continue;
          if (outcome.reason instanceof RunStoppingError) runStopper ??= outcome.reason;
          else failures.push(redact(`${accountLabel(account)}: ${(outcome.reason as Error).message}`));
        }
      }),
    );
  } finally {
    progress.stop();
    await recordRequests(lander, session.runId, http).catch((error: Error) => log(`Could not record request counts: ${redact(error.message)}`));
    await http.close();
  }

  const videos = Number(
    (await lander.query<{ videos: string }>(
      `SELECT count(DISTINCT video_id)::VARCHAR AS videos FROM raw.cms_videos WHERE list_contains($1::VARCHAR[], account_id)`,
      [`[${accounts.map((account) => `"${account.account_id}"`).join(',')}]`],
    ))[0]?.videos ?? 0,
  );
  const videosByAccount = new Map(
    (await lander.query<{ account_id: string; videos: number }>(`SELECT account_id, count(DISTINCT video_id)::DOUBLE AS videos FROM raw.cms_videos GROUP BY account_id`)).map(
      (row) => [row.account_id, Number(row.videos)],
    ),
  );
  const summary: ExtractSummary = {
    requests: http.counter.entries(),
    rowsLanded: { ...lander.rowsLanded },
    filesLanded: lander.filesLanded,
    strayFilesRemoved,
    analyticsRequests: http.counter.total(ENDPOINT.analytics),
    leastAnalyticsRequests: analyticsResults.reduce(
      (sum, result) => sum + result.sources.reduce((least, source) => least + Math.max(1, Math.ceil((result.rowsBySource[source] ?? 0) / ANALYTICS_ROW_CAP)), 0),
      0,
    ),
    videos,
    // Asked per video, every window of every report would be one request per video of the account.
    oneRequestPerVideo: analyticsResults.reduce((sum, result) => sum + result.fetches * (videosByAccount.get(result.accountId) ?? 0), 0),
    seconds: (performance.now() - started) / 1000,
    failures,
  };
  printSummary(summary, log);
  if (runStopper) throw new ExtractFailedError(redact(runStopper.message));
  if (failures.length > 0) {
    throw new ExtractFailedError(`Extraction failed for ${failures.length} part(s):\n  ${failures.join('\n  ')}`);
  }
  return summary;
}

async function recordRequests(lander: Lander, runId: string, http: HttpClient): Promise<void> {
  const entries = http.counter.entries();
  await lander.commit(
    [],
    [
      { sql: 'DELETE FROM meta.api_requests WHERE run_id = $1', params: [runId] },
      ...entries.map((entry) => ({
        sql: 'INSERT INTO meta.api_requests VALUES ($1, $2, $3, $4)',
        params: [runId, entry.endpoint, entry.outcome, entry.requests],
      })),
    ],
  );
}

export function printSummary(summary: ExtractSummary, log: (line: string) => void): void {
  log('Requests by endpoint and outcome:');
  for (const entry of summary.requests) log(`  ${entry.endpoint.padEnd(26)} ${entry.outcome.padEnd(16)} ${entry.requests}`);
  log('Rows landed:');
  for (const source of RAW_SOURCES) log(`  ${source.padEnd(30)} ${summary.rowsLanded[source]}`);
  log(`Files landed: ${summary.filesLanded}`);
  log(
    `Analytics requests: ${summary.analyticsRequests} (the least possible: ${summary.leastAnalyticsRequests}, one per account and report and more only where the 1,000,000-row cap forces it; ` +
      `one request per video, report and window would need ${summary.oneRequestPerVideo} for ${summary.videos} videos)`,
  );
  log(`Time: ${summary.seconds.toFixed(1)} s`);
}
