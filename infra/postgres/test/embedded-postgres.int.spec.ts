import { Client } from 'pg';
import { createTestDatabase } from '@maillage/testing';

describe('test database harness', () => {
  it('gives each test file a real, empty PostgreSQL database', async () => {
    const db = await createTestDatabase('harness');
    const client = new Client({ connectionString: db.url });
    await client.connect();
    const { rows } = await client.query<{ v: string; n: string }>(
      "select current_setting('server_version_num') as v, (select count(*) from pg_tables where schemaname = 'public') as n",
    );
    await client.end();
    await db.drop();
    expect(Number(rows[0].v)).toBeGreaterThanOrEqual(130000); // pg_current_xact_id needs PostgreSQL 13+
    expect(Number(rows[0].n)).toBe(0);
  });
});
