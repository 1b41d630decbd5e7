import { formatNumber, parseEuros } from './format';
import type { FieldError } from './components/FieldMessage';

export interface GrantDraft {
  programme: string;
  amount: string;
  start: string;
  end: string;
}
export type GrantField = keyof GrantDraft;

/** An amount in euros as typed (“45 000”, “12 500,50”): what is wrong with it, in French, or null. */
export function amountError(text: string, what: string): string | null {
  if (text.trim() === '') return `Indiquez le ${what}.`;
  const value = parseEuros(text);
  if (Number.isNaN(value)) return `Le ${what} s’écrit en euros, avec au plus deux décimales (par exemple 45 000 ou 12 500,50).`;
  if (value <= 0) return `Le ${what} doit être supérieur à zéro.`;
  return null;
}

/** What is wrong with a new grant, field by field, in French (empty when it can be sent). */
export function grantErrors(g: GrantDraft): FieldError<GrantField>[] {
  const errors: FieldError<GrantField>[] = [];
  if (!g.programme.trim()) errors.push({ field: 'programme', message: 'Indiquez le programme ou le dispositif du financement.' });
  const amount = amountError(g.amount, 'montant accordé');
  if (amount) errors.push({ field: 'amount', message: amount });
  if (!g.start) errors.push({ field: 'start', message: 'Indiquez le début de la période.' });
  else if (g.end && g.end < g.start) errors.push({ field: 'end', message: 'La fin de la période ne peut pas précéder son début.' });
  return errors;
}

/** The organisation kinds a cooperation may solicit for a funding (as the API checks). */
export const SOLICITABLE_KINDS = ['FUNDER', 'LOCAL_AUTHORITY'] as const;

/** A funding request typed by a member: the funder chosen in the directory, the rest optional. */
export interface RequestDraft {
  funderId: string | null;
  programme: string;
  amount: string;
  note: string;
}
export type RequestField = keyof RequestDraft;

/**
 * What is wrong with a funding request, field by field, in French (empty when it can be sent).
 * `pendingFunderIds`: funders already solicited and not answered yet (a second request is refused).
 */
export function requestErrors(r: RequestDraft, pendingFunderIds: readonly string[] = []): FieldError<RequestField>[] {
  const errors: FieldError<RequestField>[] = [];
  if (!r.funderId) errors.push({ field: 'funderId', message: 'Choisissez dans la liste le financeur ou la collectivité à solliciter.' });
  else if (pendingFunderIds.includes(r.funderId)) errors.push({ field: 'funderId', message: 'Ce financeur est déjà sollicité : sa réponse est attendue.' });
  const programme = tooLong(r.programme, MAX_PROGRAMME, 'Le programme');
  if (programme) errors.push({ field: 'programme', message: programme });
  if (r.amount.trim() !== '') {
    const amount = amountError(r.amount, 'montant sollicité');
    if (amount) errors.push({ field: 'amount', message: amount });
  }
  const note = tooLong(r.note, MAX_TEXT, 'Le message');
  if (note) errors.push({ field: 'note', message: note });
  return errors;
}

/** The API's limits on a programme's name and on free texts (messages, reasons, comments). */
export const MAX_PROGRAMME = 300;
export const MAX_TEXT = 2000;

/**
 * A text longer than the API accepts (counted once trimmed, as sent): « Le message compte au plus
 * 2 000 caractères (2 150 pour l’instant). », or null.
 */
export function tooLong(text: string, max: number, what: string): string | null {
  const length = text.trim().length;
  return length > max ? `${what} ${what.startsWith('Les ') ? 'comptent' : 'compte'} au plus ${formatNumber(max)} caractères (${formatNumber(length)} pour l’instant).` : null;
}

const typedAmountFmt = new Intl.NumberFormat('fr-FR', { maximumFractionDigits: 0 });
const typedCentsFmt = new Intl.NumberFormat('fr-FR', { minimumFractionDigits: 2, maximumFractionDigits: 2 });

/** An amount in euros as a user would type it (“45 000”, “12 500,50”), to prefill a field. */
export function typedAmount(value: number): string {
  const cents = Math.round(value * 100) % 100 !== 0;
  const text = (cents ? typedCentsFmt : typedAmountFmt).format(value);
  return text.replace(/[\u00a0\u202f]/g, ' ');
}

/** The grant form prefilled from the request it answers: its programme and the amount requested. */
export function grantDraftFrom(request: { programme: string | null; amount: number | null }): GrantDraft {
  return { programme: request.programme ?? '', amount: request.amount === null ? '' : typedAmount(request.amount), start: '', end: '' };
}

/**
 * The badge tone of a request's status: waiting, granted, declined; withdrawn and lapsed (LAPSED,
 * « Sans suite »: the cooperation was abandoned or closed before an answer) are neutral. Only an
 * OPEN request is ever offered to withdraw, decline or grant.
 */
export function requestStatusTone(status: string): 'info' | 'ok' | 'warn' | 'neutral' {
  switch (status) {
    case 'OPEN':
      return 'info';
    case 'GRANTED':
      return 'ok';
    case 'DECLINED':
      return 'warn';
    case 'WITHDRAWN':
    case 'LAPSED':
    default:
      return 'neutral';
  }
}

/** The requests of a cooperation still waiting for this funder's answer, oldest first. */
export function openRequestsTo<R extends { funderOrganisationId: string; status: string; requestedAt: string }>(requests: readonly R[], funderId: string | null): R[] {
  if (!funderId) return [];
  return requests.filter((r) => r.funderOrganisationId === funderId && r.status === 'OPEN').sort((a, b) => Date.parse(a.requestedAt) - Date.parse(b.requestedAt));
}

/** How long a solicitation just answered stays hidden at most, waiting for the read model. */
export const ANSWERED_HIDDEN_MS = 30_000;

/**
 * The cooperations whose solicitation this tab just answered (declined), each until when it is
 * hidden: the portfolio's list is a read model that catches up a moment later.
 */
export const answeredSolicitations = new Map<string, number>();

/** Hides a cooperation from « Sollicitations en attente » until the read model stops listing it. */
export function markSolicitationAnswered(cooperationId: string, now = Date.now(), answered = answeredSolicitations): void {
  answered.set(cooperationId, now + ANSWERED_HIDDEN_MS);
}

/**
 * The solicitations to show: those just answered are left out while the read model still lists
 * them (`lagging`: ask again shortly). Once it no longer lists one, or after ANSWERED_HIDDEN_MS,
 * it is forgotten (a new request from that cooperation is then shown).
 */
export function withoutAnswered<T extends { id: string }>(items: readonly T[], now = Date.now(), answered = answeredSolicitations): { shown: T[]; lagging: boolean } {
  const listed = new Set(items.map((i) => i.id));
  for (const [id, until] of answered) if (until <= now || !listed.has(id)) answered.delete(id);
  const shown = items.filter((i) => !answered.has(i.id));
  return { shown, lagging: shown.length < items.length };
}
