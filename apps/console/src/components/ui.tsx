import { useEffect, useRef, type ReactNode, type Ref } from 'react';

/** Page heading that takes the focus when the page opens (announces the new page to screen readers). */
export function PageTitle({ children, actions }: { children: ReactNode; actions?: ReactNode }) {
  const ref = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    ref.current?.focus();
  }, []);
  useEffect(() => {
    if (typeof children === 'string') document.title = `${children} — Maillage`;
  }, [children]);
  return (
    <div className="page-title">
      <h1 ref={ref} tabIndex={-1}>
        {children}
      </h1>
      {actions && <div className="page-title__actions">{actions}</div>}
    </div>
  );
}

export function Loading({ what }: { what: string }) {
  return (
    <p className="loading" role="status">
      Chargement {what}…
    </p>
  );
}

export function ErrorBox({ children }: { children: ReactNode }) {
  return (
    <div className="error-box" role="alert">
      {children}
    </div>
  );
}

export function Badge({ children, tone = 'neutral' }: { children: ReactNode; tone?: 'neutral' | 'ok' | 'warn' | 'danger' | 'info' }) {
  return <span className={`badge badge--${tone}`}>{children}</span>;
}

export function Section({ title, children, id, actions }: { title: string; children: ReactNode; id?: string; actions?: ReactNode }) {
  const headingId = `${id ?? title.replace(/\W+/g, '-').toLowerCase()}-titre`;
  return (
    <section className="card" aria-labelledby={headingId} id={id}>
      <div className="card__head">
        <h2 id={headingId}>{title}</h2>
        {actions}
      </div>
      {children}
    </section>
  );
}

/**
 * A form's submit button that keeps the keyboard focus while the form is being sent: `busy` makes
 * it aria-disabled (a disabled button drops the focus to <body>) and a click or Enter meanwhile
 * sends nothing. `disabled` stays for a form that cannot be sent at all.
 */
export function SubmitButton({
  busy,
  disabled,
  className = 'button',
  children,
  testId,
  buttonRef,
  id,
}: {
  busy: boolean;
  disabled?: boolean;
  className?: string;
  children: ReactNode;
  testId?: string;
  buttonRef?: Ref<HTMLButtonElement>;
  id?: string;
}) {
  return (
    <button
      type="submit"
      id={id}
      ref={buttonRef}
      className={className}
      disabled={disabled}
      aria-disabled={busy ? true : undefined}
      data-testid={testId}
      onClick={(event) => {
        if (busy) event.preventDefault();
      }}
    >
      {children}
    </button>
  );
}

/** A form's send button (primary, or `danger`) and its "Annuler" button, in that order, inside `className`. */
export function SendOrCancel({
  className,
  busy,
  children,
  onCancel,
  tone = 'primary',
}: {
  className: string;
  busy: boolean;
  children: ReactNode;
  onCancel: () => void;
  tone?: 'primary' | 'danger';
}) {
  return (
    <div className={className}>
      <SubmitButton className={`button button--${tone}`} busy={busy}>
        {children}
      </SubmitButton>
      <button type="button" className="button" onClick={onCancel}>
        Annuler
      </button>
    </div>
  );
}

/**
 * Once the page has re-rendered, moves the focus to an element (by id), made focusable if it is
 * not: where a keyboard user lands when the control they used has gone (a form closed, a button
 * replaced). Falls back on the heading of the Section `fallbackSection`, then on the page title.
 */
export function focusLater(id: string, fallbackSection?: string) {
  setTimeout(() => {
    const target =
      document.getElementById(id) ?? (fallbackSection ? document.getElementById(`${fallbackSection}-titre`) : null) ?? document.querySelector<HTMLElement>('main h1, h1');
    if (!target) return;
    if (!target.matches('a[href], button, input, select, textarea, [tabindex]')) target.setAttribute('tabindex', '-1');
    target.focus();
  }, 0);
}

/** Focus the first field of a form when it opens (the user pressed the button that shows it). */
export function useFocusOnOpen<T extends HTMLElement>() {
  const ref = useRef<T>(null);
  useEffect(() => {
    ref.current?.focus();
  }, []);
  return ref;
}
