import { EventStoreError, EventStoreErrorCode } from '../errors';
import type { Actor, RecordedEvent } from '../event-store.port';
import type { PreparedEvent } from '../validation';
import { formatPosition } from './positions';
import { versionFromRevision } from './revisions';

/**
 * How a Maillage event is laid out in EventStoreDB: `data` is the payload as JSON; everything else
 * the port carries goes into the JSON metadata below. `$correlationId`/`$causationId` are also set
 * (when present) so the server's $by_correlation_id projection works; reads use the plain keys.
 */
export interface MaillageMetadata {
  schemaVersion: number;
  occurredAt: string;
  actor: Actor | null;
  correlationId: string | null;
  causationId: string | null;
  $correlationId?: string;
  $causationId?: string;
}

export interface EsdbEventToWrite {
  id: string;
  contentType: 'application/json';
  type: string;
  data: Record<string | number, unknown> | unknown[] | string;
  metadata: Record<string, unknown>;
}

export function toEsdbEvent(e: PreparedEvent): EsdbEventToWrite {
  const metadata: MaillageMetadata = {
    schemaVersion: e.schemaVersion,
    occurredAt: e.occurredAt,
    actor: JSON.parse(e.actorJson) as Actor | null,
    correlationId: e.correlationId,
    causationId: e.causationId,
  };
  if (e.correlationId !== null) metadata.$correlationId = e.correlationId;
  if (e.causationId !== null) metadata.$causationId = e.causationId;
  // The payload was validated and serialised once (same rules as PostgreSQL). The client writes
  // JSON.stringify(data) and reads back JSON.parse of it, so any JSON value (object, array, string,
  // number, boolean, null) round-trips unchanged.
  return {
    id: e.eventId,
    contentType: 'application/json',
    type: e.type,
    data: JSON.parse(e.dataJson) as EsdbEventToWrite['data'],
    metadata: metadata as unknown as Record<string, unknown>,
  };
}

/** The shape of a client event this module reads (RecordedEvent of @eventstore/db-client). */
export interface EsdbRecordedEventLike {
  streamId: string;
  id: string;
  revision: bigint | number | string;
  type: string;
  created: Date | number | string;
  isJson: boolean;
  data: unknown;
  metadata: unknown;
  position?: { commit: unknown; prepare: unknown };
}

export function fromEsdbEvent(event: EsdbRecordedEventLike, position?: { commit: unknown; prepare: unknown }): RecordedEvent {
  const where = `event ${event.id} of "${event.streamId}"`;
  const pos = position ?? event.position;
  if (!pos) {
    throw new EventStoreError(
      EventStoreErrorCode.DatabaseError,
      `${where} has no $all position: EventStoreDB 22.6 or later is required`,
    );
  }
  if (!event.isJson) {
    throw new EventStoreError(EventStoreErrorCode.DatabaseError, `${where} is not JSON: not written by Maillage`);
  }
  const meta = (event.metadata ?? {}) as Partial<MaillageMetadata>;
  if (typeof meta !== 'object' || typeof meta.occurredAt !== 'string') {
    throw new EventStoreError(EventStoreErrorCode.DatabaseError, `${where} lacks Maillage metadata (occurredAt)`);
  }
  const recordedAt = event.created instanceof Date ? event.created : new Date(event.created);
  return {
    eventId: event.id.toLowerCase(),
    streamId: event.streamId,
    streamVersion: versionFromRevision(event.revision),
    globalPosition: formatPosition(pos),
    type: event.type,
    schemaVersion: typeof meta.schemaVersion === 'number' ? meta.schemaVersion : 1,
    data: event.data,
    recordedAt,
    occurredAt: new Date(meta.occurredAt),
    actor: meta.actor ?? null,
    correlationId: meta.correlationId ?? null,
    causationId: meta.causationId ?? null,
  };
}
