import { randomUUID } from 'node:crypto';
import type { Pool, PoolClient } from 'pg';
import type { EventStore, RecordedEvent } from '@maillage/event-store';
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
  /**
   * Rows of complete streams a table gathers before they are written during the fold (default
   * 2,000; see RebuildSession.background). Tests set 1 to write every complete stream at once.
   */
  earlyWriteRows?: number;
}

export interface RebuildManyOptions extends Omit<RebuildOptions, 'projection'> {
  projections: readonly Projection[];
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


interface IndexShape {
  name: string;
  /** The definition without its name and table: `UNIQUE|` + everything from ` USING `. */
  shape: string;
}

async function indexShapes(client: PoolClient, table: string): Promise<IndexShape[]> {
  const { rows } = await client.query<{ name: string; def: string; uniq: boolean }>(
    `select i.relname as name, pg_get_indexdef(i.oid) as def, x.indisunique as uniq
       from pg_index x join pg_class i on i.oid = x.indexrelid
      where x.indrelid = $1::regclass order by i.relname`,
    [table],
  );
  return rows.map((r) => ({ name: r.name, shape: `${r.uniq ? 'UNIQUE' : ''}|${r.def.slice(r.def.indexOf(' USING '))}` }));
}

/**
 * Makes `shadow` the live `table`: drops the table, renames the shadow, and gives each of its
 * indexes (and so the primary key constraint) the name the live one had, matched by definition, so
 * the schema is exactly what the migrations made. Refuses (rolls back) when an index of the live
 * table has no counterpart.
 */
async function replaceTable(client: PoolClient, table: string, shadow: string): Promise<void> {
  const live = await indexShapes(client, table);
  const fresh = await indexShapes(client, shadow);
  const renames: [string, string][] = [];
  for (const index of live) {
    const at = fresh.findIndex((f) => f.shape === index.shape);
    if (at < 0) throw new Error(`Rebuild: ${shadow} has no index like ${index.name} of ${table}`);
    renames.push([fresh[at].name, index.name]);
    fresh.splice(at, 1);
  }
  await client.query(`drop table ${table}`);
  await client.query(`alter table ${shadow} rename to ${table}`);
  for (const [from, to] of renames) await client.query(`alter index "${from}" rename to "${to}"`);
}

/** Rebuilds one projection; see rebuildProjections. */
export async function rebuildProjection(options: RebuildOptions): Promise<RebuildResult> {
  const { projection, ...rest } = options;
  const [result] = await rebuildProjections({ ...rest, projections: [projection] });
  return result;
}

/**
 * A writer of one projection's shadow tables during the fold: writes queued by its tables (rows
 * whose streams are complete) run in order, on a connection of their own outside the batch
 * transactions (nobody else sees the shadows; a failed rebuild drops them). Each projection has
 * its own writer, so PostgreSQL writes the projections' rows concurrently. The connection is held
 * while work is queued and returned to the pool when the queue is empty. The first failure is
 * kept and fails the rebuild; later work is not run.
 */
class ShadowWriter {
  private tail: Promise<void> = Promise.resolve();
  private client: PoolClient | null = null;
  private queued = 0;
  failure: Error | null = null;

  constructor(private readonly pool: Pool) {}

  run(work: (client: PoolClient) => Promise<void>): Promise<void> {
    this.queued++;
    const next = this.tail.then(async () => {
      if (this.failure) throw this.failure;
      this.client ??= await this.pool.connect();
      await work(this.client);
    });
    this.tail = next
      .catch((error: unknown) => {
        this.failure ??= error instanceof Error ? error : new Error(String(error));
      })
      .finally(() => {
        if (--this.queued === 0) this.release();
      });
    return next;
  }

  /** Waits for every queued write (the connection is back in the pool); throws the first failure. */
  async drain(): Promise<void> {
    await this.tail;
    if (this.failure) throw this.failure;
  }

  private release(): void {
    // A connection whose statement failed may be in an unknown state: destroy it.
    this.client?.release(this.failure ?? undefined);
    this.client = null;
  }
}

/** The projections' writers, drained together. */
class ShadowWriters {
  private readonly writers: ShadowWriter[] = [];

  constructor(private readonly pool: Pool) {}

  create(): ShadowWriter {
    const writer = new ShadowWriter(this.pool);
    this.writers.push(writer);
    return writer;
  }

  get failure(): Error | null {
    return this.writers.find((w) => w.failure)?.failure ?? null;
  }

  async drain(): Promise<void> {
    await Promise.all(this.writers.map((w) => w.drain().catch(() => undefined)));
    if (this.failure) throw this.failure;
  }
}

interface Target {
  projection: Projection;
  name: string;
  owner: string;
  shadows: (readonly [string, string])[];
  types: Set<string> | null;
  skipped: Set<string>;
  flushes: Map<object, (ctx: ProjectionContext) => Promise<void>>;
  /** Context of a batch: the projection's tables are its shadows. */
  ctxFor(client: PoolClient): ProjectionContext;
}

/**
 * Rebuilds projections from the first event, in ONE pass over the store, without the read models
 * ever looking empty or half built:
 * 1. takes each projection's lease (asking the live holder to hand it over), so the live
 *    projectors pause, and keeps them by heartbeat;
 * 2. fills shadow tables (`x__rebuild`, `like x including all`) from zero with large
 *    batches, reading the next batch while applying the current one (each batch is applied to
 *    every projection, in one transaction), and reports progress;
 * 3. runs the deferred writes projections registered on their RebuildSession (in-memory rows,
 *    set-based derivations) into the shadows, each projection in its own transaction, the
 *    projections concurrently; analyzes the shadows; then, per projection in one transaction
 *    fenced by its lease (the projections concurrently): every live table dropped and replaced by
 *    its shadow (renamed, its indexes given the live ones' names, so table, index and constraint
 *    names never change: migrations own them), the checkpoint set to the last event read. Readers
 *    wait for that commit (catalog changes only) and then see the new rows;
 * 4. releases the leases: the live projectors resume from the new checkpoints.
 * Events whose dead letter was skipped stay skipped (per projection).
 */
export async function rebuildProjections(options: RebuildManyOptions): Promise<RebuildResult[]> {
  const { pool, store, projections } = options;
  if (!projections.length) return [];
  // A batch's transaction may wait for its projection's writer, which needs a connection of its own.
  if (pool.options.max < 2) throw new Error(`Rebuild needs a pool of at least 2 connections (this one has ${pool.options.max})`);
  const names = projections.map((p) => p.name);
  if (new Set(names).size !== names.length) throw new Error(`Rebuild: projection named twice in ${names.join(', ')}`);
  const label = names.join('+');
  const batchSize = Math.min(options.batchSize ?? 10_000, 10_000);
  const ttl = options.leaseTtlMs ?? 15_000;
  const started = Date.now();

  const writers = new ShadowWriters(pool);
  // Streams whose last event (as of the start) has been read: see RebuildSession.streamComplete.
  const completeStreams = new Set<string>();

  const targets: Target[] = projections.map((projection) => {
    const writer = writers.create();
    const shadows = projection.tables.map((t) => [t, shadowTableName(t)] as const);
    const shadowOf = new Map(shadows);
    const flushes = new Map<object, (ctx: ProjectionContext) => Promise<void>>();
    const ctxFor = (client: PoolClient): ProjectionContext => ({
      client,
      rebuilding: true,
      session,
      table: (t) => {
        const shadow = shadowOf.get(t);
        if (!shadow) throw new Error(`Projection ${projection.name} does not own table ${t}`);
        return shadow;
      },
    });
    const session: RebuildSession = {
      state: new Map(),
      beforeSwap: (key, flush) => {
        if (!flushes.has(key)) flushes.set(key, flush);
      },
      streamComplete: store.streamVersions ? (streamId) => completeStreams.has(streamId) : undefined,
      earlyWriteRows: Math.max(1, options.earlyWriteRows ?? 2_000),
      background: (work) => writer.run((client) => work(ctxFor(client))),
    };
    return {
      projection,
      name: projection.name,
      owner: `${REBUILD_OWNER_PREFIX}${options.requestedBy ?? 'anonymous'}:${randomUUID()}`,
      shadows,
      types: projection.eventTypes ? new Set(projection.eventTypes) : null,
      skipped: new Set<string>(),
      flushes,
      ctxFor,
    };
  });
  const allShadows = targets.flatMap((t) => t.shadows);
  if (new Set(allShadows.map(([t]) => t)).size !== allShadows.length) {
    throw new Error(`Rebuild: two projections of ${label} own the same table`);
  }

  // 1. Leases (the live holders release them at their next heartbeat once asked).
  const held: Target[] = [];
  let lost = false;
  const keeper = setInterval(() => {
    for (const t of held) {
      renewLease(pool, t.name, t.owner, ttl).then(
        (expires) => {
          if (!expires) lost = true;
        },
        () => undefined, // a failed renewal is retried; the swap's fencing is the real guard
      );
    }
  }, ttl / 3);
  keeper.unref();

  try {
    const deadline = Date.now() + (options.handoverTimeoutMs ?? 3 * ttl);
    for (const t of targets) {
      await pool.query(`insert into projection_checkpoints (name) values ($1) on conflict do nothing`, [t.name]);
      while (!(await tryAcquireLease(pool, t.name, t.owner, ttl))) {
        if (Date.now() > deadline) {
          throw new RebuildError(`Rebuild of ${t.name}: the lease was not handed over in time`, null, null);
        }
        await requestHandover(pool, t.name, t.owner);
        await sleep(Math.min(200, ttl / 10));
      }
      held.push(t);
    }

    for (const [table, shadow] of allShadows) {
      await pool.query(`drop table if exists ${shadow}`);
      // Logged: the shadow becomes the live table at the swap (renamed, not copied).
      await pool.query(`create table ${shadow} (like ${table} including all)`);
    }
    for (const t of targets) t.skipped = await skippedEventIds(pool, t.name);
    const total = await countEventsAfter(pool, null, store);
    const streamVersions = (await store.streamVersions?.()) ?? null;
    const estimator = new RateEstimator(started);
    // Once swapped, the rebuild covers exactly what it folded: events committed meanwhile are the
    // live runner's, so the final total is what was done.
    const report = (phase: RebuildProgress['phase'], done: number) =>
      options.onProgress?.(estimator.progress(label, phase, done, phase === 'done' ? done : Math.max(total, done), Date.now()));
    report('building', 0);

    // 2. Replay into the shadows: one read pass, each batch applied to every projection.
    let position: string | null = null;
    let done = 0;
    const read = (after: string | null) => store.readAll({ after, limit: batchSize }).then((r) => r.events);
    let next = read(null);
    for (;;) {
      const events = await next;
      if (lost) throw new LeaseLostError(label, held.map((t) => t.owner).join(', '), null);
      if (!events.length) break;
      position = events[events.length - 1].globalPosition;
      next = read(position);
      next.catch(() => undefined); // awaited next turn; do not crash on an early rejection
      if (writers.failure) break; // raised by drain() below
      if (streamVersions) {
        for (const e of events) if (streamVersions.get(e.streamId) === e.streamVersion) completeStreams.add(e.streamId);
      }
      const work = targets
        .map((t) => ({ t, relevant: events.filter((e) => (!t.types || t.types.has(e.type)) && !t.skipped.has(e.eventId)) }))
        .filter((w) => w.relevant.length);
      if (work.length) {
        let current: Target | null = null;
        try {
          await inTransaction(pool, async (client) => {
            for (const { t, relevant } of work) {
              current = t;
              await t.projection.applyBatch(relevant, t.ctxFor(client));
            }
          });
        } catch (error) {
          throw new RebuildError(
            `Rebuild of ${(current as Target | null)?.name ?? label} failed in the batch ending at ${position}: ${(error as Error).message}`,
            null,
            error,
          );
        }
      }
      done += events.length;
      report('building', done);
    }

    // Rows written during the fold (complete streams) are in the shadows before anything reads them.
    try {
      await writers.drain();
    } catch (error) {
      throw new RebuildError(`Rebuild of ${label} failed writing rows during the fold: ${(error as Error).message}`, null, error);
    }

    // 3. Deferred writes (keyedTable's in-memory rows, set-based derivations) into the shadows:
    // each projection's flushes in order, in its own transaction, the projections concurrently
    // (PostgreSQL parses and writes on one core per connection; most of a rebuild's database
    // work is here). Nobody else sees the shadows.
    report('swapping', done);
    if (lost) throw new LeaseLostError(label, held.map((t) => t.owner).join(', '), null);
    // Then planner statistics for its new tables before anyone queries them (they follow the
    // rename): each projection's as soon as its own writes are done.
    await Promise.all(
      targets.map(async (t) => {
        if (t.flushes.size) {
          await inTransaction(pool, async (client) => {
            for (const flush of t.flushes.values()) await flush(t.ctxFor(client));
          }).catch((error: unknown) => {
            throw new RebuildError(`Rebuild of ${t.name} failed writing its rows: ${(error as Error).message}`, null, error);
          });
        }
        await Promise.all(t.shadows.map(([, shadow]) => pool.query(`analyze ${shadow}`)));
      }),
    );

    // 4. Swap, each projection in its own transaction fenced by its lease (held, row-locked, until
    // commit), the projections concurrently: each shadow replaces its live table (drop, rename,
    // index names restored: catalog changes only, whatever the size) and the checkpoint moves,
    // atomically. Readers wait for the commit (a few milliseconds) and then see the new rows; a
    // statement never sees an empty or half-built table. Projections are independent.
    await Promise.all(
      targets.map((t) =>
        inTransaction(pool, async (client) => {
          await assertLeaseHeld(client, t.name, t.owner);
          for (const [table, shadow] of t.shadows) await replaceTable(client, table, shadow);
          await client.query(
            `insert into projection_checkpoints (name, position, events_applied, updated_at, rebuilt_at)
             values ($1, $2, $3, clock_timestamp(), clock_timestamp())
             on conflict (name) do update
                set position = excluded.position, events_applied = excluded.events_applied,
                    updated_at = excluded.updated_at, rebuilt_at = excluded.rebuilt_at`,
            [t.name, position, done],
          );
        }),
      ),
    );
    report('done', done);
    const durationMs = Date.now() - started;
    const eventsPerSecond = (done * 1000) / Math.max(durationMs, 1);
    return names.map((projection) => ({ projection, events: done, position, durationMs, eventsPerSecond }));
  } catch (error) {
    await writers.drain().catch(() => undefined); // no write may land after the shadows are dropped
    for (const [, shadow] of allShadows) await pool.query(`drop table if exists ${shadow}`).catch(() => undefined);
    throw error;
  } finally {
    clearInterval(keeper);
    for (const t of held) await releaseLease(pool, t.name, t.owner).catch(() => undefined);
  }
}
