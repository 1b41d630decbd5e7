import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import {
  PostgresEventStore,
  type EventToAppend,
  type PostgresEventStoreOptions,
} from '@maillage/event-store';
import { createTestDatabase, type TestDatabase } from '@maillage/testing';

/** A fresh migrated database plus helpers to open stores and raw clients on it, all closed by `close()`. */
export interface Fixture {
  db: TestDatabase;
  store(options?: Partial<PostgresEventStoreOptions>): PostgresEventStore;
  client(): Promise<Client>;
  close(): Promise<void>;
}

export async function fixture(prefix: string): Promise<Fixture> {
  const db = await createTestDatabase(prefix);
  const stores: PostgresEventStore[] = [];
  const clients: Client[] = [];
  const first = await PostgresEventStore.open({ url: db.url });
  stores.push(first);
  return {
    db,
    store: (options = {}) => {
      const store = new PostgresEventStore({ url: db.url, ...options });
      stores.push(store);
      return store;
    },
    client: async () => {
      const client = new Client({ connectionString: db.url });
      client.on('error', () => undefined); // terminated on purpose in some tests
      await client.connect();
      clients.push(client);
      return client;
    },
    close: async () => {
      await Promise.all(clients.map((c) => c.end().catch(() => undefined)));
      await Promise.all(stores.map((s) => s.close().catch(() => undefined)));
      await db.drop();
    },
  };
}

export const newStream = (category = 'test') => `${category}-${randomUUID()}`;

export const newEvent = (type = 'ThingHappened', data: unknown = {}): EventToAppend => ({
  eventId: randomUUID(),
  type,
  data,
  occurredAt: new Date(),
});

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export async function waitFor(
  what: string,
  check: () => Promise<boolean>,
  timeoutMs = 10_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}
