import { types } from 'pg';

/**
 * Instants of recorded events (`occurredAt`, `recordedAt`) and their ISO 8601 text.
 *
 * Projections format the same few Date objects of every event many times over (one text per
 * column of every row an event touches), and `Date.prototype.toISOString` is costly at a million
 * events. The text is therefore kept on the Date itself, under a registered symbol (a property
 * read is far cheaper than a WeakMap lookup; symbols are invisible to JSON, `Object.keys` and
 * Jest's Date equality). The PostgreSQL store reads timestamps as text and keeps that text as it
 * builds the Date, so most instants are never formatted at all.
 */
const ISO = Symbol.for('maillage.isoText');
type Formatted = Date & { [ISO]?: string };

/** `date.toISOString()`, computed once per Date object. */
export function isoText(date: Date): string {
  return (date as Formatted)[ISO] ?? ((date as Formatted)[ISO] = date.toISOString());
}

const TIMESTAMPTZ_OID = 1184;
const defaultTimestamptz = types.getTypeParser(TIMESTAMPTZ_OID, 'text') as (text: string) => Date | string | null;

/**
 * PostgreSQL's text output of a timestamptz (DateStyle ISO) as a Date carrying its ISO text. The
 * common UTC form, `2026-11-23 20:24:13.123456+00`, is sliced into `2026-11-23T20:24:13.123Z`
 * (milliseconds truncated, as the pg driver's parser does); any other form (another time zone,
 * years outside 0000-9999, BC, infinity) goes to the driver's own parser.
 */
export function parseTimestamptz(text: string): Date | string | null {
  const n = text.length;
  if (
    n >= 22 &&
    n <= 29 &&
    text.charCodeAt(n - 3) === 43 /* + */ &&
    text.charCodeAt(n - 2) === 48 /* 0 */ &&
    text.charCodeAt(n - 1) === 48 /* 0 */ &&
    text.charCodeAt(4) === 45 /* - */ &&
    text.charCodeAt(10) === 32 /* space */
  ) {
    // 19 characters of date and time, then nothing or a fraction of 1-6 digits.
    const fraction = n === 22 ? '' : text.slice(20, n - 3);
    if (n === 22 || (text.charCodeAt(19) === 46 /* . */ && fraction.length >= 1)) {
      const millis = (fraction + '000').slice(0, 3);
      const iso = `${text.slice(0, 10)}T${text.slice(11, 19)}.${millis}Z`;
      const date = new Date(iso) as Formatted;
      if (!Number.isNaN(date.getTime())) {
        date[ISO] = iso;
        return date;
      }
    }
  }
  return defaultTimestamptz(text);
}

/** Per-query type parsers for event rows: timestamptz through parseTimestamptz, others as usual. */
export const EVENT_ROW_TYPES = {
  getTypeParser(oid: number, format?: 'text' | 'binary'): (value: string) => unknown {
    if (oid === TIMESTAMPTZ_OID && format !== 'binary') return parseTimestamptz;
    return types.getTypeParser(oid, format === 'binary' ? 'binary' : 'text') as (value: string) => unknown;
  },
};
