import { EventStoreError, EventStoreErrorCode } from './errors';
import { ANY, NO_STREAM, STREAM_EXISTS, type EventToAppend, type ExpectedVersion } from './event-store.port';

/**
 * Stream names are `<category>-<id>`: a lower-case category (letters, digits, dashes, starting with
 * a letter), a dash, then an id of letters, digits and dashes (UUIDs fit), at most 200 characters.
 * Examples: `cooperation-3f1c...`, `organisation-42`. The category is the text before the first
 * dash-separated id part; keeping names this narrow means they are safe in logs, URLs and
 * EventStoreDB (where `$` prefixes are reserved) alike.
 */
export const STREAM_NAME_PATTERN = /^[a-z][a-z0-9]*(?:-[a-z0-9]+)*-[A-Za-z0-9]+(?:-[A-Za-z0-9]+)*$/;
export const STREAM_NAME_MAX_LENGTH = 200;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const EVENT_TYPE = /^[A-Za-z][A-Za-z0-9_.]{0,199}$/;

/** Whether `streamId` can name a stream (see STREAM_NAME_PATTERN). */
export function isValidStreamName(streamId: unknown): streamId is string {
  return typeof streamId === 'string' && streamId.length <= STREAM_NAME_MAX_LENGTH && STREAM_NAME_PATTERN.test(streamId);
}

export function assertValidStreamName(streamId: unknown): asserts streamId is string {
  if (!isValidStreamName(streamId)) {
    throw new EventStoreError(
      EventStoreErrorCode.InvalidStreamName,
      `Invalid stream name ${JSON.stringify(String(streamId)).slice(0, 220)}: expected "<category>-<id>" ` +
        `(lower-case category, letters/digits/dashes, at most ${STREAM_NAME_MAX_LENGTH} characters)`,
    );
  }
}

export function assertValidExpectedVersion(expected: unknown): asserts expected is ExpectedVersion {
  if (expected === NO_STREAM || expected === STREAM_EXISTS || expected === ANY) return;
  if (typeof expected === 'number' && Number.isSafeInteger(expected) && expected >= 0) return;
  throw new EventStoreError(
    EventStoreErrorCode.InvalidArgument,
    `Invalid expected version ${String(expected)}: a non-negative integer, NO_STREAM, STREAM_EXISTS or ANY`,
  );
}

/** An event validated and serialised once, ready to be embedded in a batch. */
export interface PreparedEvent {
  eventId: string;
  type: string;
  schemaVersion: number;
  dataJson: string;
  actorJson: string;
  occurredAt: string;
  correlationId: string | null;
  causationId: string | null;
}

export function prepareEvents(streamId: string, events: unknown): PreparedEvent[] {
  if (!Array.isArray(events) || events.length === 0) {
    throw new EventStoreError(
      EventStoreErrorCode.InvalidArgument,
      `Appending to "${streamId}" needs at least one event`,
    );
  }
  const seen = new Set<string>();
  return events.map((raw: EventToAppend, index) => {
    const where = `event #${index} for "${streamId}"`;
    if (raw === null || typeof raw !== 'object') invalid(`${where} is not an object`);
    if (typeof raw.eventId !== 'string' || !UUID.test(raw.eventId))
      invalid(`${where}: eventId must be a UUID`);
    const eventId = raw.eventId.toLowerCase();
    if (seen.has(eventId)) invalid(`${where}: eventId ${eventId} appears twice in the same append`);
    seen.add(eventId);
    if (typeof raw.type !== 'string' || !EVENT_TYPE.test(raw.type)) {
      invalid(`${where}: type must match ${EVENT_TYPE.source}`);
    }
    const schemaVersion = raw.schemaVersion ?? 1;
    if (!Number.isSafeInteger(schemaVersion) || schemaVersion < 1 || schemaVersion > 2_147_483_647) {
      invalid(`${where}: schemaVersion must be a positive integer`);
    }
    if (!(raw.occurredAt instanceof Date) || Number.isNaN(raw.occurredAt.getTime())) {
      invalid(`${where}: occurredAt must be a valid Date`);
    }
    const correlationId = optionalId(raw.correlationId, `${where}: correlationId`);
    const causationId = optionalId(raw.causationId, `${where}: causationId`);
    if (raw.data === undefined) {
      throw new EventStoreError(EventStoreErrorCode.UnserialisablePayload, `${where}: data is undefined`);
    }
    return {
      eventId,
      type: raw.type,
      schemaVersion,
      dataJson: serialiseJson(raw.data, `${where} data`),
      actorJson: raw.actor == null ? 'null' : serialiseJson(raw.actor, `${where} actor`),
      occurredAt: raw.occurredAt.toISOString(),
      correlationId,
      causationId,
    };
  });
}

function optionalId(value: unknown, what: string): string | null {
  if (value == null) return null;
  if (typeof value !== 'string' || value.length === 0 || value.length > 200) {
    invalid(`${what} must be a non-empty string of at most 200 characters`);
  }
  return value;
}

function invalid(message: string): never {
  throw new EventStoreError(EventStoreErrorCode.InvalidArgument, message);
}

// JSON.stringify writes NUL as \u0000, which PostgreSQL's jsonb refuses; an odd number of
// backslashes before "u0000" means it is that escape and not a literal backslash in the text.
const ESCAPED_NUL = /(?<!\\)(?:\\\\)*\\u0000/;

/**
 * JSON.stringify silently turns NaN/Infinity into null and drops functions; those would be
 * silent data loss in an append-only log, so they are refused like BigInt and cycles.
 */
export function serialiseJson(value: unknown, what: string): string {
  let json: string | undefined;
  try {
    json = JSON.stringify(value, (key, v: unknown) => {
      switch (typeof v) {
        case 'bigint':
          throw new TypeError(`BigInt at "${key}"`);
        case 'function':
        case 'symbol':
          throw new TypeError(`${typeof v} at "${key}"`);
        case 'number':
          if (!Number.isFinite(v)) throw new TypeError(`non-finite number ${v} at "${key}"`);
          return v;
        default:
          return v;
      }
    });
  } catch (cause) {
    throw new EventStoreError(
      EventStoreErrorCode.UnserialisablePayload,
      `${what} cannot be stored as JSON: ${(cause as Error).message}`,
      { cause },
    );
  }
  if (json === undefined) {
    throw new EventStoreError(EventStoreErrorCode.UnserialisablePayload, `${what} is not a JSON value`);
  }
  if (ESCAPED_NUL.test(json)) {
    throw new EventStoreError(
      EventStoreErrorCode.UnserialisablePayload,
      `${what} contains a NUL character, which PostgreSQL cannot store in jsonb`,
    );
  }
  return json;
}
