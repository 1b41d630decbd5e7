import { useEffect, useId, useRef, type ReactNode } from 'react';

/**
 * A modal confirmation (native `<dialog>` opened with showModal(): the rest of the page is inert,
 * Escape cancels). The focus starts on "Annuler", the least harmful choice; the caller decides
 * where it goes once the dialog closes.
 */
export function ConfirmDialog({
  title,
  children,
  confirmLabel,
  tone = 'primary',
  busy,
  onConfirm,
  onCancel,
}: {
  title: string;
  children: ReactNode;
  confirmLabel: string;
  tone?: 'primary' | 'danger';
  busy: boolean;
  onConfirm: () => void;
  onCancel: () => void;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const cancel = useRef<HTMLButtonElement>(null);
  const id = useId().replace(/:/g, '');
  useEffect(() => {
    const dialog = ref.current;
    if (dialog && !dialog.open) dialog.showModal();
    cancel.current?.focus();
    return () => dialog?.close();
  }, []);
  return (
    <dialog
      ref={ref}
      className="dialog"
      aria-labelledby={`${id}-titre`}
      aria-describedby={`${id}-texte`}
      onCancel={(e) => {
        e.preventDefault();
        onCancel();
      }}
    >
      <h2 id={`${id}-titre`} className="dialog__title">
        {title}
      </h2>
      <div id={`${id}-texte`}>{children}</div>
      <div className="dialog__actions">
        <button type="button" className={`button button--${tone}`} disabled={busy} onClick={onConfirm}>
          {confirmLabel}
        </button>
        <button type="button" ref={cancel} className="button" onClick={onCancel}>
          Annuler
        </button>
      </div>
    </dialog>
  );
}
