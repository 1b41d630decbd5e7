/** fr-FR formatting of dates, amounts and numbers (Europe/Paris). */
const TZ = 'Europe/Paris';
const dateFmt = new Intl.DateTimeFormat('fr-FR', { dateStyle: 'long', timeZone: TZ });
const shortDateFmt = new Intl.DateTimeFormat('fr-FR', { dateStyle: 'short', timeZone: TZ });
const dateTimeFmt = new Intl.DateTimeFormat('fr-FR', { dateStyle: 'short', timeStyle: 'short', timeZone: TZ });
const euroFmt = new Intl.NumberFormat('fr-FR', { style: 'currency', currency: 'EUR', maximumFractionDigits: 0 });
const numberFmt = new Intl.NumberFormat('fr-FR', { maximumFractionDigits: 1 });
const percentFmt = new Intl.NumberFormat('fr-FR', { style: 'percent', maximumFractionDigits: 0 });

/** A calendar date (YYYY-MM-DD) is read at noon UTC so that it never shifts by a day. */
const toDate = (value: string) => new Date(/^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T12:00:00Z` : value);

export const formatDate = (value: string | null | undefined): string => (value ? dateFmt.format(toDate(value)) : '—');
export const formatShortDate = (value: string | null | undefined): string => (value ? shortDateFmt.format(toDate(value)) : '—');
export const formatDateTime = (value: string | null | undefined): string => (value ? dateTimeFmt.format(toDate(value)) : '—');
export const formatEuros = (value: number | null | undefined): string => (value === null || value === undefined ? '—' : euroFmt.format(value));
export const formatNumber = (value: number | null | undefined): string => (value === null || value === undefined ? '—' : numberFmt.format(value));
export const formatPercent = (ratio: number | null | undefined): string => (ratio === null || ratio === undefined ? '—' : percentFmt.format(ratio));
/** An amount typed the French way (“12 500,50”, “45 000 €”) -> 12500.5; NaN when it is not an amount in euros and cents. */
export function parseEuros(text: string): number {
  const cleaned = text.replace(/[\s\u00a0\u202f€]/g, '').replace(',', '.');
  return /^\d+(\.\d{1,2})?$/.test(cleaned) ? Number(cleaned) : Number.NaN;
}
/** Today in Paris as YYYY-MM-DD (for date inputs). */
export const todayIso = (): string => new Intl.DateTimeFormat('en-CA', { timeZone: TZ }).format(new Date());
export const plural = (n: number, one: string, many: string): string => `${formatNumber(n)} ${n > 1 ? many : one}`;
