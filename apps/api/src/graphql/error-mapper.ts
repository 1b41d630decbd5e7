import { Logger } from '@nestjs/common';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { ConcurrencyError, EventStoreError, EventStoreErrorCode } from '@maillage/event-store';
import { DomainError, DomainErrorCode } from '@maillage/domain';
import { IdempotencyKeyReusedError } from '../command-side/idempotency.store';
import { GATE_ITEM_LABELS } from '../cooperations/cooperation-view';
import { AccessDeniedError } from '../authorization/access-policy';

/** Codes a client can rely on in `extensions.code`, besides the domain's own invariant codes. */
export enum ApiErrorCode {
  BAD_USER_INPUT = 'BAD_USER_INPUT',
  NOT_FOUND = 'NOT_FOUND',
  UNAUTHENTICATED = 'UNAUTHENTICATED',
  FORBIDDEN = 'FORBIDDEN',
  CONCURRENCY_CONFLICT = 'CONCURRENCY_CONFLICT',
  GATE_NOT_SATISFIED = 'GATE_NOT_SATISFIED',
  IDEMPOTENCY_KEY_REUSED = 'IDEMPOTENCY_KEY_REUSED',
  SERVICE_UNAVAILABLE = 'SERVICE_UNAVAILABLE',
  INTERNAL_SERVER_ERROR = 'INTERNAL_SERVER_ERROR',
}

const logger = new Logger('GraphQL');

/** Apollo's own codes for requests that never reached a resolver; they are safe to pass on. */
const APOLLO_REQUEST_CODES = new Set([
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_USER_INPUT',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  'OPERATION_RESOLUTION_FAILURE',
  'BAD_REQUEST',
]);

/** Extensions of deliberate GraphQLErrors that clients may read (anything else is dropped). */
const PUBLIC_EXTENSIONS = ['retryAfterSeconds', 'field'] as const;

interface Mapped {
  message: string;
  extensions: Record<string, unknown>;
}

/**
 * The one place where failures become GraphQL errors: domain rejections keep their code and
 * details, conflicts carry the current version, and anything unexpected is logged here and
 * answered with a generic message (no stack trace, no SQL, no internals leave the server).
 */
export function mapError(error: unknown): Mapped | null {
  if (error instanceof AccessDeniedError) {
    // NOT_FOUND for reads the caller may not make: the same answer as for a missing cooperation.
    return { message: error.message, extensions: { code: error.reason === 'NOT_FOUND' ? ApiErrorCode.NOT_FOUND : ApiErrorCode.FORBIDDEN } };
  }
  if (error instanceof DomainError) return mapDomainError(error);
  if (error instanceof ConcurrencyError) {
    const what = error.streamId.startsWith('organisation-') ? "L'organisation" : 'La coopération';
    return {
      message: `${what} a été modifiée entre-temps (version actuelle ${error.actualVersion}). Rechargez-la puis recommencez.`,
      extensions: {
        code: ApiErrorCode.CONCURRENCY_CONFLICT,
        currentVersion: error.actualVersion,
        expectedVersion: error.expectedVersion,
      },
    };
  }
  if (error instanceof IdempotencyKeyReusedError) {
    return {
      message: "Cette clé d'idempotence a déjà servi pour une autre demande.",
      extensions: { code: ApiErrorCode.IDEMPOTENCY_KEY_REUSED },
    };
  }
  if (error instanceof EventStoreError) {
    switch (error.code) {
      case EventStoreErrorCode.InvalidArgument:
      case EventStoreErrorCode.InvalidStreamName:
      case EventStoreErrorCode.UnserialisablePayload:
      case EventStoreErrorCode.InvalidPosition:
        return { message: 'Requête invalide.', extensions: { code: ApiErrorCode.BAD_USER_INPUT, reason: error.code } };
      case EventStoreErrorCode.DatabaseUnavailable:
      case EventStoreErrorCode.Closed:
        return {
          message: 'Le service est momentanément indisponible. Réessayez dans un instant.',
          extensions: { code: ApiErrorCode.SERVICE_UNAVAILABLE },
        };
      default:
        return null;
    }
  }
  return null;
}

function mapDomainError(error: DomainError): Mapped {
  // The error's own codes come last: a detail never overrides them.
  const details = error.details;
  switch (error.code) {
    case DomainErrorCode.VALIDATION_FAILED:
      return { message: error.message, extensions: { ...details, code: ApiErrorCode.BAD_USER_INPUT, domainCode: error.code } };
    case DomainErrorCode.NOT_FOUND:
      return { message: error.message, extensions: { ...details, code: ApiErrorCode.NOT_FOUND } };
    case DomainErrorCode.GATE_NOT_SATISFIED:
      return {
        message: error.message,
        extensions: { ...details, code: error.code, missingItems: missingItems(details) },
      };
    default: {
      const extensions: Record<string, unknown> = { ...details, code: error.code };
      if (Array.isArray(details.missing)) extensions.missingItems = missingItems(details);
      return { message: error.message, extensions };
    }
  }
}

function missingItems(details: Record<string, unknown>): { id: string; label: string }[] {
  const missing = Array.isArray(details.missing) ? (details.missing as string[]) : [];
  return missing.map((id) => ({ id, label: GATE_ITEM_LABELS.get(id) ?? id }));
}

/** Apollo `formatError`: maps known failures, masks the rest. */
export function formatGraphQLError(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError {
  const original = error instanceof GraphQLError ? (error.originalError ?? error) : error;
  const mapped = mapError(original);
  if (mapped) return { message: mapped.message, locations: formatted.locations, path: formatted.path, extensions: mapped.extensions };
  const code = formatted.extensions?.code;
  if (typeof code === 'string' && APOLLO_REQUEST_CODES.has(code) && !(original instanceof Error && !(original instanceof GraphQLError))) {
    return { message: formatted.message, locations: formatted.locations, path: formatted.path, extensions: { code } };
  }
  if (original instanceof GraphQLError && typeof code === 'string' && code !== String(ApiErrorCode.INTERNAL_SERVER_ERROR)) {
    // Errors raised on purpose as GraphQLError by our resolvers (e.g. NOT_FOUND for a forbidden read):
    // their code, and only the details meant for clients.
    const extensions: Record<string, unknown> = { code };
    for (const key of PUBLIC_EXTENSIONS) if (formatted.extensions?.[key] !== undefined) extensions[key] = formatted.extensions[key];
    return { message: formatted.message, locations: formatted.locations, path: formatted.path, extensions };
  }
  if (original === error && isClientRequestError(error)) {
    // Apollo refuses some requests with a bare GraphQLError and an HTTP 4xx but no code (a
    // persisted-query hash that does not match its query, an unknown persisted-query version).
    return { message: formatted.message, locations: formatted.locations, path: formatted.path, extensions: { code: 'BAD_REQUEST' } };
  }
  logger.error(original instanceof Error ? (original.stack ?? original.message) : String(original));
  return {
    message: 'Erreur interne. Elle a été enregistrée ; réessayez ou contactez le support.',
    locations: formatted.locations,
    path: formatted.path,
    extensions: { code: ApiErrorCode.INTERNAL_SERVER_ERROR },
  };
}

/** A GraphQLError raised by Apollo itself (no cause) for a malformed request: its HTTP status is 4xx. */
function isClientRequestError(error: unknown): boolean {
  if (!(error instanceof GraphQLError) || error.originalError) return false;
  const status = (error.extensions?.http as { status?: unknown } | undefined)?.status;
  return typeof status === 'number' && status >= 400 && status < 500;
}
