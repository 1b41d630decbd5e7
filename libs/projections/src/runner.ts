import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { Pool, type PoolClient } from 'pg';
import type { EventStore, RecordedEvent } from '@maillage/event-store';
import { endPool, wholeNumberSetting } from '@maillage/infra';
import {
  listDeadLetters,
  projectionStatus,
  retryDeadLetter,
  skipDeadLetter,
  skippedEventIds,
  type DeadLetter,
  type ProjectionStatus,
} from './admin';
import { assertLeaseHeld, LeaseLostError, releaseLease, renewLease, tryAcquireLease } from './lease';
import { migrateProjections } from './migrate';
import { comparePositions } from './positions';
import { Wakeable } from './wakeable';
import type { LiveSession, Projection, ProjectionContext } from './projection';
import type { RebuildProgress } from './progress';
import { rebuildProjection, type RebuildResult } from './rebuild';
import { assertTableName, errorText, isTransientError, sleep } from './sql';

/** Compatible with Nest's LoggerService and with console. */
export interface ProjectionLogger {
  log(message: string): void;
  warn(message: string): void;
  error(message: string, trace?: string): void;
}

export interface ProjectionRunnerOptions {
  /** Either a connection string (the runner owns its pool) or a pool (the caller owns it). */
  url?: string;
  pool?: Pool;
  store: EventStore;
  projections: readonly Projection[];
  /** Events per live batch (default 500). */
  batchSize?: number;
  /** Events per readAll during a rebuild (default 10,000). */
  rebuildBatchSize?: number;
  /** See RebuildOptions.earlyWriteRows (default 2,000). */
  rebuildEarlyWriteRows?: number;
  /** Fallback poll when no wake-up arrives, and dead-letter decision poll (default 1000 ms). */
  pollIntervalMs?: number;
  /** Lease lifetime: a dead holder is replaced after at most this plus one heartbeat (default 15 s). */
  leaseTtlMs?: number;
  /** Default: a third of the TTL. */
  heartbeatIntervalMs?: number;
  /** Lease owner id (default host:pid:random). */
  owner?: string;
  logger?: ProjectionLogger;
  /**
   * Least time between the starts of two live batches of one projection while it keeps up
   * (default 0: each batch starts as soon as events are there). Events that arrive meanwhile
   * join the next batch: fewer, larger transactions, and the read models (hence every answer kept
   * per read-model version) move at most this often, for at most this much more lag. A projection
   * that is behind (its last batch was full) is never held back.
   */
  batchIntervalMs?: number;
  /** Testing aid: waits this long inside every batch transaction before committing. */
  batchDelayMs?: number;
  /** Run migrateProjections(url) in start() (needs `url`; default false: the host migrates). */
  migrate?: boolean;
}

/**
 * Default batchIntervalMs of projectors running in a process of their own (`projections run`).
 * Measured (bench:api, docs/benchmarks.md): next to a loaded API, unpaced they commit a batch of a
 * few events at a time, each moving the read models' version (every kept answer is recomputed)
 * and costing the per-batch statements; paced at 200-500 ms the API served ~35% more commands and
 * ~65% more queries. In the API's own process the event loop it shares already spaces batches out,
 * so the API's default is 0.
 */
export const PROJECTOR_PROCESS_BATCH_INTERVAL_MS = 250;

/**
 * A host's (API, CLI) batchIntervalMs for its live projectors from the value of
 * MAILLAGE_PROJECTION_BATCH_INTERVAL_MS (`raw`), else `fallback`. Whole milliseconds, 0 for none,
 * at most 10,000.
 */
export function liveBatchIntervalMs(raw: string | undefined, fallback = 0): number {
  return wholeNumberSetting('MAILLAGE_PROJECTION_BATCH_INTERVAL_MS', raw, { fallback, unit: 'milliseconds', max: 10_000, zero: 'for none' });
}

export type WorkerState = 'standby' | 'running' | 'blocked' | 'stopped';

export interface RunnerProjectionStatus extends ProjectionStatus {
  /** This process holds the lease. */
  activeHere: boolean;
  /** This process's view: standby (another process or a rebuild holds the lease), running, ... */
  localState: WorkerState;
  /** applyBatch calls made by this process (handy to check nothing spins). */
  applyAttempts: number;
  lastError: string | null;
}

export class ProjectionBlockedError extends Error {
  constructor(
    readonly projection: string,
    readonly deadLetter: { eventId: string; position: string },
  ) {
    super(`Projection ${projection} is blocked on dead letter ${deadLetter.eventId} at ${deadLetter.position}`);
    this.name = 'ProjectionBlockedError';
  }
}

class ApplyFailedError extends Error {
  constructor(readonly failure: unknown) {
    super(`applyBatch failed: ${(failure as Error)?.message ?? String(failure)}`);
  }
}

class CheckpointMovedError extends Error {}

const silentLogger: ProjectionLogger = {
  log: () => undefined,
  warn: (m) => console.warn(m),
  error: (m, t) => console.error(m, t ?? ''),
};

class Worker extends Wakeable {
  state: WorkerState = 'standby';
  held = false;
  needsReload = true;
  checkpoint: string | null = null;
  lastUpdated: Date | null = null;
  skipped = new Set<string>();
  blockedOn: { eventId: string; position: string } | null = null;
  applyAttempts = 0;
  lastError: string | null = null;
  failures = 0;
  /** See LiveSession: kept while this worker's commits form an unbroken chain from `position`. */
  live: (LiveSession & { position: string | null }) | null = null;
  /** When the last live batch with events began (ms), and whether it was full (behind: no pacing). */
  lastBatchAt = 0;
  lastBatchFull = false;
  loop: Promise<void> | null = null;
  readonly types: Set<string> | null;

  constructor(readonly projection: Projection) {
    super();
    this.types = projection.eventTypes ? new Set(projection.eventTypes) : null;
  }

  relevant(events: readonly RecordedEvent[]): RecordedEvent[] {
    return events.filter((e) => (!this.types || this.types.has(e.type)) && !this.skipped.has(e.eventId));
  }
}

/**
 * Runs projections: for each one it holds, pulls batches after its checkpoint, applies them and
 * commits the read-model writes together with the new checkpoint (compare-and-set on the old one)
 * in one transaction, fenced by the lease. Each projection has its own loop: one blocked on a dead
 * letter does not hold the others back.
 */
export class ProjectionRunner {
  readonly owner: string;
  private readonly pool: Pool;
  private readonly ownsPool: boolean;
  private readonly store: EventStore;
  private readonly workers = new Map<string, Worker>();
  private readonly batchSize: number;
  private readonly rebuildBatchSize: number;
  private readonly rebuildEarlyWriteRows: number | undefined;
  private readonly pollIntervalMs: number;
  private readonly leaseTtlMs: number;
  private readonly heartbeatIntervalMs: number;
  private readonly batchDelayMs: number;
  private readonly batchIntervalMs: number;
  private readonly logger: ProjectionLogger;
  private heartbeat: NodeJS.Timeout | null = null;
  private heartbeatRunning: Promise<void> | null = null;
  private unsubscribe: (() => void) | null = null;
  private started = false;
  private stopping = false;
  private readonly progressListeners = new Set<() => void>();
  /**
   * Reads shared between this runner's workers (see `read`): the latest run of events read, in
   * the global order with nothing missing (`after`: the position before the first), at most
   * four batches long, and the reads in flight, by position.
   */
  private recent: { after: string | null; events: RecordedEvent[] } | null = null;
  private readonly reading = new Map<string | null, Promise<readonly RecordedEvent[]>>();
  /** Live batches read from the store, and served from another worker's read. */
  readonly readCounts = { reads: 0, shared: 0 };

  constructor(private readonly options: ProjectionRunnerOptions) {
    if (!options.pool && !options.url) throw new Error('ProjectionRunner needs a url or a pool');
    this.store = options.store;
    this.batchSize = options.batchSize ?? 500;
    this.rebuildBatchSize = options.rebuildBatchSize ?? 10_000;
    this.rebuildEarlyWriteRows = options.rebuildEarlyWriteRows;
    this.pollIntervalMs = options.pollIntervalMs ?? 1000;
    this.leaseTtlMs = options.leaseTtlMs ?? 15_000;
    this.heartbeatIntervalMs = options.heartbeatIntervalMs ?? Math.max(50, Math.floor(this.leaseTtlMs / 3));
    this.batchDelayMs = options.batchDelayMs ?? 0;
    this.batchIntervalMs = options.batchIntervalMs ?? 0;
    this.logger = options.logger ?? silentLogger;
    this.owner = options.owner ?? `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
    for (const projection of options.projections) {
      if (this.workers.has(projection.name)) throw new Error(`Two projections are named ${projection.name}`);
      projection.tables.forEach(assertTableName);
      this.workers.set(projection.name, new Worker(projection));
    }
    this.ownsPool = !options.pool;
    this.pool =
      options.pool ??
      new Pool({ connectionString: options.url, max: 2 * this.workers.size + 4, connectionTimeoutMillis: 10_000, keepAlive: true });
    if (this.ownsPool) this.pool.on('error', (error) => this.logger.warn(`Projection pool: ${error.message}`));
  }

  get projections(): Projection[] {
    return [...this.workers.values()].map((w) => w.projection);
  }

  /** Starts every projection's loop; returns once the first lease attempt is done. */
  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    if (this.options.migrate) {
      if (!this.options.url) throw new Error('ProjectionRunner: migrate needs a url');
      await migrateProjections(this.options.url);
    }
    await this.pool.query(
      `insert into projection_checkpoints (name) select unnest($1::text[]) on conflict do nothing`,
      [[...this.workers.keys()]],
    );
    this.unsubscribe = this.store.onAppended(() => this.wakeAll());
    await this.leaseTick();
    this.heartbeat = setInterval(() => void this.leaseTick(), this.heartbeatIntervalMs);
    for (const worker of this.workers.values()) worker.loop = this.runLoop(worker);
  }

  /** Stops the loops, waits for in-flight batches and releases the leases (standbys take over). */
  async stop(): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.unsubscribe?.();
    this.wakeAll();
    await Promise.all([...this.workers.values()].map((w) => w.loop ?? Promise.resolve()));
    await this.heartbeatRunning;
    for (const worker of this.workers.values()) {
      if (worker.held) await releaseLease(this.pool, worker.projection.name, this.owner).catch(() => undefined);
      worker.held = false;
      worker.state = 'stopped';
    }
    this.notifyProgress();
    if (this.ownsPool) await endPool(this.pool);
  }

  /**
   * Resolves once every named projection (default: all) has applied the event at `position` (its
   * checkpoint is at or past it), wherever it runs (this process or another). Rejects on timeout
   * or when a projection is blocked on a dead letter at or before that position.
   */
  async waitFor(position: string | null, options: { projections?: readonly string[]; timeoutMs?: number } = {}): Promise<void> {
    if (position === null) return;
    const names = options.projections ?? [...this.workers.keys()];
    const deadline = Date.now() + (options.timeoutMs ?? 30_000);
    for (;;) {
      let pendingNames: string[] = [];
      for (const name of names) {
        const worker = this.workers.get(name);
        if (!worker) throw new Error(`Unknown projection ${name}`);
        if (worker.blockedOn && comparePositions(worker.blockedOn.position, position) <= 0) {
          throw new ProjectionBlockedError(name, worker.blockedOn);
        }
        if (comparePositions(worker.checkpoint, position) < 0) pendingNames.push(name);
      }
      if (pendingNames.length) {
        // Projections run elsewhere (standby here): read their checkpoints from the database.
        const remote = pendingNames.filter((n) => !this.workers.get(n)!.held);
        if (remote.length) {
          const { rows } = await this.pool.query<{ name: string; position: string | null }>(
            `select name, position from projection_checkpoints where name = any($1::text[])`,
            [remote],
          );
          const ahead = new Set(rows.filter((r) => comparePositions(r.position, position) >= 0).map((r) => r.name));
          pendingNames = pendingNames.filter((n) => !ahead.has(n));
        }
      }
      if (!pendingNames.length) return;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`Timed out waiting for ${pendingNames.join(', ')} to reach ${position}`);
      await new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          this.progressListeners.delete(done);
          resolve();
        };
        const timer = setTimeout(done, Math.min(left, 100));
        this.progressListeners.add(done);
      });
    }
  }

  /**
   * Resolves once the projections have applied everything committed so far (not only what is
   * readable now: the readable head lags while any older transaction on the server is open).
   */
  async catchUp(options: { projections?: readonly string[]; timeoutMs?: number } = {}): Promise<void> {
    this.wakeAll();
    await this.waitFor(await this.store.lastCommittedPosition(), options);
  }

  async status(): Promise<RunnerProjectionStatus[]> {
    const statuses = await projectionStatus(this.pool, this.store, [...this.workers.keys()]);
    return statuses.map((s) => {
      const w = this.workers.get(s.name)!;
      return { ...s, activeHere: w.held, localState: w.state, applyAttempts: w.applyAttempts, lastError: w.lastError };
    });
  }

  deadLetters(projection?: string, status?: DeadLetter['status']): Promise<DeadLetter[]> {
    return listDeadLetters(this.pool, { projection, status });
  }

  async skipDeadLetter(projection: string, eventId: string, decidedBy: string): Promise<DeadLetter> {
    const decided = await skipDeadLetter(this.pool, projection, eventId, decidedBy);
    this.afterDecision(projection);
    return decided;
  }

  async retryDeadLetter(projection: string, eventId: string, decidedBy: string): Promise<DeadLetter> {
    const decided = await retryDeadLetter(this.pool, projection, eventId, decidedBy);
    this.afterDecision(projection);
    return decided;
  }

  private afterDecision(projection: string): void {
    const worker = this.workers.get(projection);
    if (!worker?.held) return;
    // Re-read dead letters before anything else (another one may still be pending).
    worker.blockedOn = null;
    worker.needsReload = true;
    worker.wake();
  }

  /**
   * Rebuilds one projection into shadow tables and swaps them in (see rebuildProjection). The live
   * loop (here or in another process) hands the lease over and resumes after the swap.
   */
  async rebuild(
    projectionName: string,
    onProgress?: (progress: RebuildProgress) => void,
    options: { requestedBy?: string } = {},
  ): Promise<RebuildResult> {
    const worker = this.workers.get(projectionName);
    if (!worker) throw new Error(`Unknown projection ${projectionName}`);
    try {
      return await rebuildProjection({
        pool: this.pool,
        store: this.store,
        projection: worker.projection,
        batchSize: this.rebuildBatchSize,
        earlyWriteRows: this.rebuildEarlyWriteRows,
        leaseTtlMs: this.leaseTtlMs,
        onProgress,
        requestedBy: options.requestedBy ?? this.owner,
      });
    } finally {
      worker.needsReload = true;
      if (this.started && !this.stopping) void this.leaseTick(); // take the lease back at once
    }
  }

  // ---- leases ----

  private leaseTick(): Promise<void> {
    if (this.heartbeatRunning) return this.heartbeatRunning;
    this.heartbeatRunning = (async () => {
      for (const worker of this.workers.values()) {
        if (this.stopping) break;
        const name = worker.projection.name;
        try {
          if (worker.held) {
            if (!(await renewLease(this.pool, name, this.owner, this.leaseTtlMs))) {
              worker.held = false;
              worker.live = null;
              worker.state = 'standby';
              this.logger.warn(`Projection ${name}: lease lost or handed over; standing by`);
            }
          } else if (await tryAcquireLease(this.pool, name, this.owner, this.leaseTtlMs)) {
            worker.held = true;
            worker.live = null;
            worker.needsReload = true;
            worker.state = 'running';
            this.logger.log(`Projection ${name}: lease acquired by ${this.owner}`);
            worker.wake();
          }
        } catch (error) {
          this.logger.warn(`Projection ${name}: lease heartbeat failed: ${(error as Error).message}`);
        }
      }
    })().finally(() => {
      this.heartbeatRunning = null;
    });
    return this.heartbeatRunning;
  }

  // ---- the loop ----

  private wakeAll(): void {
    for (const worker of this.workers.values()) worker.wake();
  }

  private notifyProgress(): void {
    for (const listener of [...this.progressListeners]) listener();
  }

  private async runLoop(worker: Worker): Promise<void> {
    const name = worker.projection.name;
    while (!this.stopping) {
      let progressed: boolean;
      try {
        if (!worker.held) {
          await worker.idle(this.heartbeatIntervalMs);
          continue;
        }
        if (worker.needsReload) await this.reload(worker);
        if (worker.blockedOn) {
          if (!(await this.stillBlocked(worker))) continue;
          await worker.idle(this.pollIntervalMs);
          continue;
        }
        await this.pace(worker);
        progressed = await this.step(worker);
        worker.failures = 0;
      } catch (error) {
        if (error instanceof LeaseLostError) {
          worker.held = false;
          worker.live = null;
          worker.state = 'standby';
          this.logger.warn(`Projection ${name}: fenced out (${error.message}); standing by`);
          continue;
        }
        if (error instanceof CheckpointMovedError) {
          worker.needsReload = true;
          continue;
        }
        worker.failures++;
        worker.lastError = errorText(error);
        const backoff = Math.min(30_000, this.pollIntervalMs * 2 ** Math.min(worker.failures - 1, 5));
        this.logger.warn(`Projection ${name}: ${(error as Error).message}; retrying in ${backoff} ms`);
        await worker.idle(backoff);
        continue;
      }
      if (!progressed) await worker.idle(this.pollIntervalMs);
    }
  }

  private async reload(worker: Worker): Promise<void> {
    const name = worker.projection.name;
    const { rows } = await this.pool.query<{ position: string | null; updated_at: Date }>(
      `select position, updated_at from projection_checkpoints where name = $1`,
      [name],
    );
    worker.checkpoint = rows[0]?.position ?? null;
    worker.lastUpdated = rows[0]?.updated_at ?? null;
    worker.live = null; // the tables may have been written by someone else (a rebuild, a decision)
    worker.skipped = await skippedEventIds(this.pool, name);
    const pending = await listDeadLetters(this.pool, { projection: name, status: 'pending' });
    worker.blockedOn = pending.length ? { eventId: pending[0].eventId, position: pending[0].position } : null;
    worker.state = worker.blockedOn ? 'blocked' : 'running';
    worker.needsReload = false;
    this.notifyProgress();
  }

  /** One cheap query per poll while blocked: never re-applies the poison event on its own. */
  private async stillBlocked(worker: Worker): Promise<boolean> {
    const pending = await listDeadLetters(this.pool, { projection: worker.projection.name, status: 'pending' });
    if (pending.length) return true;
    this.logger.log(`Projection ${worker.projection.name}: dead letter decided; resuming`);
    worker.needsReload = true;
    return false;
  }

  /** See batchIntervalMs: waits out the rest of the interval since the last batch began, unless behind. */
  private async pace(worker: Worker): Promise<void> {
    if (!this.batchIntervalMs || worker.lastBatchFull) return;
    const wait = worker.lastBatchAt + this.batchIntervalMs - performance.now();
    if (wait > 0) await sleep(Math.ceil(wait));
  }

  private async step(worker: Worker): Promise<boolean> {
    const from = worker.checkpoint;
    const startedAt = performance.now();
    const events = await this.read(from);
    if (!events.length) return false;
    worker.lastBatchAt = startedAt;
    worker.lastBatchFull = events.length >= this.batchSize;
    try {
      await this.commit(worker, from, events);
    } catch (error) {
      if (!(error instanceof ApplyFailedError) || isTransientError(error.failure)) throw error;
      await this.isolate(worker, from, events, error.failure);
    }
    return true;
  }

  /**
   * The events after `from` for a live batch. The workers of one runner usually stand at the same
   * checkpoint, woken by the same commit, or follow one another a few batches apart, and would
   * each read the same events. A run of events that the store returned is final (the global order
   * only ever extends past its end: nothing can commit into it later), so a worker whose
   * checkpoint lies inside the recent run takes what follows it there (up to a batch), and a
   * worker asking for the position another is reading joins that read. Neither ever
   * answers "nothing new": an empty answer always comes from a read of the worker's own, started
   * after it was woken, so a shared read never makes a worker sleep past a commit it was woken for.
   */
  private async read(from: string | null): Promise<readonly RecordedEvent[]> {
    const kept = this.fromRecent(from);
    if (kept) {
      this.readCounts.shared++;
      return kept;
    }
    const inFlight = this.reading.get(from);
    if (inFlight) {
      const events = await inFlight;
      if (events.length) {
        this.readCounts.shared++;
        return events;
      }
    }
    const read = this.store.readAll({ after: from, limit: this.batchSize }).then(({ events }) => {
      if (events.length) this.remember(from, events);
      return events;
    });
    this.readCounts.reads++;
    this.reading.set(from, read);
    try {
      return await read;
    } finally {
      if (this.reading.get(from) === read) this.reading.delete(from);
    }
  }

  /** Up to a batch of the recent run's events after `from`; null when `from` is not inside it or is its end. */
  private fromRecent(from: string | null): RecordedEvent[] | null {
    const run = this.recent;
    if (!run || from === run.events[run.events.length - 1].globalPosition) return null; // caught up: read
    const start = from === run.after ? 0 : run.events.findIndex((e) => e.globalPosition === from) + 1;
    return start > 0 || from === run.after ? run.events.slice(start, start + this.batchSize) : null;
  }

  /**
   * Extends the run of recent events (never empty) when `events` continue it, or starts a new one
   * from them when they end later (a lagging worker's read does not replace the leader's newer run).
   */
  private remember(after: string | null, events: readonly RecordedEvent[]): void {
    let run = this.recent;
    const end = run?.events[run.events.length - 1].globalPosition ?? null;
    if (run && end === after) run.events.push(...events);
    else if (!run || comparePositions(events[events.length - 1].globalPosition, end) > 0) run = this.recent = { after, events: [...events] };
    else return;
    const excess = run.events.length - 4 * this.batchSize;
    if (excess > 0) {
      run.after = run.events[excess - 1].globalPosition;
      run.events.splice(0, excess);
    }
  }

  /**
   * One transaction: the projection's writes, the checkpoint compare-and-set, the lease check
   * (fencing, last, holding the lease row lock until commit), commit.
   */
  private async commit(worker: Worker, from: string | null, events: readonly RecordedEvent[]): Promise<void> {
    const projection = worker.projection;
    const to = events[events.length - 1].globalPosition;
    const relevant = worker.relevant(events);
    // A batch continues the chain only from the checkpoint the chain's last commit left.
    if (worker.live && worker.live.position !== from) worker.live = null;
    const live = (worker.live ??= { state: new Map(), position: from });
    const client = await this.pool.connect();
    let broken: Error | undefined;
    try {
      // One round trip. A holder frozen inside a transaction must not keep rows locked forever; a
      // live batch touches a few hundred rows, for which parallel workers cost more than they give
      // (measured: the activity statistic's statement 11 ms serial, 17 ms and more CPU with two
      // workers). SET LOCAL: no session state survives the transaction, so this is pooler-safe.
      await client.query(
        `begin; set local idle_in_transaction_session_timeout = ${Math.max(2 * this.leaseTtlMs, this.batchDelayMs + this.leaseTtlMs)};
         set local max_parallel_workers_per_gather = 0`,
      );
      if (relevant.length) {
        worker.applyAttempts++;
        try {
          await projection.applyBatch(relevant, this.context(client, live));
        } catch (error) {
          throw new ApplyFailedError(error);
        }
      }
      if (this.batchDelayMs) await sleep(this.batchDelayMs);
      const moved = await client.query(
        `update projection_checkpoints
            set position = $2, updated_at = clock_timestamp(), events_applied = events_applied + $4
          where name = $1 and position is not distinct from $3`,
        [projection.name, to, from, relevant.length],
      );
      if (moved.rowCount !== 1) throw new CheckpointMovedError(`Checkpoint of ${projection.name} moved`);
      await assertLeaseHeld(client, projection.name, this.owner);
      await client.query('commit');
    } catch (error) {
      // Kept state may hold this batch's rows, which the rollback (or an unconfirmed commit) undid.
      if (worker.live === live) worker.live = null;
      await client.query('rollback').catch((e: Error) => (broken = e));
      if (isTransientError(error)) broken ??= error as Error;
      throw error;
    } finally {
      client.release(broken);
    }
    if (worker.live === live) live.position = to;
    worker.checkpoint = to;
    worker.lastUpdated = new Date();
    worker.lastError = null;
    this.notifyProgress();
  }

  private context(client: PoolClient, live: LiveSession): ProjectionContext {
    return { client, rebuilding: false, table: (name) => name, live };
  }

  /**
   * The batch failed: apply its events one at a time, each committed with its checkpoint, up to the
   * one that fails; record that one as a dead letter and block (no retry until a decision).
   */
  private async isolate(worker: Worker, from: string | null, events: readonly RecordedEvent[], batchError: unknown): Promise<void> {
    const name = worker.projection.name;
    this.logger.warn(`Projection ${name}: batch failed (${(batchError as Error)?.message}); isolating the event`);
    let checkpoint = from;
    for (const event of events) {
      try {
        await this.commit(worker, checkpoint, [event]);
        checkpoint = event.globalPosition;
      } catch (error) {
        if (!(error instanceof ApplyFailedError) || isTransientError(error.failure)) throw error;
        await this.recordDeadLetter(worker, event, error.failure);
        return;
      }
    }
  }

  private async recordDeadLetter(worker: Worker, event: RecordedEvent, failure: unknown): Promise<void> {
    const name = worker.projection.name;
    const client = await this.pool.connect();
    let broken: Error | undefined;
    try {
      await client.query('begin');
      await assertLeaseHeld(client, name, this.owner);
      await client.query(
        `insert into projection_dead_letters (projection, position, event_id, stream_id, type, error)
         values ($1, $2, $3, $4, $5, $6)
         on conflict (projection, event_id) where status = 'pending' do nothing`,
        [name, event.globalPosition, event.eventId, event.streamId, event.type, errorText(failure).slice(0, 10_000)],
      );
      await client.query('commit');
    } catch (error) {
      await client.query('rollback').catch((e: Error) => (broken = e));
      throw error;
    } finally {
      client.release(broken);
    }
    worker.blockedOn = { eventId: event.eventId, position: event.globalPosition };
    worker.state = 'blocked';
    worker.lastError = errorText(failure);
    this.logger.error(
      `Projection ${name}: event ${event.eventId} (${event.type}, ${event.globalPosition}) sent to dead letters; ` +
        `projection blocked until someone skips or retries it`,
      errorText(failure),
    );
    this.notifyProgress();
  }
}
