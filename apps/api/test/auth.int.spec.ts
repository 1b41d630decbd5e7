import type { GraphQLError } from 'graphql';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Pool } from 'pg';
import { createTestDatabase, type TestDatabase } from '@maillage/testing';
import { organisationIdOf } from '@maillage/demo-data';
import { migrateAuth } from '../src/auth/auth-migrations';
import { AuthService, type AuthOptions } from '../src/auth/auth.service';
import { authErrorCode, INVALID_CREDENTIALS } from '../src/auth/auth-errors';
import { Argon2PasswordHasher, TEST_ARGON2_COST, type PasswordHasher } from '../src/auth/password-hasher';
import { authenticate, authServiceFor } from '../src/auth/auth-registry';
import { DEMO_ACCOUNTS, seedDemoAccounts } from '../src/auth/demo-accounts';
import { hashApiToken } from '../src/auth/api-token-codec';
import type { RequestUser } from '../src/auth/request-user';

jest.setTimeout(60_000);

const ADMIN_ID = '00000000-0000-4000-8000-00000000a001';
const admin: RequestUser = { userId: ADMIN_ID, organisationId: null, role: 'ADMIN', regions: [] };
const TREMPLIN = organisationIdOf('tremplin-travail');
const REGION_IDF = organisationIdOf('conseil-regional-11');

/** A clock the tests move by hand. */
function manualClock(start = '2025-03-01T09:00:00.000Z') {
  let now = new Date(start).getTime();
  return { clock: () => new Date(now), advance: (seconds: number) => (now += seconds * 1000) };
}

/** The real Argon2 at the lowest cost, counting its verifications. */
function countingHasher(): PasswordHasher & { verifications: number } {
  const inner = new Argon2PasswordHasher(TEST_ARGON2_COST);
  const hasher = {
    verifications: 0,
    hash: (p: string) => inner.hash(p),
    verify: (h: string, p: string) => {
      hasher.verifications++;
      return inner.verify(h, p);
    },
  };
  return hasher;
}

async function expectCode(promise: Promise<unknown>, code: string): Promise<Error> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e as Error,
  );
  expect(error).not.toBeNull();
  expect(authErrorCode(error)).toBe(code);
  return error!;
}

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

describe('accounts and sign-in (real PostgreSQL)', () => {
  let db: TestDatabase;
  let pool: Pool;
  const time = manualClock();
  let hasher: ReturnType<typeof countingHasher>;
  let auth: AuthService;
  let env: NodeJS.ProcessEnv;

  const service = (over: AuthOptions = {}) =>
    AuthService.create(pool, { clock: time.clock, hasher, env, ...over });

  beforeAll(async () => {
    db = await createTestDatabase('auth');
    expect(await migrateAuth(db.url)).toEqual([
      'AuthTables1732370000000',
      'RateLimitCounters1732370000001',
      'CredentialVersion1732370000002',
      'UserChangeNotify1732370000003',
    ]);
    expect(await migrateAuth(db.url)).toEqual([]);
    pool = new Pool({ connectionString: db.url, max: 10 });
    env = {};
    hasher = countingHasher();
    auth = await service();
    await auth.createUserUnchecked(
      { email: 'root@example.org', name: 'Root', role: 'ADMIN', password: 'root-password-123' },
      null,
      ADMIN_ID,
    );
  });

  afterAll(async () => {
    await pool.end();
    await db.drop();
  });

  let n = 0;
  const newMember = async (over: Partial<Parameters<AuthService['createUser']>[1]> = {}) => {
    n++;
    return auth.createUser(admin, {
      email: `member${n}@tremplin.example`,
      name: `Membre ${n}`,
      organisationId: TREMPLIN,
      role: 'MEMBER',
      password: `correct horse ${n}`,
      ...over,
    });
  };

  describe('password sign-in', () => {
    it('signs in with the right password and returns a 15-minute access token that authenticates', async () => {
      const user = await newMember({ email: 'Camille@Tremplin.example' });
      const result = await auth.login('  camille@TREMPLIN.example ', `correct horse ${n}`, '10.0.0.1');
      expect(result.user).toEqual({ userId: user.id, organisationId: TREMPLIN, role: 'MEMBER', regions: [] });
      expect(result.expiresAt.getTime() - time.clock().getTime()).toBe(15 * 60 * 1000);
      expect(await auth.authenticate(bearer(result.accessToken))).toEqual(result.user);
      expect(await auth.me(result.user)).toMatchObject({
        id: user.id,
        email: 'camille@tremplin.example',
        name: `Membre ${n}`,
        role: 'MEMBER',
        status: 'ACTIVE',
      });
    });

    it('answers a wrong password and an unknown e-mail with the identical error, each after one hash verification', async () => {
      await newMember({ email: 'dominique@tremplin.example' });
      const before = hasher.verifications;
      const wrong = await expectCode(
        auth.login('dominique@tremplin.example', 'not the password', '10.0.0.2'),
        'UNAUTHENTICATED',
      );
      const unknown = await expectCode(
        auth.login('nobody@tremplin.example', 'not the password', '10.0.0.2'),
        'UNAUTHENTICATED',
      );
      expect(hasher.verifications - before).toBe(2); // the unknown e-mail is checked against a dummy hash
      expect(wrong.message).toBe(INVALID_CREDENTIALS);
      expect(unknown.message).toBe(wrong.message);
      expect(JSON.stringify((wrong as never as { extensions: unknown }).extensions)).toBe(
        JSON.stringify((unknown as never as { extensions: unknown }).extensions),
      );
    });

    it('takes about as long for an unknown e-mail as for a wrong password (real Argon2 cost)', async () => {
      const real = await service({ hasher: new Argon2PasswordHasher() });
      await real.createUserUnchecked({
        email: 'timing@tremplin.example',
        name: 'T',
        role: 'MEMBER',
        organisationId: TREMPLIN,
        password: 'timing-password-1',
      });
      const timeOf = async (email: string) => {
        const t0 = process.hrtime.bigint();
        await real.login(email, 'wrong-password-xx', null).catch(() => undefined);
        return Number(process.hrtime.bigint() - t0) / 1e6;
      };
      const known: number[] = [];
      const unknown: number[] = [];
      for (let i = 0; i < 5; i++) {
        known.push(await timeOf('timing@tremplin.example'));
        unknown.push(await timeOf(`ghost${i}@tremplin.example`));
      }
      // Medians of interleaved samples, within a factor of 3 of each other: wide enough for a
      // loaded machine, while a login that skipped the hash for an unknown e-mail would take
      // about a fiftieth of the time.
      const median = (xs: number[]) => xs.sort((a, b) => a - b)[2];
      expect(median(unknown)).toBeGreaterThan(median(known) / 3);
      expect(median(unknown)).toBeLessThan(median(known) * 3);
    });

    it('refuses a disabled user with the same error, even with the right password', async () => {
      const user = await newMember();
      const password = `correct horse ${n}`;
      await auth.disableUser(admin, user.id);
      const error = await expectCode(auth.login(user.email!, password, null), 'UNAUTHENTICATED');
      expect(error.message).toBe(INVALID_CREDENTIALS);
      await auth.enableUser(admin, user.id);
      await expect(auth.login(user.email!, password, null)).resolves.toMatchObject({
        user: { userId: user.id },
      });
    });
  });

  describe('lock-out', () => {
    it('locks an account after 5 failures: 1,000 parallel attempts cost at most 5 hash checks and keep the event loop free', async () => {
      const user = await newMember();
      const password = `correct horse ${n}`;
      const before = hasher.verifications;
      const delay = monitorEventLoopDelay({ resolution: 10 });
      delay.enable();
      const started = Date.now();
      const outcomes: string[] = [];
      for (let batch = 0; batch < 20; batch++) {
        const results = await Promise.all(
          Array.from({ length: 50 }, (_, i) =>
            auth.login(user.email!, `guess ${batch}-${i}`, `192.0.2.${(batch * 50 + i) % 250}`).then(
              () => 'OK',
              (e: unknown) => String(authErrorCode(e)),
            ),
          ),
        );
        outcomes.push(...results);
      }
      delay.disable();
      expect(outcomes).toHaveLength(1000);
      expect(outcomes.filter((o) => o === 'UNAUTHENTICATED').length).toBeLessThanOrEqual(5);
      expect(outcomes.filter((o) => o === 'TOO_MANY_REQUESTS').length).toBeGreaterThanOrEqual(995);
      expect(hasher.verifications - before).toBeLessThanOrEqual(5);
      expect(Date.now() - started).toBeLessThan(30_000); // about 1.5 s here; generous for a loaded CI
      expect(delay.max / 1e6).toBeLessThan(500); // ms: hashing runs off the event loop, refusals hash nothing

      // Locked: even the right password is refused, with the lock-out code.
      await expectCode(auth.login(user.email!, password, '198.51.100.1'), 'TOO_MANY_REQUESTS');
      // The record lives in the database: another instance (or a restart) sees the lock.
      const other = await service();
      await expectCode(other.login(user.email!, password, '198.51.100.1'), 'TOO_MANY_REQUESTS');

      // After the 15-minute lock, the right password works again and clears the record.
      time.advance(15 * 60 + 1);
      await expect(auth.login(user.email!, password, '198.51.100.1')).resolves.toMatchObject({
        user: { userId: user.id },
      });
      const { rowCount } = await pool.query(
        "select 1 from auth_login_throttle where key like 'account:%' and attempts > 0 and locked_until > $1",
        [time.clock()],
      );
      expect(rowCount).toBe(0);
    });

    it('locks an unknown e-mail the same way as a known one (no existence oracle)', async () => {
      for (let i = 0; i < 5; i++)
        await expectCode(
          auth.login('ghost@nowhere.example', `guess ${i}`, `203.0.113.${i}`),
          'UNAUTHENTICATED',
        );
      await expectCode(auth.login('ghost@nowhere.example', 'guess', '203.0.113.99'), 'TOO_MANY_REQUESTS');
      time.advance(15 * 60 + 1);
    });

    it('doubles the lock of an account locked again, and a lock unlocks after its period', async () => {
      const user = await newMember();
      const password = `correct horse ${n}`;
      const fail = (k: number) =>
        auth.login(user.email!, `bad ${k}`, null).catch((e: unknown) => authErrorCode(e));
      for (let i = 0; i < 5; i++) expect(await fail(i)).toBe('UNAUTHENTICATED');
      expect(await fail(5)).toBe('TOO_MANY_REQUESTS');
      time.advance(15 * 60 + 1); // first lock: 15 min
      for (let i = 0; i < 5; i++) expect(await fail(i)).toBe('UNAUTHENTICATED');
      time.advance(15 * 60 + 1);
      expect(await fail(9)).toBe('TOO_MANY_REQUESTS'); // second lock: 30 min
      time.advance(15 * 60);
      await expect(auth.login(user.email!, password, null)).resolves.toBeDefined();
    });

    it('locks an IP address that fails on many different accounts', async () => {
      const ip = '198.51.100.77';
      const results: string[] = [];
      for (let i = 0; i < 60; i++)
        results.push(
          await auth.login(`spray${i}@tremplin.example`, 'Password123!', ip).then(
            () => 'OK',
            (e: unknown) => String(authErrorCode(e)),
          ),
        );
      expect(results.slice(0, 50).every((r) => r === 'UNAUTHENTICATED')).toBe(true);
      expect(results.slice(50).every((r) => r === 'TOO_MANY_REQUESTS')).toBe(true);
      // Another address is not affected.
      const user = await newMember();
      await expect(auth.login(user.email!, `correct horse ${n}`, '198.51.100.78')).resolves.toBeDefined();
      time.advance(15 * 60 + 1);
    });
  });

  describe('access tokens', () => {
    it('expire after 15 minutes', async () => {
      const user = await newMember();
      const { accessToken } = await auth.login(user.email!, `correct horse ${n}`, null);
      time.advance(14 * 60 + 59);
      expect(await auth.authenticate(bearer(accessToken))).toMatchObject({ userId: user.id });
      time.advance(1);
      // Used once already, so its signature check is kept in memory: its lifetime still is not.
      await expectCode(auth.authenticate(bearer(accessToken)), 'UNAUTHENTICATED');
    });

    it('refuses a tampered token, one signed with another key, malformed headers; no header is anonymous', async () => {
      const user = await newMember();
      const { accessToken } = await auth.login(user.email!, `correct horse ${n}`, null);
      const [h, p, s] = accessToken.split('.');
      const claims = JSON.parse(Buffer.from(p, 'base64url').toString()) as Record<string, unknown>;
      const forged = Buffer.from(JSON.stringify({ ...claims, sub: ADMIN_ID })).toString('base64url');
      await expectCode(auth.authenticate(bearer(`${h}.${forged}.${s}`)), 'UNAUTHENTICATED');
      const flipped = s.slice(0, -2) + (s.endsWith('AA') ? 'BB' : 'AA');
      await expectCode(auth.authenticate(bearer(`${h}.${p}.${flipped}`)), 'UNAUTHENTICATED');
      const none = Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url');
      await expectCode(auth.authenticate(bearer(`${none}.${p}.`)), 'UNAUTHENTICATED');
      await expectCode(auth.authenticate(bearer(`${none}.${p}.${s}`)), 'UNAUTHENTICATED');
      const otherKey = await service({ env: { MAILLAGE_AUTH_SECRET: 'x'.repeat(40) } });
      await expectCode(otherKey.authenticate(bearer(accessToken)), 'UNAUTHENTICATED');
      for (const header of ['Basic abc', 'Bearer', 'Bearer a b', 'bearer nonsense', `Token ${accessToken}`]) {
        await expectCode(auth.authenticate({ authorization: header }), 'UNAUTHENTICATED');
      }
      expect(await auth.authenticate({})).toBeNull();
      expect(await auth.authenticate(undefined)).toBeNull();
      expect(await auth.authenticate({ authorization: `bearer ${accessToken}` })).toMatchObject({
        userId: user.id,
      });
    });

    it('keeps the generated signing key in auth_settings (shared by instances); MAILLAGE_AUTH_SECRET overrides and rotates it', async () => {
      const user = await newMember();
      const { accessToken } = await auth.login(user.email!, `correct horse ${n}`, null);
      const second = await service();
      expect(await second.authenticate(bearer(accessToken))).toMatchObject({ userId: user.id });
      const { rows } = await pool.query<{ key: string }>('select key from auth_settings');
      expect(rows.map((r) => r.key)).toEqual(['access_token_signing_secret']);

      const rotatedFrom = await service({ env: { MAILLAGE_AUTH_SECRET: 'a'.repeat(32) } });
      const old = rotatedFrom.issueAccessToken(user.id).accessToken;
      const rotated = await service({
        env: { MAILLAGE_AUTH_SECRET: 'b'.repeat(32), MAILLAGE_AUTH_SECRET_PREVIOUS: 'a'.repeat(32) },
      });
      expect(await rotated.authenticate(bearer(old))).toMatchObject({ userId: user.id });
      const after = await service({ env: { MAILLAGE_AUTH_SECRET: 'b'.repeat(32) } });
      await expectCode(after.authenticate(bearer(old)), 'UNAUTHENTICATED');
      await expect(service({ env: { MAILLAGE_AUTH_SECRET: 'short' } })).rejects.toThrow(/at least 32/);
    });

    it('stops working as soon as the user is disabled', async () => {
      const user = await newMember();
      const { accessToken, user: me } = await auth.login(user.email!, `correct horse ${n}`, null);
      await auth.disableUser(admin, me.userId);
      await expectCode(auth.authenticate(bearer(accessToken)), 'UNAUTHENTICATED');
    });
  });

  describe('API tokens', () => {
    it('shows the secret once, stores only its SHA-256, authenticates, and is refused once revoked', async () => {
      const funder = await auth.createUser(admin, {
        email: 'api@region-idf.example',
        name: 'Script',
        organisationId: REGION_IDF,
        role: 'FUNDER',
        password: 'funder-password-1',
      });
      const actor: RequestUser = {
        userId: funder.id,
        organisationId: REGION_IDF,
        role: 'FUNDER',
        regions: [],
      };
      const created = await auth.createApiToken(actor, 'Rapport annuel');
      expect(created.token).toMatch(/^mlg_[A-Za-z0-9_-]{43}$/);
      expect(created.apiToken).toMatchObject({
        name: 'Rapport annuel',
        displayPrefix: created.token.slice(0, 8),
        revokedAt: null,
      });

      const { rows } = await pool.query<Record<string, unknown>>('select * from api_tokens where id = $1', [
        created.apiToken.id,
      ]);
      expect(rows).toHaveLength(1);
      expect(Buffer.compare(rows[0].token_hash as Buffer, hashApiToken(created.token))).toBe(0);
      const stored = JSON.stringify(rows[0], (_k, v: unknown) =>
        Buffer.isBuffer(v) ? v.toString('base64url') : v,
      );
      expect(stored).not.toContain(created.token.slice(4));
      const listed = await auth.apiTokens(actor);
      expect(listed).toEqual([created.apiToken]);
      expect(JSON.stringify(listed)).not.toContain(created.token.slice(8));

      expect(await auth.authenticate(bearer(created.token))).toEqual(actor);
      await expectCode(
        auth.authenticate(bearer(created.token.slice(0, -1) + (created.token.endsWith('A') ? 'B' : 'A'))),
        'UNAUTHENTICATED',
      );
      await expectCode(auth.authenticate(bearer('mlg_short')), 'UNAUTHENTICATED');

      // Another user cannot revoke it (and cannot tell it exists).
      const other = await newMember();
      await expectCode(
        auth.revokeApiToken(
          { userId: other.id, organisationId: TREMPLIN, role: 'MEMBER', regions: [] },
          created.apiToken.id,
        ),
        'NOT_FOUND',
      );
      expect(await auth.authenticate(bearer(created.token))).toEqual(actor);

      const revoked = await auth.revokeApiToken(actor, created.apiToken.id);
      expect(revoked.revokedAt).toEqual(time.clock());
      const error = await expectCode(auth.authenticate(bearer(created.token)), 'UNAUTHENTICATED');
      expect(error.message).toBe(INVALID_CREDENTIALS);
    });

    it('refuses an expired token', async () => {
      const user = await newMember();
      const actor: RequestUser = { userId: user.id, organisationId: TREMPLIN, role: 'MEMBER', regions: [] };
      const { token } = await auth.createApiToken(actor, 'court', 1);
      expect(await auth.authenticate(bearer(token))).toEqual(actor);
      time.advance(86_400);
      await expectCode(auth.authenticate(bearer(token)), 'UNAUTHENTICATED');
      await expectCode(auth.createApiToken(actor, 'trop long', 10_000), 'BAD_USER_INPUT');
      await expectCode(auth.createApiToken(actor, '  '), 'BAD_USER_INPUT');
      await expectCode(auth.createApiToken(null, 'anonyme'), 'UNAUTHENTICATED');
    });

    it('refuses the token of a disabled user, then of a deleted user, whose personal data is erased', async () => {
      const user = await newMember({ email: 'erase-me@tremplin.example', name: 'Personne À Effacer' });
      const actor: RequestUser = { userId: user.id, organisationId: TREMPLIN, role: 'MEMBER', regions: [] };
      const { token } = await auth.createApiToken(actor, 'script');
      const session = await auth.login(user.email!, `correct horse ${n}`, null);
      expect(await auth.authenticate(bearer(session.accessToken))).toEqual(actor);
      await auth.disableUser(admin, user.id);
      await expectCode(auth.authenticate(bearer(token)), 'UNAUTHENTICATED');
      // Enabled again, it signs in afresh: its sessions and API tokens ended with the disabling (an
      // account disabled because it leaked must not come back with what leaked).
      await auth.enableUser(admin, user.id);
      await expectCode(auth.authenticate(bearer(token)), 'UNAUTHENTICATED');
      await expectCode(auth.authenticate(bearer(session.accessToken)), 'UNAUTHENTICATED');
      const again = await auth.login(user.email!, `correct horse ${n}`, null);
      expect(await auth.authenticate(bearer(again.accessToken))).toEqual(actor);
      expect((await auth.apiTokens(actor)).map((t) => t.revokedAt !== null)).toEqual([true]);
      const { token: fresh } = await auth.createApiToken(actor, 'script');
      expect(await auth.authenticate(bearer(fresh))).toEqual(actor);

      expect(await auth.deleteUser(admin, user.id)).toBe(true);
      await expectCode(auth.authenticate(bearer(token)), 'UNAUTHENTICATED');
      await expectCode(
        auth.login('erase-me@tremplin.example', `correct horse ${n}`, null),
        'UNAUTHENTICATED',
      );
      const dump = JSON.stringify(
        (
          await pool.query(
            'select * from users u left join user_profiles p on p.user_id = u.id left join user_credentials c on c.user_id = u.id where u.id = $1',
            [user.id],
          )
        ).rows,
      );
      expect(dump).not.toContain('erase-me');
      expect(dump).not.toContain('Effacer');
      expect(dump).not.toContain('argon2');
      expect((await pool.query('select 1 from api_tokens where user_id = $1', [user.id])).rowCount).toBe(0);
      expect(await auth.users(admin)).not.toContainEqual(expect.objectContaining({ id: user.id }));
      await expectCode(auth.deleteUser(admin, user.id), 'NOT_FOUND');
      // The e-mail can be given to someone else.
      await expect(newMember({ email: 'erase-me@tremplin.example' })).resolves.toMatchObject({
        status: 'ACTIVE',
      });
    });
  });

  describe('user management', () => {
    it('is for ADMIN only, checked in the service', async () => {
      const target = await newMember();
      const input = {
        email: 'x@y.example',
        name: 'X',
        organisationId: TREMPLIN,
        role: 'MEMBER' as const,
        password: 'long enough password',
      };
      for (const role of ['NETWORK', 'FUNDER', 'MEMBER'] as const) {
        const actor: RequestUser = {
          userId: target.id,
          organisationId: TREMPLIN,
          role,
          regions: role === 'NETWORK' ? ['11'] : [],
        };
        await expectCode(auth.createUser(actor, input), 'FORBIDDEN');
        await expectCode(auth.disableUser(actor, target.id), 'FORBIDDEN');
        await expectCode(auth.deleteUser(actor, target.id), 'FORBIDDEN');
        await expectCode(auth.users(actor), 'FORBIDDEN');
      }
      await expectCode(auth.createUser(null, input), 'UNAUTHENTICATED');
      await expectCode(auth.deleteUser(null, target.id), 'UNAUTHENTICATED');
      expect((await auth.view(target.id))?.status).toBe('ACTIVE');
      await expectCode(auth.disableUser(admin, ADMIN_ID), 'BAD_USER_INPUT');
      await expectCode(auth.deleteUser(admin, '00000000-0000-4000-8000-000000000000'), 'NOT_FOUND');
    });

    it('validates accounts: unique e-mail, organisation, régions for NETWORK only, password length', async () => {
      const base = {
        name: 'N',
        organisationId: organisationIdOf('grafie'),
        role: 'NETWORK' as const,
        regions: ['11', '11'],
        password: 'network-password',
      };
      const network = await auth.createUser(admin, { ...base, email: 'reseau@grafie.example' });
      expect(network).toMatchObject({ role: 'NETWORK', regions: ['11'] });
      await expectCode(auth.createUser(admin, { ...base, email: 'RESEAU@grafie.example' }), 'BAD_USER_INPUT');
      await expectCode(
        auth.createUser(admin, { ...base, email: 'r2@grafie.example', regions: [] }),
        'BAD_USER_INPUT',
      );
      await expectCode(
        auth.createUser(admin, { ...base, email: 'r3@grafie.example', regions: ['Île-de-France'] }),
        'BAD_USER_INPUT',
      );
      await expectCode(
        auth.createUser(admin, { ...base, email: 'r4@grafie.example', role: 'MEMBER' }),
        'BAD_USER_INPUT',
      );
      await expectCode(
        auth.createUser(admin, {
          ...base,
          email: 'r5@grafie.example',
          role: 'FUNDER',
          regions: [],
          organisationId: null,
        }),
        'BAD_USER_INPUT',
      );
      await expectCode(
        auth.createUser(admin, { ...base, email: 'r6@grafie.example', password: 'short' }),
        'BAD_USER_INPUT',
      );
      await expectCode(auth.createUser(admin, { ...base, email: 'not-an-email' }), 'BAD_USER_INPUT');
      await expectCode(
        auth.createUser(admin, { ...base, email: 'r7@grafie.example', role: 'ROOT' as never }),
        'BAD_USER_INPUT',
      );
      const { accessToken } = await auth.login('reseau@grafie.example', 'network-password', null);
      expect(await auth.authenticate(bearer(accessToken))).toEqual({
        userId: network.id,
        organisationId: organisationIdOf('grafie'),
        role: 'NETWORK',
        regions: ['11'],
      });
    });
  });

  describe('passwords and account changes', () => {
    it('a user changes its own password: the current one is required, other sessions end, this one gets a fresh token', async () => {
      const user = await newMember();
      const password = `correct horse ${n}`;
      const { accessToken: other } = await auth.login(user.email!, password);
      const { accessToken: mine } = await auth.login(user.email!, password);
      const self = (await auth.authenticate(bearer(mine)))!;
      // No time passes: the cut-off is the credential's version, exact even within one second.
      await expectCode(auth.changePassword(self, 'not my password', 'a brand new password'), 'BAD_USER_INPUT');
      await expectCode(auth.changePassword(self, password, 'short'), 'BAD_USER_INPUT');
      await expectCode(auth.changePassword(self, password, password), 'BAD_USER_INPUT');
      await expectCode(auth.changePassword(null, password, 'a brand new password'), 'UNAUTHENTICATED');
      const fresh = await auth.changePassword(self, password, 'a brand new password');
      expect(await auth.authenticate(bearer(fresh.accessToken))).toMatchObject({ userId: user.id });
      await expectCode(auth.authenticate(bearer(other)), 'UNAUTHENTICATED');
      await expectCode(auth.authenticate(bearer(mine)), 'UNAUTHENTICATED');
      await expectCode(auth.login(user.email!, password), 'UNAUTHENTICATED');
      await expect(auth.login(user.email!, 'a brand new password')).resolves.toMatchObject({ user: { userId: user.id } });
    });

    it('of two password changes sent at once from two sessions, one wins and the other is told, never silently lost', async () => {
      const user = await newMember();
      const password = `correct horse ${n}`;
      const sessions = await Promise.all([auth.login(user.email!, password), auth.login(user.email!, password)]);
      const [a, b] = await Promise.all(sessions.map(async (s) => (await auth.authenticate(bearer(s.accessToken)))!));
      const outcomes = await Promise.allSettled([auth.changePassword(a, password, 'first new password'), auth.changePassword(b, password, 'second new password')]);
      expect(outcomes.map((o) => o.status).sort()).toEqual(['fulfilled', 'rejected']);
      const won = outcomes[0].status === 'fulfilled' ? 'first new password' : 'second new password';
      const lost = won === 'first new password' ? 'second new password' : 'first new password';
      const refusal = (outcomes.find((o) => o.status === 'rejected') as PromiseRejectedResult).reason as GraphQLError;
      // Both checked the old password before either changed it (the usual case): told it changed
      // meanwhile. Had one finished first, the other's current password would be wrong.
      expect([
        ['UNAUTHENTICATED', 'Votre mot de passe vient d’être changé par une autre session : reconnectez-vous.'],
        ['BAD_USER_INPUT', 'Mot de passe actuel incorrect.'],
      ]).toContainEqual([refusal.extensions.code, refusal.message]);
      // The password the winner was told it set is the one that works.
      await expect(auth.login(user.email!, won)).resolves.toMatchObject({ user: { userId: user.id } });
      await expectCode(auth.login(user.email!, lost), 'UNAUTHENTICATED');
    });

    it('refuses a new password made of spaces alone, and takes spaces within one', async () => {
      const user = await newMember();
      const password = `correct horse ${n}`;
      const self = (await auth.authenticate(bearer((await auth.login(user.email!, password)).accessToken)))!;
      await expectCode(auth.changePassword(self, password, ' '.repeat(12)), 'BAD_USER_INPUT');
      await expectCode(auth.changePassword(self, password, '\t  \n'.repeat(4)), 'BAD_USER_INPUT');
      await auth.changePassword(self, password, '  quatre mots de passe  ');
      await expect(auth.login(user.email!, '  quatre mots de passe  ')).resolves.toMatchObject({ user: { userId: user.id } });
    });

    it('wrong current passwords count towards the lock-out, like failed sign-ins', async () => {
      const user = await newMember();
      const password = `correct horse ${n}`;
      const token = (await auth.login(user.email!, password)).accessToken;
      const self = (await auth.authenticate(bearer(token)))!;
      for (let i = 0; i < 5; i++) await expectCode(auth.changePassword(self, `guess ${i}`, 'a brand new password'), 'BAD_USER_INPUT');
      await expectCode(auth.changePassword(self, password, 'a brand new password'), 'TOO_MANY_REQUESTS');
      await expectCode(auth.login(user.email!, password), 'TOO_MANY_REQUESTS');
      // An administrator gives a new password: the lock-out is lifted and the session ends.
      const reset = await auth.setUserPassword(admin, user.id, 'given by the operator');
      expect(reset).toMatchObject({ id: user.id, status: 'ACTIVE' });
      await expect(auth.login(user.email!, 'given by the operator')).resolves.toMatchObject({ user: { userId: user.id } });
      await expectCode(auth.login(user.email!, password), 'UNAUTHENTICATED');
      await expectCode(auth.authenticate(bearer(token)), 'UNAUTHENTICATED');
    });

    it('refuses a token whose credential version is not the current one, or malformed', async () => {
      const user = await newMember();
      expect(await auth.authenticate(bearer(auth.issueAccessToken(user.id, 0).accessToken))).toMatchObject({ userId: user.id });
      await expectCode(auth.authenticate(bearer(auth.issueAccessToken(user.id, 1).accessToken)), 'UNAUTHENTICATED');
      await expectCode(auth.authenticate(bearer(auth.issueAccessToken(user.id, -1).accessToken)), 'UNAUTHENTICATED');
    });

    it('an ADMIN changes role, organisation and régions; the change applies to the next request; validated like a creation', async () => {
      const user = await newMember();
      const { accessToken } = await auth.login(user.email!, `correct horse ${n}`);
      const grafie = organisationIdOf('grafie');
      const updated = await auth.updateUser(admin, user.id, { role: 'NETWORK', organisationId: grafie, regions: ['84', '11'], name: '  Chargée de mission  ' });
      expect(updated).toMatchObject({ role: 'NETWORK', organisationId: grafie, regions: ['11', '84'], name: 'Chargée de mission', email: user.email });
      // The same token now carries the new role and régions.
      expect(await auth.authenticate(bearer(accessToken))).toEqual({ userId: user.id, role: 'NETWORK', organisationId: grafie, regions: ['11', '84'] });
      // Back to MEMBER: régions must go (given as [] or left out).
      await expectCode(auth.updateUser(admin, user.id, { role: 'MEMBER', organisationId: TREMPLIN, regions: ['11'] }), 'BAD_USER_INPUT');
      expect(await auth.updateUser(admin, user.id, { role: 'MEMBER', organisationId: TREMPLIN })).toMatchObject({ role: 'MEMBER', regions: [] });
      await expectCode(auth.updateUser(admin, user.id, { role: 'FUNDER', organisationId: '' }), 'BAD_USER_INPUT');
      await expectCode(auth.updateUser(admin, user.id, { name: '' }), 'BAD_USER_INPUT');
      await expectCode(auth.updateUser(admin, user.id, { regions: ['1'] }), 'BAD_USER_INPUT');
      await expectCode(auth.updateUser(admin, ADMIN_ID, { role: 'MEMBER', organisationId: TREMPLIN }), 'BAD_USER_INPUT');
      await expectCode(auth.updateUser(admin, '00000000-0000-4000-8000-000000000000', { name: 'X' }), 'NOT_FOUND');
      const member = (await auth.authenticate(bearer(accessToken)))!;
      await expectCode(auth.updateUser(member, user.id, { name: 'Moi' }), 'FORBIDDEN');
      await expectCode(auth.setUserPassword(member, user.id, 'long enough password'), 'FORBIDDEN');
      await auth.deleteUser(admin, user.id);
      await expectCode(auth.updateUser(admin, user.id, { name: 'X' }), 'NOT_FOUND');
      await expectCode(auth.setUserPassword(admin, user.id, 'long enough password'), 'NOT_FOUND');
    });
  });

  describe('demo accounts and the pool-level authenticate()', () => {
    it('seeds one account per role once, each able to sign in with its documented password', async () => {
      const created = await seedDemoAccounts(pool);
      expect(created).toEqual(DEMO_ACCOUNTS.map((a) => a.email));
      expect(await seedDemoAccounts(pool)).toEqual([]);
      const shared = await authServiceFor(pool);
      const roles: Record<string, RequestUser> = {};
      for (const account of DEMO_ACCOUNTS) {
        const { accessToken } = await shared.login(account.email, account.password, null);
        const user = (await authenticate(pool, { authorization: `Bearer ${accessToken}` }))!;
        roles[account.role] = user;
      }
      expect(roles.ADMIN).toMatchObject({ organisationId: null, regions: [] });
      expect(roles.NETWORK).toMatchObject({ organisationId: organisationIdOf('grafie'), regions: ['11'] });
      expect(roles.FUNDER).toMatchObject({ organisationId: REGION_IDF, regions: [] });
      expect(roles.MEMBER?.organisationId).toBeDefined();
      expect(await authenticate(pool, {})).toBeNull();
    });
  });
});
