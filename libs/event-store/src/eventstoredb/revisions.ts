import { ANY as ESDB_ANY, NO_STREAM as ESDB_NO_STREAM, STREAM_EXISTS as ESDB_STREAM_EXISTS } from '@eventstore/db-client';
import type { AppendExpectedRevision, CurrentRevision } from '@eventstore/db-client';
import { EventStoreError, EventStoreErrorCode } from '../errors';
import { ANY, NO_STREAM, STREAM_EXISTS, type ExpectedVersion } from '../event-store.port';

/**
 * Versions (the port) are 1-based counts: version 0 is "no stream", the first event has version 1.
 * Revisions (EventStoreDB) are 0-based event numbers: the first event has revision 0n, and the
 * expected revision names the revision of the stream's LAST event. So version v <=> revision v - 1.
 */

/** Maps the port's expectation to the client's: 0 and NO_STREAM both mean "the stream has no event". */
export function toExpectedRevision(expected: ExpectedVersion): AppendExpectedRevision {
  switch (expected) {
    case NO_STREAM:
      return ESDB_NO_STREAM;
    case STREAM_EXISTS:
      return ESDB_STREAM_EXISTS;
    case ANY:
      return ESDB_ANY;
    default:
      if (!Number.isSafeInteger(expected) || expected < 0) {
        throw new EventStoreError(
          EventStoreErrorCode.InvalidArgument,
          `Invalid expected version ${String(expected)}: a non-negative integer, NO_STREAM, STREAM_EXISTS or ANY`,
        );
      }
      return expected === 0 ? ESDB_NO_STREAM : BigInt(expected - 1);
  }
}

/** True when the server guarantees deduplication by event id for this expectation (exact revision). */
export function isExactExpectation(expected: ExpectedVersion): boolean {
  return expected === NO_STREAM || typeof expected === 'number';
}

/** Stream version (1-based) of an event at `revision` (0-based); accepts bigint, number or digit string. */
export function versionFromRevision(revision: bigint | number | string): number {
  const r = toBigInt(revision, 'revision');
  if (r < 0n) {
    throw new EventStoreError(EventStoreErrorCode.DatabaseError, `Negative stream revision ${r} from the server`);
  }
  const version = r + 1n;
  if (version > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new EventStoreError(EventStoreErrorCode.DatabaseError, `Stream revision ${r} exceeds the safe integer range`);
  }
  return Number(version);
}

/** Revision (0-based) of the event with stream version `version` (1-based, >= 1). */
export function revisionFromVersion(version: number): bigint {
  if (!Number.isSafeInteger(version) || version < 1) {
    throw new EventStoreError(EventStoreErrorCode.InvalidArgument, `Stream version ${String(version)} has no revision`);
  }
  return BigInt(version - 1);
}

/** The version a `WrongExpectedVersionError` reports the stream at: "no_stream" is version 0. */
export function versionFromCurrentRevision(current: CurrentRevision | number | undefined | null): number {
  if (current === undefined || current === null || current === ESDB_NO_STREAM) return 0;
  return versionFromRevision(current);
}

/** The client types revisions and positions as bigint but has been seen returning numbers: normalise. */
export function toBigInt(value: unknown, what: string): bigint {
  if (typeof value === 'bigint') return value;
  if (typeof value === 'number' && Number.isSafeInteger(value)) return BigInt(value);
  if (typeof value === 'string' && /^-?\d{1,20}$/.test(value)) return BigInt(value);
  throw new EventStoreError(EventStoreErrorCode.DatabaseError, `Unexpected ${what} ${String(value)} from EventStoreDB`);
}
