import type { Pool, PoolClient } from 'pg';
import type { EventStore } from '@maillage/event-store';
import { isPostgresPosition, parsePosition } from './positions';

type Queryable = Pick<Pool, 'query'> | PoolClient;

export type ProjectionState = 'running' | 'blocked' | 'idle' | 'rebuilding';

export interface DeadLetter {
  id: string;
  projection: string;
  position: string;
  eventId: string;
  streamId: string;
  type: string;
  error: string;
  createdAt: Date;
  status: 'pending' | 'skipped' | 'retried';
  decidedBy: string | null;
  decidedAt: Date | null;
}

export interface ProjectionStatus {
  name: string;
  /** Global position of the last event applied (null: nothing yet). */
  checkpoint: string | null;
  /** Last readable position of the store. */
  head: string | null;
  /** Events after the checkpoint (all types: the checkpoint moves over every event). */
  lag: number;
  /** When the checkpoint last moved. */
  lastUpdated: Date | null;
  /**
   * running: a live owner holds the lease; blocked: stopped on a pending dead letter; rebuilding:
   * a rebuild holds the lease; idle: nobody holds it (no projector running for it).
   */
  state: ProjectionState;
  owner: string | null;
  leaseExpiresAt: Date | null;
  pendingDeadLetters: number;
  eventsApplied: number;
}

export const REBUILD_OWNER_PREFIX = 'rebuild:';

/**
 * Counts committed events after a position: the projection's lag. Committed events that readAll
 * cannot reach yet (an older transaction is still open somewhere on the server) count too: the
 * projection has not applied them. Reads `event_store.events` directly (same database): the port
 * has no count, and this is an index-only range scan on (transaction_id, global_position).
 */
export async function countEventsAfter(
  db: Queryable,
  position: string | null,
  store?: Pick<EventStore, 'readAll'>,
): Promise<number> {
  // Events kept elsewhere (EventStoreDB): count through the port, page by page.
  if (store && position !== null && !isPostgresPosition(position)) return countThroughPort(store, position);
  if (position === null) {
    const { rows } = await db.query<{ n: string }>(
      `select count(*) as n from event_store.events`,
    );
    const n = Number(rows[0].n);
    return n === 0 && store ? countThroughPort(store, null) : n;
  }
  const [xid, pos] = parsePosition(position);
  const { rows } = await db.query<{ n: string }>(
    `select count(*) as n from event_store.events
      where (transaction_id, global_position) > ($1::text::xid8, $2::bigint)`,
    [xid.toString(), pos.toString()],
  );
  return Number(rows[0].n);
}

/** Counts the events after a position by reading them through the port (stores without SQL access). */
export async function countThroughPort(store: Pick<EventStore, 'readAll'>, after: string | null, pageSize = 5000): Promise<number> {
  let count = 0;
  let position = after;
  for (;;) {
    const page = await store.readAll({ after: position, limit: pageSize });
    count += page.events.length;
    if (page.events.length < pageSize) return count;
    position = page.position;
  }
}

/** Status of the named projections, from the database: works from any process (CLI, API). */
export async function projectionStatus(
  db: Queryable,
  store: Pick<EventStore, 'headPosition'> & Partial<Pick<EventStore, 'readAll'>>,
  names: readonly string[],
): Promise<ProjectionStatus[]> {
  const head = await store.headPosition();
  const { rows } = await db.query<{
    name: string;
    position: string | null;
    updated_at: Date | null;
    events_applied: string | null;
    owner: string | null;
    expires_at: Date | null;
    valid: boolean | null;
    pending: string;
  }>(
    `select n.name, c.position, c.updated_at, c.events_applied, l.owner, l.expires_at,
            l.expires_at >= clock_timestamp() as valid,
            (select count(*) from projection_dead_letters d where d.projection = n.name and d.status = 'pending') as pending
       from unnest($1::text[]) as n(name)
       left join projection_checkpoints c on c.name = n.name
       left join projection_leases l on l.name = n.name`,
    [names],
  );
  const statuses: ProjectionStatus[] = [];
  for (const row of rows) {
    const pending = Number(row.pending);
    const held = row.valid === true;
    const state: ProjectionState =
      held && row.owner!.startsWith(REBUILD_OWNER_PREFIX)
        ? 'rebuilding'
        : pending > 0
          ? 'blocked'
          : held
            ? 'running'
            : 'idle';
    statuses.push({
      name: row.name,
      checkpoint: row.position,
      head,
      lag: await countEventsAfter(db, row.position, store.readAll ? (store as Pick<EventStore, 'readAll'>) : undefined),
      lastUpdated: row.updated_at,
      state,
      owner: held ? row.owner : null,
      leaseExpiresAt: row.expires_at,
      pendingDeadLetters: pending,
      eventsApplied: Number(row.events_applied ?? 0),
    });
  }
  return statuses;
}

interface DeadLetterRow {
  id: string;
  projection: string;
  position: string;
  event_id: string;
  stream_id: string;
  type: string;
  error: string;
  created_at: Date;
  status: DeadLetter['status'];
  decided_by: string | null;
  decided_at: Date | null;
}

function toDeadLetter(r: DeadLetterRow): DeadLetter {
  return {
    id: r.id,
    projection: r.projection,
    position: r.position,
    eventId: r.event_id,
    streamId: r.stream_id,
    type: r.type,
    error: r.error,
    createdAt: r.created_at,
    status: r.status,
    decidedBy: r.decided_by,
    decidedAt: r.decided_at,
  };
}

export async function listDeadLetters(
  db: Queryable,
  filter: { projection?: string; status?: DeadLetter['status'] } = {},
): Promise<DeadLetter[]> {
  const { rows } = await db.query<DeadLetterRow>(
    `select id::text, projection, position, event_id::text, stream_id, type, error, created_at, status,
            decided_by, decided_at
       from projection_dead_letters
      where ($1::text is null or projection = $1) and ($2::text is null or status = $2)
      order by id`,
    [filter.projection ?? null, filter.status ?? null],
  );
  return rows.map(toDeadLetter);
}

export class DeadLetterNotFoundError extends Error {
  constructor(projection: string, eventId: string) {
    super(`No pending dead letter for event ${eventId} in projection ${projection}`);
    this.name = 'DeadLetterNotFoundError';
  }
}

async function decide(
  db: Queryable,
  status: 'skipped' | 'retried',
  projection: string,
  eventId: string,
  decidedBy: string,
): Promise<DeadLetter> {
  if (!decidedBy) throw new Error('A dead-letter decision must say who took it (decidedBy)');
  const { rows } = await db.query<DeadLetterRow>(
    `update projection_dead_letters
        set status = $3, decided_by = $4, decided_at = clock_timestamp()
      where projection = $1 and event_id = $2::uuid and status = 'pending'
      returning id::text, projection, position, event_id::text, stream_id, type, error, created_at, status,
                decided_by, decided_at`,
    [projection, eventId, status, decidedBy],
  );
  if (!rows[0]) throw new DeadLetterNotFoundError(projection, eventId);
  return toDeadLetter(rows[0]);
}

/**
 * Records the decision to skip a poison event. The projector holding the lease sees it (within its
 * poll interval), moves its checkpoint past the event in a fenced transaction and goes on; skipped
 * events are also left out of rebuilds.
 */
export function skipDeadLetter(db: Queryable, projection: string, eventId: string, decidedBy: string): Promise<DeadLetter> {
  return decide(db, 'skipped', projection, eventId, decidedBy);
}

/** Records the decision to apply the event again (after a fix is deployed). */
export function retryDeadLetter(db: Queryable, projection: string, eventId: string, decidedBy: string): Promise<DeadLetter> {
  return decide(db, 'retried', projection, eventId, decidedBy);
}

export async function skippedEventIds(db: Queryable, projection: string): Promise<Set<string>> {
  const { rows } = await db.query<{ event_id: string }>(
    `select event_id::text from projection_dead_letters where projection = $1 and status = 'skipped'`,
    [projection],
  );
  return new Set(rows.map((r) => r.event_id));
}
