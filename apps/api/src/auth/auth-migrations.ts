import { runMigrations } from '@maillage/infra';
import { AuthTables1732370000000 } from './migrations/1732370000000-auth-tables';
import { RateLimitCounters1732370000001 } from './migrations/1732370000001-rate-limit-counters';
import { CredentialVersion1732370000002 } from './migrations/1732370000002-credential-version';
import { UserChangeNotify1732370000003 } from './migrations/1732370000003-user-change-notify';

/** Accounts, credentials, API tokens, sign-in throttling and rate-limit counters, in their own migrations table. */
export const migrateAuth = (url: string): Promise<string[]> =>
  runMigrations(url, {
    table: 'auth_migrations',
    migrations: [AuthTables1732370000000, RateLimitCounters1732370000001, CredentialVersion1732370000002, UserChangeNotify1732370000003],
    lockKey: 7_311_220_030,
  });
