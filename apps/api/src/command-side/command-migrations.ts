import { runMigrations } from '@maillage/infra';
import { CommandIdempotency1732360000000 } from './migrations/1732360000000-command-idempotency';
import { AppSettings1732360000001 } from './migrations/1732360000001-app-settings';
import { IdempotencyClaims1732360000002 } from './migrations/1732360000002-idempotency-claims';
import { OrganisationSirets1732360000003 } from './migrations/1732360000003-organisation-sirets';
import { IdempotencyExpiry1732360000004 } from './migrations/1732360000004-idempotency-expiry';
import { SiretClaimCounts1732360000005 } from './migrations/1732360000005-siret-claim-counts';

/** Write-side tables of the API (idempotency keys, settings), in their own migrations table. */
export const migrateCommandSide = (url: string): Promise<string[]> =>
  runMigrations(url, {
    table: 'command_migrations',
    migrations: [
      CommandIdempotency1732360000000,
      AppSettings1732360000001,
      IdempotencyClaims1732360000002,
      OrganisationSirets1732360000003,
      IdempotencyExpiry1732360000004,
      SiretClaimCounts1732360000005,
    ],
    lockKey: 7_311_220_010,
  });
