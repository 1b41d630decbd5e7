import path from 'node:path';
import { Client } from 'pg';
import { startEmbeddedPostgres, type RunningPostgres } from '../../../infra/postgres/src/embedded-postgres';

declare global {
  var __MAILLAGE_TEST_PG__: RunningPostgres | undefined;
}

/**
 * Starts one real embedded PostgreSQL for the whole test run (tuned for throwaway data); each test
 * file creates its own database with `createTestDatabase`. TEST_PG_ADMIN_URL points the tests at an
 * external server instead.
 */
export default async function globalSetup(): Promise<void> {
  if (process.env.TEST_PG_ADMIN_URL) return;
  const server = await startEmbeddedPostgres({
    dataDir: path.resolve(__dirname, '../../../.data/test-postgres'),
    settings: {
      fsync: 'off',
      synchronous_commit: 'off',
      full_page_writes: 'off',
      max_connections: '300',
      shared_buffers: '256MB',
    },
    onProgress: (m) => process.stderr.write(`[test-postgres] ${m}\n`),
  });
  if (server.owned) await dropLeftoverDatabases(server.adminUrl);
  process.env.TEST_PG_ADMIN_URL = server.adminUrl;
  globalThis.__MAILLAGE_TEST_PG__ = server;
}

async function dropLeftoverDatabases(adminUrl: string): Promise<void> {
  const client = new Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ datname: string }>(
      "select datname from pg_database where datname like 't\\_%'",
    );
    for (const { datname } of rows) {
      await client.query(`drop database if exists ${client.escapeIdentifier(datname)} with (force)`);
    }
  } finally {
    await client.end();
  }
}
