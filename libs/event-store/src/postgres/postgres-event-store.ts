import { Pool, type PoolClient } from 'pg';
import { endPool } from '@maillage/infra';
import { EVENT_ROW_TYPES } from '../instants';
import { ConcurrencyError, EventStoreError, EventStoreErrorCode } from '../errors';
import {
  ANY,
  NO_STREAM,
  STREAM_EXISTS,
  type AppendOptions,
  type AppendResult,
  type EventStore,
  type EventToAppend,
  type ExpectedVersion,
  type ReadAllOptions,
  type ReadAllResult,
  type ReadStreamOptions,
  type RecordedEvent,
  type StreamAppend,
} from '../event-store.port';
import {
  assertValidExpectedVersion,
  assertValidStreamName,
  prepareEvents,
  type PreparedEvent,
} from '../validation';
import { AppendNotifier } from './listener';
import { migrateEventStore } from './migrate';
import { isRetryableTransactionError, toEventStoreError } from './pg-errors';

export interface PostgresEventStoreOptions {
  /** postgres:// connection string. */
  url: string;
  /** Connections for reads and append batches (default 10). */
  poolSize?: number;
  /**
   * Most appends one batch (one transaction) carries (default 200). Each distinct stream in a batch
   * holds one advisory lock until commit; PostgreSQL's shared lock table holds about
   * max_locks_per_transaction x max_connections (6,400 by default) for the whole server.
   */
  maxBatchSize?: number;
  /**
   * Batches in flight at once, each on its own connection (default 2): while one waits for its
   * WAL flush the next is already executing. 1 gives strict "one batch at a time" group commit.
   */
  maxConcurrentBatches?: number;
  connectionTimeoutMillis?: number;
  /** Background errors (LISTEN connection lost, idle client errors). Default: ignored. */
  onBackgroundError?: (error: unknown) => void;
}

interface PendingAppend {
  streamId: string;
  expected: ExpectedVersion;
  /** This append's element of the batch's JSON array, serialised once. */
  json: string;
  resolve(result: AppendResult): void;
  reject(error: Error): void;
}

/** A whole-stream forward read (optionally from a version) waiting for the next read batch. */
interface PendingRead {
  streamId: string;
  from: number;
  resolve(events: RecordedEvent[]): void;
  reject(error: Error): void;
}

interface BatchRow {
  idx: number;
  status: 'ok' | 'replay' | 'conflict' | 'duplicate';
  version: string;
  position: string | null;
}

interface EventRow {
  global_position: string;
  xid_text: string;
  stream_id: string;
  stream_version: string;
  event_id: string;
  type: string;
  schema_version: number;
  data: unknown;
  actor: RecordedEvent['actor'];
  correlation_id: string | null;
  causation_id: string | null;
  occurred_at: Date;
  recorded_at: Date;
}

// The text form of the transaction id gets its own alias: ORDER BY resolves output names first, and
// an alias `transaction_id` would silently order by text ("1000" < "998").
const EVENT_COLUMNS = `global_position, transaction_id::text as xid_text, stream_id, stream_version,
  event_id, type, schema_version, data, actor, correlation_id, causation_id, occurred_at, recorded_at`;

// Positions are "<transaction id>:<global position>"; both are unsigned 64-bit integers.
const POSITION = /^(\d{1,20}):(\d{1,20})$/;
const MAX_READ_ALL_LIMIT = 10_000;
/** Most stream reads one statement carries (see `flushReads`). */
const MAX_READ_BATCH = 100;
const MAX_BATCH_ATTEMPTS = 5;

function expectedCode(expected: ExpectedVersion): number {
  switch (expected) {
    case NO_STREAM:
      return -1;
    case STREAM_EXISTS:
      return -2;
    case ANY:
      return -3;
    default:
      return expected;
  }
}

function eventJson(e: PreparedEvent): string {
  return (
    `{"id":"${e.eventId}","type":${JSON.stringify(e.type)},"sv":${e.schemaVersion},"occ":"${e.occurredAt}",` +
    `"corr":${JSON.stringify(e.correlationId)},"caus":${JSON.stringify(e.causationId)},` +
    `"actor":${e.actorJson},"data":${e.dataJson}}`
  );
}

/** One append as `event_store.append_batch` takes it (events validated and serialised here, once). */
function appendJson(streamId: string, expected: ExpectedVersion, events: EventToAppend[]): string {
  return `{"s":"${streamId}","x":${expectedCode(expected)},"ev":[${prepareEvents(streamId, events).map(eventJson).join(',')}]}`;
}

/**
 * PostgreSQL adapter of the event store port.
 *
 * Appends go through group commit: `appendToStream` validates and serialises its events, then
 * queues them; the queue is flushed as one `event_store.append_batch(jsonb)` call (one round trip,
 * one transaction, one WAL flush) as soon as a batch slot is free. When the store is idle an append
 * is sent on the next tick on its own, so single appends keep their latency; under load, appends
 * that arrive while batches are in flight share the next commit. Each append in a batch keeps its
 * own version check and outcome (see the migration for why that is safe across connections), and
 * appends to one stream are never split over two concurrent batches, so they commit in call order.
 */
export class PostgresEventStore implements EventStore {
  private readonly pool: Pool;
  private readonly notifier: AppendNotifier;
  private readonly maxBatchSize: number;
  private readonly maxConcurrentBatches: number;
  private readonly queue: PendingAppend[] = [];
  /** Streams with an append inside an in-flight batch (count of such appends). */
  private readonly busyStreams = new Map<string, number>();
  private inFlight = 0;
  private flushScheduled = false;
  private closed = false;
  private idleWaiters: (() => void)[] = [];
  /** Forward stream reads waiting for the end of this event-loop turn (see `readStream`). */
  private readonly reads: PendingRead[] = [];
  private readFlushScheduled = false;
  private readonly readsRunning = new Set<Promise<void>>();
  /** Atomic multi-stream appends in progress (outside group commit): `close` waits for them. */
  private readonly atomicRunning = new Set<Promise<unknown>>();
  /** Stream reads asked for, and statements that served them (the ratio is the batching factor). */
  readonly readCounts = { reads: 0, statements: 0 };

  constructor(private readonly options: PostgresEventStoreOptions) {
    const onBackgroundError = options.onBackgroundError ?? (() => undefined);
    this.maxBatchSize = options.maxBatchSize ?? 200;
    this.maxConcurrentBatches = options.maxConcurrentBatches ?? 2;
    this.pool = new Pool({
      connectionString: options.url,
      max: options.poolSize ?? 10,
      connectionTimeoutMillis: options.connectionTimeoutMillis ?? 5000,
      keepAlive: true,
    });
    // An idle client losing its connection must not crash the process; the pool replaces it.
    this.pool.on('error', onBackgroundError);
    this.notifier = new AppendNotifier(options.url, onBackgroundError);
  }

  /** Opens a store and, unless told otherwise, applies pending migrations first. */
  static async open(options: PostgresEventStoreOptions & { migrate?: boolean }): Promise<PostgresEventStore> {
    if (options.migrate !== false) await migrateEventStore(options.url);
    return new PostgresEventStore(options);
  }

  migrate(): Promise<string[]> {
    return migrateEventStore(this.options.url);
  }

  async appendToStream(
    streamId: string,
    events: EventToAppend[],
    options: AppendOptions = {},
  ): Promise<AppendResult> {
    this.assertOpen();
    assertValidStreamName(streamId);
    const expected = options.expectedVersion ?? ANY;
    assertValidExpectedVersion(expected);
    // Validated and serialised here, once: a bad append never reaches (or fails) a shared batch.
    const json = appendJson(streamId, expected, events);
    return new Promise<AppendResult>((resolve, reject) => {
      this.queue.push({ streamId, expected, json, resolve, reject });
      this.scheduleFlush();
    });
  }

  /**
   * All or nothing: the parts go to `event_store.append_batch` in a transaction of their own
   * (outside group commit), which is committed only when every part was appended or recognised as
   * a retry, and rolled back otherwise. The function's stream locks, version checks and replay
   * lookups are those of single appends; its notification is sent only at the commit.
   */
  async appendToStreams(appends: StreamAppend[]): Promise<AppendResult[]> {
    this.assertOpen();
    if (!Array.isArray(appends) || appends.length === 0) {
      throw new EventStoreError(EventStoreErrorCode.InvalidArgument, 'appendToStreams needs at least one stream');
    }
    const parts = appends.map(({ streamId, events, expectedVersion = ANY }) => {
      assertValidStreamName(streamId);
      assertValidExpectedVersion(expectedVersion);
      return { streamId, expected: expectedVersion, json: appendJson(streamId, expectedVersion, events) };
    });
    if (new Set(parts.map((p) => p.streamId)).size !== parts.length) {
      throw new EventStoreError(EventStoreErrorCode.InvalidArgument, 'appendToStreams takes each stream once');
    }
    const running = this.appendAtomically(`[${parts.map((p) => p.json).join(',')}]`, parts.map((p) => p.streamId));
    this.atomicRunning.add(running);
    const rows = await running.finally(() => this.atomicRunning.delete(running));
    const results: AppendResult[] = [];
    for (const row of [...rows].sort((a, b) => a.idx - b.idx)) {
      const part = parts[row.idx];
      if (row.status === 'conflict') throw new ConcurrencyError(part.streamId, part.expected, Number(row.version));
      if (row.status === 'duplicate') throw duplicateEventId(part.streamId);
      results.push(appendResult(part.streamId, row));
    }
    return results;
  }

  /** Runs append_batch in its own transaction, committed only when no part failed. */
  private async appendAtomically(payload: string, streams: string[]): Promise<BatchRow[]> {
    for (let attempt = 1; ; attempt++) {
      let client: PoolClient | undefined;
      try {
        client = await this.pool.connect();
        await client.query('begin');
        let rows: BatchRow[];
        try {
          rows = (await client.query<BatchRow>('select idx, status, version, "position" from event_store.append_batch($1::jsonb)', [payload])).rows;
        } catch (error) {
          await client.query('rollback');
          // ES001: several parts were accepted and one reuses an event id (the function raised).
          if ((error as { code?: unknown }).code === 'ES001') throw duplicateEventId(streams.join('", "'));
          throw error;
        }
        await client.query(rows.every((r) => r.status === 'ok' || r.status === 'replay') ? 'commit' : 'rollback');
        client.release();
        return rows;
      } catch (error) {
        client?.release(isUnavailableError(error) ? (error as Error) : undefined);
        if (error instanceof EventStoreError) throw error;
        // Deadlock/serialisation failures roll the whole transaction back: safe to run again.
        if (attempt < MAX_BATCH_ATTEMPTS && isRetryableTransactionError(error)) continue;
        throw toEventStoreError(error, 'appending to several streams');
      }
    }
  }

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
      throw new EventStoreError(
        EventStoreErrorCode.InvalidArgument,
        `Invalid direction ${String(direction)}`,
      );
    }
    this.readCounts.reads++;
    if (direction === 'forwards' && to === null && maxCount === null && until === null) {
      return new Promise<RecordedEvent[]>((resolve, reject) => {
        this.reads.push({ streamId, from, resolve, reject });
        this.scheduleReads();
      });
    }
    return this.readOneStream(streamId, from, to, until, maxCount, direction);
  }

  /** One stream's read, one statement (the read path of reads that are not batched, and of a batch of one). */
  private async readOneStream(
    streamId: string,
    from: number,
    to: number | null,
    until: Date | null,
    maxCount: number | null,
    direction: 'forwards' | 'backwards',
  ): Promise<RecordedEvent[]> {
    this.readCounts.statements++;
    const rows = await this.query<EventRow>(
      `select ${EVENT_COLUMNS} from event_store.events
        where stream_id = $1 and stream_version >= $2
          and ($3::bigint is null or stream_version <= $3)
          and ($4::timestamptz is null or recorded_at <= $4)
        order by stream_version ${direction === 'forwards' ? 'asc' : 'desc'}
        limit $5`,
      [streamId, from, to, until, maxCount],
      `reading stream "${streamId}"`,
    );
    return rows.map(toRecordedEvent);
  }

  /**
   * Commit-safe global order. Sequence values are taken before commit, so `global_position > last`
   * would skip a transaction that commits after a later one. Every row carries its transaction id;
   * we only return rows of transactions older than the oldest one still running
   * (`pg_snapshot_xmin`), which are all finished, so no row can later appear before the cursor.
   * Consequence: a long-running transaction that has written anything on this PostgreSQL server
   * (any database: the snapshot horizon is server-wide) holds readers back until it ends (lag,
   * never loss).
   */
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
    let rows: EventRow[];
    if (after === null) {
      rows = await this.query<EventRow>(
        `select ${EVENT_COLUMNS} from event_store.events
          where transaction_id < pg_snapshot_xmin(pg_current_snapshot())
          order by transaction_id, global_position
          limit $1`,
        [limit],
        'reading all events',
      );
    } else {
      const [xid, position] = parsePosition(after);
      rows = await this.query<EventRow>(
        `select ${EVENT_COLUMNS} from event_store.events
          where (transaction_id, global_position) > ($1::xid8, $2::bigint)
            and transaction_id < pg_snapshot_xmin(pg_current_snapshot())
          order by transaction_id, global_position
          limit $3`,
        [xid, position, limit],
        'reading all events',
      );
    }
    const events = rows.map(toRecordedEvent);
    return { events, position: events.length ? events[events.length - 1].globalPosition : after };
  }

  async headPosition(): Promise<string | null> {
    this.assertOpen();
    const rows = await this.query<{ position: string }>(
      `select transaction_id::text || ':' || global_position::text as position from event_store.events
        where transaction_id < pg_snapshot_xmin(pg_current_snapshot())
        order by transaction_id desc, global_position desc
        limit 1`,
      [],
      'reading the head position',
    );
    return rows[0]?.position ?? null;
  }

  async streamVersions(): Promise<Map<string, number>> {
    this.assertOpen();
    // One index-only pass over (stream_id, stream_version): the last version of each stream.
    const rows = await this.query<{ stream_id: string; version: string }>(
      `select stream_id, max(stream_version)::text as version from event_store.events group by stream_id`,
      [],
      'reading the stream versions',
    );
    return new Map(rows.map((r) => [r.stream_id, Number(r.version)]));
  }

  async lastCommittedPosition(): Promise<string | null> {
    this.assertOpen();
    const rows = await this.query<{ position: string }>(
      `select transaction_id::text || ':' || global_position::text as position from event_store.events
        order by transaction_id desc, global_position desc
        limit 1`,
      [],
      'reading the last committed position',
    );
    return rows[0]?.position ?? null;
  }

  onAppended(listener: () => void): () => void {
    this.assertOpen();
    return this.notifier.subscribe(listener);
  }

  /** Lets queued and in-flight appends finish, then releases every connection. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.queue.length || this.inFlight) {
      await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
    }
    // Reads asked for before the close are served, not cut off.
    this.flushReads();
    await Promise.all(this.readsRunning);
    await Promise.allSettled(this.atomicRunning);
    await this.notifier.close();
    await endPool(this.pool);
  }

  // ---- read batching ----

  /**
   * Forward reads of whole streams (or of what follows a version: what the command side and the
   * detail page ask for) are sent together: every such read asked for during one turn of the event
   * loop goes out as one statement when the turn ends (setImmediate), one round trip instead of one
   * each. Under load one turn handles many requests, and one append batch's outcomes resolve in one
   * callback, so their conflict rechecks are issued together. Each read keeps its own answer, all
   * from one snapshot taken after every one of them was asked for: what a read of its own would
   * have returned at that instant (so an append that resolved before the read was asked is in it).
   * Idle, a read waits only for the end of the current turn.
   */
  private scheduleReads(): void {
    if (this.readFlushScheduled) return;
    this.readFlushScheduled = true;
    setImmediate(() => {
      this.readFlushScheduled = false;
      this.flushReads();
    });
  }

  private flushReads(): void {
    while (this.reads.length) {
      const running = this.runReads(this.reads.splice(0, MAX_READ_BATCH));
      this.readsRunning.add(running);
      void running.finally(() => this.readsRunning.delete(running));
    }
  }

  private async runReads(reads: PendingRead[]): Promise<void> {
    try {
      if (reads.length === 1) {
        const [read] = reads;
        read.resolve(await this.readOneStream(read.streamId, read.from, null, null, null, 'forwards'));
        return;
      }
      this.readCounts.statements++;
      // One index range scan per read (unique stream_id, stream_version), in the reads' order.
      const rows = await this.query<EventRow & { i: number }>(
        `select r.i::integer as i, e.*
           from unnest($1::text[], $2::bigint[]) with ordinality as r(s, f, i)
           cross join lateral (select ${EVENT_COLUMNS} from event_store.events
                                where stream_id = r.s and stream_version >= r.f) e
          order by r.i, e.stream_version`,
        [reads.map((r) => r.streamId), reads.map((r) => r.from)],
        `reading ${reads.length} streams`,
      );
      const events: RecordedEvent[][] = reads.map(() => []);
      for (const row of rows) events[row.i - 1].push(toRecordedEvent(row));
      reads.forEach((read, k) => read.resolve(events[k]));
    } catch (error) {
      for (const read of reads) read.reject(error as Error);
    }
  }

  // ---- group commit ----

  private scheduleFlush(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    // Appends issued in the same tick (e.g. Promise.all) join one batch.
    process.nextTick(() => {
      this.flushScheduled = false;
      this.flush();
    });
  }

  private flush(): void {
    while (this.inFlight < this.maxConcurrentBatches && this.queue.length > 0) {
      // Spread what is queued over the free slots rather than sending it all in one batch: with
      // two batches in flight the database works on one while the other's writers prepare their
      // next commands, instead of both sides waiting on each other in lockstep.
      const freeSlots = this.maxConcurrentBatches - this.inFlight;
      const batch = this.takeBatch(Math.min(this.maxBatchSize, Math.ceil(this.queue.length / freeSlots)));
      if (batch.length === 0) break; // everything queued waits for a stream in flight
      this.inFlight++;
      for (const p of batch) this.busyStreams.set(p.streamId, (this.busyStreams.get(p.streamId) ?? 0) + 1);
      void this.runBatch(batch).finally(() => {
        this.inFlight--;
        for (const p of batch) {
          const n = (this.busyStreams.get(p.streamId) ?? 1) - 1;
          if (n === 0) this.busyStreams.delete(p.streamId);
          else this.busyStreams.set(p.streamId, n);
        }
        if (this.queue.length) this.flush();
        else if (this.inFlight === 0) this.notifyIdle();
      });
    }
  }

  /**
   * Takes up to `size` appends in queue order, skipping streams that have an append in flight.
   * Once one append of a stream stays queued, so do its later ones: per stream, call order holds.
   */
  private takeBatch(size: number): PendingAppend[] {
    const batch: PendingAppend[] = [];
    const kept: PendingAppend[] = [];
    const keptStreams = new Set<string>();
    for (const p of this.queue) {
      if (batch.length < size && !this.busyStreams.has(p.streamId) && !keptStreams.has(p.streamId)) {
        batch.push(p);
      } else {
        kept.push(p);
        keptStreams.add(p.streamId);
      }
    }
    this.queue.length = 0;
    this.queue.push(...kept);
    return batch;
  }

  private notifyIdle(): void {
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const w of waiters) w();
  }

  private async runBatch(batch: PendingAppend[]): Promise<void> {
    let rows: BatchRow[];
    try {
      rows = await this.executeBatch(batch);
    } catch (error) {
      if (batch.length > 1 && !isUnavailableError(error)) {
        // A statement error (e.g. ES001, an event id reused across streams: conflicts are outcomes,
        // not errors) rolled the whole transaction back. Re-run each append alone, in order, so
        // only the culprit fails and appends to one stream keep their order.
        for (const p of batch) await this.runBatch([p]);
        return;
      }
      const failure = toEventStoreError(error, 'appending events');
      for (const p of batch) p.reject(failure);
      return;
    }
    if (rows.length !== batch.length) {
      const failure = new EventStoreError(
        EventStoreErrorCode.DatabaseError,
        `append_batch returned ${rows.length} outcomes for ${batch.length} appends`,
      );
      for (const p of batch) p.reject(failure);
      return;
    }
    for (const row of rows) {
      const p = batch[row.idx];
      switch (row.status) {
        case 'ok':
        case 'replay':
          p.resolve(appendResult(p.streamId, row));
          break;
        case 'conflict':
          p.reject(new ConcurrencyError(p.streamId, p.expected, Number(row.version)));
          break;
        case 'duplicate':
          p.reject(duplicateEventId(p.streamId));
          break;
      }
    }
  }

  private async executeBatch(batch: PendingAppend[]): Promise<BatchRow[]> {
    const payload = `[${batch.map((p) => p.json).join(',')}]`;
    for (let attempt = 1; ; attempt++) {
      let client: PoolClient | undefined;
      try {
        client = await this.pool.connect();
        const result = await client.query<BatchRow>(
          'select idx, status, version, "position" from event_store.append_batch($1::jsonb)',
          [payload],
        );
        client.release();
        return result.rows;
      } catch (error) {
        // A broken connection must not go back to the pool.
        client?.release(isUnavailableError(error) ? (error as Error) : undefined);
        // Deadlock/serialisation failures roll the whole transaction back: safe to run again.
        if (attempt < MAX_BATCH_ATTEMPTS && isRetryableTransactionError(error)) continue;
        throw error;
      }
    }
  }

  private async query<R extends object>(sql: string, params: unknown[], doing: string): Promise<R[]> {
    try {
      // Timestamps are parsed keeping their ISO text (see instants.ts).
      const result = await this.pool.query<R>({ text: sql, values: params, types: EVENT_ROW_TYPES });
      return result.rows;
    } catch (error) {
      throw toEventStoreError(error, doing);
    }
  }

  private assertOpen(): void {
    if (this.closed) throw new EventStoreError(EventStoreErrorCode.Closed, 'The event store is closed');
  }
}

/** A part that append_batch appended, or recognised as a retry (`replayed`). */
function appendResult(streamId: string, row: BatchRow): AppendResult {
  const result: AppendResult = { streamId, nextExpectedVersion: Number(row.version), lastPosition: row.position! };
  return row.status === 'replay' ? { ...result, replayed: true } : result;
}

function duplicateEventId(streamId: string): EventStoreError {
  return new EventStoreError(
    EventStoreErrorCode.DuplicateEventId,
    `Appending to "${streamId}": an event id is already used by other events (not a retry of this append)`,
  );
}

function isUnavailableError(error: unknown): boolean {
  return toEventStoreError(error, '').code === EventStoreErrorCode.DatabaseUnavailable;
}

function parsePosition(position: string): [string, string] {
  const match = typeof position === 'string' ? POSITION.exec(position) : null;
  if (!match) {
    throw new EventStoreError(
      EventStoreErrorCode.InvalidPosition,
      `Invalid position ${JSON.stringify(position)}`,
    );
  }
  return [match[1], match[2]];
}

function assertNonNegativeInteger(value: unknown, name: string): void {
  if (!Number.isSafeInteger(value) || (value as number) < 0) {
    throw new EventStoreError(EventStoreErrorCode.InvalidArgument, `${name} must be a non-negative integer`);
  }
}

function toRecordedEvent(row: EventRow): RecordedEvent {
  return {
    eventId: row.event_id,
    streamId: row.stream_id,
    streamVersion: Number(row.stream_version),
    globalPosition: `${row.xid_text}:${row.global_position}`,
    type: row.type,
    schemaVersion: row.schema_version,
    data: row.data,
    recordedAt: row.recorded_at,
    occurredAt: row.occurred_at,
    actor: row.actor,
    correlationId: row.correlation_id,
    causationId: row.causation_id,
  };
}
