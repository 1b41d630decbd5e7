/** A field's error in a form, in French: its field and its message. */
export interface FieldError<F extends string = string> {
  field: F;
  message: string;
}

/** The message of a field's error, if any. */
export const messageOf = <F extends string>(errors: readonly FieldError<F>[], field: F): string | undefined => errors.find((e) => e.field === field)?.message;

/** The field's description: its hints, then its error (`${id}-erreur`) when it has one. */
export const describedBy = (id: string, message: string | null | undefined, ...hintIds: string[]): string | undefined =>
  [...hintIds, message ? `${id}-erreur` : ''].filter(Boolean).join(' ') || undefined;

/** The ARIA attributes of a field (its id) with its error, if any, and its hints. */
export const fieldAria = (id: string, message: string | null | undefined, ...hintIds: string[]) => ({
  'aria-invalid': message ? true : undefined,
  'aria-describedby': describedBy(id, message, ...hintIds),
});

/**
 * A field's error, tied to it by id (`${id}-erreur`); its test id is the same unless another one
 * is given (or none, with null).
 */
export function FieldMessage({ id, message, testId = `${id}-erreur` }: { id: string; message: string | null | undefined; testId?: string | null }) {
  return message ? (
    <p id={`${id}-erreur`} className="field__error" data-testid={testId ?? undefined}>
      {message}
    </p>
  ) : null;
}
