import { runMigrations } from '@maillage/infra';
import { AuthTables1732370000000 } from './migrations/1732370000000-auth-tables';

/** Accounts, credentials, API tokens and sign-in throttling, in their own migrations table. */
export const migrateAuth = (url: string): Promise<string[]> =>
  runMigrations(url, {
    table: 'auth_migrations',
    migrations: [AuthTables1732370000000],
    lockKey: 7_311_220_030,
  });
