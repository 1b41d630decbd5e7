import type { PoolClient } from 'pg';
import type { RecordedEvent } from '@maillage/event-store';

/**
 * What a projection sees while applying one batch. Everything it writes goes through `client`, inside
 * the transaction that also moves its checkpoint (exactly-once). During a rebuild the same projection
 * writes into shadow tables: always name tables through `table()`.
 */
export interface ProjectionContext {
  client: PoolClient;
  /** Actual name of one of the projection's tables (e.g. a shadow table during a rebuild). */
  table(name: string): string;
  /** True while rebuilding from zero into empty shadow tables. */
  rebuilding: boolean;
  /** Present during a rebuild only: the same object for every batch of that rebuild. */
  session?: RebuildSession;
  /** Present on live batches only: see LiveSession. */
  live?: LiveSession;
}

/**
 * State a live projector keeps between its batches. The runner hands the same object to every
 * batch it commits in an unbroken chain: each batch started from the checkpoint the previous one
 * committed, under the same lease. Within such a chain nobody else wrote the projection's tables
 * (their only writers are the lease holder and a rebuild, which takes the lease and moves the
 * checkpoint), so rows a helper wrote are still what the table holds, and it may keep them in
 * memory instead of reading them again.
 *
 * The runner drops the session (and whatever helpers kept in it) whenever the chain breaks: a
 * batch that fails or whose commit is not confirmed (its writes may be rolled back), a lease lost
 * or taken again, a checkpoint reloaded (after a rebuild, a dead-letter decision, a checkpoint
 * moved by someone else). Helpers may therefore update their state during a batch, before the
 * commit: if the commit fails, the state is discarded with the session.
 */
export interface LiveSession {
  /** Helper-owned state, keyed by the helper. */
  readonly state: Map<object, unknown>;
}

/**
 * State shared by all batches of one rebuild. During a rebuild nobody else writes the shadow
 * tables, so helpers may keep rows in memory and write them in bulk later, provided they register
 * a flush: once every batch is applied, the rebuild runs the projection's registered flushes (in
 * registration order, in one transaction; the projections concurrently) on the shadow tables
 * (`ctx.table()` names the shadows), then swaps the shadows in. Readers see the result only at the
 * swap's commit.
 */
export interface RebuildSession {
  /** Helper-owned state, keyed by the helper. */
  readonly state: Map<object, unknown>;
  /** Registers (once per key) writes to run in the swap transaction (see above). */
  beforeSwap(key: object, flush: (ctx: ProjectionContext) => Promise<void>): void;
  /**
   * True once every event the stream held when the rebuild started has been applied: rows fed
   * only by that stream are final, unless the stream grows during the rebuild (then they are
   * written again by the deferred writes). Absent when the store cannot tell (no
   * `streamVersions`): every row is then written at the end.
   */
  readonly streamComplete?: (streamId: string) => boolean;
  /** How many rows of complete streams a helper gathers before writing them in the background. */
  readonly earlyWriteRows: number;
  /**
   * Runs writes to the projection's shadow tables on its writer connection, outside the batch's
   * transaction, in the order queued, while the next batches are folded (PostgreSQL writes while
   * the fold runs; each projection has its own writer). Resolves once this work is done. A
   * failure fails the rebuild; the runner waits for every queued write before the deferred writes.
   */
  background(work: (ctx: ProjectionContext) => Promise<void>): Promise<void>;
}

export interface Projection {
  /** Stable name: checkpoint, lease and dead letters are keyed by it. */
  name: string;
  /** Read-model tables this projection owns; a rebuild rebuilds them together. */
  tables: readonly string[];
  /** Event types it handles; other events only advance its checkpoint. Omit for all. */
  eventTypes?: readonly string[];
  /**
   * Applies a batch (in global order) with a few set-based statements: fold in memory, then
   * multi-row upserts. Never one round trip per event, never TypeORM `save()`.
   */
  applyBatch(events: readonly RecordedEvent[], ctx: ProjectionContext): Promise<void>;
}
