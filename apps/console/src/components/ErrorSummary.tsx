import { useEffect, useRef } from 'react';

/** The error summary of a form: the field errors listed, then focused so screen readers read them. */
export function ErrorSummary({ errors, testId }: { errors: readonly { field: string; message: string }[]; testId: string }) {
  const summary = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (errors.length) summary.current?.focus();
  }, [errors]);
  if (!errors.length) return null;
  return (
    <div className="error-box" role="alert" tabIndex={-1} ref={summary} data-testid={testId}>
      <p>Vérifiez votre saisie :</p>
      <ul>
        {errors.map((e) => (
          <li key={e.field}>{e.message}</li>
        ))}
      </ul>
    </div>
  );
}
