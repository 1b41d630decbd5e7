import { DomainErrorCode, reject } from './domain-error';
import type { DecideContext } from './messages';

/**
 * Small hand-written guards: the domain stays free of validation frameworks. Each failure is a
 * VALIDATION_FAILED DomainError naming the field.
 */
const invalid = (field: string, expected: string, value: unknown) =>
  reject(DomainErrorCode.VALIDATION_FAILED, { field, expected, value: safeValue(value) });

const safeValue = (value: unknown): unknown =>
  value === undefined ? null : typeof value === 'object' ? '[object]' : value;

export const requireString = (value: unknown, field: string, maxLength = 500): string => {
  if (typeof value !== 'string' || value.trim().length === 0 || value.length > maxLength)
    throw invalid(field, `non-empty string (max ${maxLength})`, value);
  return value.trim();
};

export const optionalString = (value: unknown, field: string, maxLength = 2000): string | null =>
  value === undefined || value === null ? null : requireString(value, field, maxLength);

export const requireOneOf = <T extends string>(value: unknown, allowed: readonly T[], field: string): T => {
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value))
    throw invalid(field, `one of ${allowed.join(', ')}`, value);
  return value as T;
};

export const requireArray = <T>(value: unknown, field: string, min = 0): unknown[] => {
  if (!Array.isArray(value) || value.length < min) throw invalid(field, `array with at least ${min} item(s)`, value);
  return value as T[];
};

/**
 * The largest amount taken, in euros: its cents stay exact in a double (2^53 cents is about 9e13 €).
 * Without it, 1e308 passed the cents check (1e308 * 100 is Infinity, and so is its rounding).
 */
export const MAX_AMOUNT = 100_000_000_000;

export const requireNonNegativeAmount = (value: unknown, field: string): number => {
  if (
    typeof value !== 'number' ||
    !Number.isFinite(value) ||
    value < 0 ||
    value > MAX_AMOUNT ||
    Math.round(value * 100) !== value * 100
  )
    throw invalid(field, 'non-negative amount in euros with at most 2 decimals, up to 100 000 000 000', value);
  return value;
};

/**
 * Quantitative values (measurements, targets) are at most 10^12 either way: the dashboards sum them
 * per région and year, and two values near 1e308 summed to Infinity, which no GraphQL Float can
 * carry (every reader of that région's dashboard got an internal error).
 */
export const MAX_MEASURABLE = 1e12;

export const requireMeasurable = (value: unknown, field: string): number => {
  if (typeof value !== 'number' || !Number.isFinite(value) || Math.abs(value) > MAX_MEASURABLE)
    throw invalid(field, 'number between -1 000 000 000 000 and 1 000 000 000 000', value);
  return value;
};

export const requirePositiveInteger = (value: unknown, field: string): number => {
  if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0)
    throw invalid(field, 'positive integer', value);
  return value;
};

export const requirePercent = (value: unknown, field: string): number => {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > 100)
    throw invalid(field, 'percentage between 0 and 100', value);
  return value;
};

export const requireBoolean = (value: unknown, field: string): boolean => {
  if (typeof value !== 'boolean') throw invalid(field, 'boolean', value);
  return value;
};

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const ISO_DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(?:Z|[+-](\d{2}):(\d{2}))$/;

const daysInMonth = (year: number, month: number): number =>
  month === 2 ? (year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28) : [4, 6, 9, 11].includes(month) ? 30 : 31;

/**
 * What an instant given as text is: an ISO 8601 date (`YYYY-MM-DD`), a date-time with its offset
 * (`Z` or `±hh:mm`, RFC 3339), `calendar` when it has one of these forms but names a day or a time
 * that does not exist (which `Date` rolls over: 2025-02-30 is 2 March, 24:00 the next day), `form`
 * otherwise (which `Date` often takes anyway: "2025", a date-time without offset). Any four-digit
 * year: bounds are the caller's.
 */
export const isoForm = (value: string): 'date' | 'date-time' | 'calendar' | 'form' => {
  const date = ISO_DATE.exec(value);
  const match = date ?? ISO_DATE_TIME.exec(value);
  if (!match) return 'form';
  // Groups left out (the seconds, the offset of Z) count as 0.
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
  if (!exists) return 'calendar';
  return date ? 'date' : 'date-time';
};

/**
 * Years before 1000 are refused: PostgreSQL has no year 0 (`'0000-01-01'::date` fails), so such a
 * date was accepted here and then stopped every projection that writes it to a `date` column; a
 * three-digit year is a typo in this domain anyway.
 */
const MIN_YEAR = 1000;

export const isIsoDate = (value: unknown): value is string =>
  typeof value === 'string' && isoForm(value) === 'date' && Number(value.slice(0, 4)) >= MIN_YEAR;

export const isIsoDateTime = (value: unknown): value is string =>
  typeof value === 'string' && isoForm(value) === 'date-time' && Number(value.slice(0, 4)) >= MIN_YEAR;

/** A calendar date (YYYY-MM-DD), e.g. a contract start date. */
export const requireIsoDate = (value: unknown, field: string): string => {
  if (!isIsoDate(value)) throw invalid(field, 'ISO date YYYY-MM-DD (year 1000 or later)', value);
  return value;
};

export const optionalIsoDate = (value: unknown, field: string): string | null =>
  value === undefined || value === null ? null : requireIsoDate(value, field);

/** Milliseconds since epoch of an ISO date or date-time (dates are taken at 00:00 UTC). */
export const toMillis = (iso: string): number => Date.parse(iso);

export const requirePeriod = (value: unknown, field: string): { start: string; end: string | null } => {
  if (typeof value !== 'object' || value === null) throw invalid(field, '{ start, end? }', value);
  const v = value as { start?: unknown; end?: unknown };
  const start = requireIsoDate(v.start, `${field}.start`);
  const end = optionalIsoDate(v.end, `${field}.end`);
  if (end !== null && end < start) throw invalid(`${field}.end`, 'end on or after start', end);
  return { start, end };
};

/**
 * Checks the context: both instants must be ISO date-times and the fact cannot have happened
 * after the moment it is recorded.
 */
export const checkContext = (context: DecideContext): void => {
  if (!isIsoDateTime(context.now)) throw invalid('context.now', 'ISO date-time', context.now);
  if (!isIsoDateTime(context.occurredAt)) throw invalid('occurredAt', 'ISO date-time', context.occurredAt);
  if (toMillis(context.occurredAt) > toMillis(context.now))
    throw reject(DomainErrorCode.OCCURRED_AT_IN_FUTURE, { occurredAt: context.occurredAt, now: context.now });
};

export const idFrom = (value: unknown, field: string, context: DecideContext): string => {
  if (value !== undefined && value !== null) return requireString(value, field, 100);
  if (context.newId) return context.newId();
  throw invalid(field, 'an id (or context.newId)', value);
};

export const requireObject = (value: unknown, field: string): Record<string, unknown> => {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw invalid(field, 'object', value);
  return value as Record<string, unknown>;
};
