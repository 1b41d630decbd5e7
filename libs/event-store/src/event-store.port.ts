/**
 * The event store port. Every adapter (PostgreSQL today, EventStoreDB later) implements it and must
 * pass the shared contract suite in `contract/`.
 *
 * Versions are 1-based: a stream's version is the number of events it holds, so `NO_STREAM` is
 * version 0 and the first event has `streamVersion` 1. Global positions are opaque strings: compare
 * them only through the store (readAll `after`), never lexically.
 */

export const NO_STREAM = 'NO_STREAM' as const;
export const STREAM_EXISTS = 'STREAM_EXISTS' as const;
export const ANY = 'ANY' as const;

export type ExpectedVersion = number | typeof NO_STREAM | typeof STREAM_EXISTS | typeof ANY;

/** Who caused an event. People are referenced by id only (personal data stays out of events). */
export interface Actor {
  userId: string;
  organisationId?: string | null;
  role?: string | null;
}

export interface EventToAppend {
  /** Client-chosen UUID; a retried append with the same ids appends nothing. */
  eventId: string;
  type: string;
  data: unknown;
  schemaVersion?: number;
  /** When the fact happened in reality (may be in the past); distinct from recordedAt. */
  occurredAt: Date;
  actor?: Actor | null;
  correlationId?: string | null;
  causationId?: string | null;
}

export interface RecordedEvent<Data = unknown> {
  eventId: string;
  streamId: string;
  streamVersion: number;
  globalPosition: string;
  type: string;
  schemaVersion: number;
  data: Data;
  /** Server time at commit. */
  recordedAt: Date;
  occurredAt: Date;
  actor: Actor | null;
  correlationId: string | null;
  causationId: string | null;
}

export interface AppendOptions {
  /** Defaults to ANY. */
  expectedVersion?: ExpectedVersion;
}

export interface AppendResult {
  streamId: string;
  /** The stream's version after the append (= the version to expect next time). */
  nextExpectedVersion: number;
  /** Global position of the last appended event. */
  lastPosition: string;
  /**
   * Present (true) when the append was recognised as a retry: every event was already stored by an
   * earlier attempt, nothing was written, and the other fields are that attempt's result.
   */
  replayed?: true;
}

export interface ReadStreamOptions {
  /** Inclusive lower bound on streamVersion (default 1). */
  from?: number;
  /** Inclusive upper bound on streamVersion. */
  to?: number;
  /** Only events recorded at or before this instant ("as of"). */
  untilRecordedAt?: Date;
  direction?: 'forwards' | 'backwards';
  maxCount?: number;
}

export interface ReadAllOptions {
  /** Exclusive position to read after; null/undefined reads from the start. */
  after?: string | null;
  limit: number;
}

export interface ReadAllResult {
  events: RecordedEvent[];
  /** Position of the last event returned, or `after` when nothing was returned. */
  position: string | null;
}

/** One stream's part of an atomic append to several streams (`EventStore.appendToStreams`). */
export interface StreamAppend {
  streamId: string;
  events: EventToAppend[];
  /** Defaults to ANY. */
  expectedVersion?: ExpectedVersion;
}

export interface EventStore {
  appendToStream(streamId: string, events: EventToAppend[], options?: AppendOptions): Promise<AppendResult>;
  /**
   * Optional: appends to several distinct streams in one transaction, all of them or none. Each
   * part has its own expected version; the first part (in the given order) that conflicts or reuses
   * an event id fails the whole call with the error `appendToStream` would give for it, and nothing
   * is written. A retry of a committed call (same event ids) returns the original results. A store
   * without it (EventStoreDB's 6.2.1 client has no multi-stream append) leaves callers to write the
   * streams one after the other.
   */
  appendToStreams?(appends: StreamAppend[]): Promise<AppendResult[]>;
  readStream(streamId: string, options?: ReadStreamOptions): Promise<RecordedEvent[]>;
  /** Events in commit-safe global order: never skips an event that commits late. */
  readAll(options: ReadAllOptions): Promise<ReadAllResult>;
  /**
   * Position of the last event currently readable by readAll (null when the store is empty), so a
   * follower can compute its lag. Same visibility rule as readAll: it never runs ahead of it.
   */
  headPosition(): Promise<string | null>;
  /**
   * Position of the last event committed, which readAll may not reach yet (PostgreSQL: an older
   * transaction still open anywhere on the server holds readers back). Waiting until a reader
   * passes it means "everything written so far was read" (read-your-writes for projections).
   */
  lastCommittedPosition(): Promise<string | null>;
  /**
   * Optional: the current version (last stream version) of every stream. Rebuilds use it to
   * know when a stream's last event has been applied, so rows fed only by that stream can be
   * written while the rest is still being folded. A store without it is rebuilt all the same,
   * with every row written at the end.
   */
  streamVersions?(): Promise<Map<string, number>>;
  /** Wakes the listener soon after new events commit (best effort; readers must still poll). */
  onAppended(listener: () => void): () => void;
  close(): Promise<void>;
}
