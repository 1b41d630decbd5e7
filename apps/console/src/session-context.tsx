import { createContext, useContext } from 'react';
import type { Session } from './session';

export interface SessionState {
  session: Session;
  signOut: (message?: string) => void;
  /** Same user, new access token (after changing one's password: the previous token is refused). */
  renewSession: (next: Session) => void;
}
export const SessionContext = createContext<SessionState | null>(null);

export function useSession(): SessionState {
  const value = useContext(SessionContext);
  if (!value) throw new Error('useSession outside a signed-in page');
  return value;
}
