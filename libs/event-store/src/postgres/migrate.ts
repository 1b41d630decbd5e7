import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { EventStoreTables1732350000000 } from './migrations/1732350000000-event-store-tables';
import { EventStoreAppendBatch1732350000001 } from './migrations/1732350000001-event-store-append-batch';
import { toEventStoreError } from './pg-errors';

/** Versioned, hand-written migrations, in order. Never edit one once merged: add a new one. */
export const EVENT_STORE_MIGRATIONS = [EventStoreTables1732350000000, EventStoreAppendBatch1732350000001];
export const EVENT_STORE_MIGRATIONS_TABLE = 'event_store_migrations';

// Arbitrary constant: serialises concurrent migrate() calls (e.g. two API instances booting).
const MIGRATION_LOCK_KEY = 7_311_220_001;

/**
 * Brings the event store schema up to date with TypeORM's migration runner (no `synchronize`), in
 * its own migrations table so it never mixes with read-model migrations. Returns the names of the
 * migrations it applied.
 */
export async function migrateEventStore(url: string): Promise<string[]> {
  const lock = new Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  try {
    await lock.connect();
    // TypeORM does not lock; a session advisory lock on a side connection does.
    await lock.query('select pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
  } catch (error) {
    await lock.end().catch(() => undefined);
    throw toEventStoreError(error, 'migrating the event store');
  }
  const dataSource = new DataSource({
    type: 'postgres',
    url,
    synchronize: false,
    entities: [],
    migrations: EVENT_STORE_MIGRATIONS,
    migrationsTableName: EVENT_STORE_MIGRATIONS_TABLE,
    migrationsTransactionMode: 'each',
    logging: false,
  });
  try {
    await dataSource.initialize();
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    return applied.map((m) => m.name);
  } catch (error) {
    throw toEventStoreError(error, 'migrating the event store');
  } finally {
    if (dataSource.isInitialized) await dataSource.destroy().catch(() => undefined);
    await lock.end().catch(() => undefined); // ending the session releases the advisory lock
  }
}
