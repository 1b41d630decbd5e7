import { ConcurrencyError, EventStoreError, EventStoreErrorCode } from '../errors';
import type { EventStore, EventToAppend, RecordedEvent } from '../event-store.port';
import { migrationProgress, type MigrationProgress, type MigrationProgressStore } from './progress';
import { compareGlobalPositions } from '../eventstoredb/positions';

/** How long a copy waits for committed source events to become readable before giving up. */
const READABLE_WAIT_MS = 60_000;

export interface CopyEventStoreOptions {
  source: EventStore;
  target: EventStore;
  /** Where progress is recorded; a re-run with the same record continues after the last copied event. */
  progress: MigrationProgressStore;
  /** Identities of both stores (use redacted locations): a record of another pair is refused. */
  sourceLabel: string;
  targetLabel: string;
  /** Events per source read (default 1000). */
  pageSize?: number;
  /** Stop after this many events in this run (an interrupted run; resumable). */
  stopAfter?: number;
  signal?: AbortSignal;
  /** Skip the counting pass (total unknown, no ETA). */
  skipCount?: boolean;
  onProgress?(progress: MigrationProgress): void;
  now?: () => number;
}

export interface CopyEventStoreResult {
  /** Events copied by this run. */
  copiedThisRun: number;
  /** Events copied over all runs. */
  copied: number;
  total: number | null;
  complete: boolean;
  position: string | null;
  durationMs: number;
}

/**
 * Copies every event of `source` into `target` through the port, in the source's global order, one
 * append at a time, so the target's global order is the source's. Each event keeps its stream,
 * version, id, type, schema version, payload, occurredAt, actor, correlation and causation ids.
 * recordedAt cannot be carried over (every store stamps its own commit time): point-in-time reads
 * on the target see migrated events as recorded at migration time.
 *
 * Resumable and never duplicating: progress is saved after each page; appends use the source
 * version as exact expectation and the original event ids, so events a crashed run copied after its
 * last saved checkpoint are recognised by the target as retries and not appended again.
 */
export async function copyEventStore(o: CopyEventStoreOptions): Promise<CopyEventStoreResult> {
  const now = o.now ?? Date.now;
  const started = now();
  const pageSize = o.pageSize ?? 1000;
  let checkpoint = await o.progress.load();
  if (checkpoint && (checkpoint.source !== o.sourceLabel || checkpoint.target !== o.targetLabel)) {
    throw new EventStoreError(
      EventStoreErrorCode.InvalidArgument,
      `The migration record is for ${checkpoint.source} -> ${checkpoint.target}, not ${o.sourceLabel} -> ${o.targetLabel}: ` +
        'use another progress file for another pair of stores',
    );
  }
  if (!checkpoint) {
    if ((await o.target.lastCommittedPosition()) !== null) {
      throw new EventStoreError(
        EventStoreErrorCode.InvalidArgument,
        `The target ${o.targetLabel} already holds events and there is no record of an earlier migration into it: ` +
          'refusing to mix them (migrate into an empty store, or resume with the progress file of the earlier run)',
      );
    }
    const at = new Date(now()).toISOString();
    checkpoint = { source: o.sourceLabel, target: o.targetLabel, position: null, copied: 0, startedAt: at, updatedAt: at, finished: false };
    // Saved before the first append: a crash after it finds the record and resumes.
    await o.progress.save(checkpoint);
  }
  const doneAtStart = checkpoint.copied;
  const report = (phase: MigrationProgress['phase'], done: number, total: number | null) =>
    o.onProgress?.(migrationProgress(phase, done, total, doneAtStart, now() - started));

  let total: number | null = null;
  if (!o.skipCount) {
    report('counting', checkpoint.copied, null);
    total = checkpoint.copied + (await countAfter(o.source, checkpoint.position, pageSize));
  }
  report('copying', checkpoint.copied, total);

  let copiedThisRun = 0;
  let complete = false;
  // Everything committed when the run starts is copied. An empty page before that point is the
  // store's readable head lagging behind a commit (PostgreSQL: an older transaction still open on
  // the server), not the end: wait for it rather than declare the copy complete.
  const until = await o.source.lastCommittedPosition();
  let waitedMs = 0;
  for (;;) {
    if (o.signal?.aborted) break;
    const room = o.stopAfter === undefined ? pageSize : Math.min(pageSize, o.stopAfter - copiedThisRun);
    if (room <= 0) break;
    const page = await o.source.readAll({ after: checkpoint.position, limit: room });
    if (page.events.length === 0) {
      const behind = until !== null && (checkpoint.position === null || compareGlobalPositions(checkpoint.position, until) < 0);
      if (behind && waitedMs < READABLE_WAIT_MS) {
        await new Promise((resolve) => setTimeout(resolve, 25));
        waitedMs += 25;
        continue;
      }
      if (behind) {
        throw new EventStoreError(
          EventStoreErrorCode.DatabaseUnavailable,
          `The source's events up to ${until} did not become readable within ${READABLE_WAIT_MS / 1000} s (a long transaction open on the source server?). Run the command again: it resumes.`,
        );
      }
      complete = true;
      break;
    }
    waitedMs = 0;
    for (const group of groupConsecutiveByStream(page.events)) await appendGroup(o.target, group);
    copiedThisRun += page.events.length;
    checkpoint = {
      ...checkpoint,
      position: page.events[page.events.length - 1].globalPosition,
      copied: checkpoint.copied + page.events.length,
      updatedAt: new Date(now()).toISOString(),
    };
    await o.progress.save(checkpoint);
    if (total !== null && checkpoint.copied > total) total = checkpoint.copied; // written during the copy
    report('copying', checkpoint.copied, total);
  }
  if (complete) {
    checkpoint = { ...checkpoint, finished: true, updatedAt: new Date(now()).toISOString() };
    await o.progress.save(checkpoint);
    report('done', checkpoint.copied, total ?? checkpoint.copied);
  }
  return {
    copiedThisRun,
    copied: checkpoint.copied,
    total,
    complete,
    position: checkpoint.position,
    durationMs: now() - started,
  };
}

/** Runs of consecutive events of one stream: each becomes one append, keeping global order. */
export function groupConsecutiveByStream(events: readonly RecordedEvent[]): RecordedEvent[][] {
  const groups: RecordedEvent[][] = [];
  for (const e of events) {
    const last = groups[groups.length - 1];
    if (last && last[0].streamId === e.streamId && last[last.length - 1].streamVersion + 1 === e.streamVersion) last.push(e);
    else groups.push([e]);
  }
  return groups;
}

export function toEventToAppend(e: RecordedEvent): EventToAppend {
  return {
    eventId: e.eventId,
    type: e.type,
    data: e.data,
    schemaVersion: e.schemaVersion,
    occurredAt: e.occurredAt,
    actor: e.actor,
    correlationId: e.correlationId,
    causationId: e.causationId,
  };
}

async function appendGroup(target: EventStore, group: RecordedEvent[]): Promise<void> {
  const first = group[0];
  try {
    await target.appendToStream(first.streamId, group.map(toEventToAppend), { expectedVersion: first.streamVersion - 1 });
    return;
  } catch (error) {
    // A group that overlaps what an interrupted run already copied (its checkpoint lagged) is a
    // partial retry: copy event by event, each one either appended or recognised as a retry.
    const partial = error instanceof EventStoreError && error.code === EventStoreErrorCode.DuplicateEventId;
    const conflict = error instanceof ConcurrencyError;
    if (!(partial || conflict) || group.length === 1) throw explain(error, first);
  }
  for (const e of group) {
    try {
      await target.appendToStream(e.streamId, [toEventToAppend(e)], { expectedVersion: e.streamVersion - 1 });
    } catch (error) {
      throw explain(error, e);
    }
  }
}

function explain(error: unknown, e: RecordedEvent): unknown {
  if (error instanceof ConcurrencyError || (error instanceof EventStoreError && error.code === EventStoreErrorCode.DuplicateEventId)) {
    return new EventStoreError(
      error.code,
      `Cannot copy event ${e.eventId} (${e.streamId} version ${e.streamVersion}): the target holds other events ` +
        `in this stream or under this id (${error.message}). The target must be empty or hold only what this migration copied.`,
      { cause: error },
    );
  }
  return error;
}

async function countAfter(store: EventStore, after: string | null, pageSize: number): Promise<number> {
  let n = 0;
  let position = after;
  for (;;) {
    const page = await store.readAll({ after: position, limit: Math.max(pageSize, 5000) });
    if (page.events.length === 0) return n;
    n += page.events.length;
    position = page.position;
  }
}
