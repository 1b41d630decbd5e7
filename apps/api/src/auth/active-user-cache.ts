import { LRUCache } from 'lru-cache';
import { AppendNotifier } from '@maillage/event-store';
import type { RequestUser } from './request-user';

/** The channel the account triggers notify (migration UserChangeNotify1732370000003). */
export const USERS_CHANNEL = 'maillage_users';

interface Entry {
  credentialVersion: number;
  /** Null: no active user with this credential version (disabled, deleted, older password). */
  user: RequestUser | null;
}

/**
 * The active users behind access tokens, kept in memory so that a request does not read its user
 * again, and dropped the moment the account changes: every change to `users` or `user_credentials`
 * notifies `maillage_users` with the user's id (a trigger, so every writer is covered), and this
 * process's own changes drop the entry synchronously (`invalidate`) before they are answered.
 *
 * Nothing is served from memory unless the LISTEN connection is open: while it is down (not yet
 * connected, lost, reconnecting) every request reads the database, and on reconnect everything
 * kept is dropped, since notifications may have been missed. A read that was in flight while any
 * change arrived is answered but not kept (a generation counter), so a disabled user is never
 * stored back by a read that started before the change.
 */
export class ActiveUserCache {
  private readonly entries: LRUCache<string, Entry>;
  private readonly notifier: AppendNotifier;
  private readonly unsubscribe: () => void;
  private generation = 0;
  private lastPayload: string | null = null;

  constructor(
    url: string,
    private readonly load: (id: string, credentialVersion: number) => Promise<RequestUser | null>,
    options: { max?: number; onError?: (error: unknown) => void; reconnectDelayMs?: number } = {},
  ) {
    this.entries = new LRUCache({ max: options.max ?? 10_000 });
    this.notifier = new AppendNotifier(url, options.onError ?? (() => undefined), USERS_CHANNEL, options.reconnectDelayMs);
    // A payload names one user; none (a reconnect) means anything may have changed.
    this.unsubscribe = this.notifier.subscribe((payload) => {
      this.lastPayload = payload ?? null;
      if (payload) this.invalidate(payload);
      else this.clear();
    });
  }

  async activeUser(id: string, credentialVersion: number): Promise<RequestUser | null> {
    if (!this.notifier.listening) {
      this.clear();
      return this.load(id, credentialVersion);
    }
    const kept = this.entries.get(id);
    if (kept && kept.credentialVersion === credentialVersion) return kept.user;
    const generation = this.generation;
    const user = await this.load(id, credentialVersion);
    if (generation === this.generation && this.notifier.listening) this.entries.set(id, { credentialVersion, user });
    return user;
  }

  /** Drops one user (its account or credential changed). */
  invalidate(id: string): void {
    this.generation++;
    this.entries.delete(id);
  }

  clear(): void {
    this.generation++;
    this.entries.clear();
  }

  /** True while notifications can be received, i.e. while users may be served from memory. */
  get listening(): boolean {
    return this.notifier.listening;
  }

  /**
   * The payload of the last notification handled. Notifications arrive in commit order, so once a
   * marker sent after some changes is the last one handled, every earlier change has been handled.
   */
  get lastNotification(): string | null {
    return this.lastPayload;
  }

  get size(): number {
    return this.entries.size;
  }

  async close(): Promise<void> {
    this.unsubscribe();
    this.clear();
    await this.notifier.close();
  }
}
