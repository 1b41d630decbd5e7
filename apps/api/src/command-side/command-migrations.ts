import { runMigrations } from '@maillage/infra';
import { CommandIdempotency1732360000000 } from './migrations/1732360000000-command-idempotency';

/** Write-side tables of the API (idempotency keys), in their own migrations table. */
export const migrateCommandSide = (url: string): Promise<string[]> =>
  runMigrations(url, { table: 'command_migrations', migrations: [CommandIdempotency1732360000000], lockKey: 7_311_220_010 });
