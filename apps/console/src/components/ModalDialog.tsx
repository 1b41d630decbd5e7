import { useEffect, useId, useRef, type ReactNode, type RefObject } from 'react';

/**
 * A modal dialog holding a form (native `<dialog>` opened with showModal(): the rest of the page
 * is inert, Escape cancels). The focus starts on `initialFocus` (else the first field or button);
 * the caller decides where it goes once the dialog closes. The page's live regions are inert while
 * it is open, so the dialog shows its own messages (`role="alert"` inside it).
 */
export function ModalDialog({
  title,
  children,
  onCancel,
  initialFocus,
  describedBy,
  wide,
  testId,
}: {
  title: string;
  children: ReactNode;
  onCancel: () => void;
  initialFocus?: RefObject<HTMLElement | null>;
  /** Id of the text that says what the dialog is for. */
  describedBy?: string;
  wide?: boolean;
  testId?: string;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const id = useId().replace(/:/g, '');
  useEffect(() => {
    const dialog = ref.current;
    if (dialog && !dialog.open) dialog.showModal();
    const first = initialFocus?.current ?? dialog?.querySelector<HTMLElement>('input, select, textarea, button');
    first?.focus();
    return () => dialog?.close();
    // Opened once; the caller unmounts it to close it.
  }, []);
  return (
    <dialog
      ref={ref}
      className={`dialog${wide ? ' dialog--wide' : ''}`}
      aria-labelledby={`${id}-titre`}
      aria-describedby={describedBy}
      data-testid={testId}
      onCancel={(e) => {
        e.preventDefault();
        onCancel();
      }}
    >
      <h2 id={`${id}-titre`} className="dialog__title">
        {title}
      </h2>
      {children}
    </dialog>
  );
}
