/** fr-FR formatting of dates, amounts and numbers (Europe/Paris). */
const TZ = 'Europe/Paris';
const dateFmt = new Intl.DateTimeFormat('fr-FR', { dateStyle: 'long', timeZone: TZ });
const shortDateFmt = new Intl.DateTimeFormat('fr-FR', { dateStyle: 'short', timeZone: TZ });
const dateTimeFmt = new Intl.DateTimeFormat('fr-FR', { dateStyle: 'short', timeStyle: 'short', timeZone: TZ });
const euroFmt = new Intl.NumberFormat('fr-FR', { style: 'currency', currency: 'EUR', maximumFractionDigits: 0 });
const centsFmt = new Intl.NumberFormat('fr-FR', { style: 'currency', currency: 'EUR', minimumFractionDigits: 2, maximumFractionDigits: 2 });
const numberFmt = new Intl.NumberFormat('fr-FR', { maximumFractionDigits: 1 });
const measureFmt = new Intl.NumberFormat('fr-FR', { maximumFractionDigits: 10 });
const percentFmt = new Intl.NumberFormat('fr-FR', { style: 'percent', maximumFractionDigits: 0 });

/** A calendar date (YYYY-MM-DD) is read at noon UTC so that it never shifts by a day. */
const toDate = (value: string) => new Date(/^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T12:00:00Z` : value);

/** “1er mai 2025”: French writes the first day of a month as an ordinal. */
const longDate = (date: Date): string =>
  dateFmt
    .formatToParts(date)
    .map((p) => (p.type === 'day' && p.value === '1' ? '1er' : p.value))
    .join('');

export const formatDate = (value: string | null | undefined): string => (value ? longDate(toDate(value)) : '—');
export const formatShortDate = (value: string | null | undefined): string => (value ? shortDateFmt.format(toDate(value)) : '—');
export const formatDateTime = (value: string | null | undefined): string => (value ? dateTimeFmt.format(toDate(value)) : '—');
/** Euros: whole euros as “12 500 €”, and the cents when there are any (“12 500,50 €”, “0,50 €”). */
export const formatEuros = (value: number | null | undefined): string =>
  value === null || value === undefined ? '—' : Math.round(value * 100) % 100 === 0 ? euroFmt.format(value) : centsFmt.format(value);
export const formatNumber = (value: number | null | undefined): string => (value === null || value === undefined ? '—' : numberFmt.format(value));
/** A measured value as recorded (all its decimals), the French way: “14,4”, “1 250,75”. */
export const formatMeasure = (value: number): string => measureFmt.format(value);
export const formatPercent = (ratio: number | null | undefined): string => (ratio === null || ratio === undefined ? '—' : percentFmt.format(ratio));
/** An amount typed the French way (“12 500,50”, “45 000 €”) -> 12500.5; NaN when it is not an amount in euros and cents. */
export function parseEuros(text: string): number {
  const cleaned = text.replace(/[\s\u00a0\u202f€]/g, '').replace(',', '.');
  return /^\d+(\.\d{1,2})?$/.test(cleaned) ? Number(cleaned) : Number.NaN;
}
/**
 * A number typed the French way (“12,5”, “1 250,75”, “-3”; a dot is accepted too) -> 12.5; NaN
 * for anything else (“1e5”, “12,5,1”, “douze”).
 */
export function parseDecimal(text: string): number {
  const cleaned = text.replace(/[\s\u00a0\u202f]/g, '').replace(',', '.');
  return /^-?\d+(\.\d+)?$/.test(cleaned) ? Number(cleaned) : Number.NaN;
}
/** A whole number of months (“12”, “ 24 ”) -> 12; NaN for “1,5”, “1e1”, “0” or anything else. */
export function parseWholeMonths(text: string): number {
  const cleaned = text.trim();
  return /^\d{1,4}$/.test(cleaned) && Number(cleaned) > 0 ? Number(cleaned) : Number.NaN;
}
/** Today in Paris as YYYY-MM-DD (for date inputs). */
export const todayIso = (): string => new Intl.DateTimeFormat('en-CA', { timeZone: TZ }).format(new Date());
export const plural = (n: number, one: string, many: string): string => `${formatNumber(n)} ${n > 1 ? many : one}`;

/** Words ending in s in the singular too. */
const INVARIABLE = new Set(['mois', 'fois', 'repas', 'parcours', 'cours', 'poids', 'pas', 'bois', 'prix', 'temps', 'kilomètres-heure']);
/**
 * A value with its unit, agreed in French (singular below 2: “1 site”, “1,5 heure”, “2 sites”):
 * the unit's first word loses its plural s. “EUR” is shown as an amount in euros.
 */
export function formatWithUnit(value: number, unit: string | null | undefined): string {
  if (unit === 'EUR' || unit === '€') return formatEuros(value);
  if (!unit) return formatMeasure(value);
  let shown = unit;
  if (Math.abs(value) < 2) {
    const [first, ...rest] = unit.split(' ');
    if (/^[a-zà-ÿ]+s$/.test(first) && !INVARIABLE.has(first)) shown = [first.slice(0, -1), ...rest].join(' ');
  }
  return `${formatMeasure(value)} ${shown}`;
}

/** A measurement as recorded: its number the French way with its unit agreed (“1 site”), or the text of a qualitative value. */
export const formatMeasurement = (m: { value: string; numericValue: number | null }, unit: string | null | undefined): string =>
  m.numericValue !== null ? formatWithUnit(m.numericValue, unit) : m.value;

/**
 * An indicator's value or target as the API gives it (a number as text, e.g. “14.4”, or the text
 * of a qualitative indicator), the French way and with its unit agreed: “14,4 ETP”, “1 site”.
 */
export function formatIndicatorValue(value: string | null | undefined, unit: string | null | undefined): string {
  if (value === null || value === undefined || value === '') return '—';
  const n = /^-?\d+(\.\d+)?(e[+-]?\d+)?$/i.test(value.trim()) ? Number(value) : Number.NaN;
  return Number.isFinite(n) ? formatWithUnit(n, unit) : value;
}
/** “de Nettoyage des collèges”, “d’Essaimage de la recyclerie”: “de” elides before a vowel. */
export const ofName = (name: string): string => (/^[aeiouyàâäéèêëîïôöùûüœæ]/i.test(name.trim()) ? `d’${name.trim()}` : `de ${name.trim()}`);

/**
 * A value quoted in a sentence: « Fonds ESS »; a value that already holds guillemets
 * (Appel à projets « Coopérations ») is not wrapped again (no « … « … » »).
 */
export const quoted = (value: string): string => (/[«»]/.test(value) ? value : `« ${value} »`);
