import type { FieldError } from './components/FieldMessage';
import { formatDate, todayIso } from './format';

/**
 * Partly typed dates. Chromium gives an `<input type="date">` whose day, month or year is missing
 * no value at all (`value === ''`, with `validity.badInput`), and fires no event while it is typed
 * from empty: the form's state then reads “no date”, and an optional date would be dropped without
 * a word. Every date field of the console is therefore checked in the page when its form is sent.
 */
export const INCOMPLETE_DATE = 'Date incomplète : saisissez le jour, le mois et l’année.';

/** Whether the date field of this id holds a date partly typed (nothing to send, but not empty either). */
export function isIncompleteDate(id: string): boolean {
  const input = document.getElementById(id);
  return input instanceof HTMLInputElement && input.type === 'date' && input.validity.badInput;
}

/**
 * What is wrong with the date field of this id, in French, null when it can be sent: partly typed;
 * empty when the form needs it (`missing`, its message); before its `min` or after its `max` (what
 * the browser itself checked in the forms that did not have `noValidate`).
 */
export function dateProblem(id: string, value: string, missing?: string): string | null {
  if (isIncompleteDate(id)) return INCOMPLETE_DATE;
  if (!value) return missing ?? null;
  const input = document.getElementById(id);
  if (!(input instanceof HTMLInputElement)) return null;
  if (input.validity.rangeOverflow)
    return input.max === todayIso() ? 'La date ne peut pas être dans le futur.' : `La date ne peut pas être postérieure au ${formatDate(input.max)}.`;
  if (input.validity.rangeUnderflow) return `La date ne peut pas être antérieure au ${formatDate(input.min)}.`;
  return null;
}

/**
 * A form's field errors, plus INCOMPLETE_DATE for each of its date fields (`dates`) partly typed,
 * which replaces any other message of that field (“Indiquez la date…” when the form needs it).
 * Ordered as the fields are on the page (`idOf`: a field's element id), so the first one is where
 * the focus goes.
 */
export function withIncompleteDates<F extends string>(errors: readonly FieldError<F>[], dates: readonly F[], idOf: (field: F) => string): FieldError<F>[] {
  const incomplete = dates.filter((field) => isIncompleteDate(idOf(field)));
  if (incomplete.length === 0) return [...errors];
  const all = [...errors.filter((e) => !incomplete.includes(e.field)), ...incomplete.map((field) => ({ field, message: INCOMPLETE_DATE }))];
  const element = (e: FieldError<F>) => document.getElementById(idOf(e.field));
  // Fields not found (none expected) keep their place after the others.
  return all
    .map((error, index) => ({ error, index, el: element(error) }))
    .sort((a, b) => {
      if (a.el && b.el && a.el !== b.el) return a.el.compareDocumentPosition(b.el) & Node.DOCUMENT_POSITION_FOLLOWING ? -1 : 1;
      if (a.el && !b.el) return -1;
      if (!a.el && b.el) return 1;
      return a.index - b.index;
    })
    .map(({ error }) => error);
}
