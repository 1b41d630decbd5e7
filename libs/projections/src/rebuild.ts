import { randomUUID } from 'node:crypto';
import type { Pool, PoolClient } from 'pg';
import type { EventStore, RecordedEvent } from '@maillage/event-store';
import { eventSource } from './event-source';
import { countEventsAfter, REBUILD_OWNER_PREFIX, skippedEventIds } from './admin';
import { assertLeaseHeld, LeaseLostError, releaseLease, renewLease, requestHandover, tryAcquireLease } from './lease';
import type { Projection, ProjectionContext, RebuildSession } from './projection';
import { RateEstimator, type RebuildProgress } from './progress';
import { shadowTableName, sleep } from './sql';

export interface RebuildOptions {
  pool: Pool;
  store: EventStore;
  projection: Projection;
  /** Events per readAll (max 10,000, the store's limit). */
  batchSize?: number;
  leaseTtlMs?: number;
  /** How long to wait for the live holder to hand the lease over (default 3 x TTL). */
  handoverTimeoutMs?: number;
  onProgress?: (progress: RebuildProgress) => void;
  /** Who runs it (recorded in the lease owner, e.g. the operator running the CLI). */
  requestedBy?: string;
}

export interface RebuildResult {
  projection: string;
  events: number;
  position: string | null;
  durationMs: number;
  eventsPerSecond: number;
}

export class RebuildError extends Error {
  constructor(
    message: string,
    readonly event: RecordedEvent | null,
    override readonly cause: unknown,
  ) {
    super(message);
    this.name = 'RebuildError';
  }
}

async function inTransaction<T>(pool: Pool, fn: (client: PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    await client.query('begin');
    const result = await fn(client);
    await client.query('commit');
    return result;
  } catch (error) {
    await client.query('rollback').catch((e: Error) => (broken = e));
    throw error;
  } finally {
    client.release(broken);
  }
}

/**
 * Rebuilds a projection from the first event without the read model ever looking empty or half
 * built:
 * 1. takes the projection's lease (asking the live holder to hand it over), so the live projector
 *    pauses, and keeps it by heartbeat;
 * 2. fills unlogged shadow tables (`x__rebuild`, `like x including all`) from zero with large
 *    batches, reading the next batch while applying the current one, and reports progress;
 * 3. in one transaction, fenced by the lease: `delete from x; insert into x select from x__rebuild`
 *    for every table, the checkpoint set to the last event folded, shadows dropped. MVCC keeps
 *    readers on the old rows until that commit; table, index and constraint names never change
 *    (migrations own them);
 * 4. releases the lease: the live projector resumes from the new checkpoint.
 * Events whose dead letter was skipped stay skipped.
 */
export async function rebuildProjection(options: RebuildOptions): Promise<RebuildResult> {
  const { pool, store, projection } = options;
  const batchSize = Math.min(options.batchSize ?? 10_000, 10_000);
  const ttl = options.leaseTtlMs ?? 15_000;
  const owner = `${REBUILD_OWNER_PREFIX}${options.requestedBy ?? 'anonymous'}:${randomUUID()}`;
  const name = projection.name;
  const started = Date.now();

  // 1. Lease (the live holder releases it at its next heartbeat once asked).
  const deadline = Date.now() + (options.handoverTimeoutMs ?? 3 * ttl);
  await pool.query(`insert into projection_checkpoints (name) values ($1) on conflict do nothing`, [name]);
  while (!(await tryAcquireLease(pool, name, owner, ttl))) {
    if (Date.now() > deadline) {
      throw new RebuildError(`Rebuild of ${name}: the lease was not handed over in time`, null, null);
    }
    await requestHandover(pool, name, owner);
    await sleep(Math.min(200, ttl / 10));
  }
  let lost = false;
  const keeper = setInterval(() => {
    renewLease(pool, name, owner, ttl).then(
      (expires) => {
        if (!expires) lost = true;
      },
      () => undefined, // a failed renewal is retried; the swap's fencing is the real guard
    );
  }, ttl / 3);
  keeper.unref();

  const shadows = projection.tables.map((t) => [t, shadowTableName(t)] as const);
  const shadowOf = new Map(shadows);
  const flushes = new Map<object, (ctx: ProjectionContext) => Promise<void>>();
  const session: RebuildSession = {
    state: new Map(),
    beforeSwap: (key, flush) => {
      if (!flushes.has(key)) flushes.set(key, flush);
    },
  };
  const ctxFor = (client: PoolClient): ProjectionContext => ({
    client,
    rebuilding: true,
    session,
    table: (t) => {
      const shadow = shadowOf.get(t);
      if (!shadow) throw new Error(`Projection ${name} does not own table ${t}`);
      return shadow;
    },
  });
  try {
    for (const [table, shadow] of shadows) {
      await pool.query(`drop table if exists ${shadow}`);
      await pool.query(`create unlogged table ${shadow} (like ${table} including all)`);
    }
    const skipped = await skippedEventIds(pool, name);
    const types = projection.eventTypes ? new Set(projection.eventTypes) : null;
    const total = await countEventsAfter(pool, null);
    const estimator = new RateEstimator(started);
    const report = (phase: RebuildProgress['phase'], done: number) =>
      options.onProgress?.(estimator.progress(name, phase, done, total, Date.now()));
    report('building', 0);

    // 2. Replay into the shadows.
    let position: string | null = null;
    let done = 0;
    const read = eventSource(store, pool);
    let next = read(null, batchSize);
    for (;;) {
      const events = await next;
      if (lost) throw new LeaseLostError(name, owner, null);
      if (!events.length) break;
      position = events[events.length - 1].globalPosition;
      next = read(position, batchSize);
      next.catch(() => undefined); // awaited next turn; do not crash on an early rejection
      const relevant = events.filter((e) => (!types || types.has(e.type)) && !skipped.has(e.eventId));
      if (relevant.length) {
        try {
          await inTransaction(pool, (client) => projection.applyBatch(relevant, ctxFor(client)));
        } catch (error) {
          throw new RebuildError(
            `Rebuild of ${name} failed in the batch ending at ${position}: ${(error as Error).message}`,
            null,
            error,
          );
        }
      }
      done += events.length;
      report('building', done);
    }

    // Deferred writes (e.g. keyedTable's in-memory rows) land in the shadows before the swap.
    if (flushes.size) {
      await inTransaction(pool, async (client) => {
        for (const flush of flushes.values()) await flush(ctxFor(client));
      });
    }

    // 3. Swap.
    report('swapping', done);
    await inTransaction(pool, async (client) => {
      await assertLeaseHeld(client, name, owner);
      for (const [table, shadow] of shadows) {
        const { rows } = await client.query<{ name: string }>(
          `select attname as name from pg_attribute
            where attrelid = $1::regclass and attnum > 0 and not attisdropped and attgenerated = ''
            order by attnum`,
          [table],
        );
        const columns = rows.map((r) => `"${r.name}"`).join(', ');
        await client.query(`delete from ${table}`);
        await client.query(`insert into ${table} (${columns}) select ${columns} from ${shadow}`);
        await client.query(`drop table ${shadow}`);
      }
      await client.query(
        `insert into projection_checkpoints (name, position, events_applied, updated_at, rebuilt_at)
         values ($1, $2, $3, clock_timestamp(), clock_timestamp())
         on conflict (name) do update
            set position = excluded.position, events_applied = excluded.events_applied,
                updated_at = excluded.updated_at, rebuilt_at = excluded.rebuilt_at`,
        [name, position, done],
      );
    });
    report('done', done);
    const durationMs = Date.now() - started;
    return { projection: name, events: done, position, durationMs, eventsPerSecond: (done * 1000) / Math.max(durationMs, 1) };
  } catch (error) {
    for (const [, shadow] of shadows) await pool.query(`drop table if exists ${shadow}`).catch(() => undefined);
    throw error;
  } finally {
    clearInterval(keeper);
    await releaseLease(pool, name, owner).catch(() => undefined);
  }
}
