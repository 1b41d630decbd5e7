import type { Pool, PoolClient } from 'pg';

type Queryable = Pick<Pool, 'query'> | PoolClient;

/** Thrown inside a batch transaction when this owner no longer holds the lease: nothing commits. */
export class LeaseLostError extends Error {
  constructor(
    readonly projection: string,
    readonly owner: string,
    readonly holder: string | null,
  ) {
    super(`Projection ${projection}: lease not held by ${owner} (held by ${holder ?? 'nobody'})`);
    this.name = 'LeaseLostError';
  }
}

/**
 * Leases are plain rows, read and written by single statements or inside one transaction: no
 * session state (advisory locks, temp tables), so they work behind a transaction-mode pooler.
 * Time is always the database's clock, never the process's.
 *
 * Takes the lease when it is free, expired, or already ours (then it is a renewal). A pending
 * handover (a rebuild asked for the lease) reserves an expired lease for the requester, unless the
 * request went stale (the requester stopped refreshing it).
 */
export async function tryAcquireLease(db: Queryable, name: string, owner: string, ttlMs: number): Promise<Date | null> {
  const { rows } = await db.query<{ expires_at: Date }>(
    `insert into projection_leases as l (name, owner, expires_at, acquired_at)
     values ($1, $2, clock_timestamp() + $3 * interval '1 millisecond', clock_timestamp())
     on conflict (name) do update
        set owner = excluded.owner,
            expires_at = excluded.expires_at,
            acquired_at = case when l.owner = excluded.owner and l.expires_at >= clock_timestamp()
                               then l.acquired_at else excluded.acquired_at end,
            handover_to = null,
            handover_requested_at = null
      where (l.owner = excluded.owner and l.expires_at >= clock_timestamp() and l.handover_to is null)
         or (l.expires_at < clock_timestamp()
             and (l.handover_to is null or l.handover_to = excluded.owner
                  or l.handover_requested_at < clock_timestamp() - 3 * $3 * interval '1 millisecond'))
     returning l.expires_at`,
    [name, owner, ttlMs],
  );
  return rows[0]?.expires_at ?? null;
}

/**
 * Extends a held lease. Returns null when it is no longer ours, or when someone asked for a
 * handover: then we release it at once (the caller must stop) so the requester gets it quickly.
 */
export async function renewLease(db: Queryable, name: string, owner: string, ttlMs: number): Promise<Date | null> {
  const { rows } = await db.query<{ expires_at: Date; handover: boolean }>(
    `update projection_leases
        set expires_at = case when handover_to is null or handover_to = owner
                              then clock_timestamp() + $3 * interval '1 millisecond'
                              else clock_timestamp() - interval '1 millisecond' end
      where name = $1 and owner = $2 and expires_at >= clock_timestamp()
      returning expires_at, (handover_to is not null and handover_to <> owner) as handover`,
    [name, owner, ttlMs],
  );
  const row = rows[0];
  return row && !row.handover ? row.expires_at : null;
}

/** Gives the lease up (graceful stop) so a standby takes over without waiting for expiry. */
export async function releaseLease(db: Queryable, name: string, owner: string): Promise<void> {
  await db.query(
    `update projection_leases set expires_at = clock_timestamp() - interval '1 millisecond'
      where name = $1 and owner = $2`,
    [name, owner],
  );
}

/** Asks the current holder to step aside for `requester` (refreshed while waiting). */
export async function requestHandover(db: Queryable, name: string, requester: string): Promise<void> {
  await db.query(
    `update projection_leases set handover_to = $2, handover_requested_at = clock_timestamp()
      where name = $1 and owner <> $2`,
    [name, requester],
  );
}

/**
 * Fencing, inside the batch transaction, right before commit: locks the lease row and checks it is
 * still ours and unexpired. Holding the row lock until commit means no one can take the lease over
 * between this check and the commit; a holder paused before this point finds the new owner here
 * and rolls back.
 */
export async function assertLeaseHeld(client: PoolClient, name: string, owner: string): Promise<void> {
  const { rows } = await client.query<{ owner: string; valid: boolean }>(
    `select owner, expires_at >= clock_timestamp() as valid from projection_leases where name = $1 for update`,
    [name],
  );
  const row = rows[0];
  if (!row || row.owner !== owner || !row.valid) throw new LeaseLostError(name, owner, row?.owner ?? null);
}
