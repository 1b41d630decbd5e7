import { ProjectionBlockedError, ProjectionRunner, assertLeaseHeld, comparePositions, LeaseLostError, liveBatchIntervalMs, releaseLease, tryAcquireLease, type Projection } from '@maillage/projections';
import {
  COUNTED,
  allEvents,
  counted,
  countingProjection,
  expectedFromStore,
  ignored,
  readModel,
  sortedEntries,
} from './fixtures/counting.projection';
import { delay, eventually, randomInt, settle, setUp, type Env } from './helpers';

jest.setTimeout(60_000);

const quietLogger = { log: () => undefined, warn: () => undefined, error: () => undefined };

describe('ProjectionRunner (PostgreSQL)', () => {
  let env: Env;
  const runners: ProjectionRunner[] = [];
  beforeEach(async () => {
    env = await setUp('proj_runner', ['', '_b']);
  });
  afterEach(async () => {
    await Promise.all(runners.splice(0).map((r) => r.stop()));
    await env.close();
  });

  /**
   * The real store, recording each readAll: when it began and how many events it answered.
   * `beforeRead` runs before the read (e.g. to hold it back), `afterRead` before its answer.
   */
  function countingReads(
    e: Env,
    hooks: { beforeRead?: () => Promise<void>; afterRead?: () => Promise<void> } = {},
  ): { store: Env['store']; reads: { at: number; n: number }[] } {
    const reads: { at: number; n: number }[] = [];
    const store = Object.assign(Object.create(e.store) as Env['store'], {
      readAll: async (options: Parameters<Env['store']['readAll']>[0]) => {
        await hooks.beforeRead?.();
        const at = performance.now();
        const result = await e.store.readAll(options);
        reads.push({ at, n: result.events.length });
        await hooks.afterRead?.();
        return result;
      },
    });
    return { store, reads };
  }
  /** The sizes of the reads that found events, in order. */
  const found = (reads: readonly { n: number }[]) => reads.map((r) => r.n).filter((n) => n > 0);

  function runner(options: Partial<ConstructorParameters<typeof ProjectionRunner>[0]> = {}): ProjectionRunner {
    const r = new ProjectionRunner({
      pool: env.pool,
      store: env.store,
      projections: [countingProjection(), countingProjection({ suffix: '_b' })],
      batchSize: 7,
      pollIntervalMs: 200,
      leaseTtlMs: 3000,
      logger: quietLogger,
      ...options,
    });
    runners.push(r);
    return r;
  }

  it('applies every event exactly once under concurrent writers with random delays', async () => {
    const r = runner();
    await r.start();
    const streams = Array.from({ length: 15 }, (_, i) => `counter-${i}`);
    await Promise.all(
      Array.from({ length: 5 }, async () => {
        for (let i = 0; i < 50; i++) {
          const events = Array.from({ length: randomInt(1, 3) }, () =>
            Math.random() < 0.2 ? ignored() : counted(randomInt(1, 100)),
          );
          await env.store.appendToStream(streams[randomInt(0, streams.length - 1)], events);
          if (Math.random() < 0.5) await delay(randomInt(0, 15));
        }
      }),
    );
    await settle(env, r);
    const expected = await expectedFromStore(env.pool);
    for (const suffix of ['', '_b']) {
      const actual = await readModel(env.pool, suffix);
      expect(sortedEntries(actual)).toEqual(sortedEntries(expected));
      expect(actual.totals).toEqual(expected.totals);
    }
    const status = await r.status();
    expect(status.map((s) => [s.name, s.state, s.lag, s.checkpoint === s.head, s.activeHere])).toEqual([
      ['counting', 'running', 0, true, true],
      ['counting_b', 'running', 0, true, true],
    ]);
    expect(status[0].eventsApplied).toBe(expected.totals.events);
  });

  it("shares one read of the store between its workers, and each projection still gets every event once", async () => {
    const { store, reads } = countingReads(env);
    await env.store.appendToStream('counter-1', Array.from({ length: 30 }, (_, i) => counted(i + 1)));
    const r = runner({ store, batchSize: 100 });
    await r.start();
    await settle(env, r);
    await env.store.appendToStream('counter-2', Array.from({ length: 10 }, () => counted(2)));
    await settle(env, r);

    const expected = await expectedFromStore(env.pool);
    expect(expected.totals.events).toBe(40);
    for (const suffix of ['', '_b']) {
      const actual = await readModel(env.pool, suffix);
      expect(sortedEntries(actual)).toEqual(sortedEntries(expected));
      expect(actual.totals).toEqual(expected.totals);
    }
    // Two workers, two bursts: the store returned each burst once, and the other worker took it
    // from that read (in flight or just done).
    expect(found(reads)).toEqual([30, 10]);
    expect(r.readCounts.shared).toBe(2);
    await r.stop(); // its workers keep polling: a read counted at its start may still be in flight
    expect(r.readCounts.reads).toBe(reads.length);
  });

  it('serves a worker that lags a few batches behind from the events the leading worker read', async () => {
    const { store, reads } = countingReads(env);
    await env.store.appendToStream('counter-1', Array.from({ length: 30 }, (_, i) => counted(i + 1)));
    // The second projection's lease is held elsewhere: its worker stands by while the first reads
    // all 30 events in batches of 7 (7, 7, 7, 7, 2: the recent run keeps the last 28).
    expect(await tryAcquireLease(env.pool, 'counting_b', 'elsewhere', 3_600_000)).not.toBeNull();
    const r = runner({ store });
    await r.start();
    await settle(env, { waitFor: (position, options) => r.waitFor(position, { ...options, projections: ['counting'] }) });
    expect(found(reads)).toEqual([7, 7, 7, 7, 2]);
    expect(r.readCounts.shared).toBe(0);

    // Released, the lease passes to the runner; its second worker starts from the beginning: the
    // first two events are no longer in the run, so it reads its first batch itself (that older
    // read does not replace the run), then takes every later batch from the run.
    await releaseLease(env.pool, 'counting_b', 'elsewhere');
    await settle(env, r);
    expect(found(reads)).toEqual([7, 7, 7, 7, 2, 7]);
    expect(r.readCounts.shared).toBe(4); // 7, 7, 7 and 2 events
    const expected = await expectedFromStore(env.pool);
    for (const suffix of ['', '_b']) expect(sortedEntries(await readModel(env.pool, suffix))).toEqual(sortedEntries(expected));
  });

  it('stops at once when asked while a worker reads, not after its poll interval', async () => {
    // A read of an empty store that takes a moment: the stop comes while it runs.
    let reading: (() => void) | null = null;
    let slow = false;
    const { store } = countingReads(env, {
      afterRead: async () => {
        if (!slow) return;
        reading?.();
        await delay(300);
      },
    });
    const r = runner({ store, pollIntervalMs: 60_000 });
    await r.start();
    slow = true;
    const inRead = new Promise<void>((resolve) => (reading = resolve));
    void r.catchUp(); // wakes the workers: they read (nothing), then would sleep a minute
    await inRead;
    const stopped = await Promise.race([r.stop().then(() => true), delay(10_000).then(() => false)]);
    expect(stopped).toBe(true);
  });

  it('runs each live batch in a transaction without parallel workers and with an idle timeout, left behind at commit', async () => {
    const seen: Array<{ idle: string; parallel: string; inTransaction: boolean }> = [];
    const probe: Projection = {
      name: 'settings_probe',
      tables: [],
      eventTypes: [COUNTED],
      async applyBatch(_events, ctx) {
        const { rows } = await ctx.client.query<{ idle: string; parallel: string; fresh: boolean }>(
          `select current_setting('idle_in_transaction_session_timeout') as idle,
                  current_setting('max_parallel_workers_per_gather') as parallel,
                  now() = statement_timestamp() as fresh`,
        );
        seen.push({ idle: rows[0].idle, parallel: rows[0].parallel, inTransaction: !rows[0].fresh });
      },
    };
    const r = runner({ projections: [probe], leaseTtlMs: 3000 });
    await env.store.appendToStream('probe-1', [counted(1)]);
    await r.start();
    await eventually(async () => (seen.length ? true : null));
    // 2 x the lease's time to live; the transaction began before this statement (now() is its start).
    expect(seen[0]).toEqual({ idle: '6s', parallel: '0', inTransaction: true });
    // SET LOCAL: a connection handed back to the pool keeps the server's defaults.
    const { rows } = await env.pool.query(
      `select current_setting('idle_in_transaction_session_timeout') as idle, current_setting('max_parallel_workers_per_gather') as parallel`,
    );
    expect(rows[0].parallel).not.toBe('0');
    expect(rows[0].idle).not.toBe('6s');
  });

  it('paces live batches (batchIntervalMs): events arriving meanwhile join the next batch, except when behind', async () => {
    // The reads of the store, with when each began (the batch's start, which pacing measures
    // from) and how many events it found. Reads wait while `held` (second part).
    let held: Promise<void> | null = null;
    const { store, reads: all } = countingReads(env, {
      beforeRead: async () => {
        await held;
      },
    });
    const batches = () => all.filter((r) => r.n > 0);
    const probe: Projection = { name: 'paced', tables: [], eventTypes: [COUNTED], async applyBatch() {} };
    const interval = 1000;
    const r = runner({ store, projections: [probe], batchSize: 10, batchIntervalMs: interval });
    await r.start();
    // One event every 40 ms for about 1.2 s: without pacing, about one batch each.
    for (let i = 0; i < 30; i++) {
      await env.store.appendToStream(`paced-${i % 3}`, [counted(1)]);
      await delay(40);
    }
    await settle(env, r);
    const reads = batches();
    expect(reads.reduce((sum, b) => sum + b.n, 0)).toBe(30);
    expect(reads.length).toBeGreaterThanOrEqual(2);
    // After a batch that was not full, the next one starts no sooner than the interval after it
    // (load only lengthens the gaps; without pacing they would be about 40 ms).
    for (let i = 1; i < reads.length; i++) {
      if (reads[i - 1].n < 10) expect(reads[i].at - reads[i - 1].at).toBeGreaterThanOrEqual(interval - 5);
    }

    // Behind (full batches): no pause between them. Reads wait until all 45 events are readable
    // (other test files' open transactions can hold readers back: the commit-safe order), so the
    // batches are exactly 10, 10, 10, 10, 5.
    all.length = 0;
    let release!: () => void;
    held = new Promise((resolve) => (release = resolve));
    let last = '';
    for (let i = 0; i < 45; i++) last = (await env.store.appendToStream(`behind-${i}`, [counted(1)])).lastPosition;
    await eventually(async () => (comparePositions(await env.store.headPosition(), last) >= 0 ? true : null));
    held = null;
    release();
    await settle(env, r);
    const behind = batches();
    expect(behind.map((b) => b.n)).toEqual([10, 10, 10, 10, 5]);
    // Paced, the gaps would be at least the interval.
    const gaps = behind.slice(1).map((b, i) => b.at - behind[i].at);
    expect(Math.max(...gaps)).toBeLessThan(interval / 2);
  });

  it('reads MAILLAGE_PROJECTION_BATCH_INTERVAL_MS', () => {
    expect(liveBatchIntervalMs(undefined)).toBe(0);
    expect(liveBatchIntervalMs('', 250)).toBe(250);
    expect(liveBatchIntervalMs(' 200 ')).toBe(200);
    expect(liveBatchIntervalMs('0', 250)).toBe(0);
    for (const bad of ['-1', '1.5', 'soon', '10001']) expect(() => liveBatchIntervalMs(bad)).toThrow(/MAILLAGE_PROJECTION_BATCH_INTERVAL_MS/);
  });

  it('reports lag while a projection has not caught up', async () => {
    for (let i = 0; i < 4; i++) await env.store.appendToStream(`lag-${i}`, [counted(1), ignored()]);
    const r = runner();
    const [before] = await r.status();
    expect(before).toMatchObject({ name: 'counting', checkpoint: null, lag: 8, state: 'idle', owner: null });
    await r.start();
    await settle(env, r);
    const [after] = await r.status();
    expect(after).toMatchObject({ lag: 0, state: 'running', owner: r.owner, pendingDeadLetters: 0 });
  });

  it('records a poison event as a dead letter, stops at it without spinning, and goes on only on a decision', async () => {
    const guard = { fixed: false, attempts: 0 };
    const r = runner({
      batchSize: 50,
      projections: [countingProjection({ poisonGuard: guard }), countingProjection({ suffix: '_b' })],
    });
    for (let i = 0; i < 10; i++) await env.store.appendToStream(`ok-${i}`, [counted(1)]);
    const poison = counted(5, { poison: true });
    await env.store.appendToStream('poison-1', [poison]);
    for (let i = 0; i < 5; i++) await env.store.appendToStream(`after-${i}`, [counted(10)]);
    await r.start();

    const blocked = await eventually(async () => {
      const [s] = await r.status();
      return s.state === 'blocked' ? s : null;
    });
    const all = await allEvents(env.pool);
    const poisonIndex = all.findIndex((e) => e.eventId === poison.eventId);
    expect(blocked.pendingDeadLetters).toBe(1);
    expect(blocked.checkpoint).toBe(all[poisonIndex - 1].globalPosition); // just before the poison
    expect(blocked.lag).toBe(6);
    const [letter] = await r.deadLetters('counting');
    expect(letter).toMatchObject({
      projection: 'counting',
      eventId: poison.eventId,
      position: all[poisonIndex].globalPosition,
      streamId: 'poison-1',
      type: 'CounterIncremented',
      status: 'pending',
      decidedBy: null,
    });
    expect(letter.error).toContain('poison event');

    // Other projections keep going.
    await r.waitFor(all[all.length - 1].globalPosition, { projections: ['counting_b'] });
    expect((await readModel(env.pool, '_b')).totals.events).toBe(16);
    // The blocked one made its isolated progress (10 events before the poison) and stays put.
    expect((await readModel(env.pool)).totals).toEqual({ events: 10, amount: 10 });
    await delay(1500);
    expect(guard.attempts).toBeLessThanOrEqual(2); // the batch, then the poison alone: no hot loop
    await expect(r.waitFor(all[all.length - 1].globalPosition, { timeoutMs: 2000 })).rejects.toBeInstanceOf(
      ProjectionBlockedError,
    );

    // Skip: the checkpoint moves past it, the rest is applied.
    await r.skipDeadLetter('counting', poison.eventId, 'ops@maillage');
    await settle(env, r);
    expect((await readModel(env.pool)).totals).toEqual({ events: 15, amount: 60 });
    const [skipped] = await r.deadLetters('counting');
    expect(skipped).toMatchObject({ status: 'skipped', decidedBy: 'ops@maillage' });
    expect(skipped.decidedAt).toBeInstanceOf(Date);

    // A second poison, then retry after a fix: it is applied.
    const second = counted(7, { poison: true });
    await env.store.appendToStream('poison-1', [second]);
    await eventually(async () => (await r.status())[0].state === 'blocked');
    guard.fixed = true;
    await r.retryDeadLetter('counting', second.eventId, 'dev@maillage');
    await settle(env, r);
    const expected = await expectedFromStore(env.pool, new Set([poison.eventId]));
    const actual = await readModel(env.pool);
    expect(actual.totals).toEqual(expected.totals);
    expect(sortedEntries(actual)).toEqual(sortedEntries(expected));
    const letters = await r.deadLetters('counting');
    expect(letters.map((l) => [l.eventId, l.status, l.decidedBy])).toEqual([
      [poison.eventId, 'skipped', 'ops@maillage'],
      [second.eventId, 'retried', 'dev@maillage'],
    ]);
    expect((await r.status())[0]).toMatchObject({ state: 'running', pendingDeadLetters: 0, lag: 0 });
  });

  it('fences: an owner whose lease was taken over mid-batch cannot commit', async () => {
    let inFlight!: () => void;
    const started = new Promise<void>((resolve) => (inFlight = resolve));
    const base = countingProjection();
    const r = runner({
      projections: [{ ...base, applyBatch: async (events, ctx) => (inFlight(), base.applyBatch(events, ctx)) }],
      batchDelayMs: 1500,
      leaseTtlMs: 10_000,
    });
    await env.store.appendToStream('fenced-1', [counted(1), counted(2)]);
    await r.start();
    await started; // the batch's writes are done, the commit waits 1.5 s
    await env.pool.query(
      `update projection_leases set owner = 'thief', expires_at = now() + interval '1 hour' where name = 'counting'`,
    );
    await eventually(async () => (await r.status())[0].localState === 'standby');
    await delay(300);
    expect((await readModel(env.pool)).totals).toEqual({ events: 0, amount: 0 });
    const [s] = await r.status();
    expect(s).toMatchObject({ checkpoint: null, owner: 'thief', activeHere: false });
  });

  it('assertLeaseHeld rejects an owner that does not hold the lease', async () => {
    await env.pool.query(
      `insert into projection_leases (name, owner, expires_at) values ('x', 'me', now() - interval '1 second')`,
    );
    const client = await env.pool.connect();
    try {
      await client.query('begin');
      await expect(assertLeaseHeld(client, 'x', 'me')).rejects.toBeInstanceOf(LeaseLostError); // expired
      await client.query('rollback');
      await client.query('begin');
      await expect(assertLeaseHeld(client, 'x', 'other')).rejects.toBeInstanceOf(LeaseLostError);
      await client.query('rollback');
    } finally {
      client.release();
    }
  });

  it('hands the lease to a standby runner at once on graceful stop', async () => {
    // A 30 s lease: without the release, the standby would wait 20 s or more for it to expire.
    const a = runner({ owner: 'runner-a', leaseTtlMs: 30_000 });
    const b = runner({ owner: 'runner-b', leaseTtlMs: 30_000, heartbeatIntervalMs: 200 });
    await a.start();
    await b.start();
    await env.store.appendToStream('counter-s', [counted(3)]);
    await settle(env, a);
    expect((await b.status())[0]).toMatchObject({ owner: 'runner-a', activeHere: false, localState: 'standby' });
    await a.stop();
    const t0 = Date.now();
    await eventually(async () => (await b.status())[0].activeHere, 15_000, 'the standby to take the lease');
    expect(Date.now() - t0).toBeLessThan(10_000);
    await env.store.appendToStream('counter-s', [counted(4)]);
    await settle(env, b);
    expect((await readModel(env.pool)).totals).toEqual({ events: 2, amount: 7 });
  });
});
