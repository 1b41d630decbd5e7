import { isoForm, latestDayBegun } from '@maillage/domain';
import type { QueryResult, QueryResultRow } from 'pg';

/** A pg Pool, PoolClient or Client. */
export interface Queryable {
  query<R extends QueryResultRow = QueryResultRow>(text: string, values?: unknown[]): Promise<QueryResult<R>>;
}

/** Clock time in France métropolitaine, whose days "as of" dates name. */
const PARIS = new Intl.DateTimeFormat('en-US', {
  timeZone: 'Europe/Paris',
  hourCycle: 'h23',
  year: 'numeric',
  month: 'numeric',
  day: 'numeric',
  hour: 'numeric',
  minute: 'numeric',
  second: 'numeric',
  era: 'short',
});

/** Europe/Paris's offset from UTC at an instant, in milliseconds. */
function parisOffsetMs(instant: number): number {
  const part: Record<string, string> = {};
  for (const p of PARIS.formatToParts(new Date(instant))) part[p.type] = p.value;
  const year = part.era === 'BC' || part.era === 'B' ? 1 - Number(part.year) : Number(part.year);
  const wall = new Date(0);
  wall.setUTCFullYear(year, Number(part.month) - 1, Number(part.day));
  wall.setUTCHours(Number(part.hour), Number(part.minute), Number(part.second), 0);
  return wall.getTime() - (instant - (((instant % 1000) + 1000) % 1000));
}

/** Last instants of days already computed (a few dates are asked again and again). */
const endOfDays = new Map<string, number>();

/**
 * The last millisecond of a calendar day `YYYY-MM-DD` in Europe/Paris: "the situation on 31
 * December" of a French annual report ends at midnight in France, not in UTC (an hour or two
 * later), which counted a cooperation proposed at 00:30 on 1 January in the year before. The
 * change of time never happens at midnight, so the offset an hour before the next midnight is
 * that midnight's.
 */
export function endOfParisDay(date: string): Date {
  let end = endOfDays.get(date);
  if (end === undefined) {
    const next = new Date(`${date}T00:00:00.000Z`);
    next.setUTCDate(next.getUTCDate() + 1);
    const midnightUtc = next.getTime();
    end = midnightUtc - parisOffsetMs(midnightUtc - 3_600_000) - 1;
    if (endOfDays.size >= 1000) endOfDays.clear();
    endOfDays.set(date, end);
  }
  return new Date(end);
}

/**
 * "As of" instants. A date-only `YYYY-MM-DD` means the end of that day in Europe/Paris
 * (endOfParisDay). A Date or an ISO date-time is taken as it is. Undefined means now.
 */
export function resolveInstant(value: Date | string | null | undefined): Date {
  if (value === undefined || value === null) return new Date();
  if (value instanceof Date) return value;
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) return endOfParisDay(value);
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) throw new RangeError(`Not an ISO date or date-time: ${value}`);
  return date;
}

/** An instant read by readInstant (and the form it was given in), or why it is none: not the form, or a day or time that does not exist. */
export type InstantReading = { instant: Date; form: 'date' | 'date-time' } | { problem: 'form' | 'calendar' };

/**
 * Strict reading of an instant a user gives (see the domain's isoForm): `YYYY-MM-DD` is the end of
 * that day in Europe/Paris, as resolveInstant; a date-time with its offset is the instant it names; whatever
 * `new Date` would take otherwise, or roll over, is refused. Bounds are the caller's.
 */
export function readInstant(value: string): InstantReading {
  const form = isoForm(value);
  if (form === 'date') return { instant: endOfParisDay(value), form };
  if (form === 'date-time') return { instant: new Date(value), form };
  return { problem: form };
}

/** How far ahead of the server's clock a date-time may be and still mean "now" (clocks differ). */
const CLOCK_SKEW_MS = 5 * 60 * 1000;

/**
 * Whether an "as of" instant lies in the future, which a read cannot answer yet: what happens
 * until then is not recorded, so the answer would change later under the same date. A date is
 * accepted up to the day it is somewhere on Earth (so a user's "today" is, whatever their zone); a
 * date-time up to a few minutes ahead.
 */
export function isFutureInstant(reading: { instant: Date; form: 'date' | 'date-time' }, now: Date): boolean {
  if (reading.form === 'date-time') return reading.instant.getTime() > now.getTime() + CLOCK_SKEW_MS;
  return reading.instant.toISOString().slice(0, 10) > latestDayBegun(now.getTime());
}

/**
 * Bounds of `asOf`: the domain records no fact before the year 1000, and a four-digit year ends
 * with 9999; both well inside PostgreSQL's timestamptz (4713 BC to 294276 AD), which refused an
 * instant before 4713 BC as an internal error.
 */
export const AS_OF_MIN = '1000-01-01';
const AS_OF_FIRST = Date.parse(`${AS_OF_MIN}T00:00:00.000Z`);

/**
 * The one reading of an `asOf` a user gives, for GraphQL and the exports alike: readInstant's
 * strict forms, from AS_OF_MIN, and not in the future (isFutureInstant: a future date would be
 * answered with today's knowledge, and differently later). A refusal carries its French message;
 * each caller raises it as its own error.
 */
export function readAsOf(value: string, now: Date): { instant: Date; form: 'date' | 'date-time' } | { refusal: string } {
  const read = readInstant(value);
  if ('problem' in read) {
    return {
      refusal:
        read.problem === 'calendar'
          ? `Date invalide : « ${value} » n'existe pas.`
          : `Date invalide : « ${value} » (attendu AAAA-MM-JJ, ou une date-heure ISO 8601 avec son décalage, par exemple 2024-12-31T18:00:00+01:00).`,
    };
  }
  if (read.instant.getTime() < AS_OF_FIRST) return { refusal: `Date hors limites : « ${value} » (asOf commence le ${AS_OF_MIN}).` };
  if (isFutureInstant(read, now)) return { refusal: `Date dans le futur : « ${value} » (asOf va au plus jusqu'à aujourd'hui).` };
  return read;
}

/**
 * An interval row (alias `i`) valid at occurred instant `$t`, as known at recorded instant `$k`:
 * it was recorded by `$k`, it had started by `$t`, and its end is either after `$t` or was not yet
 * recorded at `$k`.
 */
export const intervalValidAt = (i: string, t: string, k: string) =>
  `(${i}.recorded_from <= ${k} and ${i}.valid_from <= ${t}
    and (${i}.valid_to is null or ${i}.valid_to > ${t} or ${i}.recorded_to > ${k}))`;

export const num = (value: unknown): number => (value === null || value === undefined ? 0 : Number(value));
export const isoOrNull = (value: Date | string | null): string | null =>
  value === null ? null : value instanceof Date ? value.toISOString() : value;

/**
 * Runs queries one after the other and returns their results in order: the caller may pass a single
 * pg Client, which must not run two queries at once.
 */
export async function sequence<T extends readonly (() => Promise<unknown>)[]>(
  thunks: T,
): Promise<{ -readonly [K in keyof T]: Awaited<ReturnType<T[K]>> }> {
  const results: unknown[] = [];
  for (const thunk of thunks) results.push(await thunk());
  return results as { -readonly [K in keyof T]: Awaited<ReturnType<T[K]>> };
}
