import { Inject, Injectable, Optional } from '@nestjs/common';
import { LRUCache } from 'lru-cache';
import type { EventStore, RecordedEvent } from '@maillage/event-store';
import { wholeNumberSetting } from '@maillage/infra';
import { cooperationStreamName, eventTypeLabelsFr, type CooperationEventType, type CooperationState } from '@maillage/domain';
import { cooperationAggregate } from '../command-side/aggregates';
import { toDomainEvent } from '../command-side/command-executor';
import { EVENT_STORE } from '../command-side/command-side.module';
import { notFound } from '../graphql/api-errors';
import { canReadCooperation, cooperationFacts, type Caller } from '../authorization/access-policy';
import { toCooperationView } from './cooperation-view';
import type { Cooperation, HistoryEntry } from './cooperation.types';

const UUID_LIKE = /^[A-Za-z0-9-]{1,100}$/;

/** Events kept in memory by the query side's stream cache (see CooperationQueryService). */
export const QUERY_STREAM_CACHE_EVENTS = Symbol('QUERY_STREAM_CACHE_EVENTS');

/**
 * MAILLAGE_QUERY_STREAM_CACHE: how many events of recently read cooperation streams the query side
 * keeps in memory, folded (default 20,000, a few tens of MB; 0 turns it off).
 */
export function queryStreamCacheEvents(raw: string | undefined): number {
  return wholeNumberSetting('MAILLAGE_QUERY_STREAM_CACHE', raw, { fallback: 20_000, unit: 'events', zero: 'turns the cache off' });
}

/** A stream as read so far: its events in version order and their fold. Never mutated once kept. */
interface ReadStream {
  events: readonly RecordedEvent[];
  current: CooperationState;
}

/**
 * One cooperation, as of any date, folded from its own stream with the domain's `evolve`: the
 * exact state at that date (facts that occurred by then, as known now), with the domain's own
 * gate checklist, so the view can never disagree with the rules.
 *
 * Streams recently read stay in memory with their fold (an LRU bounded in events): a request reads
 * from the store only the events appended since, so every answer is as current as a full read,
 * whichever process appended (events are immutable and a stream's versions have no gaps).
 */
@Injectable()
export class CooperationQueryService {
  private readonly streams: LRUCache<string, ReadStream> | null;

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Optional() @Inject(QUERY_STREAM_CACHE_EVENTS) cachedEvents?: number,
  ) {
    const size = cachedEvents ?? queryStreamCacheEvents(process.env.MAILLAGE_QUERY_STREAM_CACHE);
    this.streams = size > 0 ? new LRUCache({ maxSize: size, sizeCalculation: (s) => s.events.length }) : null;
  }

  /** The whole stream, folded: read from its start, or only past the version kept in memory. */
  private async readStream(id: string): Promise<ReadStream> {
    const streamId = cooperationStreamName(id);
    const kept = this.streams?.get(streamId);
    const version = kept ? kept.events[kept.events.length - 1].streamVersion : 0;
    const fresh = await this.store.readStream(streamId, kept ? { from: version + 1 } : undefined);
    if (kept && fresh.length === 0) return kept;
    const events = kept ? [...kept.events] : [];
    let current = kept?.current ?? cooperationAggregate.initialState();
    for (const e of fresh) {
      events.push(e);
      current = cooperationAggregate.evolve(current, toDomainEvent(e));
    }
    const read = { events, current };
    // An empty stream (an unknown id) is not kept: nobody can fill the cache with misses.
    if (this.streams && events.length && events.length <= (this.streams.maxSize ?? 0)) {
      const now = this.streams.peek(streamId);
      // A concurrent request may have kept a longer read meanwhile: the longer one stays.
      if (!now || now.events.length < events.length) this.streams.set(streamId, read);
    }
    return read;
  }

  /**
   * The events of a cooperation the caller may read. Access is decided on the current state (today's
   * members, région and funders), also for views of a past date. A cooperation the caller may not
   * read answers NOT_FOUND, exactly like one that does not exist.
   */
  private async readableEvents(id: string, caller: Caller): Promise<{ events: readonly RecordedEvent[]; current: CooperationState }> {
    if (!UUID_LIKE.test(id)) throw notFound('Coopération');
    const { events, current } = await this.readStream(id);
    if (current.status === 'NONE' || !canReadCooperation(caller, cooperationFacts(current)).allowed) throw notFound('Coopération');
    return { events, current };
  }

  /** Throws NOT_FOUND unless the caller may read the cooperation (used by subscriptions). */
  async assertReadable(id: string, caller: Caller): Promise<void> {
    await this.readableEvents(id, caller);
  }

  async cooperation(id: string, asOf: Date, caller: Caller): Promise<Cooperation> {
    const readable = await this.readableEvents(id, caller);
    const events = readable.events.filter((e) => e.occurredAt.getTime() <= asOf.getTime());
    if (events.length === 0) throw notFound('Coopération'); // it did not exist yet at that date
    let state: CooperationState;
    if (events.length === readable.events.length) {
      state = readable.current; // nothing occurred after asOf (e.g. "now"): the state already folded
    } else {
      state = cooperationAggregate.initialState();
      for (const e of events) state = cooperationAggregate.evolve(state, toDomainEvent(e));
    }
    if (state.status === 'NONE') throw notFound('Coopération');
    return toCooperationView(state, events[events.length - 1].streamVersion, asOf.toISOString());
  }

  async history(id: string, caller: Caller): Promise<HistoryEntry[]> {
    return (await this.readableEvents(id, caller)).events.map((e) => toHistoryEntry(id, e));
  }
}

export function toHistoryEntry(cooperationId: string, e: RecordedEvent): HistoryEntry {
  return {
    eventId: e.eventId,
    cooperationId,
    version: e.streamVersion,
    type: e.type,
    label: eventTypeLabelsFr[e.type as CooperationEventType] ?? e.type,
    occurredAt: e.occurredAt,
    recordedAt: e.recordedAt,
    actor: e.actor ? { userId: e.actor.userId, organisationId: e.actor.organisationId ?? undefined, role: e.actor.role ?? undefined } : null,
    correlationId: e.correlationId ?? undefined,
    data: JSON.stringify(e.data),
    position: e.globalPosition,
    eventData: e.data,
  };
}
