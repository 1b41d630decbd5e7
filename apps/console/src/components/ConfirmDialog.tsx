import { useId, useRef, type ReactNode } from 'react';
import { ModalDialog } from './ModalDialog';

/**
 * A modal confirmation (a ModalDialog: the rest of the page is inert, Escape cancels). The focus
 * starts on "Annuler", the least harmful choice; the caller decides where it goes once the dialog
 * closes.
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
  const cancel = useRef<HTMLButtonElement>(null);
  const text = `${useId().replace(/:/g, '')}-texte`;
  return (
    <ModalDialog title={title} onCancel={onCancel} initialFocus={cancel} describedBy={text}>
      <div id={text}>{children}</div>
      <div className="dialog__actions">
        <button type="button" className={`button button--${tone}`} disabled={busy} onClick={onConfirm}>
          {confirmLabel}
        </button>
        <button type="button" ref={cancel} className="button" onClick={onCancel}>
          Annuler
        </button>
      </div>
    </ModalDialog>
  );
}
