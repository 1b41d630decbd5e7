import { randomUUID } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import {
  ConcurrencyError,
  EventStoreError,
  EventStoreErrorCode,
  NO_STREAM,
  type EventStore,
  type EventToAppend,
  type RecordedEvent,
} from '@maillage/event-store';
import { DomainError, DomainErrorCode, type DecideContext, type DomainCommand, type DomainEvent } from '@maillage/domain';
import { AccessDeniedError } from '../authorization/access-policy';
import type { AggregateDefinition } from './aggregates';
import type { CommandMeta, CommandResult } from './command-envelope';
import { eventIdFor, eventIdSeed, requestHash, type IdempotencyStore } from './idempotency.store';

export interface LoadedAggregate<S> {
  state: S;
  version: number;
}

/** One command to run on one aggregate, as `execute` received it. */
interface CommandRun<C extends DomainCommand, E extends DomainEvent, S> {
  aggregate: AggregateDefinition<C, E, S>;
  id: string;
  command: C;
  meta: CommandMeta;
  prepare: (command: C) => Promise<C>;
  authorize: (state: S) => void;
}

/** One stream's decided events for `CommandExecutor.appendTogether`. */
export interface AppendPart {
  streamId: string;
  aggregateId: string;
  /** The stream's version the events were decided on (0: the stream must not exist yet). */
  version: number;
  events: readonly DomainEvent[];
  /** Added to the key's seed for this stream's event ids (another stream of one command). */
  idSalt?: string;
}

/** A stored event as the domain's evolve expects it. */
export function toDomainEvent<E extends DomainEvent>(recorded: RecordedEvent): E {
  return { type: recorded.type, data: recorded.data, occurredAt: recorded.occurredAt.toISOString() } as E;
}

/**
 * Runs one command: load the stream, fold with `evolve`, `decide`, append with the expected
 * version. Never reads read models. A conflict is returned to the caller (typed, with the current
 * version), never retried blindly: the caller decided on a state that no longer exists.
 */
export class CommandExecutor {
  /**
   * Folded states of recently used streams (stream id -> state and version). `load` reads and folds
   * only the events appended since the cached version, not the whole stream. A command's own
   * aggregate is first decided on the cached state without reading at all (see `execute`); the
   * executor folds its own successful appends into the cache, so in one process the cache is
   * current, and a state made stale by another process (another API instance, the CLI) is caught
   * by the append's expected version or rechecked against the store before a refusal is returned.
   * States are immutable (evolve returns new objects), so sharing them is safe.
   */
  private readonly folded: LRUCache<string, LoadedAggregate<unknown>> | null;

  /** @param cachedAggregates how many folded streams to keep in memory (0: none, always fold from the start). */
  constructor(
    private readonly store: EventStore,
    private readonly idempotency: IdempotencyStore,
    private readonly clock: () => Date = () => new Date(),
    cachedAggregates = 0,
  ) {
    this.folded = cachedAggregates > 0 ? new LRUCache({ max: cachedAggregates }) : null;
  }

  async load<C extends DomainCommand, E extends DomainEvent, S>(
    aggregate: AggregateDefinition<C, E, S>,
    id: string,
  ): Promise<LoadedAggregate<S>> {
    const streamId = aggregate.streamName(id);
    const cached = this.folded?.get(streamId) as LoadedAggregate<S> | undefined;
    const events = await this.store.readStream(streamId, cached ? { from: cached.version + 1 } : undefined);
    let state = cached ? cached.state : aggregate.initialState();
    for (const e of events) state = aggregate.evolve(state, toDomainEvent<E>(e));
    const loaded = { state, version: events.length ? events[events.length - 1].streamVersion : (cached?.version ?? 0) };
    if (loaded.version > 0 && (!cached || loaded.version > cached.version)) this.keep(streamId, loaded);
    return loaded;
  }

  /**
   * @param prepare resolves lookups (e.g. organisation kinds) into the command before deciding;
   * runs after the idempotency check so a replay costs no lookups.
   * @param authorize throws when the caller may not run this command on this state (access policy).
   */
  async execute<C extends DomainCommand, E extends DomainEvent, S>(
    aggregate: AggregateDefinition<C, E, S>,
    id: string,
    command: C,
    meta: CommandMeta,
    prepare: (command: C) => Promise<C> = async (c) => c,
    authorize: (state: S) => void = () => undefined,
  ): Promise<CommandResult> {
    const streamId = aggregate.streamName(id);
    checkMeta(meta);
    return this.idempotent(id, command, meta, async (keyed) => {
      try {
        return await this.decideAndAppend({ aggregate, id, command, meta: keyed, prepare, authorize });
      } catch (error) {
        // A retry whose first attempt committed its events but not its result (a crash in between,
        // or a result row expired since): the stream has moved past the expected version, or the
        // decider refuses to do the same thing twice. The key-derived event ids tell; the first
        // result is rebuilt from them.
        if (keyed.eventIdSeed && (error instanceof DomainError || error instanceof ConcurrencyError)) {
          const earlier = await this.committedEarlier(streamId, id, keyed.eventIdSeed);
          if (earlier) return earlier;
        }
        throw error;
      }
    });
  }

  /**
   * Decides on the aggregate's state and appends. When the cache holds the stream (and agrees with
   * the caller's expected version, if any), the first decision is made on it without reading the
   * store: a successful append proves it was current, since the append's expected version is the
   * cached one. A refusal of that first attempt (a conflict, a refusal by the access policy or the
   * decider: isRefusal) is checked against the store before it reaches the caller; any other
   * failure reaches it as it is. The stream is read forward from the cached version; if it had not
   * moved, the refusal stands as it was; if it had (another process appended), the command is
   * authorised and decided again, once, on the state just read, exactly as if it had been read
   * first. A conflict on that fresh state is returned.
   */
  private async decideAndAppend<C extends DomainCommand, E extends DomainEvent, S>(run: CommandRun<C, E, S>): Promise<CommandResult> {
    const { aggregate, id, meta } = run;
    const cached = this.folded?.get(aggregate.streamName(id)) as LoadedAggregate<S> | undefined;
    let loaded: LoadedAggregate<S> | undefined;
    if (cached && (meta.expectedVersion === undefined || meta.expectedVersion === cached.version)) {
      try {
        return await this.decideOn(run, cached);
      } catch (error) {
        // Only an answer that depends on the state is checked again; anything else (the database
        // failing, say) reaches the caller as it is.
        if (!isRefusal(error)) throw error;
        loaded = await this.load(aggregate, id);
        if (loaded.version === cached.version) throw error; // the state was current: the answer stands
      }
    }
    loaded ??= await this.load(aggregate, id);
    return this.decideOn(run, loaded);
  }

  /**
   * Authorises, checks the caller's expected version, decides and appends on one loaded state;
   * folds the appended events into the cache.
   */
  private async decideOn<C extends DomainCommand, E extends DomainEvent, S>(
    { aggregate, id, command, meta, prepare, authorize }: CommandRun<C, E, S>,
    loaded: LoadedAggregate<S>,
  ): Promise<CommandResult> {
    const streamId = aggregate.streamName(id);
    // Access is checked on the folded state, before anything else is answered: a caller who may not
    // see the cooperation (or asks for one that does not exist) learns nothing of its version.
    authorize(loaded.state);
    this.checkExpected(aggregate, id, meta, loaded);
    const prepared = await prepare(command);
    const events = aggregate.decide(prepared, loaded.state, this.context(meta));
    const result = await this.append(streamId, id, loaded.version, events, meta);
    if (this.folded && events.length > 0 && result.version === loaded.version + events.length) {
      // The events as a read of the stream would return them: occurredAt as stored (milliseconds,
      // ISO), data through JSON as the store keeps it.
      let state = loaded.state;
      for (const e of events) {
        state = aggregate.evolve(state, {
          type: e.type,
          data: JSON.parse(JSON.stringify(e.data ?? null)) as unknown,
          occurredAt: new Date(e.occurredAt).toISOString(),
        } as E);
      }
      this.keep(streamId, { state, version: result.version });
    }
    return result;
  }

  /** Caches a fold unless a later one of the stream is cached already (loads and appends may finish out of order). */
  private keep(streamId: string, loaded: LoadedAggregate<unknown>): void {
    const current = this.folded?.get(streamId);
    if (!current || current.version < loaded.version) this.folded?.set(streamId, loaded);
  }

  /** Whether the stream holds any event, read from the store. */
  async streamExists(streamId: string): Promise<boolean> {
    return (await this.store.readStream(streamId, { maxCount: 1 })).length > 0;
  }

  /** Every stored event of a stream, read from the store (no cache). */
  storedEvents(streamId: string): Promise<RecordedEvent[]> {
    return this.store.readStream(streamId);
  }

  /**
   * The result of an earlier attempt of this keyed request whose events are in the stream, or null.
   * `seed` is the command's eventIdSeed; `idSalt` as given to `append` for that stream.
   */
  async committedEarlier(streamId: string, aggregateId: string, seed: string, idSalt = ''): Promise<CommandResult | null> {
    seed += idSalt;
    const events = await this.store.readStream(streamId);
    const first = events.findIndex((e) => e.eventId === eventIdFor(seed, aggregateId, 0));
    if (first < 0) return null;
    let last = first;
    while (last + 1 < events.length && events[last + 1].eventId === eventIdFor(seed, aggregateId, last + 1 - first)) last++;
    return {
      aggregateId,
      streamId,
      replayed: true,
      eventTypes: events.slice(first, last + 1).map((e) => e.type),
      version: events[last].streamVersion,
      position: events[last].globalPosition,
    };
  }

  /**
   * Runs `run` once per idempotency key: a retry with the same key (even after a restart) gets the
   * first result back and appends nothing; the same key with a different request is refused, also
   * when both arrive at once (the key is claimed before running). A request refused on the state
   * (nothing written) gives its key back. `prepare` work (lookups) happens inside `run`, after the
   * check, so a replay costs no lookups.
   */
  async idempotent(
    id: string,
    command: DomainCommand,
    meta: CommandMeta,
    run: (keyed: CommandMeta) => Promise<CommandResult>,
  ): Promise<CommandResult> {
    const key = meta.idempotencyKey;
    if (!key) return run(meta);
    const hash = requestHash(id, command.type, command.data);
    const previous = await this.idempotency.claim(key, hash, command.type, id, meta.actor.userId);
    if (previous) return previous;
    let result: CommandResult;
    try {
      result = await run({ ...meta, eventIdSeed: eventIdSeed(key, hash) });
    } catch (error) {
      // Anything else (the database failing mid-append, say) may have written: the claim stays, so
      // only this same request may use the key again.
      if (isRefusal(error)) await this.idempotency.release(key, hash);
      throw error;
    }
    await this.idempotency.remember(key, hash, command.type, result, meta.actor.userId);
    return result;
  }

  /**
   * Loads the aggregate, authorises the caller on it, then applies the caller's expected version,
   * if any (in that order, as `execute` does).
   */
  async loadAuthorized<C extends DomainCommand, E extends DomainEvent, S>(
    aggregate: AggregateDefinition<C, E, S>,
    id: string,
    meta: CommandMeta,
    authorize: (state: S) => void,
  ): Promise<LoadedAggregate<S>> {
    const loaded = await this.load(aggregate, id);
    authorize(loaded.state);
    this.checkExpected(aggregate, id, meta, loaded);
    return loaded;
  }

  private checkExpected<S>(aggregate: { streamName(id: string): string }, id: string, meta: CommandMeta, loaded: LoadedAggregate<S>): void {
    if (meta.expectedVersion !== undefined && meta.expectedVersion !== loaded.version) {
      throw new ConcurrencyError(aggregate.streamName(id), meta.expectedVersion, loaded.version);
    }
  }

  /** The decider's context: the clock, the command's real-world date, id generation. */
  context(meta: CommandMeta): DecideContext {
    const now = this.clock().toISOString();
    return { now, occurredAt: meta.occurredAt ?? now, newId: randomUUID };
  }

  /**
   * Appends decided events to several streams (each at its `version`) in one transaction when the
   * store can (all or nothing: the first part that conflicts fails the call with its
   * ConcurrencyError, naming its stream), else one stream after the other, in the given order, so
   * that a failure may leave the earlier parts written (see renewal.ts). A retry with the same
   * event ids returns the first results.
   */
  async appendTogether(parts: readonly AppendPart[], meta: CommandMeta): Promise<CommandResult[]> {
    const atomic = this.store.appendToStreams?.bind(this.store);
    if (!atomic) {
      const results: CommandResult[] = [];
      for (const p of parts) results.push(await this.append(p.streamId, p.aggregateId, p.version, p.events, meta, p.idSalt));
      return results;
    }
    const correlationId = meta.correlationId ?? randomUUID();
    const written = parts.filter((p) => p.events.length > 0);
    const appended = await atomic(
      written.map((p) => ({
        streamId: p.streamId,
        events: this.toAppend(p.aggregateId, p.events, meta, correlationId, p.idSalt),
        expectedVersion: p.version === 0 ? NO_STREAM : p.version,
      })),
    );
    return parts.map((p) => {
      const base = { aggregateId: p.aggregateId, streamId: p.streamId, replayed: false, eventTypes: p.events.map((e) => e.type) };
      const result = appended[written.indexOf(p)];
      return result
        ? { ...base, version: result.nextExpectedVersion, position: result.lastPosition, replayed: result.replayed === true }
        : { ...base, version: p.version, position: null };
    });
  }

  /** Decided events as the store takes them: ids from the key's seed when there is one, the actor, the correlation. */
  private toAppend(aggregateId: string, events: readonly DomainEvent[], meta: CommandMeta, correlationId: string, idSalt = ''): EventToAppend[] {
    return events.map((event, index) => ({
      eventId: meta.eventIdSeed ? eventIdFor(meta.eventIdSeed + idSalt, aggregateId, index) : randomUUID(),
      type: event.type,
      data: event.data,
      occurredAt: new Date(event.occurredAt),
      actor: meta.actor,
      correlationId,
      causationId: meta.causationId ?? null,
    }));
  }

  /** Appends decided events at `version` (optimistic). */
  async append(
    streamId: string,
    aggregateId: string,
    version: number,
    events: readonly DomainEvent[],
    meta: CommandMeta,
    idSalt = '',
  ): Promise<CommandResult> {
    const base = { aggregateId, streamId, replayed: false, eventTypes: events.map((e) => e.type) };
    if (events.length === 0) return { ...base, version, position: null };
    const toAppend = this.toAppend(aggregateId, events, meta, meta.correlationId ?? randomUUID(), idSalt);
    try {
      const appended = await this.store.appendToStream(streamId, toAppend, {
        expectedVersion: version === 0 ? NO_STREAM : version,
      });
      // A replay: an attempt under the same key, run beside this one, wrote these very events.
      return { ...base, version: appended.nextExpectedVersion, position: appended.lastPosition, replayed: appended.replayed === true };
    } catch (error) {
      // Key-derived ids already stored: an earlier attempt with this key committed (its result row
      // was lost to a crash). Report the stream as it is rather than appending twice.
      if (error instanceof EventStoreError && error.code === EventStoreErrorCode.DuplicateEventId && meta.eventIdSeed) {
        const stored = await this.store.readStream(streamId, { direction: 'backwards', maxCount: 1 });
        return { ...base, version: stored[0]?.streamVersion ?? version, position: stored[0]?.globalPosition ?? null, replayed: true };
      }
      throw error;
    }
  }
}

/** Longest idempotency key accepted (a UUID, or a readable key such as `propose-<uuid>`, fits easily). */
export const MAX_IDEMPOTENCY_KEY_LENGTH = 200;

/**
 * The caller's command options, checked before anything is read or written: an expected version
 * counts events (0: the stream must not exist yet), a key is a short non-empty string.
 */
export function checkMeta(meta: CommandMeta): void {
  const version = meta.expectedVersion;
  if (version !== undefined && (!Number.isSafeInteger(version) || version < 0)) {
    throw new DomainError(DomainErrorCode.VALIDATION_FAILED, { field: 'expectedVersion', value: version, reason: 'must be 0 or more' });
  }
  const key = meta.idempotencyKey;
  if (key !== undefined && (key.length === 0 || key.length > MAX_IDEMPOTENCY_KEY_LENGTH)) {
    throw new DomainError(DomainErrorCode.VALIDATION_FAILED, { field: 'idempotencyKey', reason: `1 to ${MAX_IDEMPOTENCY_KEY_LENGTH} characters` });
  }
}

/** Answers decided on the state: a conflict, or a refusal by the decider or the access policy. */
export function isRefusal(error: unknown): boolean {
  return error instanceof DomainError || error instanceof ConcurrencyError || error instanceof AccessDeniedError;
}
