import { runMigrations } from '@maillage/infra';
import { EventStoreTables1732350000000 } from './migrations/1732350000000-event-store-tables';
import { EventStoreAppendBatch1732350000001 } from './migrations/1732350000001-event-store-append-batch';
import { toEventStoreError } from './pg-errors';

/** Versioned, hand-written migrations, in order. Never edit one once merged: add a new one. */
export const EVENT_STORE_MIGRATIONS = [EventStoreTables1732350000000, EventStoreAppendBatch1732350000001];
export const EVENT_STORE_MIGRATIONS_TABLE = 'event_store_migrations';

/**
 * Brings the event store schema up to date with TypeORM's migration runner (no `synchronize`), in
 * its own migrations table so it never mixes with read-model migrations, serialised across
 * processes by an advisory lock. Returns the names of the migrations it applied.
 */
export async function migrateEventStore(url: string): Promise<string[]> {
  try {
    return await runMigrations(url, { table: EVENT_STORE_MIGRATIONS_TABLE, migrations: EVENT_STORE_MIGRATIONS, lockKey: 7_311_220_001 });
  } catch (error) {
    throw toEventStoreError(error, 'migrating the event store');
  }
}
