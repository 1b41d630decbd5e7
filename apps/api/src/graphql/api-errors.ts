import { GraphQLError } from 'graphql';
import { ApiErrorCode } from './error-mapper';

/**
 * Raised on purpose by query services. NOT_FOUND is used both for missing and for forbidden reads,
 * so an answer never reveals whether something the caller may not see exists.
 */
export const notFound = (what = 'Ressource'): GraphQLError =>
  new GraphQLError(`${what} introuvable.`, { extensions: { code: ApiErrorCode.NOT_FOUND } });

export const badInput = (message: string): GraphQLError =>
  new GraphQLError(message, { extensions: { code: ApiErrorCode.BAD_USER_INPUT } });

/** `asOf` arguments: an ISO date (end of that day, UTC, like the read models) or date-time. */
export function parseAsOf(value: string | null | undefined, now: Date = new Date()): Date {
  if (value === undefined || value === null || value === '') return now;
  const date = /^\d{4}-\d{2}-\d{2}$/.test(value) ? new Date(`${value}T23:59:59.999Z`) : new Date(value);
  if (Number.isNaN(date.getTime())) throw badInput(`Date invalide : « ${value} » (attendu AAAA-MM-JJ ou date-heure ISO).`);
  return date;
}
