import type { EventStore, RecordedEvent } from '@maillage/event-store';
import { ProjectionBlockedError, Wakeable } from '@maillage/projections';
import { cooperationIdFromStream } from '@maillage/domain';
import { SERVER_SHUTTING_DOWN, SubscriberQueue } from './subscriber-queue';
import { GraphQLError } from 'graphql';

/** What the read model says about a cooperation when a notification is sent (null parts unknown). */
export interface CooperationFacts {
  regionCode: string | null;
  name: string | null;
  kind: string | null;
  stage: string | null;
  status: string | null;
}

/** One cooperation event, ready to be sent: every subscriber whose filter matches gets it. */
export interface ActivityDelivery {
  event: RecordedEvent;
  cooperationId: string;
  /** Région of the cooperation for this event (from the event's own territory when it has one). */
  regionCode: string | null;
  facts: CooperationFacts | null;
  /**
   * True when every read-model projection had applied the event before it was published. False
   * when a projection is blocked on a dead letter at or before it, or did not catch up within the
   * wait limit (projectors stopped or far behind): the event is sent anyway, flagged, so clients
   * are not left waiting for an operator's decision, and know the queries may not show it yet.
   */
  readModelsCurrent: boolean;
}

export type CatchUpResult = 'current' | 'blocked' | 'timeout';

export interface ActivityFeedOptions {
  store: Pick<EventStore, 'readAll' | 'headPosition' | 'onAppended'>;
  /** Resolves once every read-model projection has applied `position` (ProjectionRunner.waitFor). */
  waitForProjections(position: string, timeoutMs: number): Promise<void>;
  /** Read-model facts per cooperation id (one query per batch). */
  describeCooperations(ids: readonly string[]): Promise<Map<string, CooperationFacts>>;
  logger?: { log(message: string): void; warn(message: string): void; error(message: string, trace?: string): void };
  /** Events per readAll (default 200). */
  batchSize?: number;
  /** Fallback poll when no wake-up arrives (default 500 ms). */
  pollIntervalMs?: number;
  /** How long a batch waits for the projections before it is sent flagged (default 10 s). */
  catchUpTimeoutMs?: number;
  /** Once projections were found behind, later batches wait only this long until they catch up (default 250 ms). */
  degradedWaitMs?: number;
  /** Queued notifications per subscriber before it is cut off (default 1000). */
  subscriberCapacity?: number;
}

interface Subscriber {
  matches(delivery: ActivityDelivery): boolean;
  queue: SubscriberQueue<ActivityDelivery>;
}

const TIMEOUT = /^Timed out waiting for /;

/**
 * The API process's one tail of the event store, shared by every subscription (never one loop per
 * subscriber). It follows readAll from the head seen at start-up, woken by the store's append
 * notifications (with a poll as fallback); for each batch it waits until the read-model projections
 * have applied the batch's last event, then hands each cooperation event to the subscribers whose
 * filter matches. A client that gets a notification and then queries the read models sees the
 * change.
 *
 * Fan-out is in memory: several API instances each tail the store themselves and serve their own
 * sockets, so no shared broker (Redis, ...) is needed. The cursor is not persisted: a subscription
 * gets the events committed while it is open; a client that reconnects reloads from the queries.
 *
 * With nobody subscribed the feed reads nothing (it is "parked": under load, following the store
 * for no one cost a readAll of every committed batch, events and data). The first subscriber
 * places the cursor at the store's head before it is registered (see `subscribe`).
 */
export class ActivityFeed {
  private readonly subscribers = new Set<Subscriber>();
  private cursor: string | null = null;
  /** No subscriber: the cursor is not kept up; the next first subscriber places it (see `subscribe`). */
  private parked = true;
  private loop: Promise<void> | null = null;
  private stopping = false;
  private degraded = false;
  /** The last position the projections were found behind on (while degraded). */
  private behindAt: string | null = null;
  private failures = 0;
  /** A commit that lands while the feed reads makes it read again at once. */
  private readonly sleeper = new Wakeable();
  private unsubscribe: (() => void) | null = null;
  private stopSignal!: Promise<void>;
  private signalStop!: () => void;
  private readonly batchSize: number;
  private readonly pollIntervalMs: number;
  private readonly catchUpTimeoutMs: number;
  private readonly degradedWaitMs: number;
  private readonly subscriberCapacity: number;

  constructor(private readonly options: ActivityFeedOptions) {
    this.batchSize = options.batchSize ?? 200;
    this.pollIntervalMs = options.pollIntervalMs ?? 500;
    this.catchUpTimeoutMs = options.catchUpTimeoutMs ?? 10_000;
    this.degradedWaitMs = options.degradedWaitMs ?? 250;
    this.subscriberCapacity = options.subscriberCapacity ?? 1000;
    this.stopSignal = new Promise<void>((resolve) => (this.signalStop = resolve));
  }

  get subscriberCount(): number {
    return this.subscribers.size;
  }

  /** Position after which the feed reads next (the last batch it published or skipped). */
  get position(): string | null {
    return this.cursor;
  }

  /** Starts the loop; it tails the store while someone is subscribed (events committed before start are not published). */
  async start(): Promise<void> {
    if (this.loop || this.stopping) return;
    this.unsubscribe = this.options.store.onAppended(() => this.wake());
    this.loop = this.run();
  }

  /** Stops the loop and ends every subscription (clients get SERVER_SHUTTING_DOWN). */
  async stop(): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    this.signalStop();
    this.unsubscribe?.();
    this.wake();
    await this.loop;
    for (const subscriber of [...this.subscribers]) {
      subscriber.queue.fail(
        new GraphQLError('Le serveur redémarre : réabonnez-vous dans un instant.', { extensions: { code: SERVER_SHUTTING_DOWN } }),
      );
    }
  }

  /**
   * A bounded queue receiving the deliveries that match, until the subscriber returns it: every
   * event committed after it resolves. While the feed is parked the store's head is read first and
   * becomes the cursor (a subscriber arriving meanwhile keeps the first one's earlier cursor, and
   * may get a few events committed just before it asked: never fewer than promised).
   */
  async subscribe(matches: (delivery: ActivityDelivery) => boolean): Promise<SubscriberQueue<ActivityDelivery>> {
    const subscriber: Subscriber = { matches, queue: undefined as unknown as SubscriberQueue<ActivityDelivery> };
    subscriber.queue = new SubscriberQueue<ActivityDelivery>(this.subscriberCapacity, () => this.subscribers.delete(subscriber));
    if (this.parked && !this.stopping) {
      const head = await this.options.store.headPosition();
      if (this.parked) {
        this.cursor = head;
        this.parked = false;
      }
    }
    if (this.stopping) {
      subscriber.queue.fail(new GraphQLError('Le serveur redémarre : réabonnez-vous dans un instant.', { extensions: { code: SERVER_SHUTTING_DOWN } }));
    } else {
      this.subscribers.add(subscriber);
      this.wake();
    }
    return subscriber.queue;
  }

  // ---- the loop ----

  private wake(): void {
    this.sleeper.wake();
  }

  private idle(ms: number): Promise<void> {
    return this.stopping ? Promise.resolve() : this.sleeper.idle(ms);
  }

  private async run(): Promise<void> {
    while (!this.stopping) {
      if (!this.subscribers.size) {
        // Nobody listens: read nothing until someone subscribes (subscribe places the cursor and wakes us).
        this.parked = true;
        await this.idle(this.pollIntervalMs);
        continue;
      }
      try {
        this.sleeper.clearPending();
        const page = await this.options.store.readAll({ after: this.cursor, limit: this.batchSize });
        if (!page.events.length) {
          await this.idle(this.pollIntervalMs);
          continue;
        }
        const last = page.events[page.events.length - 1].globalPosition;
        const cooperationEvents = page.events.filter((e) => cooperationIdFromStream(e.streamId) !== null);
        // The last subscriber left while the page was read: move on without waiting for the projections.
        if (this.subscribers.size && cooperationEvents.length) {
          const caughtUp = await this.catchUp(last);
          if (this.stopping) break;
          const deliveries = await this.prepare(cooperationEvents, caughtUp === 'current');
          this.publish(deliveries);
        }
        this.cursor = last;
        this.failures = 0;
      } catch (error) {
        if (this.stopping) break;
        this.failures++;
        const backoff = Math.min(30_000, this.pollIntervalMs * 2 ** Math.min(this.failures - 1, 6));
        this.options.logger?.warn(`Activity feed: ${(error as Error).message}; retrying in ${backoff} ms`);
        await this.idle(backoff);
      }
    }
  }

  /**
   * Waits for every read-model projection to pass `position`. A dead letter at or before it
   * (reported at once when this process holds that projection) or a timeout (projectors off
   * everywhere, or far behind; with MAILLAGE_PROJECTORS=off waitFor polls the checkpoints other
   * processes write) does not hold notifications back: they go out flagged, and until the
   * projections catch up again later batches only wait briefly, so one stuck projection does not
   * turn into a fixed delay per batch. Other failures (database down) propagate: the loop retries
   * the batch.
   */
  private async catchUp(position: string): Promise<CatchUpResult> {
    // Leave the degraded mode as soon as the projections have passed the last position they were
    // behind on: from then on the next batches get the full wait again (under load a short wait
    // would flag events that the projectors are about to apply).
    if (this.degraded && this.behindAt !== null) {
      const recovered = await this.options.waitForProjections(this.behindAt, 1).then(
        () => true,
        () => false,
      );
      if (recovered) {
        if (!this.stopping) this.options.logger?.log('Activity feed: read models caught up; notifications are current again');
        this.degraded = false;
        this.behindAt = null;
      }
    }
    const timeoutMs = this.degraded ? this.degradedWaitMs : this.catchUpTimeoutMs;
    const wait = this.options.waitForProjections(position, timeoutMs);
    wait.catch(() => undefined); // may settle after a stop
    try {
      await Promise.race([wait, this.stopSignal]);
    } catch (error) {
      const blocked = error instanceof ProjectionBlockedError;
      if (!blocked && !(error instanceof Error && TIMEOUT.test(error.message))) throw error;
      if (!this.degraded) {
        this.options.logger?.warn(
          `Activity feed: read models are behind (${error.message}); notifications go out flagged readModelsCurrent=false`,
        );
      }
      this.degraded = true;
      this.behindAt = position;
      return blocked ? 'blocked' : 'timeout';
    }
    if (this.degraded && !this.stopping) this.options.logger?.log('Activity feed: read models caught up; notifications are current again');
    this.degraded = false;
    this.behindAt = null;
    return 'current';
  }

  private async prepare(events: readonly RecordedEvent[], readModelsCurrent: boolean): Promise<ActivityDelivery[]> {
    const ids = [...new Set(events.map((e) => cooperationIdFromStream(e.streamId)!))];
    const facts = await this.options.describeCooperations(ids);
    return events.map((event) => {
      const cooperationId = cooperationIdFromStream(event.streamId)!;
      const known = facts.get(cooperationId) ?? null;
      return { event, cooperationId, regionCode: territoryRegion(event) ?? known?.regionCode ?? null, facts: known, readModelsCurrent };
    });
  }

  private publish(deliveries: readonly ActivityDelivery[]): void {
    for (const delivery of deliveries) {
      for (const subscriber of this.subscribers) {
        let matches = false;
        try {
          matches = subscriber.matches(delivery);
        } catch (error) {
          subscriber.queue.fail(error instanceof Error ? error : new Error(String(error)));
        }
        if (matches) subscriber.queue.push(delivery);
      }
    }
  }
}

/** The région an event itself names (CooperationProposed, CooperationTerritorySet), if any. */
export function territoryRegion(event: RecordedEvent): string | null {
  const data = event.data as { territory?: { regionCode?: unknown } } | null;
  const code = data?.territory?.regionCode;
  return typeof code === 'string' ? code : null;
}
