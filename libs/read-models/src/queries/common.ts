import { isoForm } from '@maillage/domain';
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

/** An instant read by readInstant, or why it is none: not the form, or a day or time that does not exist. */
export type InstantReading = { instant: Date } | { problem: 'form' | 'calendar' };

/**
 * Strict reading of an instant a user gives (see the domain's isoForm): `YYYY-MM-DD` is the end of
 * that day, UTC, as resolveInstant; a date-time with its offset is the instant it names; whatever
 * `new Date` would take otherwise, or roll over, is refused. Bounds are the caller's.
 */
export function readInstant(value: string): InstantReading {
  const form = isoForm(value);
  if (form === 'date') return { instant: new Date(`${value}T23:59:59.999Z`) };
  if (form === 'date-time') return { instant: new Date(value) };
  return { problem: form };
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
