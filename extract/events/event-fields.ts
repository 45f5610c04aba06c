/**
 * The input fields of a player event (docs/engagement-rules.md#event-fields) and the names each may arrive under:
 * camelCase as the player sends them, or snake_case. Readers map a source's columns onto these.
 */
export const EVENT_FIELDS = {
  event_at_text: ['timestamp', 'eventTimestamp', 'event_timestamp'],
  user_id: ['userId', 'user_id'],
  session_id: ['sessionId', 'session_id'],
  video_id: ['videoId', 'video_id'],
  event_name: ['eventName', 'event_name'],
  position_text: ['currentTime', 'current_time'],
  video_duration_text: ['videoDuration', 'video_duration'],
  event_id: ['eventId', 'event_id'],
} as const;

export type EventField = keyof typeof EVENT_FIELDS;

export const EVENT_FIELD_NAMES = Object.keys(EVENT_FIELDS) as EventField[];

/** The source column that carries `field`, matching exactly first, then ignoring case. */
export function sourceColumnFor(field: EventField, columns: readonly string[]): string | undefined {
  const accepted = EVENT_FIELDS[field] as readonly string[];
  const exact = accepted.find((name) => columns.includes(name));
  if (exact) return exact;
  const lowered = new Set(accepted.map((name) => name.toLowerCase()));
  return columns.find((column) => lowered.has(column.toLowerCase()));
}
