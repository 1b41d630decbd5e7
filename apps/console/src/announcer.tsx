import { createContext, useCallback, useContext, useState, type ReactNode } from 'react';

/**
 * Live regions for asynchronous messages: a polite one (saved, refreshed) and an assertive one
 * (errors). Both stay in the DOM so screen readers pick up every change.
 */
interface Message {
  id: number;
  text: string;
  tone: 'info' | 'success' | 'error';
}
interface Announcer {
  announce: (text: string, tone?: Message["tone"]) => void;
}
const AnnouncerContext = createContext<Announcer>({ announce: () => undefined });

export function AnnouncerProvider({ children }: { children: ReactNode }) {
  const [polite, setPolite] = useState<Message | null>(null);
  const [assertive, setAssertive] = useState<Message | null>(null);
  const announce = useCallback((text: string, tone: Message['tone'] = 'info') => {
    const message = { id: Date.now(), text, tone };
    if (tone === 'error') setAssertive(message);
    else setPolite(message);
    // A success makes an earlier error stale (e.g. a refused amount, then the right one), and an
    // error an earlier success (“enregistré” next to a later refusal would mislead).
    if (tone === 'success') setAssertive(null);
    if (tone === 'error') setPolite(null);
  }, []);
  return (
    <AnnouncerContext.Provider value={{ announce }}>
      {children}
      <div className="toasts">
        <div role="status" aria-live="polite" aria-atomic="true" className="toast-slot" data-testid="announce-polite">
          {polite && (
            <p key={polite.id} className={`toast toast--${polite.tone}`}>
              {polite.text}
              <button type="button" className="toast__close" aria-label="Fermer le message" onClick={() => setPolite(null)}>
                ×
              </button>
            </p>
          )}
        </div>
        <div role="alert" aria-live="assertive" aria-atomic="true" className="toast-slot" data-testid="announce-alert">
          {assertive && (
            <p key={assertive.id} className="toast toast--error">
              {assertive.text}
              <button type="button" className="toast__close" aria-label="Fermer le message" onClick={() => setAssertive(null)}>
                ×
              </button>
            </p>
          )}
        </div>
      </div>
    </AnnouncerContext.Provider>
  );
}

export const useAnnouncer = (): Announcer => useContext(AnnouncerContext);
