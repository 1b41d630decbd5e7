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
    const compute = async () => {
      calls++;
      await new Promise((resolve) => setTimeout(resolve, 30));
      if (fail) throw new Error('database went away');
      return 'answer';
    };
    const first = await Promise.allSettled(Array.from({ length: 5 }, () => cache.get('k', compute, false)));
    expect(first.map((r) => r.status)).toEqual(Array(5).fill('rejected'));
    // Concurrent callers may read the version in two rounds, so one or two computations.
    expect(calls).toBeGreaterThanOrEqual(1);
    expect(calls).toBeLessThanOrEqual(2);
    fail = false;
    calls = 0;
    expect(await cache.get('k', compute, false)).toBe('answer');
    expect(calls).toBe(1);
  });

  it('single flight: an answer kept while it is computed is what concurrent lookups of that version get, until forgotten or too old', async () => {
    let clock = 5_000_000;
    const cache = new ReadModelCache(pool, ['a'], { nowMaxAgeMs: 1000, clock: () => clock });
    const first = await cache.lookup<Promise<string>>('page', true);
    if (first.hit) throw new Error('expected a miss');
    let settle!: (value: string) => void;
    cache.remember(first.ticket, new Promise<string>((resolve) => (settle = resolve)));
    // Ten requests arrive while the first computes: all get its computation, none a ticket.
    const waiting = await Promise.all(Array.from({ length: 10 }, () => cache.lookup<Promise<string>>('page', true)));
    expect(waiting.every((w) => w.hit)).toBe(true);
    settle('the page');
    expect(await Promise.all(waiting.map(async (w) => (w.hit ? await w.value : null)))).toEqual(Array(10).fill('the page'));
    // Another key is not shared.
    expect((await cache.lookup('dashboard', true)).hit).toBe(false);

    // A computation that keeps nothing is forgotten: the next lookup takes a ticket again.
    await commitBatch('a', '7:1');
    const failing = await cache.lookup<Promise<string>>('page', true);
    if (failing.hit) throw new Error('expected a miss after the version moved');
    cache.remember(failing.ticket, new Promise<string>(() => undefined));
    expect((await cache.lookup('page', true)).hit).toBe(true);
    cache.forget(failing.ticket);
    expect((await cache.lookup('page', true)).hit).toBe(false);

    // A computation that never ends is not waited for once older than nowMaxAgeMs.
    const stuck = await cache.lookup<Promise<string>>('stuck', true);
    if (stuck.hit) throw new Error('expected a miss');
    cache.remember(stuck.ticket, new Promise<string>(() => undefined));
    clock += 1000;
    expect((await cache.lookup('stuck', true)).hit).toBe(true);
    clock += 1;
    expect((await cache.lookup('stuck', true)).hit).toBe(false);

    // A computation started at another version is not waited for.
    const pending = await cache.lookup<Promise<string>>('other', true);
    if (pending.hit) throw new Error('expected a miss');
    cache.remember(pending.ticket, new Promise<string>(() => undefined));
    await commitBatch('a', '7:2');
    expect((await cache.lookup('other', true)).hit).toBe(false);
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
