import { Inject, Injectable } from '@nestjs/common';
import type { EventStore, RecordedEvent } from '@maillage/event-store';
import { cooperationStreamName, eventTypeLabelsFr, type CooperationEventType } from '@maillage/domain';
import { cooperationAggregate } from '../command-side/aggregates';
import { toDomainEvent } from '../command-side/command-executor';
import { EVENT_STORE } from '../command-side/command-side.module';
import { notFound } from '../graphql/api-errors';
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

  private async events(id: string): Promise<RecordedEvent[]> {
    if (!UUID_LIKE.test(id)) throw notFound('Coopération');
    const events = await this.store.readStream(cooperationStreamName(id));
    if (events.length === 0) throw notFound('Coopération');
    return events;
  }

  async cooperation(id: string, asOf: Date): Promise<Cooperation> {
    const events = (await this.events(id)).filter((e) => e.occurredAt.getTime() <= asOf.getTime());
    if (events.length === 0) throw notFound('Coopération'); // it did not exist yet at that date
    let state = cooperationAggregate.initialState();
    for (const e of events) state = cooperationAggregate.evolve(state, toDomainEvent(e));
    if (state.status === 'NONE') throw notFound('Coopération');
    return toCooperationView(state, events[events.length - 1].streamVersion, asOf.toISOString());
  }

  async history(id: string): Promise<HistoryEntry[]> {
    return (await this.events(id)).map((e) => toHistoryEntry(id, e));
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
