/**
 * The signed-in session, kept in localStorage so every tab shares it (the access token lives 15
 * minutes). When the browser refuses site storage, the page's memory keeps it instead: signing in
 * still works, for this page only (a reload or another tab asks to sign in again).
 */
import { keptIn } from './storage';

export type Role = 'ADMIN' | 'NETWORK' | 'FUNDER' | 'MEMBER';

export interface SessionUser {
  id: string;
  email: string | null;
  name: string | null;
  role: Role;
  organisationId: string | null;
  regions: string[];
}

export interface Session {
  accessToken: string;
  expiresAt: string;
  user: SessionUser;
}

export const SESSION_KEY = 'maillage.session';
const KEY = SESSION_KEY;
const kept = keptIn('localStorage');

/** The session stored (or `raw`, the new value of a storage event), if it has not expired. */
export function loadSession(raw: string | null = kept.get(KEY)): Session | null {
  try {
    if (!raw) return null;
    const session = JSON.parse(raw) as Session;
    return Date.parse(session.expiresAt) > Date.now() ? session : null;
  } catch {
    return null;
  }
}

export function saveSession(session: Session | null): void {
  if (session) kept.set(KEY, JSON.stringify(session));
  else kept.remove(KEY);
}

export const roleLabelsFr: Record<Role, string> = {
  ADMIN: 'Opérateur de la plateforme',
  NETWORK: 'Inter-réseau',
  FUNDER: 'Financeur',
  MEMBER: 'Structure membre',
};
