import { GraphQLError } from 'graphql';
import { AS_OF_MIN, readAsOf } from '@maillage/read-models';
import { ApiErrorCode } from './error-mapper';

/**
 * Raised on purpose by query services. NOT_FOUND is used both for missing and for forbidden reads,
 * so an answer never reveals whether something the caller may not see exists.
 */
export const notFound = (what = 'Ressource'): GraphQLError =>
  new GraphQLError(`${what} introuvable.`, { extensions: { code: ApiErrorCode.NOT_FOUND } });

export const badInput = (message: string): GraphQLError =>
  new GraphQLError(message, { extensions: { code: ApiErrorCode.BAD_USER_INPUT } });

/** Description of every `asOf` argument (the schema's). */
export const AS_OF_DESCRIPTION = `YYYY-MM-DD (the end of that day in France, Europe/Paris) or an ISO 8601 date-time with its offset (e.g. 2024-12-31T18:00:00+01:00), from ${AS_OF_MIN} to today (a date that has begun somewhere on Earth, a date-time up to 5 minutes ahead); default now.`;

/** `asOf` arguments (readAsOf's rule); default now; a refusal is BAD_USER_INPUT. */
export function parseAsOf(value: string | null | undefined, now: Date = new Date()): Date {
  if (value === undefined || value === null || value === '') return now;
  const read = readAsOf(value, now);
  if ('refusal' in read) throw badInput(read.refusal);
  return read.instant;
}
