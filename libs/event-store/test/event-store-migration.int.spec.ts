import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  compareGlobalPositions,
  copyEventStore,
  EventStoreError,
  EventStoreErrorCode,
  FileMigrationProgress,
  MemoryMigrationProgress,
  PostgresEventStore,
  type EventStore,
  type MigrationProgress,
  type RecordedEvent,
} from '@maillage/event-store';
import { createTestDatabase, type TestDatabase } from '@maillage/testing';

/** Everything the migration must carry over, per event (recordedAt is the target's own commit time). */
const carried = (e: RecordedEvent) => ({
  eventId: e.eventId,
  streamId: e.streamId,
  streamVersion: e.streamVersion,
  type: e.type,
  schemaVersion: e.schemaVersion,
  data: e.data,
  occurredAt: e.occurredAt.toISOString(),
  actor: e.actor,
  correlationId: e.correlationId,
  causationId: e.causationId,
});

/** Every committed event: waits until the readable head has reached the last commit (it can lag). */
async function readEverything(store: EventStore): Promise<RecordedEvent[]> {
  const until = await store.lastCommittedPosition();
  const all: RecordedEvent[] = [];
  let after: string | null = null;
  for (let waited = 0; ; ) {
    const page = await store.readAll({ after, limit: 500 });
    if (page.events.length === 0) {
      if (until === null || (after !== null && compareGlobalPositions(after, until) >= 0) || waited > 30_000) return all;
      await new Promise((resolve) => setTimeout(resolve, 25));
      waited += 25;
      continue;
    }
    all.push(...page.events);
    after = page.position;
  }
}

describe('copying an event store into another through the port (PostgreSQL to PostgreSQL)', () => {
  let sourceDb: TestDatabase;
  let source: PostgresEventStore;
  let expected: ReturnType<typeof carried>[];
  const cleanups: (() => Promise<unknown>)[] = [];

  /** A fresh empty target store. */
  async function newTarget(): Promise<PostgresEventStore> {
    const db = await createTestDatabase('es_migration_target');
    const store = await PostgresEventStore.open({ url: db.url });
    cleanups.push(async () => {
      await store.close();
      await db.drop();
    });
    return store;
  }

  beforeAll(async () => {
    sourceDb = await createTestDatabase('es_migration_source');
    source = await PostgresEventStore.open({ url: sourceDb.url });
    // Interleaved streams, multi-event appends, every kind of metadata, scalar and nested payloads.
    const streams = ['cooperation', 'organisation', 'funder'].map((c) => `${c}-${randomUUID()}`);
    const versions = new Map<string, number>();
    for (let round = 0; round < 9; round++) {
      for (const [i, streamId] of streams.entries()) {
        const count = (round + i) % 3 === 0 ? 2 : 1;
        const version = versions.get(streamId) ?? 0;
        await source.appendToStream(
          streamId,
          Array.from({ length: count }, (_, k) => ({
            eventId: randomUUID(),
            type: k === 0 ? 'ThingHappened' : 'OtherThingHappened',
            data: round % 4 === 0 ? `texte ${round}` : { round, i, k, nested: { list: [1, null, 'é'] } },
            schemaVersion: 1 + (round % 2),
            occurredAt: new Date(Date.UTC(2020, 0, 1 + round, i, k)),
            actor: round % 3 === 0 ? null : { userId: `u-${i}`, organisationId: `o-${round}`, role: 'mandataire' },
            correlationId: round % 2 ? `corr-${round}` : null,
            causationId: round % 5 ? null : `cause-${round}`,
          })),
          { expectedVersion: version },
        );
        versions.set(streamId, version + count);
      }
    }
    expected = (await readEverything(source)).map(carried);
    expect(expected.length).toBe(36);
  });

  afterAll(async () => {
    for (const c of cleanups) await c().catch(() => undefined);
    await source?.close();
    await sourceDb?.drop();
  });

  const run = (target: EventStore, progress: MemoryMigrationProgress | FileMigrationProgress, extra: object = {}) =>
    copyEventStore({ source, target, progress, sourceLabel: 'source', targetLabel: 'target', pageSize: 5, ...extra });

  it('copies every event in global order with its id, version and metadata, and reports progress', async () => {
    const target = await newTarget();
    const reports: MigrationProgress[] = [];
    const result = await run(target, new MemoryMigrationProgress(), { onProgress: (p: MigrationProgress) => reports.push(p) });
    expect(result).toMatchObject({ copiedThisRun: 36, copied: 36, total: 36, complete: true });
    expect((await readEverything(target)).map(carried)).toEqual(expected);
    for (const streamId of new Set(expected.map((e) => e.streamId))) {
      expect((await target.readStream(streamId)).map(carried)).toEqual(expected.filter((e) => e.streamId === streamId));
    }
    expect(reports[0]).toMatchObject({ phase: 'counting', done: 0, total: null });
    const copying = reports.filter((p) => p.phase === 'copying');
    expect(copying.map((p) => p.done)).toEqual([0, 5, 10, 15, 20, 25, 30, 35, 36]);
    expect(copying.every((p) => p.total === 36)).toBe(true);
    expect(copying[copying.length - 1].eventsPerSecond).toBeGreaterThan(0);
    expect(reports[reports.length - 1]).toMatchObject({ phase: 'done', done: 36, total: 36, etaSeconds: 0 });
  });

  it('an interrupted run resumes where it stopped and ends with the exact copy, nothing twice', async () => {
    const target = await newTarget();
    const dir = await mkdtemp(join(tmpdir(), 'maillage-migration-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    const progress = new FileMigrationProgress(join(dir, 'progress.json'));

    const first = await run(target, progress, { stopAfter: 7 });
    expect(first).toMatchObject({ copiedThisRun: 7, copied: 7, complete: false });
    expect((await readEverything(target)).map(carried)).toEqual(expected.slice(0, 7));
    const record = JSON.parse(await readFile(progress.path, 'utf8')) as { copied: number; position: string; finished: boolean };
    expect(record).toMatchObject({ copied: 7, finished: false });
    expect(record.position).toBe((await readEverything(source))[6].globalPosition);

    const second = await run(target, progress, { stopAfter: 20 });
    expect(second).toMatchObject({ copiedThisRun: 20, copied: 27, total: 36, complete: false });
    const third = await run(target, progress);
    expect(third).toMatchObject({ copiedThisRun: 9, copied: 36, complete: true });
    const copied = await readEverything(target);
    expect(copied.map(carried)).toEqual(expected);
    expect(new Set(copied.map((e) => e.eventId)).size).toBe(36);

    // Running again once finished copies nothing.
    expect(await run(target, progress)).toMatchObject({ copiedThisRun: 0, copied: 36, complete: true });
    expect(await readEverything(target)).toHaveLength(36);
  });

  it('a crash between appending and saving progress is harmless: already copied events are recognised', async () => {
    const target = await newTarget();
    const progress = new MemoryMigrationProgress();
    await run(target, progress, { stopAfter: 13 });
    const saved = progress.checkpoint!;
    // Roll the record back as if the run had died before saving its last two pages.
    const sourceEvents = await readEverything(source);
    progress.checkpoint = { ...saved, position: sourceEvents[3].globalPosition, copied: 4 };
    const resumed = await run(target, progress);
    expect(resumed).toMatchObject({ copied: 36, complete: true });
    const copied = await readEverything(target);
    expect(copied.map(carried)).toEqual(expected);
    expect(new Set(copied.map((e) => e.eventId)).size).toBe(36);
  });

  it('refuses a target that already holds events without a record, and a record of another pair', async () => {
    const target = await newTarget();
    await target.appendToStream(`other-${randomUUID()}`, [{ eventId: randomUUID(), type: 'Foreign', data: {}, occurredAt: new Date() }]);
    const refused = await run(target, new MemoryMigrationProgress()).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(EventStoreError);
    expect((refused as EventStoreError).code).toBe(EventStoreErrorCode.InvalidArgument);
    expect((refused as Error).message).toMatch(/already holds events/);
    expect(await readEverything(target)).toHaveLength(1);

    const progress = new MemoryMigrationProgress();
    progress.checkpoint = { source: 'elsewhere', target: 'target', position: null, copied: 0, startedAt: '', updatedAt: '', finished: false };
    await expect(run(await newTarget(), progress)).rejects.toThrow(/record is for elsewhere -> target/);
  });

  it('stops with a clear error when the target holds different events in a copied stream', async () => {
    const target = await newTarget();
    const progress = new MemoryMigrationProgress();
    await run(target, progress, { stopAfter: 3 });
    // Someone wrote into the target behind the migration's back, at the version it copies next.
    const next = expected[3];
    const current = (await target.readStream(next.streamId)).length;
    await target.appendToStream(next.streamId, [{ eventId: randomUUID(), type: 'Intruder', data: {}, occurredAt: new Date() }], {
      expectedVersion: current,
    });
    await expect(run(target, progress)).rejects.toThrow(/target holds other events/);
  });
});
