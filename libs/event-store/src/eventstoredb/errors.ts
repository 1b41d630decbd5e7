import { EventStoreError, EventStoreErrorCode } from '../errors';

/**
 * Translates what @eventstore/db-client throws into the port's typed errors, with a message an
 * operator can act on. Works on the error's `type` (the client's ErrorType values) and gRPC status
 * `code`, not on classes, so it also recognises errors from a second copy of the client.
 * WrongExpectedVersion is not handled here: the adapter turns it into a ConcurrencyError itself.
 */
export interface ClientErrorLike {
  type?: unknown;
  code?: unknown;
  message?: unknown;
  leader?: { address?: unknown; port?: unknown } | null;
}

// gRPC status codes (@grpc/grpc-js `status`).
const GRPC_CANCELLED = 1;
const GRPC_DEADLINE_EXCEEDED = 4;
const GRPC_RESOURCE_EXHAUSTED = 8;
const GRPC_UNAVAILABLE = 14;

const UNAVAILABLE_TYPES = new Set(['unavailable', 'timeout', 'deadline-exceeded', 'cancelled']);

export function isUnavailable(error: unknown): boolean {
  const e = asClientError(error);
  if (!e) return false;
  if (typeof e.type === 'string' && (UNAVAILABLE_TYPES.has(e.type) || e.type === 'not-leader')) return true;
  if (e.code === GRPC_UNAVAILABLE || e.code === GRPC_DEADLINE_EXCEEDED || e.code === GRPC_CANCELLED) return true;
  const message = typeof e.message === 'string' ? e.message : '';
  // Node socket errors surfacing unwrapped (DNS failure, refused connection).
  return /ECONNREFUSED|ENOTFOUND|EAI_AGAIN|ECONNRESET|EHOSTUNREACH|ETIMEDOUT|Failed to discover|No connection established/i.test(
    message,
  );
}

export function isWrongExpectedVersion(error: unknown): boolean {
  return asClientError(error)?.type === 'wrong-expected-version';
}

export function isStreamNotFound(error: unknown): boolean {
  return asClientError(error)?.type === 'stream-not-found';
}

/**
 * @param doing what the adapter was doing ("appending to \"cooperation-1\"", "reading all events").
 * @param isAppend whether the outcome of a write is unknown when the connection fails.
 */
export function translateEventStoreDbError(error: unknown, doing: string, isAppend = false): EventStoreError {
  if (error instanceof EventStoreError) return error;
  const e = asClientError(error);
  const detail = e && typeof e.message === 'string' && e.message ? e.message : text(error);
  const type = typeof e?.type === 'string' ? e.type : undefined;
  const retryHint = isAppend
    ? ' The outcome of the append is unknown: retry with the same event ids (retries are idempotent).'
    : ' Retry once the cluster is reachable.';

  if (type === 'not-leader') {
    const leader = e?.leader;
    const where =
      leader && leader.address != null ? ` (the leader is now ${text(leader.address)}:${text(leader.port)})` : '';
    return new EventStoreError(
      EventStoreErrorCode.DatabaseUnavailable,
      `EventStoreDB: the node that received the request is not the cluster leader${where} while ${doing}; ` +
        `the client reconnects to the new leader.${retryHint}`,
      { cause: error },
    );
  }
  if (isUnavailable(error)) {
    return new EventStoreError(
      EventStoreErrorCode.DatabaseUnavailable,
      `EventStoreDB is unreachable or dropped the connection while ${doing}: ${detail}.${retryHint}`,
      { cause: error },
    );
  }
  switch (type) {
    case 'access-denied':
      return new EventStoreError(
        EventStoreErrorCode.DatabaseError,
        `EventStoreDB refused access while ${doing}: check the credentials in EVENTSTORE_CONNECTION_STRING (${detail})`,
        { cause: error },
      );
    case 'maximum-append-size-exceeded':
      return new EventStoreError(
        EventStoreErrorCode.InvalidArgument,
        `The append is larger than the server's maximum append size while ${doing}: split it (${detail})`,
        { cause: error },
      );
    case 'stream-deleted':
      return new EventStoreError(
        EventStoreErrorCode.DatabaseError,
        `The stream was deleted in EventStoreDB (Maillage never deletes streams) while ${doing}: ${detail}`,
        { cause: error },
      );
    case 'invalid-argument':
      return new EventStoreError(EventStoreErrorCode.InvalidArgument, `EventStoreDB refused the request while ${doing}: ${detail}`, {
        cause: error,
      });
    default:
      if (e?.code === GRPC_RESOURCE_EXHAUSTED) {
        return new EventStoreError(
          EventStoreErrorCode.DatabaseUnavailable,
          `EventStoreDB is overloaded while ${doing}: ${detail}.${retryHint}`,
          { cause: error },
        );
      }
      return new EventStoreError(EventStoreErrorCode.DatabaseError, `EventStoreDB error while ${doing}: ${detail}`, {
        cause: error,
      });
  }
}

/** The error for a cluster that cannot be reached when the store opens (fail fast at startup). */
export function unreachableAtStartError(connectionString: string, error: unknown): EventStoreError {
  const cause = translateEventStoreDbError(error, 'checking the connection');
  return new EventStoreError(
    EventStoreErrorCode.DatabaseUnavailable,
    `EventStoreDB is not reachable at start (${redactConnectionString(connectionString)}): ${
      text(asClientError(error)?.message ?? error)
    }. Check EVENTSTORE_CONNECTION_STRING, that the cluster is up and that TLS settings match ` +
      `(tls=false for an insecure cluster).`,
    { cause: cause.cause ?? error },
  );
}

/** Hides the password of `esdb://user:password@host` connection strings in messages and logs. */
export function redactConnectionString(connectionString: string): string {
  return connectionString.replace(/^([a-z+]+:\/\/)([^:@/]+):([^@/]*)@/i, '$1$2:***@');
}

function asClientError(error: unknown): ClientErrorLike | null {
  return error !== null && typeof error === 'object' ? error : null;
}

function text(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean') return value.toString();
  if (value instanceof Error) return value.message;
  try {
    return JSON.stringify(value) ?? typeof value;
  } catch {
    return typeof value;
  }
}
