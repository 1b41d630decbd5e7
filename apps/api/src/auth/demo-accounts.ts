import type { Pool } from 'pg';
import { organisationIdOf } from '@maillage/demo-data';
import type { UserRole } from './request-user';
import { authServiceFor } from './auth-registry';

/** Demo organisations that get an account (slugs of @maillage/demo-data). */
export interface DemoAccountOrganisations {
  grafie: string;
  conseilRegionalIdf: string;
  tremplinTravail: string;
  lePetitPlus: string;
}

export const DEMO_ACCOUNT_ORGANISATIONS: DemoAccountOrganisations = {
  grafie: organisationIdOf('grafie'),
  conseilRegionalIdf: organisationIdOf('conseil-regional-11'),
  tremplinTravail: organisationIdOf('tremplin-travail'),
  lePetitPlus: organisationIdOf('le-petit-plus'),
};

export interface DemoAccount {
  email: string;
  password: string;
  name: string;
  role: UserRole;
  organisation: keyof DemoAccountOrganisations | null;
  regions: string[];
}

/**
 * One account per role, with published passwords: for the embedded demo database only (main.ts
 * seeds them next to the demo data, never on an external DATABASE_URL). Listed in README.md.
 */
export const DEMO_ACCOUNTS: readonly DemoAccount[] = [
  {
    email: 'admin@demo.maillage.fr',
    password: 'demo-admin-maillage',
    name: 'Administratrice Maillage',
    role: 'ADMIN',
    organisation: null,
    regions: [],
  },
  {
    email: 'grafie@demo.maillage.fr',
    password: 'demo-reseau-grafie',
    name: 'Chargée de mission GRAFIE',
    role: 'NETWORK',
    organisation: 'grafie',
    regions: ['11'],
  },
  {
    email: 'region-idf@demo.maillage.fr',
    password: 'demo-financeur-idf',
    name: 'Service ESS, Région Île-de-France',
    role: 'FUNDER',
    organisation: 'conseilRegionalIdf',
    regions: [],
  },
  {
    email: 'tremplin@demo.maillage.fr',
    password: 'demo-membre-tremplin',
    name: 'Direction Tremplin Travail',
    role: 'MEMBER',
    organisation: 'tremplinTravail',
    regions: [],
  },
  {
    email: 'petitplus@demo.maillage.fr',
    password: 'demo-membre-petitplus',
    name: 'Direction Le Petit Plus',
    role: 'MEMBER',
    organisation: 'lePetitPlus',
    regions: [],
  },
];

/**
 * Creates the demo accounts that do not exist yet (by e-mail), so it can run on every start.
 * Returns the e-mails created. The auth tables must be migrated (migrateAuth).
 */
export async function seedDemoAccounts(
  pool: Pool,
  organisationIds: DemoAccountOrganisations = DEMO_ACCOUNT_ORGANISATIONS,
): Promise<string[]> {
  const auth = await authServiceFor(pool);
  const created: string[] = [];
  for (const account of DEMO_ACCOUNTS) {
    const { rowCount } = await pool.query('select 1 from user_profiles where lower(email) = $1', [
      account.email,
    ]);
    if (rowCount) continue;
    await auth.createUserUnchecked({
      email: account.email,
      password: account.password,
      name: account.name,
      role: account.role,
      organisationId: account.organisation ? organisationIds[account.organisation] : null,
      regions: account.regions,
    });
    created.push(account.email);
  }
  return created;
}
