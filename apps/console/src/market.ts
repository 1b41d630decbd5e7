import type { FieldError } from './components/FieldMessage';
import { formatDate, parseEuros, parseWholeMonths } from './format';
import { keptIn, readKeptJson } from './storage';

/** The target market of a GME as typed in the wizard or on the cooperation page. */
export interface MarketDraft {
  buyerName: string;
  cpvCode: string;
  amount: string;
  duration: string;
  procedures: string[];
  bidDeadline: string;
}
export type MarketField = keyof MarketDraft;

export const EMPTY_MARKET: MarketDraft = { buyerName: '', cpvCode: '', amount: '', duration: '', procedures: [], bidDeadline: '' };

/** A CPV code: 8 digits, with or without its check digit (“90911200”, “90911200-8”), as the API reads it. */
export const isCpvCode = (text: string): boolean => /^\d{8}(-?\d)?$/.test(text.replace(/\s+/g, ''));

/** What is wrong with the market, field by field, in French (empty when it can be sent). */
export function validateMarket(d: MarketDraft): FieldError<MarketField>[] {
  const errors: FieldError<MarketField>[] = [];
  if (!d.buyerName.trim()) errors.push({ field: 'buyerName', message: 'Indiquez l’acheteur du marché.' });
  // A private contract may have no CPV code (the code classifies public procurement).
  const privateOnly = d.procedures.length > 0 && d.procedures.every((p) => p === 'PRIVATE_CONTRACT');
  const cpv = d.cpvCode.trim();
  if (cpv === '' ? !privateOnly : !isCpvCode(cpv))
    errors.push({
      field: 'cpvCode',
      message:
        cpv === ''
          ? 'Indiquez le code CPV du marché : 8 chiffres, éventuellement suivis d’un tiret et du chiffre de contrôle (facultatif pour un marché privé seulement).'
          : 'Le code CPV comporte 8 chiffres, éventuellement suivis d’un tiret et du chiffre de contrôle (par exemple 90911200 ou 90911200-8).',
    });
  const amount = parseEuros(d.amount);
  if (d.amount.trim() === '') errors.push({ field: 'amount', message: 'Indiquez le montant hors taxes du marché.' });
  else if (!(amount > 0))
    errors.push({ field: 'amount', message: 'Le montant hors taxes s’écrit en euros, avec au plus deux décimales (par exemple 170 000 ou 12 500,50), et doit être supérieur à zéro.' });
  if (d.duration.trim() === '') errors.push({ field: 'duration', message: 'Indiquez la durée du marché en mois.' });
  else if (Number.isNaN(parseWholeMonths(d.duration))) errors.push({ field: 'duration', message: 'La durée s’indique en mois entiers (par exemple 12 ou 18).' });
  if (d.procedures.length === 0) errors.push({ field: 'procedures', message: 'Indiquez au moins une procédure.' });
  return errors;
}

/** The recordMarket fields (without cooperationId and expectedVersion) of a valid draft. */
export function marketCommand(d: MarketDraft): Record<string, unknown> {
  const cpv = d.cpvCode.replace(/\s+/g, '');
  return {
    buyerName: d.buyerName.trim(),
    cpvCode: cpv || null,
    amountExclVat: parseEuros(d.amount),
    durationMonths: parseWholeMonths(d.duration),
    procedures: d.procedures,
    ...(d.bidDeadline ? { bidDeadline: d.bidDeadline } : {}),
  };
}

/**
 * A GME's composition is frozen from its bid deadline until the award (R2142-26, MEMBERSHIP_FROZEN):
 * a deadline already reached, recorded while the members are still being gathered (DECISION),
 * needs the user's confirmation. The API reads a bare date as its first instant, so today counts.
 */
export const deadlineFreezesNow = (bidDeadline: string, today: string): boolean => bidDeadline !== '' && bidDeadline <= today;

export function frozenWarning(bidDeadline: string, today: string): string {
  const when = bidDeadline === today ? 'aujourd’hui' : `le ${formatDate(bidDeadline)}`;
  return `La date limite de remise des offres (${when}) est déjà atteinte. Une fois le marché enregistré, la composition du groupement sera figée jusqu’à l’attribution du marché (art. R2142-26 du code de la commande publique) : plus aucune structure ne pourra y entrer ni en sortir. Or la coopération est encore à l’étape « Décision », où les membres se réunissent.`;
}

/** A market typed in the wizard whose recording failed: what was typed, and why it was refused. */
export interface PendingMarket {
  draft: MarketDraft;
  /** The French reason of the failure. */
  reason: string;
  /** The field the API named, if any. */
  field: MarketField | null;
}
/**
 * What the wizard could not finish after creating the cooperation (a follow-up command refused):
 * French notes for the cooperation page, and the market typed, to fill its form again. Kept in
 * this tab's sessionStorage, so a reload does not lose it either (in the page's memory when the
 * browser refuses storage).
 */
export interface UnfinishedCreation {
  notes: string[];
  market: PendingMarket | null;
}
const creationKey = (cooperationId: string) => `maillage.creation-inachevee.${cooperationId}`;
/** Kept in this tab's sessionStorage, or in the page's memory when the browser refuses storage. */
const kept = keptIn('sessionStorage');
export function keepUnfinishedCreation(cooperationId: string, unfinished: UnfinishedCreation): void {
  kept.set(creationKey(cooperationId), JSON.stringify(unfinished));
}
const isStringArray = (value: unknown): value is string[] => Array.isArray(value) && value.every((v) => typeof v === 'string');
const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
/** A market draft as the console writes it (every field, of its type). */
export function isMarketDraft(value: unknown): value is MarketDraft {
  if (!isRecord(value)) return false;
  return (['buyerName', 'cpvCode', 'amount', 'duration', 'bidDeadline'] as const).every((k) => typeof value[k] === 'string') && isStringArray(value.procedures);
}
/** What keepUnfinishedCreation writes: French notes, and the market refused (or null). */
function isUnfinishedCreation(value: unknown): value is UnfinishedCreation {
  if (!isRecord(value) || !isStringArray(value.notes)) return false;
  const market = value.market;
  if (market === null) return true;
  if (!isRecord(market)) return false;
  const fields: readonly unknown[] = ['buyerName', 'cpvCode', 'amount', 'duration', 'procedures', 'bidDeadline'];
  return isMarketDraft(market.draft) && typeof market.reason === 'string' && (market.field === null || fields.includes(market.field));
}
/** The unfinished creation kept for this cooperation; null when none is, or when what is kept is unreadable (then dropped). */
export function readUnfinishedCreation(cooperationId: string): UnfinishedCreation | null {
  return readKeptJson(kept, creationKey(cooperationId), isUnfinishedCreation);
}
export function dropUnfinishedCreation(cooperationId: string): void {
  kept.remove(creationKey(cooperationId));
}

/** The draft field that an API field name (extensions.field) points at. */
export function marketFieldOf(apiField: unknown): MarketField | null {
  if (typeof apiField !== 'string') return null;
  const name = apiField.replace(/\[\d+\]/g, '');
  const map: Record<string, MarketField> = { buyerName: 'buyerName', cpvCode: 'cpvCode', amountExclVat: 'amount', durationMonths: 'duration', procedures: 'procedures', bidDeadline: 'bidDeadline' };
  return map[name] ?? null;
}
