import { EventStoreError, EventStoreErrorCode } from '../errors';

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
]);

/** SQLSTATEs meaning "the server is not there (any more)", as opposed to a bad statement. */
function isUnavailable(error: { code?: unknown; message?: unknown }): boolean {
  const code = typeof error.code === 'string' ? error.code : '';
  if (NETWORK_CODES.has(code)) return true;
  if (code.startsWith('08')) return true; // connection exceptions
  if (code === '57P01' || code === '57P02' || code === '57P03' || code === '53300') return true; // shutdown, too many connections
  if (code === '3D000') return true; // database does not exist
  const message = typeof error.message === 'string' ? error.message : '';
  return /Connection terminated|connection timeout|timeout exceeded when trying to connect|Client has encountered a connection error|not queryable/i.test(
    message,
  );
}

export function isRetryableTransactionError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === '40P01' || code === '40001';
}

export function toEventStoreError(error: unknown, doing: string): EventStoreError {
  if (error instanceof EventStoreError) return error;
  const e = (error ?? {}) as { code?: unknown; message?: unknown };
  const detail = typeof e.message === 'string' && e.message ? e.message : String(error);
  if (isUnavailable(e)) {
    return new EventStoreError(
      EventStoreErrorCode.DatabaseUnavailable,
      `Database unavailable while ${doing}: ${detail}`,
      { cause: error },
    );
  }
  return new EventStoreError(EventStoreErrorCode.DatabaseError, `Database error while ${doing}: ${detail}`, {
    cause: error,
  });
}
