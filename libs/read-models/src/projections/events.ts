import { isoText, type RecordedEvent } from '@maillage/event-store';
import {
  PLAYBOOKS,
  cooperationIdFromStream,
  type CooperationEvent,
  type OrganisationEvent,
} from '@maillage/domain';

/** The domain envelope of a stored event (what `evolve` functions take). */
export function toDomainEvent<E extends CooperationEvent | OrganisationEvent>(event: RecordedEvent): E {
  return { type: event.type, data: event.data, occurredAt: iso(event.occurredAt) } as E;
}

// Every table's keysOf asks for the cooperation id of the same event: it is computed once and kept
// on the event under a private symbol (invisible to JSON and to Object.keys).
const COOPERATION_ID = Symbol('maillage.cooperationId');

/** Cooperation id of a cooperation event (from its stream name; only CooperationProposed carries it). */
export function cooperationIdOf(event: RecordedEvent): string {
  const known = (event as RecordedEvent & { [COOPERATION_ID]?: string })[COOPERATION_ID];
  if (known !== undefined) return known;
  const id = cooperationIdFromStream(event.streamId);
  if (id === null) throw new Error(`${event.type} ${event.eventId} is not in a cooperation stream (${event.streamId})`);
  return ((event as RecordedEvent & { [COOPERATION_ID]?: string })[COOPERATION_ID] = id);
}

// Every fold of every table formats the same few Date objects of an event: the text is computed
// once per Date (the PostgreSQL store keeps it from the text it read; see isoText).
export const iso = isoText;

/** The ISO day (UTC) of an instant. */
export const dayOf = (date: Date): string => iso(date).slice(0, 10);

/** French label of a gate item by id (ids name the same item in every playbook). */
const itemLabels = new Map<string, string>();
for (const stages of Object.values(PLAYBOOKS)) {
  for (const items of Object.values(stages)) for (const item of items) if (!itemLabels.has(item.id)) itemLabels.set(item.id, item.label);
}
export const gateItemLabel = (itemId: string): string => itemLabels.get(itemId) ?? itemId;

/** Data of an event of a given type (the projection's keysOf already filtered on type). */
export type DataOf<T extends CooperationEvent['type']> = Extract<CooperationEvent, { type: T }>['data'];
export const dataOf = <T extends CooperationEvent['type']>(event: RecordedEvent, _type: T): DataOf<T> => event.data as DataOf<T>;
