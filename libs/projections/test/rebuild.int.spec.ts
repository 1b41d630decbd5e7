import { Pool } from 'pg';
import { ProjectionRunner, formatProgress, rebuildProjections, type RebuildProgress } from '@maillage/projections';
import {
  counted,
  countingProjection,
  expectedFromStore,
  ignored,
  readModel,
  sortedEntries,
} from './fixtures/counting.projection';
import { delay, randomInt, settle, setUp, type Env } from './helpers';

jest.setTimeout(120_000);

const quietLogger = { log: () => undefined, warn: () => undefined, error: () => undefined };

describe('rebuild (PostgreSQL)', () => {
  let env: Env;
  let runner: ProjectionRunner;
  beforeEach(async () => {
    env = await setUp('proj_rebuild');
    runner = new ProjectionRunner({
      pool: env.pool,
      store: env.store,
      projections: [countingProjection()],
      batchSize: 50,
      rebuildBatchSize: 97, // many batches, so readers get many chances to catch a gap
      // Rows of complete streams written during the fold; streams that grow meanwhile are
      // written again at the end.
      rebuildEarlyWriteRows: 1,
      pollIntervalMs: 100,
      leaseTtlMs: 2000,
      logger: quietLogger,
    });
  });
  afterEach(async () => {
    await runner.stop();
    await env.close();
  });

  async function workload(streams: number, appends: number, writers = 3): Promise<void> {
    await Promise.all(
      Array.from({ length: writers }, async () => {
        for (let i = 0; i < appends; i++) {
          const events = Array.from({ length: randomInt(1, 4) }, () =>
            Math.random() < 0.1 ? ignored() : counted(randomInt(1, 50)),
          );
          await env.store.appendToStream(`counter-${randomInt(0, streams - 1)}`, events);
        }
      }),
    );
  }

  it('rebuilds to exactly what the live runner built, readers never see an empty table, writers keep going', async () => {
    await runner.start();
    await workload(40, 150);
    await settle(env, runner);
    const live = await readModel(env.pool);
    expect(live.totals.events).toBeGreaterThan(0);

    // Readers query in a loop during the rebuild; writers keep appending.
    let reading = true;
    const counts: number[] = [];
    const reader = (async () => {
      while (reading) {
        const { rows } = await env.pool.query<{ n: number; t: number }>(
          `select (select count(*)::int from stream_counts) as n, (select count(*)::int from running_totals) as t`,
        );
        counts.push(rows[0].n, rows[0].t);
        await delay(1);
      }
    })();
    let writing = true;
    const writer = (async () => {
      while (writing) {
        await env.store.appendToStream(`counter-${randomInt(0, 60)}`, [counted(randomInt(1, 9))]);
        await delay(randomInt(0, 5));
      }
    })();

    const progress: RebuildProgress[] = [];
    const result = await runner.rebuild('counting', (p) => progress.push(p), { requestedBy: 'test' });
    writing = false;
    await writer;
    await delay(200);
    reading = false;
    await reader;

    expect(counts.length).toBeGreaterThan(20);
    expect(Math.min(...counts)).toBeGreaterThan(0);
    // Progress: monotonic, ends with the swap and done, totals make sense.
    const building = progress.filter((p) => p.phase === 'building');
    expect(building.length).toBeGreaterThan(5);
    for (let i = 1; i < building.length; i++) {
      expect(building[i].eventsDone).toBeGreaterThanOrEqual(building[i - 1].eventsDone);
    }
    expect(progress.map((p) => p.phase).slice(-2)).toEqual(['swapping', 'done']);
    const last = progress[progress.length - 1];
    expect(last.eventsDone).toBe(result.events);
    expect(last.eventsTotal).toBeGreaterThanOrEqual(last.eventsDone);
    expect(formatProgress(last)).toMatch(/^counting done [\d,]+ \/ [\d,]+ \(100\.0%\)/);

    // After the swap the live runner resumes from the rebuilt checkpoint.
    await settle(env, runner);
    const expected = await expectedFromStore(env.pool);
    const rebuilt = await readModel(env.pool);
    expect(rebuilt.totals).toEqual(expected.totals);
    expect(sortedEntries(rebuilt)).toEqual(sortedEntries(expected));
    // Shadows are gone; the live table kept its own index names.
    const { rows: tables } = await env.pool.query<{ relname: string }>(
      `select relname from pg_class where relname like '%\\_\\_rebuild%'`,
    );
    expect(tables).toEqual([]);
    const { rows: indexes } = await env.pool.query<{ indexname: string }>(
      `select indexname from pg_indexes where tablename = 'stream_counts' order by 1`,
    );
    expect(indexes.map((i) => i.indexname)).toEqual(['stream_counts_amount_idx', 'stream_counts_pkey']);
    const [status] = await runner.status();
    expect(status).toMatchObject({ state: 'running', lag: 0, activeHere: true });
  });

  it('rebuild of an untouched projection equals the live result row for row', async () => {
    await runner.start();
    await workload(25, 80);
    await settle(env, runner);
    const live = await readModel(env.pool);
    await runner.rebuild('counting');
    await settle(env, runner);
    const rebuilt = await readModel(env.pool);
    expect(sortedEntries(rebuilt)).toEqual(sortedEntries(live));
    expect(rebuilt.totals).toEqual(live.totals);
  });

  it.each([
    ['rows written per batch', false as const, undefined],
    ['a small in-memory cache, flushed and evicted often', { maxRows: 9, flushRows: 4 }, undefined],
    ['early writes of complete streams and a small cache, evicted often', { maxRows: 9, flushRows: 4 }, 2],
    ['every row written at the end', undefined, 1_000_000],
  ])('rebuild with %s equals the live result', async (_label, rebuildCache, earlyWriteRows) => {
    await runner.start();
    await workload(25, 60);
    await settle(env, runner);
    const live = await readModel(env.pool);
    const other = new ProjectionRunner({
      pool: env.pool,
      store: env.store,
      projections: [countingProjection({ rebuildCache })],
      rebuildBatchSize: 13,
      rebuildEarlyWriteRows: earlyWriteRows,
      leaseTtlMs: 2000,
      logger: quietLogger,
    });
    await other.rebuild('counting');
    await settle(env, runner);
    const rebuilt = await readModel(env.pool);
    expect(sortedEntries(rebuilt)).toEqual(sortedEntries(live));
    expect(rebuilt.totals).toEqual(live.totals);
    await other.stop();
  });

  it('rebuilds through a pool of two connections (a batch and a writer), and refuses a pool of one', async () => {
    await runner.start();
    await workload(25, 60);
    await settle(env, runner);
    const live = await readModel(env.pool);
    await runner.stop();
    const projection = countingProjection({ rebuildCache: { maxRows: 9, flushRows: 4 } });
    const small = (max: number) => new Pool({ connectionString: env.db.url, max });
    const one = small(1);
    try {
      await expect(rebuildProjections({ pool: one, store: env.store, projections: [projection] })).rejects.toThrow(
        'Rebuild needs a pool of at least 2 connections (this one has 1)',
      );
    } finally {
      await one.end();
    }
    expect(await readModel(env.pool)).toEqual(live); // untouched
    const two = small(2);
    try {
      // Evictions make batches wait for rows still on their way to the shadow, on the writer.
      await rebuildProjections({ pool: two, store: env.store, projections: [projection], batchSize: 13, earlyWriteRows: 1 });
    } finally {
      await two.end();
    }
    const rebuilt = await readModel(env.pool);
    expect(sortedEntries(rebuilt)).toEqual(sortedEntries(live));
    expect(rebuilt.totals).toEqual(live.totals);
  });

  it('reports rebuilding while a rebuild holds the lease', async () => {
    await workload(5, 20, 1);
    const slowProjection = countingProjection();
    const slow = new ProjectionRunner({
      pool: env.pool,
      store: env.store,
      projections: [
        { ...slowProjection, applyBatch: async (e, ctx) => (await delay(100), slowProjection.applyBatch(e, ctx)) },
      ],
      rebuildBatchSize: 5,
      leaseTtlMs: 2000,
      logger: quietLogger,
    });
    let seen: string | null = null;
    const rebuilding = slow.rebuild('counting');
    for (let i = 0; i < 50 && seen !== 'rebuilding'; i++) {
      seen = (await slow.status())[0].state;
      await delay(50);
    }
    await rebuilding;
    expect(seen).toBe('rebuilding');
    expect((await slow.status())[0].state).toBe('idle');
    await slow.stop();
  });
});
