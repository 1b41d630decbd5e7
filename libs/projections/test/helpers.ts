import { Pool } from 'pg';
import { PostgresEventStore } from '@maillage/event-store';
import { migrateProjections } from '@maillage/projections';
import { createTestDatabase, type TestDatabase } from '@maillage/testing';
import { createFixtureTables } from './fixtures/counting.projection';

export interface Env {
  db: TestDatabase;
  store: PostgresEventStore;
  pool: Pool;
  close(): Promise<void>;
}

export async function setUp(prefix: string, suffixes: string[] = ['']): Promise<Env> {
  const db = await createTestDatabase(prefix);
  const store = await PostgresEventStore.open({ url: db.url });
  await migrateProjections(db.url);
  const pool = new Pool({ connectionString: db.url, max: 10 });
  for (const s of suffixes) await createFixtureTables(pool, s);
  return {
    db,
    store,
    pool,
    close: async () => {
      await store.close();
      await pool.end();
      await db.drop();
    },
  };
}

export const delay = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export async function eventually<T>(
  probe: () => Promise<T | undefined | null | false>,
  timeoutMs = 15_000,
  what = 'condition',
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await delay(50);
  }
}

export function randomInt(min: number, max: number): number {
  return min + Math.floor(Math.random() * (max - min + 1));
}

/**
 * Waits until the runner has applied every event appended so far. `catchUp()` targets the head
 * readable now, which lags while any transaction in the cluster is open (readAll reads below the
 * cluster-wide xmin), so tests target the last event actually written instead.
 */
export async function settle(
  env: Env,
  runner: { waitFor(position: string | null, options?: { timeoutMs?: number }): Promise<void> },
  timeoutMs = 20_000,
): Promise<void> {
  const { rows } = await env.pool.query<{ position: string }>(
    `select e.transaction_id::text || ':' || e.global_position::text as position
       from event_store.events e order by e.transaction_id desc, e.global_position desc limit 1`,
  );
  await runner.waitFor(rows[0]?.position ?? null, { timeoutMs });
}
