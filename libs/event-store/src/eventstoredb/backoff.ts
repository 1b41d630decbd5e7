/** Exponential backoff with full jitter, capped: delay(n) is drawn from [0, min(max, initial * factor^n)]. */
export interface BackoffOptions {
  initialMs?: number;
  maxMs?: number;
  factor?: number;
  /** Random source in [0, 1) (tests pass a fixed one). Default Math.random; 1 gives the cap exactly. */
  random?: () => number;
}

export function backoffDelay(attempt: number, options: BackoffOptions = {}): number {
  const initial = options.initialMs ?? 200;
  const max = options.maxMs ?? 30_000;
  const factor = options.factor ?? 2;
  const random = options.random ?? Math.random;
  const n = Math.max(0, Math.floor(attempt));
  const ceiling = Math.min(max, initial * Math.pow(factor, Math.min(n, 64)));
  return Math.round(ceiling * Math.min(1, Math.max(0, random())));
}

/** Where a subscription starts: after a position, from the start (null), or live only (LIVE). */
export const LIVE: unique symbol = Symbol('live');
export type StartPoint = string | null | typeof LIVE;

/** What a live source of events looks like to RetryingSubscription (a thin wrapper of the client's). */
export interface SubscriptionSource<E> {
  /** Starts a subscription after `position` (null: from the start, LIVE for live events only). */
  open(from: StartPoint, handlers: SourceHandlers<E>): { close(): Promise<void> };
}

export interface SourceHandlers<E> {
  onEvent(event: E): void | Promise<void>;
  /** The subscription failed or ended: it will not deliver anything more. */
  onDrop(error: unknown): void;
  /** Caught up with the head (optional: older servers do not say it). */
  onCaughtUp?(): void;
}

export interface RetryingSubscriptionOptions<E> {
  source: SubscriptionSource<E>;
  /** Exclusive starting position; LIVE subscribes to live events only. */
  from: StartPoint;
  positionOf(event: E): StartPoint;
  onEvent(event: E): void | Promise<void>;
  /** Every drop, with the delay before the next attempt (for logs). */
  onRetry?(error: unknown, attempt: number, delayMs: number): void;
  /** After a reconnection: events may have been missed in live-only mode (LIVE). */
  onReconnected?(): void;
  backoff?: BackoffOptions;
  /** Injected for tests. */
  setTimer?: (fn: () => void, ms: number) => { cancel(): void };
}

/**
 * A subscription that reopens itself after a drop (connection loss, leader change), with backoff,
 * from the last event it delivered: nothing is skipped and nothing delivered twice. Attempts reset
 * once an event arrives again. Events are delivered one at a time, in order (the next waits for
 * the previous onEvent promise).
 */
export class RetryingSubscription<E> {
  private current: { close(): Promise<void> } | null = null;
  private lastPosition: StartPoint;
  private attempt = 0;
  private stopped = false;
  private timer: { cancel(): void } | null = null;
  private chain: Promise<void> = Promise.resolve();
  private generation = 0;

  constructor(private readonly options: RetryingSubscriptionOptions<E>) {
    this.lastPosition = options.from;
  }

  /** Position of the last delivered event (or the starting one). */
  get position(): StartPoint {
    return this.lastPosition;
  }

  get attempts(): number {
    return this.attempt;
  }

  start(): this {
    this.connect(false);
    return this;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.timer?.cancel();
    const current = this.current;
    this.current = null;
    await current?.close().catch(() => undefined);
    await this.chain.catch(() => undefined);
  }

  private connect(reconnect: boolean): void {
    if (this.stopped) return;
    const generation = ++this.generation;
    const live = (): boolean => generation === this.generation && !this.stopped;
    try {
      this.current = this.options.source.open(this.lastPosition, {
        onEvent: (event) => {
          if (!live()) return;
          this.chain = this.chain.then(async () => {
            if (!live()) return;
            await this.options.onEvent(event);
            this.lastPosition = this.options.positionOf(event);
            this.attempt = 0;
          });
          // A handler failure drops the subscription: it reopens after the last delivered event.
          this.chain.catch((error: unknown) => live() && this.drop(error));
        },
        onDrop: (error) => live() && this.drop(error),
        onCaughtUp: () => {
          if (live()) this.attempt = 0;
        },
      });
      if (reconnect) this.options.onReconnected?.();
    } catch (error) {
      this.drop(error);
    }
  }

  private drop(error: unknown): void {
    if (this.stopped) return;
    this.generation++; // ignore anything the dropped subscription still emits
    const dropped = this.current;
    this.current = null;
    void dropped?.close().catch(() => undefined);
    const delay = backoffDelay(this.attempt, this.options.backoff);
    this.attempt++;
    this.options.onRetry?.(error, this.attempt, delay);
    const setTimer =
      this.options.setTimer ??
      ((fn: () => void, ms: number) => {
        const t = setTimeout(fn, ms);
        t.unref();
        return { cancel: () => clearTimeout(t) };
      });
    // Reopen only once delivered events are all handled, so lastPosition is final.
    void this.chain
      .catch(() => undefined)
      .then(() => {
        if (this.stopped) return;
        this.chain = Promise.resolve();
        this.timer = setTimer(() => this.connect(true), delay);
      });
  }
}
