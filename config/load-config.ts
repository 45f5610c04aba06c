import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { z } from 'zod';

/** The configuration: accounts, years, windows and folders. Validated once at start-up, then frozen. */

const slug = z.string().regex(/^[a-z][a-z0-9_]*$/, 'must be lower snake_case');
// A distribution folder is a single path segment chosen by us, never a path: it must not escape the root.
const folderName = z
  .string()
  .min(1)
  .refine((value) => !/[\\/]/.test(value) && value !== '.' && value !== '..', 'must be one folder name, without / or \\');
const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD');
const origin = z.string().url().refine((value) => /^https?:\/\//.test(value), 'must be an http(s) origin');

const accountSchema = z
  .object({
    slug,
    name: z.string().min(1),
    account_id: z.string().regex(/^\d+$/, 'must be the numeric account id as a string'),
    business_unit: z.string().min(1),
    distribution_folder: folderName,
    category: slug,
    workflows: z.array(z.enum(['harper', 'reporting'])).min(1),
  })
  .strict();

export const configSchema = z
  .object({
    accounts: z.array(accountSchema).min(1),
    brightcove: z.object({ oauth_url: origin, cms_url: origin, analytics_url: origin }).strict(),
    extract: z
      .object({
        history_start_date: isoDate,
        analytics_window_days: z.number().int().min(1).max(366),
        trailing_refetch_days: z.number().int().min(0).max(90),
        reconciled_after_days: z.number().int().min(0).max(30),
        cms_page_size: z.number().int().min(1).max(100),
        cms_window_max_videos: z.number().int().min(100),
        cms_updated_at_overlap_minutes: z.number().int().min(0),
        max_attempts: z.number().int().min(1).max(20),
      })
      .strict(),
    reporting: z
      .object({
        years: z.array(z.number().int().min(2000).max(2100)).min(1),
        consolidation_categories: z.array(slug).min(1),
        cache_window_days: z.number().int().min(1).max(3650),
      })
      .strict(),
    harper: z.object({ daily_views_days: z.number().int().min(1).max(366) }).strict(),
    events: z
      .object({
        session_timeout_s: z.number().positive(),
        max_playback_speed: z.number().positive(),
        position_tolerance_s: z.number().min(0),
        completion_threshold: z.number().gt(0).max(1),
        // the engagement build sorts about this many events at a time (a slice of the users): a
        // memory knob, not a rule (docs/engagement.md); 10 M events peak at about 2.5 GiB
        events_per_build_slice: z.number().int().min(1).default(10_000_000),
      })
      .strict(),
    distribution: z.object({ root: z.string().min(1), month_offset: z.number().int().min(0).max(12) }).strict(),
    // Warning checks (sql/checks/*: severity warning) and `pipeline status`; optional, defaults below.
    checks: z
      .object({
        // player-event watch seconds may differ from Brightcove's by this share either way (0.2 = ±20 %)
        reconciliation_tolerance: z.number().min(0).max(10).default(0.2),
        // a source whose latest day is more days than this before the as-of date (or today) is stale
        freshness_max_age_days: z.number().int().min(0).max(366).default(2),
      })
      .strict()
      .default({ reconciliation_tolerance: 0.2, freshness_max_age_days: 2 }),
  })
  .strict()
  .superRefine((config, ctx) => {
    for (const key of ['slug', 'account_id'] as const) {
      const seen = new Set<string>();
      config.accounts.forEach((account, index) => {
        if (seen.has(account[key])) {
          ctx.addIssue({ code: 'custom', path: ['accounts', index, key], message: `duplicate ${key}` });
        }
        seen.add(account[key]);
      });
    }
  });

export type ReelhouseConfig = z.infer<typeof configSchema>;
export type AccountConfig = ReelhouseConfig['accounts'][number];

const GOOD_EXAMPLES: Array<[RegExp, string]> = [
  [/^accounts\.\d+\.slug$/, '"research_internal"'],
  [/^accounts\.\d+\.account_id$/, '"1197194721001"'],
  [/^accounts\.\d+\.distribution_folder$/, '"IntERnet--Shared"'],
  [/^accounts\.\d+\.category$/, '"internet"'],
  [/^accounts\.\d+\.workflows/, '["harper", "reporting"]'],
  [/^accounts\.\d+\.(name|business_unit)$/, '"Investment Banking"'],
  [/^brightcove\./, '"https://cms.api.brightcove.com"'],
  [/date$/, '"2023-01-01"'],
  [/^reporting\.years/, '[2024, 2025]'],
  [/^reporting\.consolidation_categories/, '["internet", "research"]'],
  [/^distribution\.root$/, '"distribution" (relative to the data dir) or "/srv/share/video"'],
  [/_days$/, '90'],
  [/_s$/, '1800'],
  [/completion_threshold$/, '0.95'],
  [/reconciliation_tolerance$/, '0.2'],
  [/max_playback_speed$/, '2.0'],
  [/max_attempts$/, '6'],
  [/page_size$/, '100'],
];

export class ConfigError extends Error {
  override name = 'ConfigError';
}

function valueAt(root: unknown, path: PropertyKey[]): unknown {
  let value: unknown = root;
  for (const key of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}

/** Validates a parsed config object; the error lists every bad field with its value and a good example. */
export function parseConfig(raw: unknown, source = 'configuration'): Readonly<ReelhouseConfig> {
  const result = configSchema.safeParse(raw);
  if (!result.success) {
    const lines = result.error.issues.map((issue) => {
      const field = issue.path.map(String).join('.') || '(root)';
      const bad = valueAt(raw, issue.path);
      const example = GOOD_EXAMPLES.find(([pattern]) => pattern.test(field))?.[1];
      const shown = bad === undefined ? 'missing' : JSON.stringify(bad);
      return `  ${field}: ${issue.message} (got ${shown}${example ? `; for example ${example}` : ''})`;
    });
    throw new ConfigError(`Invalid ${source}:\n${lines.join('\n')}`);
  }
  return deepFreeze(result.data);
}

export const DEFAULT_CONFIG_PATH = 'reelhouse.config.json';

export function loadConfig(path = DEFAULT_CONFIG_PATH): Readonly<ReelhouseConfig> {
  const fullPath = resolve(path);
  let text: string;
  try {
    text = readFileSync(fullPath, 'utf8');
  } catch (error) {
    throw new ConfigError(`Cannot read the configuration ${fullPath}: ${(error as Error).message}`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(`The configuration ${fullPath} is not valid JSON: ${(error as Error).message}`);
  }
  return parseConfig(raw, `configuration ${fullPath}`);
}

/** Accounts a workflow uses, in configuration order. */
export function accountsFor(config: ReelhouseConfig, workflow: 'harper' | 'reporting'): AccountConfig[] {
  return config.accounts.filter((account) => account.workflows.includes(workflow));
}

function deepFreeze<T>(value: T): Readonly<T> {
  if (value && typeof value === 'object') {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}
