import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { ProjectionTables1732400000000 } from './migrations/1732400000000-projection-tables';

/** Versioned, hand-written migrations, in order. Never edit one once merged: add a new one. */
export const PROJECTION_MIGRATIONS = [ProjectionTables1732400000000];
export const PROJECTION_MIGRATIONS_TABLE = 'projection_migrations';

// Arbitrary constant (distinct from the event store's): serialises concurrent migrate() calls.
const MIGRATION_LOCK_KEY = 7_311_220_002;

/**
 * Brings the projector's tables (checkpoints, leases, dead letters) up to date with TypeORM's
 * migration runner, in its own migrations table. Returns the names of the migrations applied.
 * Run it against a direct connection (not a transaction-mode pooler): the lock is session-level.
 */
export async function migrateProjections(url: string): Promise<string[]> {
  const lock = new Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  await lock.connect();
  try {
    await lock.query('select pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    const dataSource = new DataSource({
      type: 'postgres',
      url,
      synchronize: false,
      entities: [],
      migrations: PROJECTION_MIGRATIONS,
      migrationsTableName: PROJECTION_MIGRATIONS_TABLE,
      migrationsTransactionMode: 'each',
      logging: false,
    });
    try {
      await dataSource.initialize();
      const applied = await dataSource.runMigrations({ transaction: 'each' });
      return applied.map((m) => m.name);
    } finally {
      if (dataSource.isInitialized) await dataSource.destroy().catch(() => undefined);
    }
  } finally {
    await lock.end().catch(() => undefined); // ending the session releases the advisory lock
  }
}
