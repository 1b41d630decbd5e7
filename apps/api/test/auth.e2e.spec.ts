/**
 * Accounts and sign-in over GraphQL/HTTP.
 * NEEDS THE WIRING of apps/api/src/auth/README.md ("Wiring") in app.module.ts and
 * graphql/request-context.ts: until then the auth fields are not in the schema and this file fails.
 */
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Pool } from 'pg';
import { createTestDatabase, errorCode, graphqlClient, type TestDatabase } from '@maillage/testing';
import { organisationIdOf } from '@maillage/demo-data';
import { createApp } from '../src/bootstrap';
import { DEMO_ACCOUNTS, seedDemoAccounts } from '../src/auth/demo-accounts';

jest.setTimeout(60_000);

const account = (role: string) => DEMO_ACCOUNTS.find((a) => a.role === role)!;

describe('accounts and sign-in over HTTP (needs the app wiring)', () => {
  let db: TestDatabase;
  let app: NestFastifyApplication;
  let pool: Pool;
  let gql: ReturnType<typeof graphqlClient>;

  const login = async (email: string, password: string) => {
    const r = await gql<{
      login: {
        accessToken: string;
        tokenType: string;
        expiresAt: string;
        user: { id: string; role: string };
      };
    }>(
      'mutation ($e: String!, $p: String!) { login(email: $e, password: $p) { accessToken tokenType expiresAt user { id role organisationId regions email } } }',
      { e: email, p: password },
    );
    return r;
  };
  const as = (token: string) => ({ authorization: `Bearer ${token}` });
  const tokenOf = async (role: string) =>
    (await login(account(role).email, account(role).password)).data!.login.accessToken;

  beforeAll(async () => {
    db = await createTestDatabase('auth_e2e');
    app = await createApp({ databaseUrl: db.url });
    await app.listen(0, '127.0.0.1');
    gql = graphqlClient(`${await app.getUrl()}/graphql`);
    pool = new Pool({ connectionString: db.url, max: 2 });
    await seedDemoAccounts(pool);
    // The organisations the accounts below belong to (accounts are created for registered ones only).
    const adminToken = await tokenOf('ADMIN');
    for (const organisation of [
      { organisationId: organisationIdOf('tremplin-travail'), name: 'Tremplin Travail', kind: 'AI', regionCode: '52', departementCode: '49' },
      { organisationId: organisationIdOf('grafie'), name: 'GRAFIE', kind: 'NETWORK', regionCode: '11', departementCode: '75' },
    ]) {
      const r = await gql('mutation ($input: RegisterOrganisationInput!) { registerOrganisation(input: $input) { organisationId } }', { input: organisation }, as(adminToken));
      expect(r.errors).toBeUndefined();
    }
  });

  afterAll(async () => {
    await pool.end();
    await app.close();
    await db.drop();
  });

  it('signs in, then `me` answers with the account; without a token `me` is UNAUTHENTICATED', async () => {
    const r = await login(account('NETWORK').email, account('NETWORK').password);
    expect(r.errors).toBeUndefined();
    expect(r.data!.login).toMatchObject({
      tokenType: 'Bearer',
      user: { role: 'NETWORK', organisationId: organisationIdOf('grafie'), regions: ['11'] },
    });
    const me = await gql<{ me: { email: string; role: string } }>(
      '{ me { id email name role regions status } }',
      {},
      as(r.data!.login.accessToken),
    );
    expect(me.data!.me).toMatchObject({ email: account('NETWORK').email, role: 'NETWORK', status: 'ACTIVE' });
    expect(errorCode(await gql('{ me { id } }'))).toBe('UNAUTHENTICATED');
  });

  it('answers a wrong password and an unknown e-mail identically', async () => {
    const wrong = await login(account('MEMBER').email, 'not-the-password');
    const unknown = await login('nobody@demo.maillage.fr', 'not-the-password');
    expect(errorCode(wrong)).toBe('UNAUTHENTICATED');
    expect(wrong.errors![0].message).toBe(unknown.errors![0].message);
    expect(wrong.errors![0].extensions).toEqual(unknown.errors![0].extensions);
    expect(wrong.data).toEqual(unknown.data);
  });

  it('refuses an invalid bearer token with UNAUTHENTICATED, even on a public query', async () => {
    const r = await gql('{ health { status } }', {}, { authorization: 'Bearer not.a.token' });
    expect(errorCode(r)).toBe('UNAUTHENTICATED');
    expect(JSON.stringify(r)).not.toMatch(/stack|sql|select/i);
    const anonymous = await gql<{ health: { status: string } }>('{ health { status } }');
    expect(anonymous.data!.health.status).toBe('ok');
  });

  it('creates an API token (secret shown once), lists it without the secret, and revokes it', async () => {
    const access = await tokenOf('FUNDER');
    const created = await gql<{
      createApiToken: { id: string; token: string; apiToken: { name: string; displayPrefix: string } };
    }>(
      'mutation { createApiToken(name: "Rapport annuel", expiresInDays: 30) { id token apiToken { name displayPrefix expiresAt } } }',
      {},
      as(access),
    );
    expect(created.errors).toBeUndefined();
    const { id, token } = created.data!.createApiToken;
    expect(token).toMatch(/^mlg_/);
    const me = await gql<{ me: { role: string } }>('{ me { role organisationId } }', {}, as(token));
    expect(me.data!.me).toEqual({ role: 'FUNDER', organisationId: organisationIdOf('conseil-regional-11') });
    const list = await gql<{ apiTokens: unknown[] }>(
      '{ apiTokens { id name displayPrefix revokedAt } }',
      {},
      as(token),
    );
    expect(list.data!.apiTokens).toEqual([
      { id, name: 'Rapport annuel', displayPrefix: token.slice(0, 8), revokedAt: null },
    ]);
    expect(JSON.stringify(list)).not.toContain(token.slice(8));

    const revoked = await gql(
      'mutation ($id: ID!) { revokeApiToken(id: $id) { id revokedAt } }',
      { id },
      as(access),
    );
    expect(revoked.errors).toBeUndefined();
    expect(errorCode(await gql('{ me { id } }', {}, as(token)))).toBe('UNAUTHENTICATED');
  });

  it('lets only an ADMIN create, disable and delete users', async () => {
    const input = {
      email: 'nouvelle@tremplin.example',
      name: 'Nouvelle',
      organisationId: organisationIdOf('tremplin-travail'),
      role: 'MEMBER',
      password: 'un mot de passe long',
    };
    const create =
      'mutation ($input: CreateUserInput!) { createUser(input: $input) { id email role status } }';
    for (const role of ['NETWORK', 'FUNDER', 'MEMBER']) {
      expect(errorCode(await gql(create, { input }, as(await tokenOf(role))))).toBe('FORBIDDEN');
    }
    expect(errorCode(await gql(create, { input }))).toBe('UNAUTHENTICATED');

    const adminToken = await tokenOf('ADMIN');
    const created = await gql<{ createUser: { id: string; status: string } }>(
      create,
      { input },
      as(adminToken),
    );
    expect(created.data!.createUser).toMatchObject({ email: input.email, role: 'MEMBER', status: 'ACTIVE' });
    const userId = created.data!.createUser.id;
    const userToken = (await login(input.email, input.password)).data!.login.accessToken;

    const disabled = await gql<{ disableUser: { status: string } }>(
      'mutation ($id: ID!) { disableUser(id: $id) { status } }',
      { id: userId },
      as(adminToken),
    );
    expect(disabled.data!.disableUser.status).toBe('DISABLED');
    expect(errorCode(await gql('{ me { id } }', {}, as(userToken)))).toBe('UNAUTHENTICATED');
    expect(errorCode(await login(input.email, input.password))).toBe('UNAUTHENTICATED');

    expect(
      errorCode(
        await gql('mutation ($id: ID!) { deleteUser(id: $id) }', { id: userId }, as(await tokenOf('MEMBER'))),
      ),
    ).toBe('FORBIDDEN');
    const deleted = await gql<{ deleteUser: boolean }>(
      'mutation ($id: ID!) { deleteUser(id: $id) }',
      { id: userId },
      as(adminToken),
    );
    expect(deleted.data!.deleteUser).toBe(true);
    const users = await gql<{ users: { id: string }[] }>('{ users { id email } }', {}, as(adminToken));
    expect(users.data!.users.map((u) => u.id)).not.toContain(userId);
  });

  it('creates and moves accounts only into registered organisations and existing régions', async () => {
    const adminToken = await tokenOf('ADMIN');
    const create = 'mutation ($input: CreateUserInput!) { createUser(input: $input) { id organisationId regions } }';
    const base = { email: 'dominique@grafie.example', name: 'Dominique', role: 'NETWORK', password: 'un mot de passe long', organisationId: organisationIdOf('grafie'), regions: ['11'] };
    const refusals: Record<string, unknown>[] = [{ organisationId: organisationIdOf('nulle-part') }, { regions: ['99'] }, { regions: ['11', '00'] }];
    for (const over of refusals) {
      const r = await gql(create, { input: { ...base, ...over } }, as(adminToken));
      expect({ over, code: errorCode(r) }).toEqual({ over, code: 'BAD_USER_INPUT' });
    }
    expect((await pool.query('select 1 from user_profiles where email = $1', [base.email])).rowCount).toBe(0);
    const created = await gql<{ createUser: { id: string } }>(create, { input: base }, as(adminToken));
    expect(created.errors).toBeUndefined();
    const update = 'mutation ($id: ID!, $input: UpdateUserInput!) { updateUser(id: $id, input: $input) { organisationId regions } }';
    const id = created.data!.createUser.id;
    const moved = await gql(update, { id, input: { organisationId: organisationIdOf('nulle-part') } }, as(adminToken));
    expect(moved.errors![0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT' }, message: expect.stringContaining(organisationIdOf('nulle-part')) as string });
    // Its régions change while its organisation stays: no lookup needed, and accepted.
    const renamed = await gql<{ updateUser: { regions: string[] } }>(update, { id, input: { regions: ['11', '84'] } }, as(adminToken));
    expect(renamed.data!.updateUser).toEqual({ organisationId: organisationIdOf('grafie'), regions: ['11', '84'] });
  });

  it('deletes an account once when asked twice at once, and a password set meanwhile does not outlive it', async () => {
    const adminToken = await tokenOf('ADMIN');
    for (let round = 0; round < 3; round++) {
      const input = { email: `double-${round}@tremplin.example`, name: 'Double', organisationId: organisationIdOf('tremplin-travail'), role: 'MEMBER', password: 'un mot de passe long' };
      const created = await gql<{ createUser: { id: string } }>('mutation ($input: CreateUserInput!) { createUser(input: $input) { id } }', { input }, as(adminToken));
      const id = created.data!.createUser.id;
      const [reset, ...deletions] = await Promise.all([
        gql('mutation ($id: ID!, $p: String!) { setUserPassword(id: $id, newPassword: $p) { id } }', { id, p: 'un autre mot de passe' }, as(adminToken)),
        ...[0, 1, 2].map(() => gql<{ deleteUser: boolean }>('mutation ($id: ID!) { deleteUser(id: $id) }', { id }, as(adminToken))),
      ]);
      expect(deletions.filter((d) => d.data?.deleteUser === true)).toHaveLength(1);
      expect(deletions.filter((d) => !d.data?.deleteUser).map(errorCode)).toEqual(['NOT_FOUND', 'NOT_FOUND']);
      expect([null, 'NOT_FOUND']).toContain(errorCode(reset));
      expect((await pool.query('select 1 from user_credentials where user_id = $1', [id])).rowCount).toBe(0);
      expect(errorCode(await login(input.email, 'un autre mot de passe'))).toBe('UNAUTHENTICATED');
    }
  });

  it('changes passwords and accounts over HTTP: own password, an operator reset, role and régions', async () => {
    const adminToken = await tokenOf('ADMIN');
    const input = { email: 'camille@tremplin.example', name: 'Camille', organisationId: organisationIdOf('tremplin-travail'), role: 'MEMBER', password: 'premier mot de passe' };
    const created = await gql<{ createUser: { id: string } }>('mutation ($input: CreateUserInput!) { createUser(input: $input) { id } }', { input }, as(adminToken));
    const userId = created.data!.createUser.id;
    const first = (await login(input.email, input.password)).data!.login.accessToken;

    const change = 'mutation ($c: String!, $n: String!) { changePassword(currentPassword: $c, newPassword: $n) { accessToken tokenType user { id } } }';
    const wrong = await gql(change, { c: 'pas le bon', n: 'second mot de passe' }, as(first));
    expect(errorCode(wrong)).toBe('BAD_USER_INPUT');
    expect(wrong.errors![0].message).toBe('Mot de passe actuel incorrect.');
    expect(errorCode(await gql(change, { c: input.password, n: 'court' }, as(first)))).toBe('BAD_USER_INPUT');
    expect(errorCode(await gql(change, { c: input.password, n: 'second mot de passe' }))).toBe('UNAUTHENTICATED');
    const changed = await gql<{ changePassword: { accessToken: string; user: { id: string } } }>(change, { c: input.password, n: 'second mot de passe' }, as(first));
    expect(changed.errors).toBeUndefined();
    expect(changed.data!.changePassword.user.id).toBe(userId);
    const second = changed.data!.changePassword.accessToken;
    expect(errorCode(await gql('{ me { id } }', {}, as(first)))).toBe('UNAUTHENTICATED'); // the old session ended
    expect(errorCode(await gql('{ me { id } }', {}, as(second)))).toBeNull();

    // The operator makes the account a network of two régions: the same token carries it at once.
    const update = 'mutation ($id: ID!, $input: UpdateUserInput!) { updateUser(id: $id, input: $input) { role organisationId regions name } }';
    const member = await gql(update, { id: userId, input: { name: 'Moi' } }, as(second));
    expect(errorCode(member)).toBe('FORBIDDEN');
    const updated = await gql<{ updateUser: { role: string; regions: string[] } }>(update, { id: userId, input: { role: 'NETWORK', organisationId: organisationIdOf('grafie'), regions: ['32', '11'] } }, as(adminToken));
    expect(updated.data!.updateUser).toEqual({ role: 'NETWORK', organisationId: organisationIdOf('grafie'), regions: ['11', '32'], name: 'Camille' });
    expect((await gql<{ me: { role: string; regions: string[] } }>('{ me { role regions } }', {}, as(second))).data!.me).toEqual({ role: 'NETWORK', regions: ['11', '32'] });
    expect(errorCode(await gql(update, { id: userId, input: { role: 'FUNDER', regions: ['11'] } }, as(adminToken)))).toBe('BAD_USER_INPUT'); // régions are for networks
    expect(errorCode(await gql(update, { id: userId, input: { regions: ['1'] } }, as(adminToken)))).toBe('BAD_USER_INPUT');

    // A forgotten password: the operator gives a new one; the sessions end.
    const reset = 'mutation ($id: ID!, $p: String!) { setUserPassword(id: $id, newPassword: $p) { id status } }';
    expect(errorCode(await gql(reset, { id: userId, p: 'donné par opérateur' }, as(second)))).toBe('FORBIDDEN');
    expect((await gql<{ setUserPassword: { status: string } }>(reset, { id: userId, p: 'donné par opérateur' }, as(adminToken))).data!.setUserPassword.status).toBe('ACTIVE');
    expect(errorCode(await gql('{ me { id } }', {}, as(second)))).toBe('UNAUTHENTICATED');
    expect(errorCode(await login(input.email, 'second mot de passe'))).toBe('UNAUTHENTICATED');
    expect(errorCode(await login(input.email, 'donné par opérateur'))).toBeNull();
  });

  it('signals a lock-out with TOO_MANY_REQUESTS after repeated failures', async () => {
    const email = account('MEMBER').email;
    const codes: unknown[] = [];
    for (let i = 0; i < 7; i++) codes.push(errorCode(await login(email, `wrong ${i}`)));
    expect(codes.slice(0, 5).every((c) => c === 'UNAUTHENTICATED')).toBe(true);
    expect(codes.slice(5)).toEqual(['TOO_MANY_REQUESTS', 'TOO_MANY_REQUESTS']);
  });
});
