import type { QueryResult, QueryResultRow } from 'pg';

/** A pg Pool, PoolClient or Client. */
export interface Queryable {
  query<R extends QueryResultRow = QueryResultRow>(text: string, values?: unknown[]): Promise<QueryResult<R>>;
}

/**
 * "As of" instants. A date-only `YYYY-MM-DD` means the end of that day (UTC): 23:59:59.999Z. A Date
 * or an ISO date-time is taken as it is. Undefined means now.
 */
export function resolveInstant(value: Date | string | null | undefined): Date {
  if (value === undefined || value === null) return new Date();
  if (value instanceof Date) return value;
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) return new Date(`${value}T23:59:59.999Z`);
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) throw new RangeError(`Not an ISO date or date-time: ${value}`);
  return date;
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const ISO_DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(?:Z|[+-](\d{2}):(\d{2}))$/;

const daysInMonth = (year: number, month: number): number =>
  month === 2
    ? year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0)
      ? 29
      : 28
    : [4, 6, 9, 11].includes(month)
      ? 30
      : 31;

/** An instant read by readInstant, or why it is none: not the form, or a day or time that does not exist. */
export type InstantReading = { instant: Date } | { problem: 'form' | 'calendar' };

/**
 * Strict reading of an instant a user gives: `YYYY-MM-DD` (the end of that day, UTC, as
 * resolveInstant) or an ISO 8601 / RFC 3339 date-time with its offset (`Z` or `±hh:mm`). `new Date`
 * takes much else ("2025", a date-time without offset in the server's zone) and rolls impossible
 * values over (2025-02-30 is 2 March, 24:00 the next day): here they are refused. The year has four
 * digits; bounds are the caller's.
 */
export function readInstant(value: string): InstantReading {
  const match = ISO_DATE.exec(value) ?? ISO_DATE_TIME.exec(value);
  if (!match) return { problem: 'form' };
  // Groups left out (the time of a date, the seconds, the offset of Z) count as 0.
  const [year, month, day, hour, minute, second, offsetHours, offsetMinutes] = Array.from(
    { length: 8 },
    (_, i) => Number((match[i + 1] as string | undefined) ?? 0),
  );
  const exists =
    month >= 1 &&
    month <= 12 &&
    day >= 1 &&
    day <= daysInMonth(year, month) &&
    hour <= 23 &&
    minute <= 59 &&
    second <= 59 &&
    offsetHours <= 23 &&
    offsetMinutes <= 59;
  if (!exists) return { problem: 'calendar' };
  return { instant: match.length === 4 ? new Date(`${value}T23:59:59.999Z`) : new Date(value) };
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
