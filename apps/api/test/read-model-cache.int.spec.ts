import { Pool } from 'pg';
import { migrateProjections } from '@maillage/projections';
import { createTestDatabase, type TestDatabase } from '@maillage/testing';
import { ReadModelCache } from '../src/graphql/read-model-cache';

describe('ReadModelCache: answers kept until the projections behind them move', () => {
  let db: TestDatabase;
  let pool: Pool;

  beforeAll(async () => {
    db = await createTestDatabase('read_model_cache');
    await migrateProjections(db.url);
    pool = new Pool({ connectionString: db.url, max: 6 });
    await pool.query(
      `insert into projection_checkpoints (name, position) values ('a', '5:10'), ('b', null), ('other', '1:1')`,
    );
  });

  afterAll(async () => {
    await pool.end();
    await db.drop();
  });

  /** What a projection batch does: move the checkpoint in the same transaction as its writes. */
  const commitBatch = (name: string, position: string, applied = 1) =>
    pool.query(
      `update projection_checkpoints set position = $2, updated_at = clock_timestamp(), events_applied = events_applied + $3 where name = $1`,
      [name, position, applied],
    );

  it('computes once per version, and again after a batch of any of its projections commits', async () => {
    const cache = new ReadModelCache(pool, ['a', 'b']);
    let n = 0;
    const compute = async () => ++n;
    expect(await cache.get('k', compute, false)).toBe(1);
    expect(await cache.get('k', compute, false)).toBe(1);
    expect(await cache.get('other-key', compute, false)).toBe(2);

    await commitBatch('b', '5:11');
    expect(await cache.get('k', compute, false)).toBe(3);
    expect(await cache.get('k', compute, false)).toBe(3);

    // A projection the answer does not read: still the same version.
    await commitBatch('other', '9:9');
    expect(await cache.get('k', compute, false)).toBe(3);
    // A batch of events of other types moves the position but applies nothing: same tables.
    await commitBatch('a', '5:20', 0);
    expect(await cache.get('k', compute, false)).toBe(3);

    // A rebuild that ends on the same position still moves updated_at: recomputed.
    await pool.query(
      `update projection_checkpoints set updated_at = clock_timestamp(), rebuilt_at = clock_timestamp() where name = 'a'`,
    );
    expect(await cache.get('k', compute, false)).toBe(4);
    expect(cache.computed).toBe(4);
  });

  it('keeps clock-dependent answers ("now") at most nowMaxAgeMs', async () => {
    let clock = 1_000_000;
    const cache = new ReadModelCache(pool, ['a'], { nowMaxAgeMs: 1000, clock: () => clock });
    let n = 0;
    const compute = async () => ++n;
    expect(await cache.get('now', compute, true)).toBe(1);
    expect(await cache.get('fixed', compute, false)).toBe(2);
    clock += 1000;
    expect(await cache.get('now', compute, true)).toBe(1);
    clock += 1;
    expect(await cache.get('now', compute, true)).toBe(3);
    clock += 3_600_000;
    expect(await cache.get('fixed', compute, false)).toBe(2);
  });

  it('shares one computation between concurrent callers and does not keep a failure', async () => {
    const cache = new ReadModelCache(pool, ['a']);
    let calls = 0;
    let fail = true;
    let open!: () => void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    const compute = async () => {
      calls++;
      await gate; // the computation ends once every caller has looked the key up
      if (fail) throw new Error('database went away');
      return 'answer';
    };
    const settled = Promise.allSettled(Array.from({ length: 5 }, () => cache.get('k', compute, false)));
    for (let i = 0; cache.hits + cache.misses < 5; i++) {
      if (i > 500) throw new Error('the five lookups did not happen');
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    open();
    const first = await settled;
    expect(first.map((r) => r.status)).toEqual(Array(5).fill('rejected'));
    // One computation: the four others found it under way (they read the version in a second
    // round, after the first caller's read) and got its failure.
    expect(calls).toBe(1);
    expect({ hits: cache.hits, misses: cache.misses }).toEqual({ hits: 4, misses: 1 });
    fail = false;
    calls = 0;
    expect(await cache.get('k', compute, false)).toBe('answer');
    expect(calls).toBe(1);
  });

  it('single flight: concurrent misses of one key and version wait for the one computation under way', async () => {
    const cache = new ReadModelCache(pool, ['a']);
    const version = await cache.version();
    const first = await cache.lookupShared<string>('page', false);
    if (first.hit || first.inFlight) throw new Error('expected a ticket');
    expect(first.ticket.version).toBe(version);
    // Ten requests arrive while the first computes: none gets a ticket, all wait for its answer.
    const waiting = await Promise.all(Array.from({ length: 10 }, () => cache.lookupShared<string>('page', false)));
    expect(waiting.every((w) => !w.hit && w.inFlight !== undefined)).toBe(true);
    expect(cache.shared).toBe(10);
    // Another key is not shared.
    const other = await cache.lookupShared<string>('dashboard', false);
    expect(!other.hit && other.inFlight === undefined).toBe(true);
    cache.remember(first.ticket, 'the page');
    expect(await Promise.all(waiting.map(async (w) => (w.hit ? w.value : await w.inFlight)))).toEqual(Array(10).fill('the page'));
    // Kept: later lookups hit.
    expect(await cache.lookupShared<string>('page', false)).toEqual({ hit: true, value: 'the page' });

    // A computation that keeps nothing (errors): the waiters get nothing and compute their own; the
    // next lookup takes a ticket again.
    await commitBatch('a', '7:1');
    const failing = await cache.lookupShared<string>('page', false);
    if (failing.hit || failing.inFlight) throw new Error('expected a ticket after the version moved');
    const waiter = await cache.lookupShared<string>('page', false);
    if (waiter.hit || !waiter.inFlight) throw new Error('expected to wait');
    cache.release(failing.ticket);
    expect(await waiter.inFlight).toBeUndefined();
    const again = await cache.lookupShared<string>('page', false);
    expect(!again.hit && again.inFlight === undefined).toBe(true);

    // A computation started at another version is not waited for.
    await commitBatch('a', '7:2');
    const fresh = await cache.lookupShared<string>('page', false);
    expect(!fresh.hit && fresh.inFlight === undefined).toBe(true);
  });

  it('single flight: a computation that never ends is not waited for after flightTimeoutMs', async () => {
    let clock = 5_000_000;
    const cache = new ReadModelCache(pool, ['a'], { flightTimeoutMs: 2000, nowMaxAgeMs: 1000, clock: () => clock });
    const stuck = await cache.lookupShared<string>('k', false);
    expect(!stuck.hit && stuck.inFlight === undefined).toBe(true);
    clock += 2000;
    const waiter = await cache.lookupShared<string>('k', false);
    expect(!waiter.hit && waiter.inFlight !== undefined).toBe(true);
    clock += 1;
    const next = await cache.lookupShared<string>('k', false);
    expect(!next.hit && next.inFlight === undefined).toBe(true);
    // Clock-dependent answers: a computation older than nowMaxAgeMs is not waited for either.
    const now = await cache.lookupShared<string>('now', true);
    expect(!now.hit && now.inFlight === undefined).toBe(true);
    clock += 1001;
    const later = await cache.lookupShared<string>('now', true);
    expect(!later.hit && later.inFlight === undefined).toBe(true);
  });

  it('reads the version after the request arrived: a batch committed during a read is seen by later callers', async () => {
    const cache = new ReadModelCache(pool, ['a']);
    let n = 0;
    const compute = async () => ++n;
    expect(await cache.get('k', compute, false)).toBe(1);
    const readsBefore = cache.versionReads;

    // A version read is under way; a batch commits; a caller arriving now must not be answered
    // from the read that started before the commit.
    const early = cache.version();
    await commitBatch('a', '6:1');
    const late = cache.get('k', compute, false);
    const many = Array.from({ length: 20 }, () => cache.version());
    const [earlyVersion, lateValue, ...versions] = await Promise.all([early, late, ...many]);
    expect(lateValue).toBe(2);
    expect(versions.every((v) => v === versions[0] && v !== undefined)).toBe(true);
    expect(ReadModelCache.versionOf(versions[0], 'a')).toMatch(/^a@\d+@\d*$/);
    expect(ReadModelCache.versionOf(versions[0], 'missing')).toBe('');
    expect(typeof earlyVersion).toBe('string');
    // 22 callers, at most three reads: the early one, the late caller's (if the early one had
    // finished) and one shared by everyone who came while that was under way.
    expect(cache.versionReads - readsBefore).toBeLessThanOrEqual(3);

    // With nothing under way, 20 callers at once: one read, and one more shared by the other 19.
    const before = cache.versionReads;
    const burst = await Promise.all(Array.from({ length: 20 }, () => cache.version()));
    expect(new Set(burst).size).toBe(1);
    expect(cache.versionReads - before).toBe(2);
  });
});
