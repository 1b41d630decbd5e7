import { GraphQLError } from 'graphql';
import { isFutureInstant, readInstant } from '@maillage/read-models';
import { ApiErrorCode } from './error-mapper';

/**
 * Raised on purpose by query services. NOT_FOUND is used both for missing and for forbidden reads,
 * so an answer never reveals whether something the caller may not see exists.
 */
export const notFound = (what = 'Ressource'): GraphQLError =>
  new GraphQLError(`${what} introuvable.`, { extensions: { code: ApiErrorCode.NOT_FOUND } });

export const badInput = (message: string): GraphQLError =>
  new GraphQLError(message, { extensions: { code: ApiErrorCode.BAD_USER_INPUT } });

/**
 * Bounds of `asOf`: the domain records no fact before the year 1000, and a four-digit year ends
 * with 9999; both well inside PostgreSQL's timestamptz (4713 BC to 294276 AD), which refused an
 * instant before 4713 BC as an internal error.
 */
export const AS_OF_MIN = '1000-01-01';
const AS_OF_FIRST = Date.parse(`${AS_OF_MIN}T00:00:00.000Z`);

/** Description of every `asOf` argument (the schema's). */
export const AS_OF_DESCRIPTION = `YYYY-MM-DD (the end of that day, UTC) or an ISO 8601 date-time with its offset (e.g. 2024-12-31T18:00:00+01:00), from ${AS_OF_MIN} to today (a date that has begun somewhere on Earth, a date-time up to 5 minutes ahead); default now.`;

/**
 * `asOf` arguments: an ISO date (end of that day, UTC, like the read models) or date-time with its
 * offset, of a day that exists, from AS_OF_MIN and not in the future (isFutureInstant: a future
 * date would be answered with today's knowledge, and differently later); otherwise BAD_USER_INPUT.
 */
export function parseAsOf(value: string | null | undefined, now: Date = new Date()): Date {
  if (value === undefined || value === null || value === '') return now;
  const read = readInstant(value);
  if ('problem' in read) {
    throw badInput(
      read.problem === 'calendar'
        ? `Date invalide : « ${value} » n'existe pas.`
        : `Date invalide : « ${value} » (attendu AAAA-MM-JJ, ou une date-heure ISO 8601 avec son décalage, par exemple 2024-12-31T18:00:00+01:00).`,
    );
  }
  if (read.instant.getTime() < AS_OF_FIRST) throw badInput(`Date hors limites : « ${value} » (asOf commence le ${AS_OF_MIN}).`);
  if (isFutureInstant(read, now)) throw badInput(`Date dans le futur : « ${value} » (asOf va au plus jusqu'à aujourd'hui).`);
  return read.instant;
}
