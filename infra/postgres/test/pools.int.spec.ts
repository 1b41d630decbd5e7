import { Pool, type PoolClient } from 'pg';
import { createTestDatabase, type TestDatabase } from '@maillage/testing';
import { endPool } from '@maillage/infra';

/** The socket under a pooled client (node-postgres keeps it on the client's connection). */
const socketOf = (client: PoolClient) => (client as unknown as { connection: { stream: { closed: boolean } } }).connection.stream;

describe('endPool', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase('pools');
  });
  afterAll(async () => {
    await db.drop();
  });

  /** A pool with three open connections (idle), and its clients. */
  async function poolWithThreeConnections() {
    const pool = new Pool({ connectionString: db.url, max: 3 });
    const clients: PoolClient[] = [];
    pool.on('connect', (client) => clients.push(client));
    const held = await Promise.all([pool.connect(), pool.connect(), pool.connect()]);
    for (const client of held) client.release();
    expect(pool.idleCount).toBe(3);
    return { pool, clients };
  }

  it('returns once every connection is closed, where pool.end() returns while they are still open', async () => {
    // The behaviour it works around (node-postgres #2328, #3287): if this starts failing, the
    // library now waits by itself and endPool can go.
    const plain = await poolWithThreeConnections();
    await plain.pool.end();
    expect(plain.clients.map((c) => socketOf(c).closed)).toEqual([false, false, false]);

    const waited = await poolWithThreeConnections();
    await endPool(waited.pool);
    expect(waited.clients.map((c) => socketOf(c).closed)).toEqual([true, true, true]);
  });

  it('waits for a checked-out client to be released and closed', async () => {
    const { pool, clients } = await poolWithThreeConnections();
    const busy = await pool.connect();
    let ended = false;
    const ending = endPool(pool).then(() => (ended = true));
    await busy.query('select pg_sleep(0.2)');
    expect(ended).toBe(false);
    busy.release();
    await ending;
    expect(clients.map((c) => socketOf(c).closed)).toEqual([true, true, true]);
  });

  it('returns at once for a pool that never connected', async () => {
    const pool = new Pool({ connectionString: db.url });
    const started = performance.now();
    await endPool(pool);
    expect(performance.now() - started).toBeLessThan(3000); // not the 5 s limit
  });
});
