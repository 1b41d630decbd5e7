import type { ExpectedVersion } from './event-store.port';

/** Every failure the event store reports carries one of these codes (mapped to API errors upstream). */
export enum EventStoreErrorCode {
  InvalidStreamName = 'INVALID_STREAM_NAME',
  /** Empty event list, bad event id, missing type, invalid date, bad expected version or read option. */
  InvalidArgument = 'INVALID_ARGUMENT',
  /** The payload (or actor) cannot be stored as JSON: BigInt, circular, function, NaN, NUL character. */
  UnserialisablePayload = 'UNSERIALISABLE_PAYLOAD',
  /** The expected version did not match the stream's version. Thrown as `ConcurrencyError`. */
  WrongExpectedVersion = 'WRONG_EXPECTED_VERSION',
  /** An event id already belongs to other events (not a retry of the same append). */
  DuplicateEventId = 'DUPLICATE_EVENT_ID',
  InvalidPosition = 'INVALID_POSITION',
  /**
   * The database cannot be reached or dropped the connection. If it happened during an append the
   * outcome is unknown: retry with the same event ids (retries are idempotent).
   */
  DatabaseUnavailable = 'DATABASE_UNAVAILABLE',
  DatabaseError = 'DATABASE_ERROR',
  Closed = 'STORE_CLOSED',
}

export class EventStoreError extends Error {
  constructor(
    readonly code: EventStoreErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'EventStoreError';
  }
}

/** The stream's version differs from the expected one; `actualVersion` is the version to retry from. */
export class ConcurrencyError extends EventStoreError {
  constructor(
    readonly streamId: string,
    readonly expectedVersion: ExpectedVersion,
    readonly actualVersion: number,
  ) {
    // An expected answer under contention (retry from actualVersion), not a fault: no stack frames.
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    super(
      EventStoreErrorCode.WrongExpectedVersion,
      `Stream "${streamId}" is at version ${actualVersion}, expected ${String(expectedVersion)}`,
    );
    Error.stackTraceLimit = limit;
    this.name = 'ConcurrencyError';
  }
}
