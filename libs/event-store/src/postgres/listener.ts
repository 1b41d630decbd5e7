import { Client } from 'pg';

export const NOTIFY_CHANNEL = 'maillage_events';

/**
 * One LISTEN connection per store, opened when the first listener subscribes. Notifications are
 * hints: on reconnect listeners are woken once without a payload (commits may have happened while
 * we were away), and readers keep polling as the fallback. `channel` defaults to the event store's;
 * other notifications (e.g. changed user accounts) use the same mechanism on their own channel.
 */
export class AppendNotifier {
  private readonly listeners = new Set<(payload?: string) => void>();
  private client: Client | null = null;
  private connecting = false;
  private closed = false;
  private retryDelayMs: number;
  private retryTimer: NodeJS.Timeout | null = null;

  /** `firstRetryDelayMs`: the wait before the first reconnection attempt (then doubling, up to 5 s). */
  constructor(
    private readonly url: string,
    private readonly onError: (error: unknown) => void,
    private readonly channel: string = NOTIFY_CHANNEL,
    private readonly firstRetryDelayMs = 100,
  ) {
    this.retryDelayMs = firstRetryDelayMs;
  }

  /** True while the LISTEN connection is open: no notification of this channel can be missed. */
  get listening(): boolean {
    return this.client !== null;
  }

  subscribe(listener: (payload?: string) => void): () => void {
    this.listeners.add(listener);
    if (!this.client && !this.connecting && !this.retryTimer) void this.connect();
    return () => {
      this.listeners.delete(listener);
    };
  }

  /** Wakes local listeners directly (used after our own commits: no need to wait for the echo). */
  wake(payload?: string): void {
    for (const listener of [...this.listeners]) {
      try {
        if (payload === undefined) listener();
        else listener(payload);
      } catch (error) {
        this.onError(error);
      }
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    const client = this.client;
    this.client = null;
    await client?.end().catch(() => undefined);
  }

  private async connect(): Promise<void> {
    if (this.closed) return;
    this.connecting = true;
    const client = new Client({ connectionString: this.url, connectionTimeoutMillis: 5000, keepAlive: true });
    let lost = false;
    const onLost = (error?: unknown) => {
      if (lost) return;
      lost = true;
      if (error) this.onError(error);
      if (this.client === client) this.client = null;
      void client.end().catch(() => undefined);
      this.scheduleReconnect();
    };
    client.on('error', onLost);
    client.on('end', () => onLost());
    client.on('notification', (message) => {
      if (message.channel === this.channel) this.wake(message.payload || undefined); // "" is no payload
    });
    try {
      await client.connect();
      await client.query(`listen ${client.escapeIdentifier(this.channel)}`);
      if (this.closed) {
        await client.end().catch(() => undefined);
        return;
      }
      const reconnected = this.retryDelayMs > this.firstRetryDelayMs;
      this.client = client;
      this.retryDelayMs = this.firstRetryDelayMs;
      if (reconnected) this.wake();
    } catch (error) {
      onLost(error);
    } finally {
      this.connecting = false;
    }
  }

  private scheduleReconnect(): void {
    if (this.closed || this.retryTimer || this.listeners.size === 0) return;
    const delay = this.retryDelayMs;
    this.retryDelayMs = Math.min(this.retryDelayMs * 2, Math.max(5000, this.firstRetryDelayMs));
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      void this.connect();
    }, delay);
    this.retryTimer.unref();
  }
}
