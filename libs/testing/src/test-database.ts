import { randomBytes } from 'node:crypto';
import { Client } from 'pg';

export interface TestDatabase {
  name: string;
  url: string;
  drop(): Promise<void>;
}

/** Creates a fresh, empty database on the test server (started by the int/e2e global setup). */
export async function createTestDatabase(prefix = 'db'): Promise<TestDatabase> {
  const adminUrl = process.env.TEST_PG_ADMIN_URL;
  if (!adminUrl) {
    throw new Error('TEST_PG_ADMIN_URL is not set: run this test in the int or e2e Jest project');
  }
  const name = `t_${prefix.replace(/[^a-z0-9_]/gi, '_').toLowerCase()}_${randomBytes(4).toString('hex')}`;
  await withAdmin(adminUrl, (c) => c.query(`create database ${c.escapeIdentifier(name)}`));
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    name,
    url: url.toString(),
    drop: () => withAdmin(adminUrl, (c) => dropDatabase(c, name)),
  };
}

/**
 * Closes the door first (no new connections) and gives connections that are still closing a moment
 * to go. A connection that stays is a leak: it is reported with its last statement and the database
 * is left to the end of the run (the test server is removed with it) rather than dropped with
 * FORCE, which would kill the leaked connection and fail whatever test of a later file runs in
 * this worker at that moment ("terminating connection due to administrator command").
 */
async function dropDatabase(c: Client, name: string): Promise<void> {
  const { rows: exists } = await c.query('select 1 from pg_database where datname = $1', [name]);
  if (!exists.length) return;
  await c.query(`alter database ${c.escapeIdentifier(name)} with allow_connections false`);
  let open: { pid: number; state: string | null; query: string }[] = [];
  for (let attempt = 0; attempt < 20; attempt++) {
    ({ rows: open } = await c.query<{ pid: number; state: string | null; query: string }>(
      "select pid, state, left(query, 200) as query from pg_stat_activity where datname = $1 and backend_type = 'client backend'",
      [name],
    ));
    if (!open.length) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  if (open.length) {
    process.stderr.write(
      `[test-database] ${name}: ${open.length} connection(s) still open after the test file ended (a leak), database kept until the end of the run: ${JSON.stringify(open)}\n`,
    );
    return;
  }
  await c.query(`drop database if exists ${c.escapeIdentifier(name)}`);
}

async function withAdmin<T>(adminUrl: string, fn: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: adminUrl });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}
