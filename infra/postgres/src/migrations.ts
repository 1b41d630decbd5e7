import { Client } from 'pg';
import { DataSource, type MixedList } from 'typeorm';

export interface MigrationSet {
  /** Table where TypeORM records the applied migrations of this set. */
  table: string;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type -- TypeORM's own type for migration classes
  migrations: MixedList<Function | string>;
  /** Advisory lock key that serialises concurrent runs of this set (e.g. two API instances booting). */
  lockKey: number;
}

/**
 * Applies a set of versioned TypeORM migrations (never `synchronize`), one transaction each, under a
 * session advisory lock held on a side connection. Returns the names of the migrations applied.
 */
export async function runMigrations(url: string, set: MigrationSet): Promise<string[]> {
  const lock = new Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  await lock.connect();
  const dataSource = new DataSource({
    type: 'postgres',
    url,
    synchronize: false,
    entities: [],
    migrations: set.migrations,
    migrationsTableName: set.table,
    migrationsTransactionMode: 'each',
    logging: false,
  });
  try {
    await lock.query('select pg_advisory_lock($1)', [set.lockKey]);
    await dataSource.initialize();
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    return applied.map((m) => m.name);
  } finally {
    if (dataSource.isInitialized) await dataSource.destroy().catch(() => undefined);
    await lock.end().catch(() => undefined); // ending the session releases the advisory lock
  }
}
