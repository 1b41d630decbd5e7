import type { PoolClient } from 'pg';
import type { RecordedEvent } from '@maillage/event-store';
import {
  RebuildError,
  keyedProjection,
  keyedTable,
  type KeyedTable,
  rebuildProjections,
  type ProjectionContext,
  type RebuildSession,
} from '@maillage/projections';
import { COUNTED, counted, type StreamCountRow } from './fixtures/counting.projection';
import { eventually, setUp, type Env } from './helpers';

jest.setTimeout(60_000);

let position = 0;
function event(streamId: string, streamVersion: number, amount: number): RecordedEvent {
  position++;
  return {
    eventId: `00000000-0000-4000-8000-${String(position).padStart(12, '0')}`,
    streamId,
    streamVersion,
    globalPosition: `1:${position}`,
    type: COUNTED,
    schemaVersion: 1,
    data: { amount },
    occurredAt: new Date('2026-01-01T00:00:00Z'),
    recordedAt: new Date('2026-01-01T00:00:00Z'),
    actor: null,
    correlationId: null,
    causationId: null,
  };
}

describe('rows of complete streams written during a rebuild fold (PostgreSQL)', () => {
  let env: Env;
  beforeEach(async () => {
    env = await setUp('proj_early');
  });
  afterEach(async () => {
    await env.close();
  });

  /** Counts per stream (or per the keys `keysOf` names). */
  const countsTable = (keysOf: (e: RecordedEvent) => string[] = (e) => [e.streamId]) =>
    keyedTable<StreamCountRow>({
      table: 'stream_counts',
      primaryKey: ['stream_id'],
      columns: ['stream_id', 'events', 'last_version', 'amount'],
      keysOf,
      evolve: (row, e, key) => ({
        stream_id: String(key[0]),
        events: (row?.events ?? 0) + 1,
        last_version: e.streamVersion,
        amount: (row?.amount ?? 0) + (e.data as { amount: number }).amount,
      }),
    });

  const rows = async () =>
    (await env.pool.query<StreamCountRow>(`select stream_id, events, last_version, amount::int as amount from stream_counts order by 1`)).rows;

  /** A rebuild session by hand: a writer and a batch connection, complete streams set by the test. */
  async function rebuildSession(earlyWriteRows: number, storeKnowsVersions = true) {
    const complete = new Set<string>();
    const flushes: ((ctx: ProjectionContext) => Promise<void>)[] = [];
    const background: Promise<void>[] = [];
    const writer = await env.pool.connect();
    const batchClient = await env.pool.connect();
    const ctxFor = (client: PoolClient): ProjectionContext => ({ client, rebuilding: true, session, table: (t) => t });
    const session: RebuildSession = {
      state: new Map(),
      beforeSwap: (_key, flush) => void flushes.push(flush),
      streamComplete: storeKnowsVersions ? (s) => complete.has(s) : undefined,
      earlyWriteRows,
      background: (work) => {
        const done = work(ctxFor(writer));
        background.push(done);
        return done;
      },
    };
    return { complete, flushes, background, writer, batchClient, ctxFor };
  }

  it('writes complete streams in the background once enough are ready, and a stream that grows is written again by the final flush', async () => {
    const table = countsTable();
    const { complete, flushes, background, writer, batchClient, ctxFor } = await rebuildSession(2);
    try {
      // Batch 1: a and b are complete, c is not: a and b (two rows, the threshold) go to the writer.
      complete.add('a').add('b');
      await table.applyBatch([event('a', 1, 5), event('b', 1, 7), event('a', 2, 1), event('c', 1, 3)], ctxFor(batchClient));
      expect(background).toHaveLength(1);
      await Promise.all(background);
      expect(await rows()).toEqual([
        { stream_id: 'a', events: 2, last_version: 2, amount: 6 },
        { stream_id: 'b', events: 1, last_version: 1, amount: 7 },
      ]);

      // Batch 2: a grows after it was written (one ready row: under the threshold, nothing queued).
      // Only stream a touched its row, so the row left memory once written: it is loaded back.
      const stats = await table.applyBatch([event('a', 3, 10)], ctxFor(batchClient));
      expect(stats.loaded).toBe(1);
      expect(background).toHaveLength(1);

      // The final flush upserts a and inserts c.
      expect(flushes).toHaveLength(1);
      await flushes[0](ctxFor(batchClient));
      expect(await rows()).toEqual([
        { stream_id: 'a', events: 3, last_version: 3, amount: 16 },
        { stream_id: 'b', events: 1, last_version: 1, amount: 7 },
        { stream_id: 'c', events: 1, last_version: 1, amount: 3 },
      ]);
    } finally {
      writer.release();
      batchClient.release();
    }
  });

  it('keeps a row that several streams touch in memory after writing it early; a stream-owned row leaves memory', async () => {
    // One row per stream, plus one row ('all') that every stream touches.
    const table = countsTable((e) => [e.streamId, 'all']);
    const { complete, flushes, background, writer, batchClient, ctxFor } = await rebuildSession(1);
    try {
      complete.add('a').add('b');
      await table.applyBatch([event('a', 1, 5), event('b', 1, 7)], ctxFor(batchClient));
      await Promise.all(background);
      // a, b and all were written early; a and b left memory, all (two streams) stayed.
      const again = await table.applyBatch([event('a', 2, 1), event('b', 2, 2)], ctxFor(batchClient));
      expect(again.loaded).toBe(2); // a and b, not all
      await Promise.all(background);
      for (const flush of flushes) await flush(ctxFor(batchClient));
      expect(await rows()).toEqual([
        { stream_id: 'a', events: 2, last_version: 2, amount: 6 },
        { stream_id: 'all', events: 4, last_version: 2, amount: 15 },
        { stream_id: 'b', events: 2, last_version: 2, amount: 9 },
      ]);
    } finally {
      writer.release();
      batchClient.release();
    }
  });

  it('writes every row at the end when the store cannot tell complete streams', async () => {
    const table = countsTable();
    const { flushes, background, writer, batchClient, ctxFor } = await rebuildSession(1, false);
    try {
      await table.applyBatch([event('a', 1, 5), event('b', 1, 7)], ctxFor(batchClient));
      await table.applyBatch([event('a', 2, 1)], ctxFor(batchClient));
      expect(background).toHaveLength(0);
      expect(await rows()).toEqual([]);
      for (const flush of flushes) await flush(ctxFor(batchClient));
      expect(await rows()).toEqual([
        { stream_id: 'a', events: 2, last_version: 2, amount: 6 },
        { stream_id: 'b', events: 1, last_version: 1, amount: 7 },
      ]);
    } finally {
      writer.release();
      batchClient.release();
    }
  });

  it('a write that fails during the fold fails the rebuild: the live table and checkpoint stay, no shadow is left', async () => {
    await env.pool.query(`insert into stream_counts (stream_id, events, last_version, amount) values ('before', 1, 1, 1)`);
    for (let i = 0; i < 5; i++) await env.store.appendToStream(`counter-${i}`, [counted(i + 1), counted(2)]);
    // amount missing: the fold gives NaN, which COPY refuses to write.
    await env.store.appendToStream('counter-bad', [{ ...counted(1), data: {} }]);
    let last = '';
    for (let i = 5; i < 10; i++) last = (await env.store.appendToStream(`counter-${i}`, [counted(1)])).lastPosition;
    // readAll stops below any transaction still open on the server (other test files share it):
    // wait until every event appended here is readable, or the rebuild could end before the bad one.
    await eventually(async () => (await env.store.headPosition()) === last, 15_000, 'every event readable');

    const failure = await rebuildProjections({
      pool: env.pool,
      store: env.store,
      projections: [keyedProjection({ name: 'early', tables: [countsTable() as unknown as KeyedTable<object>] })],
      batchSize: 3,
      earlyWriteRows: 1,
      requestedBy: 'test',
      leaseTtlMs: 2000,
    }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(RebuildError);
    expect((failure as Error).message).toMatch(/failed writing rows during the fold: COPY: NaN is not a finite number/);

    const { rows } = await env.pool.query(`select stream_id from stream_counts`);
    expect(rows).toEqual([{ stream_id: 'before' }]);
    const { rows: checkpoint } = await env.pool.query(`select position from projection_checkpoints where name = 'early'`);
    expect(checkpoint).toEqual([{ position: null }]);
    const { rows: shadows } = await env.pool.query(`select relname from pg_class where relname like '%\\_\\_rebuild%'`);
    expect(shadows).toEqual([]);
    const { rows: leases } = await env.pool.query(`select owner from projection_leases where name = 'early' and expires_at > now()`);
    expect(leases).toEqual([]);
  });
});
