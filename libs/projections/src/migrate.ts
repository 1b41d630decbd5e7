import { runMigrations } from '@maillage/infra';
import { ProjectionTables1732400000000 } from './migrations/1732400000000-projection-tables';

/** Versioned, hand-written migrations, in order. Never edit one once merged: add a new one. */
export const PROJECTION_MIGRATIONS = [ProjectionTables1732400000000];
export const PROJECTION_MIGRATIONS_TABLE = 'projection_migrations';

/**
 * Brings the projector's tables (checkpoints, leases, dead letters) up to date, in their own
 * migrations table. Returns the names of the migrations applied. Run it against a direct connection
 * (not a transaction-mode pooler): the lock that serialises concurrent runs is session-level.
 */
export const migrateProjections = (url: string): Promise<string[]> =>
  runMigrations(url, { table: PROJECTION_MIGRATIONS_TABLE, migrations: PROJECTION_MIGRATIONS, lockKey: 7_311_220_002 });
