/**
 * Every rule value of tests/fixtures/reelhouse.config.json with its small steps either way, and the
 * tests that must fail when the fixture holds a step instead of the documented default (issue 9: "each
 * rule value of the fixture, moved one step either way, makes `npm test` fail").
 * `npm run test:mutation` turns each step into a mutant of the fixture (area `config`);
 * tests/config/rule-values.test.ts checks that this list and NON_RULE_VALUES together cover every value.
 *
 * `tests` are test files or folders (every test file under a folder), as vitest takes them.
 */

export const CONFIG_FIXTURE = 'tests/fixtures/reelhouse.config.json';

export interface ConfigRule {
  /** Dotted path of the value in the fixture; an array of plain values is one value. */
  readonly path: string;
  /** The fixture's value, written out so a change to the fixture is noticed here. */
  readonly value: unknown;
  /** One small step down and one up (or, for a list, one fewer and one more). */
  readonly steps: readonly unknown[];
  /** Steps the configuration schema refuses: moving there fails every test at load time. */
  readonly refused?: readonly unknown[];
  readonly tests: readonly string[];
  /** What the value rules, in a few words. */
  readonly rule: string;
}

const ENGAGEMENT_TESTS = ['tests/events/engagement-boundaries.test.ts'];

export const CONFIG_STEPS: readonly ConfigRule[] = [
  // Player-event engagement (docs/engagement-rules.md)
  { path: 'events.session_timeout_s', value: 1800, steps: [1790, 1810], tests: ENGAGEMENT_TESTS, rule: 'a gap longer than this starts a new session' },
  { path: 'events.max_playback_speed', value: 2.0, steps: [1.9, 2.1], tests: ENGAGEMENT_TESTS, rule: 'position may advance at most this × wall time to be credited' },
  { path: 'events.position_tolerance_s', value: 2, steps: [1.5, 2.5], tests: ENGAGEMENT_TESTS, rule: 'slack for crediting, seek skips and not-playing skips' },
  { path: 'events.completion_threshold', value: 0.95, steps: [0.94, 0.96], tests: ENGAGEMENT_TESTS, rule: 'share of the duration watched that counts as complete' },

  // Brightcove extraction
  {
    path: 'extract.history_start_date',
    value: '2023-01-01',
    steps: ['2022-12-31', '2023-01-02'],
    tests: ['tests/extract/history-and-window-sizing.test.ts'],
    rule: 'first day asked of Analytics unless the earliest video is earlier (all time)',
  },
  { path: 'extract.analytics_window_days', value: 31, steps: [30, 32], tests: ['tests/extract/request-rules.test.ts', 'tests/extract/analytics-unit.test.ts'], rule: 'days per settled Analytics window' },
  { path: 'extract.trailing_refetch_days', value: 7, steps: [6, 8], tests: ['tests/extract/request-rules.test.ts', 'tests/extract/analytics-unit.test.ts'], rule: 'days before as-of re-fetched on every run' },
  { path: 'extract.reconciled_after_days', value: 3, steps: [2, 4], tests: ['tests/extract/request-rules.test.ts', 'tests/extract/analytics-unit.test.ts'], rule: 'a window is asked reconciled once it ended this many days before as-of' },
  {
    path: 'extract.cms_page_size',
    value: 100,
    steps: [99, 101],
    refused: [101],
    tests: ['tests/extract/request-rules.test.ts', 'tests/config/load-config.test.ts'],
    rule: 'videos per CMS page (Brightcove allows at most 100)',
  },
  { path: 'extract.cms_window_max_videos', value: 5000, steps: [4999, 5001], tests: ['tests/extract/cms-window.test.ts'], rule: 'a created_at window with more videos is bisected' },
  { path: 'extract.cms_updated_at_overlap_minutes', value: 60, steps: [59, 61], tests: ['tests/extract/request-rules.test.ts'], rule: 'incremental CMS crawls start this long before the last updated_at' },
  { path: 'extract.max_attempts', value: 6, steps: [5, 7], tests: ['tests/extract/retry-and-token.test.ts'], rule: 'attempts per request, the first included' },

  // Reporting and Harper exports
  {
    path: 'reporting.years',
    value: [2024, 2025],
    steps: [[2024], [2024, 2025, 2026]],
    tests: ['tests/models/brightcove-marts.test.ts', 'tests/export/brightcove-exports.test.ts'],
    rule: 'calendar years the reporting exports cover',
  },
  {
    path: 'reporting.consolidation_categories',
    value: ['internet', 'research'],
    steps: [['internet'], ['internet', 'research', 'gwm']],
    tests: ['tests/export/brightcove-exports.test.ts', 'tests/models/brightcove-marts.test.ts'],
    rule: 'account categories consolidated into one reporting file each',
  },
  { path: 'reporting.cache_window_days', value: 90, steps: [89, 91], tests: ['tests/models/window-boundaries.test.ts'], rule: 'a video is in the cache when viewed within this many days' },
  { path: 'harper.daily_views_days', value: 30, steps: [29, 31], tests: ['tests/models/window-boundaries.test.ts'], rule: 'days of daily views in the Harper export' },

  // Distribution
  { path: 'distribution.month_offset', value: 1, steps: [0, 2], tests: ['tests/delivery/distribution-month.test.ts'], rule: 'the Harper files are copied into the folder of the month this many months after as-of' },

  // Warning checks and `pipeline status`
  {
    path: 'checks.reconciliation_tolerance',
    value: 0.2,
    steps: [0.19, 0.21],
    tests: ['tests/analyses/reconciliation-freshness.test.ts'],
    rule: 'player-event watch seconds may differ from Brightcove seconds by this share either way',
  },
  {
    path: 'checks.freshness_max_age_days',
    value: 2,
    steps: [1, 3],
    tests: ['tests/analyses/reconciliation-freshness.test.ts', 'tests/analyses/status.test.ts'],
    rule: 'a source whose latest day is more days old than this is stale',
  },
];

/**
 * Values of the fixture that are not rule values, and why no step of theirs is asked to fail a test.
 * A path ending in `.*` covers every element of a list of objects.
 */
export const NON_RULE_VALUES: Readonly<Record<string, string>> = {
  'accounts.*.slug': 'account identity: the name tests and exports use for an account, not a number or comparison',
  'accounts.*.name': 'account identity: display name',
  'accounts.*.account_id': 'account identity: the Brightcove account id the simulator serves',
  'accounts.*.business_unit': 'account identity: label carried into exports',
  'accounts.*.distribution_folder': 'folder name under the distribution root, chosen by the business',
  'accounts.*.category': 'account identity: which consolidation group an account belongs to (the rule is reporting.consolidation_categories)',
  'accounts.*.workflows': 'account identity: which exports include the account',
  'brightcove.oauth_url': 'API address; tests point the client at the simulator instead',
  'brightcove.cms_url': 'API address; tests point the client at the simulator instead',
  'brightcove.analytics_url': 'API address; tests point the client at the simulator instead',
  'distribution.root': 'folder name of the distribution share',
  'events.events_per_build_slice':
    'memory knob, not a rule: how many events the engagement build sorts at a time; moving it must NOT change a row ' +
    '(tests/events/slices.test.ts builds the same events in one slice and in 12 and compares the rows)',
};
