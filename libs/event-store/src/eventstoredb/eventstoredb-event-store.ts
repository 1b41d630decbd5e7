import { randomUUID } from 'node:crypto';
import {
  BACKWARDS,
  END,
  EventStoreDBClient,
  FORWARDS,
  NO_STREAM as ESDB_NO_STREAM,
  START,
  type AllStreamResolvedEvent,
  type Position,
  type ReadPosition,
  type ReadRevision,
} from '@eventstore/db-client';
import { ConcurrencyError, EventStoreError, EventStoreErrorCode } from '../errors';
import {
  ANY,
  type AppendOptions,
  type AppendResult,
  type EventStore,
  type EventToAppend,
  type ExpectedVersion,
  type ReadAllOptions,
  type ReadAllResult,
  type ReadStreamOptions,
  type RecordedEvent,
} from '../event-store.port';
import { assertValidExpectedVersion, assertValidStreamName, prepareEvents, type PreparedEvent } from '../validation';
import { LIVE, RetryingSubscription, type BackoffOptions, type SubscriptionSource } from './backoff';
import {
  isStreamNotFound,
  isWrongExpectedVersion,
  redactConnectionString,
  translateEventStoreDbError,
  unreachableAtStartError,
} from './errors';
import { fromEsdbEvent, toEsdbEvent } from './event-mapping';
import { maillageStreamFilter, type StreamFilterSpec } from './filter';
import { comparePositionValues, formatPosition, parsePosition } from './positions';
import { toExpectedRevision, versionFromCurrentRevision } from './revisions';

export interface EventStoreDbEventStoreOptions {
  /** esdb:// or esdb+discover:// connection string (EVENTSTORE_CONNECTION_STRING). */
  connectionString: string;
  /** Narrows $all to these stream prefixes (default: every valid Maillage stream name). */
  streamPrefixes?: readonly string[];
  /**
   * Guard streams that make an event id usable once in the whole store (default true), as the
   * PostgreSQL store's unique index does. EventStoreDB itself only deduplicates a retry inside one
   * stream, and only for an exact expected revision. Off: a reused id in ANOTHER stream is not
   * detected (retries into the same stream still are, by reading that stream).
   */
  eventIdGuard?: boolean;
  /** Events fetched per round trip when reading $all (default 1000). */
  readPageSize?: number;
  /** Deadline of each request in ms (default: the client's, 10 s). */
  deadlineMs?: number;
  /** Subscription drops and retries, for logs (default: ignored). */
  onBackgroundError?: (error: unknown) => void;
  backoff?: BackoffOptions;
}

/** Prefix of the guard streams: one per event id, first event names the stream that owns the id. */
export const EVENT_ID_GUARD_PREFIX = 'eventid_guard-';
const MAX_READ_ALL_LIMIT = 10_000;

/**
 * EventStoreDB / KurrentDB adapter of the event store port (@eventstore/db-client 6.2.1, gRPC).
 *
 * - Appends map the port's 1-based versions to 0-based revisions (see revisions.ts). Appends to one
 *   stream from this process run one after the other, in call order (like the PostgreSQL adapter);
 *   appends from other processes are arbitrated by the server's expected-revision check.
 * - Idempotency: an event id belongs to one stream for ever (guard streams). A retry (same ids,
 *   same stream) returns the original result even after the stream moved on; a partial overlap or
 *   an id of another stream is DuplicateEventId. This backs, and does not replace, the command
 *   side's idempotency keys kept in PostgreSQL.
 * - $all: only Maillage's streams (see filter.ts). Positions are "C:<commit>/P:<prepare>".
 *   Everything committed is readable at once on the leader, so headPosition = lastCommittedPosition.
 * - Errors: connection loss and leader changes are DatabaseUnavailable (outcome of an append
 *   unknown: retry with the same event ids); onAppended's subscription reconnects with backoff.
 */
export class EventStoreDbEventStore implements EventStore {
  readonly filter: StreamFilterSpec;
  private readonly client: EventStoreDBClient;
  private readonly guard: boolean;
  private readonly pageSize: number;
  private readonly deadline?: number;
  private readonly onBackgroundError: (error: unknown) => void;
  private readonly streamTails = new Map<string, Promise<unknown>>();
  private readonly listeners = new Set<() => void>();
  private readonly subscriptions = new Set<RetryingSubscription<AllStreamResolvedEvent>>();
  private wakeSubscription: RetryingSubscription<AllStreamResolvedEvent> | null = null;
  private closed = false;

  constructor(private readonly options: EventStoreDbEventStoreOptions) {
    this.filter = maillageStreamFilter(options.streamPrefixes);
    this.guard = options.eventIdGuard ?? true;
    this.pageSize = options.readPageSize ?? 1000;
    this.deadline = options.deadlineMs;
    this.onBackgroundError = options.onBackgroundError ?? (() => undefined);
    try {
      this.client = EventStoreDBClient.connectionString(options.connectionString);
    } catch (cause) {
      throw new EventStoreError(
        EventStoreErrorCode.InvalidArgument,
        `Invalid EventStoreDB connection string ${redactConnectionString(options.connectionString)}: ${
          (cause as Error).message
        } (expected esdb://host:2113?tls=false or esdb+discover://host:2113)`,
        { cause },
      );
    }
  }

  /** Connects and checks the cluster answers: an unreachable cluster fails startup with a clear error. */
  static async open(options: EventStoreDbEventStoreOptions): Promise<EventStoreDbEventStore> {
    const store = new EventStoreDbEventStore(options);
    try {
      await store.ping();
    } catch (error) {
      await store.client.dispose().catch(() => undefined);
      throw unreachableAtStartError(options.connectionString, error);
    }
    return store;
  }

  /** One small read of $all (the leader's log end). */
  async ping(): Promise<void> {
    for await (const _ of this.client.readAll({ direction: BACKWARDS, fromPosition: END, maxCount: 1, deadline: this.deadline })) {
      break;
    }
  }

  // ---- appends ----

  async appendToStream(streamId: string, events: EventToAppend[], options: AppendOptions = {}): Promise<AppendResult> {
    this.assertOpen();
    assertValidStreamName(streamId);
    const expected = options.expectedVersion ?? ANY;
    assertValidExpectedVersion(expected);
    const prepared = prepareEvents(streamId, events);
    return this.serialised(streamId, () => this.append(streamId, prepared, expected));
  }

  /** Runs appends to one stream one after the other, in call order, whatever their outcomes. */
  private serialised<T>(streamId: string, run: () => Promise<T>): Promise<T> {
    const previous = this.streamTails.get(streamId) ?? Promise.resolve();
    const result = previous.then(run, run);
    const tail = result.catch(() => undefined);
    this.streamTails.set(streamId, tail);
    void tail.then(() => {
      if (this.streamTails.get(streamId) === tail) this.streamTails.delete(streamId);
    });
    return result;
  }

  private async append(streamId: string, prepared: PreparedEvent[], expected: ExpectedVersion): Promise<AppendResult> {
    const ids = prepared.map((e) => e.eventId);
    // With the guard, a fresh claim of every id proves this is no retry: no need to read the stream.
    const maybeRetry = this.guard ? await this.claimEventIds(streamId, ids) : true;
    if (maybeRetry) {
      const replay = await this.findReplay(streamId, ids);
      if (replay) return replay;
    }
    let nextExpectedRevision: bigint;
    try {
      const result = await this.client.appendToStream(streamId, prepared.map(toEsdbEvent), {
        expectedRevision: toExpectedRevision(expected),
        deadline: this.deadline,
      });
      nextExpectedRevision = BigInt(result.nextExpectedRevision);
    } catch (error) {
      if (isWrongExpectedVersion(error)) {
        // A retry racing its original from another process lands here when the server did not
        // recognise it (expectation ANY / STREAM_EXISTS): report the original's result.
        const replay = await this.findReplay(streamId, ids);
        if (replay) return replay;
        const actual = (error as { actualVersion?: bigint | typeof ESDB_NO_STREAM }).actualVersion;
        throw new ConcurrencyError(streamId, expected, versionFromCurrentRevision(actual));
      }
      throw translateEventStoreDbError(error, `appending to "${streamId}"`, true);
    }
    // The append result's position is not documented as the last event's $all position: read it.
    const last = await this.readRevision(streamId, nextExpectedRevision);
    if (!last || last.eventId !== ids[ids.length - 1]) {
      // The server answered an idempotent replay with another revision: look the events up.
      const replay = await this.findReplay(streamId, ids);
      if (replay) return replay;
      throw new EventStoreError(
        EventStoreErrorCode.DatabaseError,
        `Appending to "${streamId}": the server acknowledged revision ${nextExpectedRevision} but the events are not there`,
      );
    }
    return { streamId, nextExpectedVersion: last.streamVersion, lastPosition: last.globalPosition };
  }

  /**
   * Claims each event id for `streamId` in its guard stream (first write wins, NO_STREAM). Returns
   * whether some id was already claimed for this very stream (an earlier attempt of this append);
   * throws DuplicateEventId when one belongs to another stream. Ids claimed by an append that then
   * failed stay bound to their stream: they are spent for other streams (ids are UUIDs: never an
   * issue for a caller that does not reuse ids across streams).
   */
  private async claimEventIds(streamId: string, ids: string[]): Promise<boolean> {
    const outcomes = await Promise.all(
      ids.map(async (id): Promise<string | null> => {
        const guard = `${EVENT_ID_GUARD_PREFIX}${id}`;
        try {
          await this.client.appendToStream(
            guard,
            { id: randomUUID(), contentType: 'application/json', type: 'EventIdClaimed', data: { streamId }, metadata: undefined },
            { expectedRevision: ESDB_NO_STREAM, deadline: this.deadline },
          );
          return null;
        } catch (error) {
          if (!isWrongExpectedVersion(error)) {
            throw translateEventStoreDbError(error, `claiming event id ${id} for "${streamId}"`, true);
          }
          return this.guardOwner(guard);
        }
      }),
    );
    const foreign = outcomes.find((owner) => owner !== null && owner !== streamId);
    if (foreign !== undefined) {
      throw new EventStoreError(
        EventStoreErrorCode.DuplicateEventId,
        `Appending to "${streamId}": an event id is already used by other events (stream "${foreign}"), not a retry of this append`,
      );
    }
    return outcomes.some((owner) => owner === streamId);
  }

  private async guardOwner(guard: string): Promise<string> {
    try {
      for await (const resolved of this.client.readStream(guard, { direction: FORWARDS, fromRevision: START, maxCount: 1, deadline: this.deadline })) {
        const data = resolved.event?.data as { streamId?: unknown } | undefined;
        if (typeof data?.streamId === 'string') return data.streamId;
      }
    } catch (error) {
      throw translateEventStoreDbError(error, `reading the guard stream ${guard}`);
    }
    throw new EventStoreError(EventStoreErrorCode.DatabaseError, `Guard stream ${guard} exists but names no owner`);
  }

  /**
   * Whether these ids are already in the stream: all of them, consecutive and in order, is a retry
   * (the original result comes back); some of them is DuplicateEventId; none is null.
   */
  private async findReplay(streamId: string, ids: string[]): Promise<AppendResult | null> {
    const wanted = new Set(ids);
    const found = new Map<string, RecordedEvent>();
    for (const event of await this.readStream(streamId)) {
      if (wanted.has(event.eventId)) found.set(event.eventId, event);
    }
    if (found.size === 0) return null;
    const ours = ids.map((id) => found.get(id));
    const consecutive = ours.every(
      (e, i) => e !== undefined && (i === 0 || e.streamVersion === ours[i - 1]!.streamVersion + 1),
    );
    if (!consecutive) {
      throw new EventStoreError(
        EventStoreErrorCode.DuplicateEventId,
        `Appending to "${streamId}": an event id is already used by other events (not a retry of this append)`,
      );
    }
    const last = ours[ours.length - 1]!;
    return { streamId, nextExpectedVersion: last.streamVersion, lastPosition: last.globalPosition, replayed: true };
  }

  private async readRevision(streamId: string, revision: bigint): Promise<RecordedEvent | null> {
    const events = await this.collectStream(streamId, { direction: FORWARDS, fromRevision: revision, maxCount: 1 }, () => true);
    return events[0] ?? null;
  }

  // ---- stream reads ----

  async readStream(streamId: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    this.assertOpen();
    assertValidStreamName(streamId);
    const from = options.from ?? 1;
    const to = options.to ?? null;
    const maxCount = options.maxCount ?? null;
    assertNonNegativeInteger(from, 'from');
    if (to !== null) assertNonNegativeInteger(to, 'to');
    if (maxCount !== null) assertNonNegativeInteger(maxCount, 'maxCount');
    const until = options.untilRecordedAt ?? null;
    if (until !== null && (!(until instanceof Date) || Number.isNaN(until.getTime()))) {
      throw new EventStoreError(EventStoreErrorCode.InvalidArgument, 'untilRecordedAt must be a valid Date');
    }
    const direction = options.direction ?? 'forwards';
    if (direction !== 'forwards' && direction !== 'backwards') {
      throw new EventStoreError(EventStoreErrorCode.InvalidArgument, `Invalid direction ${String(direction)}`);
    }
    const plan = planStreamRead({ from, to, maxCount, until, direction });
    if (plan === null) return [];
    const untilMs = until?.getTime() ?? null;
    const events = await this.collectStream(
      streamId,
      { direction: plan.direction, fromRevision: plan.fromRevision, maxCount: plan.serverMaxCount },
      (e) => e.streamVersion >= from && (to === null || e.streamVersion <= to) && (untilMs === null || e.recordedAt.getTime() <= untilMs),
    );
    return maxCount === null ? events : events.slice(0, maxCount);
  }

  private async collectStream(
    streamId: string,
    read: { direction: typeof FORWARDS | typeof BACKWARDS; fromRevision: ReadRevision; maxCount?: number },
    keep: (e: RecordedEvent) => boolean,
  ): Promise<RecordedEvent[]> {
    const out: RecordedEvent[] = [];
    try {
      for await (const resolved of this.client.readStream(streamId, { ...read, resolveLinkTos: false, deadline: this.deadline })) {
        if (!resolved.event) continue;
        const event = fromEsdbEvent(resolved.event);
        if (keep(event)) out.push(event);
      }
    } catch (error) {
      if (isStreamNotFound(error)) return out;
      throw translateEventStoreDbError(error, `reading stream "${streamId}"`);
    }
    return out;
  }

  // ---- $all ----

  async readAll(options: ReadAllOptions): Promise<ReadAllResult> {
    this.assertOpen();
    const limit = options.limit;
    if (!Number.isSafeInteger(limit) || limit < 1 || limit > MAX_READ_ALL_LIMIT) {
      throw new EventStoreError(
        EventStoreErrorCode.InvalidArgument,
        `readAll limit must be an integer between 1 and ${MAX_READ_ALL_LIMIT}`,
      );
    }
    const after = options.after ?? null;
    let cursor: Position | null = after === null ? null : parsePosition(after);
    const events: RecordedEvent[] = [];
    for (;;) {
      const page = await this.readAllPage(cursor === null ? START : cursor, FORWARDS, this.pageSize);
      let progressed = false;
      for (const resolved of page) {
        const raw = resolved.event;
        if (!raw) continue;
        // Reads of $all from a position may include the event at that position: skip what we had.
        if (cursor !== null && comparePositionValues(raw.position, cursor) <= 0) continue;
        cursor = raw.position;
        progressed = true;
        if (!this.filter.accepts(raw.streamId)) continue;
        events.push(fromEsdbEvent(raw));
        if (events.length === limit) break;
      }
      if (events.length === limit || page.length < this.pageSize || !progressed) break;
    }
    return { events, position: events.length ? events[events.length - 1].globalPosition : after };
  }

  private async readAllPage(from: ReadPosition, direction: typeof FORWARDS | typeof BACKWARDS, maxCount: number): Promise<AllStreamResolvedEvent[]> {
    const page: AllStreamResolvedEvent[] = [];
    try {
      for await (const resolved of this.client.readAll({ fromPosition: from, direction, maxCount, resolveLinkTos: false, deadline: this.deadline })) {
        page.push(resolved);
      }
    } catch (error) {
      throw translateEventStoreDbError(error, 'reading all events');
    }
    return page;
  }

  async headPosition(): Promise<string | null> {
    this.assertOpen();
    let cursor: ReadPosition = END;
    let previous: Position | null = null;
    for (;;) {
      const page = await this.readAllPage(cursor, BACKWARDS, this.pageSize);
      let progressed = false;
      for (const resolved of page) {
        const raw = resolved.event;
        if (!raw) continue;
        if (previous !== null && comparePositionValues(raw.position, previous) >= 0) continue;
        previous = raw.position;
        progressed = true;
        if (this.filter.accepts(raw.streamId)) return formatPosition(raw.position);
      }
      if (page.length < this.pageSize || !progressed || previous === null) return null;
      cursor = previous;
    }
  }

  /** Appends are readable in $all as soon as they are acknowledged: same as headPosition. */
  lastCommittedPosition(): Promise<string | null> {
    return this.headPosition();
  }

  /**
   * Delivers every Maillage event after `after` (null: from the first), then live ones, one at a
   * time and in order, through a server-side filtered subscription to $all. Reconnects with backoff
   * after a drop and resumes after the last delivered event. A throwing handler also drops the
   * subscription: the event is delivered again after the backoff.
   */
  subscribeToAll(after: string | null, onEvent: (event: RecordedEvent) => void | Promise<void>): { stop(): Promise<void> } {
    this.assertOpen();
    if (after !== null) parsePosition(after);
    const subscription = new RetryingSubscription<AllStreamResolvedEvent>({
      source: this.subscriptionSource(),
      from: after,
      positionOf: (resolved) => formatPosition(resolved.event!.position),
      onEvent: async (resolved) => {
        const raw = resolved.event;
        if (raw && this.filter.accepts(raw.streamId)) await onEvent(fromEsdbEvent(raw));
      },
      onRetry: (error, attempt, delayMs) => this.reportRetry(error, attempt, delayMs),
      backoff: this.options.backoff,
    });
    this.subscriptions.add(subscription);
    subscription.start();
    return {
      stop: async () => {
        this.subscriptions.delete(subscription);
        await subscription.stop();
      },
    };
  }

  onAppended(listener: () => void): () => void {
    this.assertOpen();
    this.listeners.add(listener);
    if (!this.wakeSubscription) {
      const wakeAll = () => {
        for (const l of [...this.listeners]) l();
      };
      this.wakeSubscription = new RetryingSubscription<AllStreamResolvedEvent>({
        source: this.subscriptionSource(),
        from: LIVE,
        // Live-only: after a reconnection, resume live too, and wake readers in case they missed one.
        positionOf: () => LIVE,
        onEvent: (resolved) => {
          if (resolved.event && this.filter.accepts(resolved.event.streamId)) wakeAll();
        },
        onReconnected: wakeAll,
        onRetry: (error, attempt, delayMs) => this.reportRetry(error, attempt, delayMs),
        backoff: this.options.backoff,
      }).start();
    }
    return () => {
      this.listeners.delete(listener);
      if (this.listeners.size === 0 && this.wakeSubscription) {
        const s = this.wakeSubscription;
        this.wakeSubscription = null;
        void s.stop();
      }
    };
  }

  private subscriptionSource(): SubscriptionSource<AllStreamResolvedEvent> {
    return {
      open: (from, handlers) => {
        const subscription = this.client.subscribeToAll({
          fromPosition: from === LIVE ? END : from === null ? START : parsePosition(from),
          filter: this.filter.server,
          resolveLinkTos: false,
        });
        subscription.on('data', (resolved: AllStreamResolvedEvent) => void handlers.onEvent(resolved));
        subscription.on('error', (error: Error) => handlers.onDrop(error));
        subscription.on('end', () => handlers.onDrop(new Error('the subscription ended')));
        subscription.on('caughtUp', () => handlers.onCaughtUp?.());
        return { close: () => subscription.unsubscribe() };
      },
    };
  }

  private reportRetry(error: unknown, attempt: number, delayMs: number): void {
    const translated = translateEventStoreDbError(error, 'following $all');
    this.onBackgroundError(
      new EventStoreError(
        translated.code,
        `${translated.message} (subscription attempt ${attempt}, next try in ${delayMs} ms)`,
        { cause: error },
      ),
    );
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const wake = this.wakeSubscription;
    this.wakeSubscription = null;
    this.listeners.clear();
    await Promise.all([wake?.stop(), ...[...this.subscriptions].map((s) => s.stop())]);
    await Promise.all([...this.streamTails.values()]);
    await this.client.dispose();
  }

  private assertOpen(): void {
    if (this.closed) throw new EventStoreError(EventStoreErrorCode.Closed, 'The event store is closed');
  }
}

/** How a readStream call maps to one server read (pure, see eventstoredb-mapping.unit.spec). */
export interface StreamReadPlan {
  direction: typeof FORWARDS | typeof BACKWARDS;
  fromRevision: ReadRevision;
  /** Undefined: read to the end of the range (a time bound or a range end is filtered client-side). */
  serverMaxCount?: number;
}

export function planStreamRead(o: {
  from: number;
  to: number | null;
  maxCount: number | null;
  until: Date | null;
  direction: 'forwards' | 'backwards';
}): StreamReadPlan | null {
  const first = Math.max(1, o.from);
  if (o.maxCount === 0 || (o.to !== null && o.to < first)) return null;
  if (o.direction === 'forwards') {
    const span = o.to === null ? null : o.to - first + 1;
    // A time bound drops events client-side, so the server cannot apply maxCount.
    const counts = [o.until === null ? o.maxCount : null, span].filter((n): n is number => n !== null);
    return {
      direction: FORWARDS,
      fromRevision: first === 1 ? START : BigInt(first - 1),
      serverMaxCount: counts.length ? Math.min(...counts) : undefined,
    };
  }
  return {
    direction: BACKWARDS,
    fromRevision: o.to === null ? END : BigInt(o.to - 1),
    serverMaxCount: o.until === null && o.maxCount !== null ? o.maxCount : undefined,
  };
}

function assertNonNegativeInteger(value: unknown, name: string): void {
  if (!Number.isSafeInteger(value) || (value as number) < 0) {
    throw new EventStoreError(EventStoreErrorCode.InvalidArgument, `${name} must be a non-negative integer`);
  }
}
