/**
 * The UTC calendar day (YYYY-MM-DD) of an instant in milliseconds, computed without `Date` (the
 * domain takes time only from its context; see the purity test): Howard Hinnant's civil-from-days.
 */
export function utcDayOf(ms: number): string {
  const z = Math.floor(ms / 86_400_000) + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** The world's first time zone (UTC+14): a calendar day is "today" somewhere until it has begun there. */
const FIRST_ZONE_MS = 14 * 3_600_000;

/**
 * The last calendar day that has begun somewhere on Earth at `nowMs`: the latest day a user may call
 * "today", wherever they are (the domain's dated facts and the read side's "as of" dates alike).
 */
export const latestDayBegun = (nowMs: number): string => utcDayOf(nowMs + FIRST_ZONE_MS);
