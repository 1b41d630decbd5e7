import { runMigrations } from '@maillage/infra';
import { READ_MODEL_MIGRATIONS, READ_MODEL_MIGRATIONS_TABLE } from './migrations';

// Arbitrary constant, distinct from the event store's and the projector's.
const MIGRATION_LOCK_KEY = 7_311_220_004;

/** Applies the read-model migrations (own table `read_model_migrations`); returns those applied. */
export function migrateReadModels(url: string): Promise<string[]> {
  return runMigrations(url, {
    table: READ_MODEL_MIGRATIONS_TABLE,
    migrations: READ_MODEL_MIGRATIONS,
    lockKey: MIGRATION_LOCK_KEY,
  });
}
