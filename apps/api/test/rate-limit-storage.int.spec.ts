import { Pool } from 'pg';
import { createTestDatabase, type TestDatabase } from '@maillage/testing';
import { migrateAuth } from '../src/auth/auth-migrations';
import { PostgresThrottlerStorage } from '../src/graphql/rate-limit-storage';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('rate-limit counters in PostgreSQL (PostgresThrottlerStorage)', () => {
  let db: TestDatabase;
  let pool: Pool;

  beforeAll(async () => {
    db = await createTestDatabase('rate_limit');
    await migrateAuth(db.url);
    pool = new Pool({ connectionString: db.url, max: 20 });
  });

  afterAll(async () => {
    await pool.end();
    await db.drop();
  });

  it('counts a window, blocks past the limit without counting refusals, and starts again once the block is over', async () => {
    const storage = new PostgresThrottlerStorage(pool);
    // A 3 s window and block: the five hits below must land inside it, even on a loaded machine.
    const hit = () => storage.increment('user:a', 3000, 3, 3000, 'mutations');
    for (const n of [1, 2, 3]) {
      expect(await hit()).toMatchObject({ totalHits: n, isBlocked: false, timeToBlockExpire: 0 });
    }
    const blocked = await hit();
    expect(blocked).toMatchObject({ totalHits: 4, isBlocked: true });
    expect(blocked.timeToBlockExpire).toBe(3); // seconds, rounded up
    expect(await hit()).toMatchObject({ totalHits: 4, isBlocked: true });
    await sleep(3100);
    expect(await hit()).toMatchObject({ totalHits: 1, isBlocked: false });
  });

  it('keeps keys and throttlers apart', async () => {
    const storage = new PostgresThrottlerStorage(pool);
    await storage.increment('user:b', 60_000, 10, 60_000, 'mutations');
    await storage.increment('user:b', 60_000, 10, 60_000, 'mutations');
    expect(await storage.increment('user:c', 60_000, 10, 60_000, 'mutations')).toMatchObject({ totalHits: 1 });
    expect(await storage.increment('user:b', 60_000, 10, 60_000, 'login')).toMatchObject({ totalHits: 1 });
    const third = await storage.increment('user:b', 60_000, 10, 60_000, 'mutations');
    expect(third.totalHits).toBe(3);
    expect(third.timeToExpire).toBeGreaterThan(55);
    expect(third.timeToExpire).toBeLessThanOrEqual(60);
  });

  it('loses no hit under concurrency: 60 parallel requests of one key from two instances, limit 50: hits 1 to 51 once each, then 9 refusals', async () => {
    const one = new PostgresThrottlerStorage(pool);
    const two = new PostgresThrottlerStorage(pool);
    const records = await Promise.all(Array.from({ length: 60 }, (_, i) => (i % 2 ? one : two).increment('user:d', 60_000, 50, 60_000, 'mutations')));
    expect(records.map((r) => r.totalHits).sort((a, b) => a - b)).toEqual([...Array.from({ length: 51 }, (_, i) => i + 1), ...Array(9).fill(51)]);
    expect(records.filter((r) => r.isBlocked)).toHaveLength(10);
  });

  it('sweeps rows whose window and block are over', async () => {
    const storage = new PostgresThrottlerStorage(pool, 2);
    await storage.increment('user:old', 50, 10, 50, 'login');
    await sleep(100);
    await storage.increment('user:new', 60_000, 10, 60_000, 'login'); // the 2nd increment sweeps
    const deadline = Date.now() + 5000;
    let keys: string[];
    do {
      keys = (await pool.query<{ key: string }>(`select key from auth_rate_limit where key in ('user:old', 'user:new') order by key`)).rows.map((r) => r.key);
    } while (keys.includes('user:old') && Date.now() < deadline && (await sleep(20), true));
    expect(keys).toEqual(['user:new']);
  });
});
