import { Client } from 'pg';
import { createTestDatabase } from '@maillage/testing';

jest.setTimeout(30_000);

const exists = async (name: string): Promise<boolean> => {
  const admin = new Client({ connectionString: process.env.TEST_PG_ADMIN_URL });
  await admin.connect();
  try {
    return ((await admin.query('select 1 from pg_database where datname = $1', [name])).rowCount ?? 0) > 0;
  } finally {
    await admin.end();
  }
};

describe('test databases (libs/testing)', () => {
  it('drops a database whose connections are closed', async () => {
    const db = await createTestDatabase('drop_clean');
    const client = new Client({ connectionString: db.url });
    await client.connect();
    await client.query('create table t (v int)');
    await client.end();
    await db.drop();
    expect(await exists(db.name)).toBe(false);
    await db.drop(); // twice: nothing to do
  });

  it('keeps a database that still has a connection (a leak), reports it, and never kills that connection', async () => {
    const db = await createTestDatabase('drop_leak');
    const leaked = new Client({ connectionString: db.url });
    const errors: Error[] = [];
    leaked.on('error', (error) => errors.push(error));
    await leaked.connect();
    await leaked.query('select 42 as leaked_marker');
    const written: string[] = [];
    // Captured, not printed: a real leak report in the log must mean a real leak.
    const spy = jest.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      written.push(String(chunk));
      return true;
    });
    try {
      await db.drop();
    } finally {
      spy.mockRestore();
    }
    expect(await exists(db.name)).toBe(true);
    expect(written.join('')).toMatch(new RegExp(`\\[test-database\\] ${db.name}: 1 connection\\(s\\) still open .*leaked_marker`));
    // The leaked connection still works: nothing terminated it.
    expect((await leaked.query<{ v: number }>('select 1 as v')).rows).toEqual([{ v: 1 }]);
    expect(errors).toEqual([]);
    // New connections are refused meanwhile; once the leak closes, the drop goes through.
    await expect(new Client({ connectionString: db.url }).connect()).rejects.toThrow(/not currently accepting connections/);
    await leaked.end();
    await db.drop();
    expect(await exists(db.name)).toBe(false);
  });
});
