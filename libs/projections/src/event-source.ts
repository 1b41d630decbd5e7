import type { Pool } from 'pg';
import { PostgresEventStore, type EventStore, type RecordedEvent } from '@maillage/event-store';
import { parsePosition } from './positions';

/**
 * WORKAROUND (remove once libs/event-store is fixed): PostgresEventStore.readAll selects
 * `transaction_id::text as transaction_id` and then `order by transaction_id, global_position`;
 * PostgreSQL binds a bare ORDER BY name to the output column, so pages are ordered as TEXT. Once
 * transaction ids cross a digit boundary ("999" > "1001") a page can jump over events that a later
 * page never returns (the cursor has moved past them): silent loss. Until the store orders by the
 * xid8 column, projections read the same commit-safe query themselves, ordered by the real column.
 * Any other store goes through its port.
 */
const COLUMNS = `e.global_position::text as global_position, e.transaction_id::text as xid, e.stream_id,
  e.stream_version, e.event_id, e.type, e.schema_version, e.data, e.actor, e.correlation_id,
  e.causation_id, e.occurred_at, e.recorded_at`;

interface Row {
  global_position: string;
  xid: string;
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

export type ReadEvents = (after: string | null, limit: number) => Promise<RecordedEvent[]>;

export function eventSource(store: EventStore, pool: Pick<Pool, 'query'>): ReadEvents {
  if (!(store instanceof PostgresEventStore)) {
    return async (after, limit) => (await store.readAll({ after, limit })).events;
  }
  return async (after, limit) => {
    const where = after === null ? '' : `(e.transaction_id, e.global_position) > ($2::text::xid8, $3::bigint) and`;
    const params: unknown[] = [limit];
    if (after !== null) params.push(...parsePosition(after).map(String));
    const { rows } = await pool.query<Row>(
      `select ${COLUMNS} from event_store.events e
        where ${where} e.transaction_id < pg_snapshot_xmin(pg_current_snapshot())
        order by e.transaction_id, e.global_position
        limit $1`,
      params,
    );
    return rows.map((row) => ({
      eventId: row.event_id,
      streamId: row.stream_id,
      streamVersion: Number(row.stream_version),
      globalPosition: `${row.xid}:${row.global_position}`,
      type: row.type,
      schemaVersion: row.schema_version,
      data: row.data,
      recordedAt: row.recorded_at,
      occurredAt: row.occurred_at,
      actor: row.actor,
      correlationId: row.correlation_id,
      causationId: row.causation_id,
    }));
  };
}
