import { Inject, Injectable } from '@nestjs/common';
import type { EventStore, RecordedEvent } from '@maillage/event-store';
import { cooperationStreamName, eventTypeLabelsFr, type CooperationEventType, type CooperationState } from '@maillage/domain';
import { cooperationAggregate } from '../command-side/aggregates';
import { toDomainEvent } from '../command-side/command-executor';
import { EVENT_STORE } from '../command-side/command-side.module';
import { notFound } from '../graphql/api-errors';
import { canReadCooperation, cooperationFacts, type Caller } from '../authorization/access-policy';
import { toCooperationView } from './cooperation-view';
import type { Cooperation, HistoryEntry } from './cooperation.types';

const UUID_LIKE = /^[A-Za-z0-9-]{1,100}$/;

/**
 * One cooperation, as of any date, folded from its own stream with the domain's `evolve`: the
 * exact state at that date (facts that occurred by then, as known now), with the domain's own
 * gate checklist, so the view can never disagree with the rules.
 */
@Injectable()
export class CooperationQueryService {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  /**
   * The events of a cooperation the caller may read. Access is decided on the current state (today's
   * members, région and funders), also for views of a past date. A cooperation the caller may not
   * read answers NOT_FOUND, exactly like one that does not exist.
   */
  private async readableEvents(id: string, caller: Caller): Promise<{ events: RecordedEvent[]; current: CooperationState }> {
    if (!UUID_LIKE.test(id)) throw notFound('Coopération');
    const events = await this.store.readStream(cooperationStreamName(id));
    let state = cooperationAggregate.initialState();
    for (const e of events) state = cooperationAggregate.evolve(state, toDomainEvent(e));
    if (state.status === 'NONE' || !canReadCooperation(caller, cooperationFacts(state)).allowed) throw notFound('Coopération');
    return { events, current: state };
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
  };
}
