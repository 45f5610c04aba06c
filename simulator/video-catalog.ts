import type { SimAccount } from './accounts.ts';
import { isoTimestamp, MS_PER_DAY } from './dates.ts';
import { Rng } from './prng.ts';

/**
 * One account's CMS video objects, shaped like the published samples: videos created before 2020
 * carry the 2014 sample's smaller key set, later ones the 2021 sample's full set.
 */

export type VideoState = 'ACTIVE' | 'INACTIVE' | 'PENDING' | 'DELETED';

export interface CmsVideo {
  id: string;
  account_id: string;
  name: string;
  description: string | null;
  long_description: string | null;
  reference_id: string | null;
  state: VideoState;
  duration: number | null;
  created_at: string;
  updated_at: string;
  published_at?: string | null;
  custom_fields: Record<string, string>;
  tags: string[];
  schedule: { starts_at: string | null; ends_at: string | null } | null;
  [key: string]: unknown;
}

/** The 15 custom fields the pipeline reads for business categorisation (docs/outputs.md#business-custom-fields). */
export const NAMED_CUSTOM_FIELDS = [
  'video_content_type',
  'relatedlinkname',
  'relatedlink',
  'country',
  'language',
  'business_unit',
  'video_category',
  'video_length',
  'video_owner_email',
  '1a_comms_sign_off',
  '1b_comms_sign_off_approver',
  '2a_data_classification_disclaimer',
  '3a_records_management_disclaimer',
  '4a_archiving_disclaimer_comms_branding',
  '4b_unique_sharepoint_id',
] as const;

export const HOSTILE_VALUES = {
  pathTraversal: '../../etc',
  sqlInjection: "'; DROP TABLE x; --",
  formula: '=HYPERLINK("http://x")',
  name: 'Markets, rates and "the Fed"\nPart 2, \'final\' cut',
} as const;

const SUBJECTS = ['Global Markets', 'Fixed Income', 'Equity Strategy', 'Wealth Planning', 'Digital Onboarding',
  'Sustainable Investing', 'Asia Outlook', 'US Economy', 'Client Town Hall', 'Risk & Compliance', 'FX Weekly',
  'Private Markets', 'Retirement Income', 'Tech Sector', 'Leadership Series'];
const KINDS = ['Earnings Call', 'Training', 'Webinar', 'Interview', 'Briefing', 'Panel', 'Explainer', 'Keynote'];
const CONTENT_TYPES = ['earnings_call', 'training', 'webinar', 'interview', 'marketing', 'town_hall', 'research'];
// Eight APAC countries (the planted regional finding compares them with the rest) and four others.
const COUNTRIES = ['US', 'CH', 'GB', 'DE', 'SG', 'JP', 'HK', 'AU', 'CN', 'IN', 'KR', 'TW'];
const LANGUAGES = ['en', 'de', 'fr', 'it', 'ja', 'zh'];
const CATEGORIES = ['research', 'internal', 'external', 'events', 'education'];
const PEOPLE = ['anna.meier', 'john.smith', 'li.wei', 'sara.rossi', 'tom.baker', 'yuki.tanaka', 'maria.garcia'];
const TAGS = ['markets', 'macro', 'equities', 'fixed income', 'esg', 'webinar', 'earnings', 'training', 'onboarding',
  'events', 'asia', 'europe', 'us'];
const HISTORY_FLOOR_MS = Date.UTC(2019, 0, 1);
const MODERN_SHAPE_FROM_MS = Date.UTC(2020, 0, 1);

export interface VideoDraft {
  /** Overrides for planted videos; everything else is drawn from the generator. */
  state?: VideoState;
  createdBeforeMs?: number;
  /** Exact creation (and last update) instant, for videos inserted while a crawl runs. */
  createdAtMs?: number;
  hostileCustomField?: string;
  hostileName?: boolean;
  plain?: boolean;
}

export function drawVideoId(rng: Rng, taken: Set<string>): string {
  for (;;) {
    const id = rng.digits(rng.int(16, 19));
    if (!taken.has(id)) {
      taken.add(id);
      return id;
    }
  }
}

function drawName(rng: Rng): string {
  const year = rng.int(2019, 2025);
  const base = `${rng.pick(SUBJECTS)} ${rng.pick(KINDS)}`;
  if (rng.chance(0.03)) return `${base}, ${year}: "Q${rng.int(1, 4)}" review`;
  if (rng.chance(0.3)) return `${base} Q${rng.int(1, 4)} ${year}`;
  return base;
}

function drawCustomFields(rng: Rng, account: SimAccount, durationMs: number | null): Record<string, string> {
  const fields: Record<string, string> = {};
  if (rng.chance(0.12)) return fields;
  const owner = rng.pick(PEOPLE);
  const values: Record<(typeof NAMED_CUSTOM_FIELDS)[number], () => string> = {
    video_content_type: () => rng.pick(CONTENT_TYPES),
    relatedlinkname: () => rng.pick(['Read the report', 'Full transcript', 'Slides', 'More on this topic']),
    relatedlink: () => `https://www.example.com/${account.slug}/${rng.hex(8)}`,
    country: () => rng.pick(COUNTRIES),
    language: () => rng.pick(LANGUAGES),
    business_unit: () => account.businessUnit,
    video_category: () => rng.pick(CATEGORIES),
    video_length: () => (durationMs === null ? 'unknown' : durationMs < 180_000 ? 'short' : durationMs < 1_200_000 ? 'medium' : 'long'),
    video_owner_email: () => `${owner}@example.com`,
    '1a_comms_sign_off': () => rng.pick(['Yes', 'No']),
    '1b_comms_sign_off_approver': () => rng.pick(PEOPLE).replace('.', ' '),
    '2a_data_classification_disclaimer': () => rng.pick(['Internal', 'Public', 'Confidential']),
    '3a_records_management_disclaimer': () => rng.pick(['Yes', 'No', 'N/A']),
    '4a_archiving_disclaimer_comms_branding': () => rng.pick(['Yes', 'No']),
    '4b_unique_sharepoint_id': () => `SP-${rng.digits(8)}`,
  };
  for (const key of NAMED_CUSTOM_FIELDS) {
    if (rng.chance(0.75)) fields[key] = values[key]();
  }
  // Per-account extras: the pipeline must keep custom fields it does not know about.
  if (rng.chance(0.3)) fields[`${account.slug}_campaign`] = `campaign-${rng.int(1, 40)}`;
  if (rng.chance(0.2)) fields.topic = rng.pick(SUBJECTS);
  return fields;
}

function drawActor(rng: Rng): Record<string, string> {
  const roll = rng.next();
  if (roll < 0.6) return { type: 'user', id: rng.digits(13), email: `${rng.pick(PEOPLE)}@example.com` };
  if (roll < 0.85) return { type: 'api_key', email: `${rng.pick(PEOPLE)}@example.com` };
  return { type: 'unknown' };
}

function drawImages(rng: Rng, accountId: string): Record<string, unknown> {
  const asset = `${rng.hex(8)}-${rng.hex(4)}-${rng.hex(4)}-${rng.hex(4)}-${rng.hex(12)}`;
  const image = (width: number, height: number) => {
    const src = `https://cf-images.simulator.invalid/v1/static/${accountId}/${asset}/${width}x${height}/match/image.jpg`;
    return { src, sources: [{ src, height, width }] };
  };
  return { poster: image(1280, 720), thumbnail: image(160, 90) };
}

/**
 * Draws one video. `todayMs` is the simulator's first "today": nothing is created or updated after it.
 */
export function drawVideo(
  rng: Rng,
  account: SimAccount,
  id: string,
  serial: number,
  todayMs: number,
  draft: VideoDraft = {},
): CmsVideo {
  const latestCreatedMs = Math.min(draft.createdBeforeMs ?? todayMs, todayMs) - 60_000;
  const drawnCreatedMs = HISTORY_FLOOR_MS + Math.floor(rng.next() * Math.max(1, latestCreatedMs - HISTORY_FLOOR_MS));
  const createdMs = draft.createdAtMs ?? drawnCreatedMs;
  const state: VideoState = draft.state ?? drawState(rng);
  const drawnUpdatedMs = createdMs + Math.floor(rng.next() * rng.next() * (todayMs - 60_000 - createdMs));
  let updatedMs = draft.createdAtMs ?? drawnUpdatedMs;
  // Deleted videos are only searchable for 10 days after deletion, so they were deleted recently.
  if (state === 'DELETED') updatedMs = Math.max(createdMs, todayMs - rng.int(1, 9) * MS_PER_DAY + rng.int(0, 86_000_000));
  const durationMs = draft.plain || !rng.chance(0.03) ? rng.int(15_000, 5_400_000) : null;
  const customFields = drawCustomFields(rng, account, durationMs);
  if (draft.hostileCustomField !== undefined) customFields.video_category = draft.hostileCustomField;
  const name = draft.hostileName ? HOSTILE_VALUES.name : drawName(rng);
  const description = rng.chance(0.8) ? `${name}: ${rng.pick(KINDS).toLowerCase()} for ${account.name} viewers.` : null;
  const longDescription = rng.chance(0.1) ? `${description ?? name}\n\nChapters:\n1. Intro\n2. Discussion` : null;
  const referenceId = rng.chance(0.8) ? `${account.slug}-${String(serial).padStart(5, '0')}` : null;
  const tags = rng.chance(0.3) ? [] : Array.from(new Set(Array.from({ length: rng.int(1, 4) }, () => rng.pick(TAGS))));
  const schedule = rng.chance(0.1)
    ? { starts_at: isoTimestamp(createdMs + 3_600_000), ends_at: rng.chance(0.5) ? isoTimestamp(createdMs + 400 * MS_PER_DAY) : null }
    : null;
  const complete = durationMs !== null;

  if (createdMs < MODERN_SHAPE_FROM_MS) {
    // The 2014 sample's key set: older videos simply lack the newer keys.
    return {
      id,
      account_id: account.id,
      complete,
      created_at: isoTimestamp(createdMs),
      cue_points: [],
      custom_fields: customFields,
      description,
      duration: durationMs,
      geo: null,
      long_description: longDescription,
      name,
      reference_id: referenceId,
      schedule,
      sharing: null,
      state,
      tags,
      updated_at: isoTimestamp(updatedMs),
    };
  }
  const publishedAt = state === 'ACTIVE' || rng.chance(0.3) ? (rng.chance(0.92) ? isoTimestamp(createdMs + rng.int(0, 7_200_000)) : null) : null;
  const video: CmsVideo = {
    id,
    account_id: account.id,
    ad_keys: null,
    clip_source_video_id: null,
    complete,
    created_at: isoTimestamp(createdMs),
    created_by: drawActor(rng),
    cue_points: [],
    custom_fields: customFields,
    delivery_type: complete ? 'dynamic_origin' : 'unknown',
    description,
    digital_master_id: complete && rng.chance(0.5) ? rng.digits(13) : null,
    duration: durationMs,
    economics: rng.chance(0.9) ? 'AD_SUPPORTED' : 'FREE',
    folder_id: rng.chance(0.3) ? rng.hex(24) : null,
    geo: null,
    has_digital_master: complete,
    images: complete ? drawImages(rng, account.id) : {},
    link: null,
    long_description: longDescription,
    name,
    original_filename: complete ? `${name.replace(/[^A-Za-z0-9]+/g, '_').slice(0, 40)}.mp4` : null,
    projection: null,
    published_at: publishedAt,
    reference_id: referenceId,
    schedule,
    sharing: null,
    state,
    tags,
    text_tracks: [],
    updated_at: isoTimestamp(updatedMs),
    updated_by: drawActor(rng),
    offline_enabled: false,
  };
  if (createdMs >= Date.UTC(2021, 0, 1)) video.playback_rights_id = 'primary';
  return video;
}

function drawState(rng: Rng): VideoState {
  const roll = rng.next();
  if (roll < 0.86) return 'ACTIVE';
  if (roll < 0.92) return 'INACTIVE';
  if (roll < 0.95) return 'PENDING';
  return 'DELETED';
}
