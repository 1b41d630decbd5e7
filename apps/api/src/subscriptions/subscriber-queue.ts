import { GraphQLError } from 'graphql';

/** Code sent to a subscriber whose queue overflowed (it missed notifications and must resync). */
export const SUBSCRIBER_TOO_SLOW = 'SUBSCRIBER_TOO_SLOW';

/** Code sent to subscribers when the server shuts down while they listen. */
export const SERVER_SHUTTING_DOWN = 'SERVER_SHUTTING_DOWN';

/**
 * One subscriber's bounded queue, consumed as the async iterator a GraphQL subscription returns.
 *
 * graphql-ws pulls the next item only once the previous one was written to the socket, so a slow
 * client shows up here as a growing queue. Past `capacity` we do not drop silently (the client
 * would believe it saw everything) nor block the shared tailing loop (one client would stall all
 * the others): the subscription ends with SUBSCRIBER_TOO_SLOW, and the client resubscribes and
 * reloads what it shows from the queries.
 */
export class SubscriberQueue<T> implements AsyncIterableIterator<T> {
  private items: T[] = [];
  private waiter: { resolve: (result: IteratorResult<T>) => void; reject: (error: Error) => void } | null = null;
  private failure: Error | null = null;
  private ended = false;
  private closed = false;

  constructor(
    readonly capacity: number,
    private readonly onClose: () => void,
  ) {
    if (!Number.isSafeInteger(capacity) || capacity < 1) throw new Error(`SubscriberQueue capacity must be a positive integer, got ${capacity}`);
  }

  get size(): number {
    return this.items.length;
  }

  /** Whether the queue still accepts items. */
  get open(): boolean {
    return !this.ended;
  }

  push(item: T): void {
    if (this.ended) return;
    if (this.waiter) {
      const waiter = this.waiter;
      this.waiter = null;
      waiter.resolve({ value: item, done: false });
      return;
    }
    if (this.items.length >= this.capacity) {
      this.fail(
        new GraphQLError('Les notifications arrivaient plus vite que ce client ne les lisait : réabonnez-vous puis rechargez les données.', {
          extensions: { code: SUBSCRIBER_TOO_SLOW, capacity: this.capacity },
        }),
      );
      return;
    }
    this.items.push(item);
  }

  /** Ends the subscription with an error (after nothing else: queued items are dropped). */
  fail(error: Error): void {
    if (this.ended) return;
    this.ended = true;
    this.items = [];
    if (this.waiter) {
      const waiter = this.waiter;
      this.waiter = null;
      waiter.reject(error);
    } else {
      this.failure = error;
    }
    this.close();
  }

  /** Ends the subscription normally once the queued items are read. */
  end(): void {
    if (this.ended) return;
    this.ended = true;
    if (this.waiter) {
      const waiter = this.waiter;
      this.waiter = null;
      waiter.resolve({ value: undefined, done: true });
    }
    this.close();
  }

  next(): Promise<IteratorResult<T>> {
    if (this.items.length) return Promise.resolve({ value: this.items.shift()!, done: false });
    if (this.failure) {
      const failure = this.failure;
      this.failure = null;
      return Promise.reject(failure);
    }
    if (this.ended) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve, reject) => {
      this.waiter = { resolve, reject };
    });
  }

  /** Called by graphql-js when the client completes the subscription or the socket closes. */
  return(): Promise<IteratorResult<T>> {
    this.items = [];
    this.failure = null;
    this.end();
    return Promise.resolve({ value: undefined, done: true });
  }

  throw(error?: unknown): Promise<IteratorResult<T>> {
    void this.return();
    return Promise.reject(error instanceof Error ? error : new Error(String(error)));
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  private close(): void {
    if (this.closed) return;
    this.closed = true;
    this.onClose();
  }
}
