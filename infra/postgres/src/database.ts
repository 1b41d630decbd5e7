import path from 'node:path';
import { Client } from 'pg';
import { startEmbeddedPostgres } from './embedded-postgres';
import { wholeNumberSetting } from './settings';

export interface DatabaseHandle {
  url: string;
  /** True when the server is the embedded default (demo data may be seeded there, never elsewhere). */
  embedded: boolean;
  /** Whether the database was created by this call (first start). */
  created: boolean;
  close(): Promise<void>;
}

export const DEFAULT_DATA_DIR = '.data/postgres';
export const DEFAULT_DATABASE = 'maillage';

/**
 * DATABASE_URL selects any external PostgreSQL; without it an embedded server keeps its data under
 * `.data/` (MAILLAGE_DATA_DIR overrides) across restarts.
 */
export async function openDatabase(
  env: NodeJS.ProcessEnv = process.env,
  onProgress: (message: string) => void = (m) => console.log(m),
): Promise<DatabaseHandle> {
  if (env.DATABASE_URL) {
    return { url: env.DATABASE_URL, embedded: false, created: false, close: async () => undefined };
  }
  const dataDir = path.resolve(env.MAILLAGE_DATA_DIR ?? DEFAULT_DATA_DIR);
  const server = await startEmbeddedPostgres({
    dataDir,
    // Unset: 0, i.e. a free port.
    port: wholeNumberSetting('MAILLAGE_PG_PORT', env.MAILLAGE_PG_PORT, { fallback: 0, unit: '', min: 1, max: 65535 }) || undefined,
    onProgress,
    ownProcessGroup: true, // Ctrl-C reaches the API, which closes, then stops the server
  });
  const created = await createDatabaseIfMissing(server.adminUrl, DEFAULT_DATABASE);
  return { url: server.urlFor(DEFAULT_DATABASE), embedded: true, created, close: () => server.stop() };
}

export async function createDatabaseIfMissing(adminUrl: string, name: string): Promise<boolean> {
  const client = new Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const found = await client.query('select 1 from pg_database where datname = $1', [name]);
    if (found.rowCount) return false;
    try {
      await client.query(`create database ${client.escapeIdentifier(name)}`);
      return true;
    } catch (error) {
      if ((error as { code?: string }).code === '42P04') return false; // created concurrently
      throw error;
    }
  } finally {
    await client.end();
  }
}
