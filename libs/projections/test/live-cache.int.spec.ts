import type { RecordedEvent } from '@maillage/event-store';
import { ProjectionRunner, type KeyedTableStats, type ProjectionRunnerOptions } from '@maillage/projections';
import { counted, countingProjection, expectedFromStore, readModel, sortedEntries, type CountingOptions } from './fixtures/counting.projection';
import { settle, setUp, type Env } from './helpers';

jest.setTimeout(60_000);

const quietLogger = { log: () => undefined, warn: () => undefined, error: () => undefined };

/**
 * Live, a keyed table keeps the rows it wrote between the runner's batches (LiveSession) and loads
 * only the rows it does not hold. These tests check both halves: rows are not read again while the
 * runner's chain of commits is unbroken, and every break (a failed batch, a rebuild, a lease taken
 * over) makes the table read them again, so the read model never drifts from the events.
 */
describe('keyed tables keep their rows between live batches (PostgreSQL)', () => {
  let env: Env;
  const runners: ProjectionRunner[] = [];
  let batches: { stats: KeyedTableStats; streams: string[]; rebuilding: boolean }[];
  beforeEach(async () => {
    env = await setUp('proj_live_cache');
    batches = [];
  });
  afterEach(async () => {
    await Promise.all(runners.splice(0).map((r) => r.stop()));
    await env.close();
  });

  function runner(options: CountingOptions = {}, owner?: string, extra: Partial<ProjectionRunnerOptions> = {}): ProjectionRunner {
    const r = new ProjectionRunner({
      pool: env.pool,
      store: env.store,
      projections: [
        countingProjection({
          onStats: (stats, events, rebuilding) =>
            batches.push({ stats, streams: [...new Set(events.map((e) => e.streamId))], rebuilding }),
          ...options,
        }),
      ],
      pollIntervalMs: 100,
      leaseTtlMs: 3000,
      logger: quietLogger,
      owner,
      ...extra,
    });
    runners.push(r);
    return r;
  }

  /** Gives the lease to `owner` for a few seconds, as if it had taken over an expired lease. */
  async function handLeaseTo(owner: string): Promise<void> {
    await env.pool.query(
      `update projection_leases set owner = $1, expires_at = clock_timestamp() + interval '3 seconds' where name = 'counting'`,
      [owner],
    );
  }

  async function expectReadModelMatchesStore(): Promise<void> {
    const expected = await expectedFromStore(env.pool);
    const actual = await readModel(env.pool);
    expect(sortedEntries(actual)).toEqual(sortedEntries(expected));
    expect(actual.totals).toEqual(expected.totals);
  }

  /** Appends to `stream` and waits until the runner applied it; returns the batches it took. */
  async function appendAndSettle(r: ProjectionRunner, stream: string, amounts: number[]) {
    const before = batches.length;
    await env.store.appendToStream(stream, amounts.map((a) => counted(a)));
    await settle(env, r);
    return batches.slice(before);
  }

  it('does not read a row again that it wrote in an earlier batch', async () => {
    const r = runner();
    await r.start();
    const first = await appendAndSettle(r, 'counter-a', [5]);
    expect(first.map((b) => b.stats)).toEqual([{ loaded: 0, upserted: 1, deleted: 0 }]);
    const second = await appendAndSettle(r, 'counter-a', [7, 1]);
    expect(second.map((b) => b.stats)).toEqual([{ loaded: 0, upserted: 1, deleted: 0 }]); // kept, not loaded
    await expectReadModelMatchesStore();
    const { rows } = await env.pool.query(`select amount, events from stream_counts where stream_id = 'counter-a'`);
    expect(rows).toEqual([{ amount: '13', events: 3 }]);
  });

  it('reads every touched row when the cache is off, as before', async () => {
    const r = runner({ liveCache: false });
    await r.start();
    await appendAndSettle(r, 'counter-a', [5]);
    const second = await appendAndSettle(r, 'counter-a', [7]);
    expect(second.map((b) => b.stats.loaded)).toEqual([1]);
    await expectReadModelMatchesStore();
  });

  it('keeps at most maxRows rows, the least recently touched leaving first', async () => {
    const r = runner({ liveCache: { maxRows: 2 } });
    await r.start();
    await appendAndSettle(r, 'counter-a', [1]);
    await appendAndSettle(r, 'counter-b', [1]);
    await appendAndSettle(r, 'counter-a', [1]); // a is now the most recently touched
    await appendAndSettle(r, 'counter-c', [1]); // b leaves
    expect((await appendAndSettle(r, 'counter-a', [1])).map((b) => b.stats.loaded)).toEqual([0]);
    expect((await appendAndSettle(r, 'counter-b', [1])).map((b) => b.stats.loaded)).toEqual([1]);
    await expectReadModelMatchesStore();
  });

  it('reads the rows again after a batch whose transaction was rolled back after the table wrote them', async () => {
    // The batch's upsert succeeds, then the transaction fails (a serialization failure, retried by
    // the runner): the kept row (amount 15) was never committed. Folding the retry onto it would
    // count the 10 twice.
    let failures = 0;
    const r = runner({
      afterCounts: (events: readonly RecordedEvent[]) => {
        if (failures === 0 && events.some((e) => (e.data as { amount: number }).amount === 10)) {
          failures++;
          throw Object.assign(new Error('could not serialize access'), { code: '40001' });
        }
      },
    });
    await r.start();
    await appendAndSettle(r, 'counter-a', [5]);
    const retried = await appendAndSettle(r, 'counter-a', [10]);
    expect(failures).toBe(1);
    expect(retried.map((b) => b.stats)).toEqual([
      { loaded: 0, upserted: 1, deleted: 0 }, // the failed attempt, on the kept row
      { loaded: 1, upserted: 1, deleted: 0 }, // the retry: read from the table
    ]);
    const { rows } = await env.pool.query(`select amount, events from stream_counts where stream_id = 'counter-a'`);
    expect(rows).toEqual([{ amount: '15', events: 2 }]);
    await expectReadModelMatchesStore();
  });

  it('reads the rows again after a rebuild replaced the table', async () => {
    const r = runner();
    await r.start();
    await appendAndSettle(r, 'counter-a', [5]);
    await appendAndSettle(r, 'counter-a', [1]);
    await r.rebuild('counting');
    const after = await appendAndSettle(r, 'counter-a', [2]);
    expect(after.filter((b) => !b.rebuilding).map((b) => b.stats.loaded)).toEqual([1]);
    await expectReadModelMatchesStore();
  });

  it('reads the rows again after another runner held the lease and wrote the table meanwhile', async () => {
    const first = runner({}, 'first');
    await first.start();
    await appendAndSettle(first, 'counter-a', [5]);
    // The lease passes to a second runner (the first paused past its expiry, say), which projects
    // the next event. Handed over in the table, so the first cannot take it back before the second starts.
    await handLeaseTo('second');
    const second = runner({}, 'second');
    await second.start();
    expect((await second.status())[0].activeHere).toBe(true);
    await appendAndSettle(second, 'counter-a', [100]);
    await second.stop(); // releases the lease: the first runner takes it back at its next heartbeat
    runners.splice(runners.indexOf(second), 1);
    const before = batches.length;
    await env.store.appendToStream('counter-a', [counted(1)]);
    await settle(env, first);
    expect((await first.status())[0].activeHere).toBe(true);
    // Its kept row still says 5: it must read the table's 105 instead. Attempts made before it
    // learns that its chain broke (its heartbeat had not run yet) may still fold onto the kept row;
    // the fence rolls them back (the checkpoint moved, the lease is someone else's), and it retries.
    // The attempt that commits, the last one, reads the row; the 106 below proves the kept 5 was
    // not committed.
    const after = batches.slice(before);
    expect(after.length).toBeGreaterThan(0);
    expect(after.at(-1)!.stats.loaded).toBe(1);
    const { rows } = await env.pool.query(`select amount from stream_counts where stream_id = 'counter-a'`);
    expect(rows).toEqual([{ amount: '106' }]);
    await expectReadModelMatchesStore();
  });

  it('rolls back an attempt folded onto kept rows by a runner that has not yet noticed it lost the lease', async () => {
    // The first runner's heartbeat is far away, so nothing tells it that its lease was taken over:
    // it still believes it holds the lease, and its kept row (5) still chains from its checkpoint.
    const stale: KeyedTableStats[] = [];
    const first = runner({ onStats: (stats) => stale.push(stats) }, 'first', { heartbeatIntervalMs: 600_000, leaseTtlMs: 600_000 });
    await first.start();
    await appendAndSettle(first, 'counter-a', [5]);
    expect(stale).toEqual([{ loaded: 0, upserted: 1, deleted: 0 }]);
    await handLeaseTo('second');
    const second = runner({}, 'second');
    await second.start();
    await appendAndSettle(second, 'counter-a', [100]);
    // The first runner sees the new event too and folds it onto its kept row: that attempt must
    // not commit (the checkpoint moved, or the lease row names the second runner). Stopping it
    // waits for its attempts in flight. Had one committed, the running totals would count 100 twice.
    await waitUntil(async () => stale.length > 1);
    await first.stop();
    expect(stale[1]).toEqual({ loaded: 0, upserted: 1, deleted: 0 }); // the stale attempt, on the kept row
    const { rows } = await env.pool.query(`select amount, events from stream_counts where stream_id = 'counter-a'`);
    expect(rows).toEqual([{ amount: '105', events: 2 }]);
    await expectReadModelMatchesStore();
  });
});

async function waitUntil(check: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('timed out waiting for the condition');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
