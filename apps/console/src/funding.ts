import { parseEuros } from './format';
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
