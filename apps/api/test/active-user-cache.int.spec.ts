import { randomUUID } from 'node:crypto';
import { Pool } from 'pg';
import { createTestDatabase, type TestDatabase } from '@maillage/testing';
import { migrateAuth } from '../src/auth/auth-migrations';
import { ActiveUserCache } from '../src/auth/active-user-cache';
import { UserStore } from '../src/auth/user-store';
import { Logger } from '@nestjs/common';
import { AuthService } from '../src/auth/auth.service';

jest.setTimeout(60_000);

const until = async (condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 10_000) => {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
};

describe('ActiveUserCache (real PostgreSQL)', () => {
  let db: TestDatabase;
  let pool: Pool;
  let store: UserStore;
  let loads: string[];
  let cache: ActiveUserCache;

  const newUser = async (role: 'MEMBER' | 'NETWORK' = 'MEMBER') => {
    const id = randomUUID();
    await store.insert({
      id,
      email: `${id}@example.org`,
      name: 'Camille',
      organisationId: 'tremplin-travail',
      role,
      regions: role === 'NETWORK' ? ['52'] : [],
      passwordHash: 'x',
      createdAt: new Date(),
      createdBy: null,
    });
    return id;
  };
  /** Waits until the cache has handled every notification committed so far (they arrive in commit order). */
  // Waits for the marker itself: counting notifications was satisfied by a change's own notification
  // still on its way, and the marker then arrived during the test's first read (which, rightly, was
  // not kept: the test saw two loads).
  const settled = async (target = cache) => {
    const marker = `marker-${randomUUID()}`;
    await pool.query(`select pg_notify('maillage_users', $1)`, [marker]);
    await until(() => target.lastNotification === marker, 'the marker notification');
  };
  const cached = (url: string, options: { reconnectDelayMs?: number } = {}) =>
    new ActiveUserCache(
      url,
      (id, cv) => {
        loads.push(id);
        return store.activeUser(id, cv);
      },
      options,
    );

  beforeAll(async () => {
    db = await createTestDatabase('active-users');
    await migrateAuth(db.url);
    pool = new Pool({ connectionString: db.url, max: 4 });
    store = new UserStore(pool);
    // Reconnects 1.5 s after a loss (100 ms by default), so that the test of the disconnected
    // state can make its reads before the connection is back, however slow the machine.
    cache = cached(db.url, { reconnectDelayMs: 1500 });
    await until(() => cache.listening, 'the LISTEN connection');
  });

  beforeEach(() => {
    loads = [];
  });

  afterAll(async () => {
    await cache.close();
    await pool.end();
    await db.drop();
  });

  it('reads a user once, then answers from memory', async () => {
    const id = await newUser();
    await settled();
    for (let i = 0; i < 3; i++) expect(await cache.activeUser(id, 0)).toMatchObject({ userId: id, role: 'MEMBER' });
    expect(loads).toEqual([id]);
  });

  it('drops a user the moment another writer changes its account, whatever the writer', async () => {
    const id = await newUser('NETWORK');
    const other = await newUser();
    await settled();
    await cache.activeUser(id, 0);
    await cache.activeUser(other, 0);
    // Plain SQL on another connection: the trigger notifies, the cache drops only that user.
    await pool.query(`update users set regions = '{52,53}' where id = $1`, [id]);
    await until(async () => ((await cache.activeUser(id, 0))?.regions ?? []).length === 2, 'the new régions');
    await pool.query(`update users set status = 'DISABLED' where id = $1`, [id]);
    await until(async () => (await cache.activeUser(id, 0)) === null, 'the disabled user to be refused');
    expect(await cache.activeUser(other, 0)).toMatchObject({ userId: other });
    expect(loads.filter((l) => l === other)).toEqual([other]);
    // A refusal is kept too, until the account changes again.
    await settled();
    await cache.activeUser(id, 0);
    const before = loads.length;
    expect(await cache.activeUser(id, 0)).toBeNull();
    expect(loads.length).toBe(before);
    await pool.query(`update users set status = 'ACTIVE' where id = $1`, [id]);
    await until(async () => (await cache.activeUser(id, 0)) !== null, 'the re-enabled user');
  });

  it('refuses tokens of an older credential version after a password change', async () => {
    const id = await newUser();
    expect(await cache.activeUser(id, 0)).not.toBeNull();
    const version = await store.setPassword(id, 'y', new Date());
    expect(version).toBe(1);
    await until(async () => (await cache.activeUser(id, 0)) === null, 'the old version to be refused');
    expect(await cache.activeUser(id, 1)).toMatchObject({ userId: id });
  });

  it('does not keep a read that was in flight when the user changed', async () => {
    const id = await newUser();
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const slow = new ActiveUserCache(db.url, async (userId, cv) => {
      loads.push(userId);
      const user = await store.activeUser(userId, cv); // read before the change...
      await gate; // ...answered after it
      return user;
    });
    try {
      await until(() => slow.listening, 'the LISTEN connection');
      const inFlight = slow.activeUser(id, 0);
      await until(() => loads.length === 1, 'the read to start');
      await pool.query(`update users set status = 'DISABLED' where id = $1`, [id]);
      await until(async () => (await store.activeUser(id, 0)) === null, 'the commit');
      slow.invalidate(id); // what this process's own writes do; other writers' notifications do the same
      release();
      expect(await inFlight).not.toBeNull(); // that request started before the change
      expect(await slow.activeUser(id, 0)).toBeNull(); // read again, not the stale answer
      expect(loads).toEqual([id, id]);
    } finally {
      await slow.close();
    }
  });

  it('reads every request from the database while it cannot listen, and forgets everything on reconnect', async () => {
    const id = await newUser();
    await settled();
    await cache.activeUser(id, 0);
    expect(cache.size).toBeGreaterThan(0);
    const { rows } = await pool.query<{ pid: number }>(
      `select pid from pg_stat_activity where datname = current_database() and query like 'listen %maillage_users%'`,
    );
    expect(rows).toHaveLength(1);
    await pool.query('select pg_terminate_backend($1)', [rows[0].pid]);
    await until(() => !cache.listening, 'the connection loss');
    loads = [];
    await cache.activeUser(id, 0);
    await cache.activeUser(id, 0);
    expect(loads).toEqual([id, id]); // nothing served from memory while notifications could be missed
    expect(cache.listening).toBe(false); // (both reads were made before the reconnection)
    await until(() => cache.listening, 'the reconnection', 15_000);
    expect(cache.size).toBe(0);
    loads = [];
    await cache.activeUser(id, 0);
    await cache.activeUser(id, 0);
    expect(loads).toEqual([id]);

    // A server that cannot be reached: never listening, every request read.
    const url = new URL(db.url);
    url.port = '1';
    url.searchParams.delete('host');
    const unreachable = cached(url.toString());
    try {
      loads = [];
      await unreachable.activeUser(id, 0);
      await unreachable.activeUser(id, 0);
      expect(unreachable.listening).toBe(false);
      expect(loads).toEqual([id, id]);
    } finally {
      await unreachable.close();
    }
  });

  it('tells the operator when the API cannot listen for account changes', async () => {
    const url = new URL(db.url);
    url.port = '1';
    url.searchParams.delete('host');
    const warnings: string[] = [];
    const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation((message: unknown) => void warnings.push(String(message)));
    const auth = await AuthService.create(pool, { databaseUrl: url.toString() });
    try {
      await until(() => warnings.length > 0, 'a warning');
      expect(warnings[0]).toMatch(/^Active-user cache: LISTEN connection failed \(.+\); users are read from the database on every request until it is back$/);
    } finally {
      warn.mockRestore();
      await auth.onApplicationShutdown();
    }
  });
});
