import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { createTestDatabase, errorCode, graphqlClient, type GraphQLResponse, type TestDatabase } from '@maillage/testing';
import { createApp } from '../src/bootstrap';
import { AuthService } from '../src/auth/auth.service';
import { TestActors } from './support/actors';
import type { Pool } from 'pg';
import { PG_POOL } from '../src/database/database.module';

jest.setTimeout(180_000);

const LEAK = /stacktrace|node_modules|at \/|select |insert |argon|pg_|ECONN/i;

/** Abuse over HTTP against the running app: each is refused with its code and leaks nothing. */
describe('abuse: brute force, floods, stolen or stale tokens, cross-site requests', () => {
  let db: TestDatabase;
  let app: NestFastifyApplication;
  let url: string;
  let gql: ReturnType<typeof graphqlClient>;
  let actors: TestActors;
  const previous = { mutations: process.env.MAILLAGE_RATE_LIMIT_MUTATIONS, login: process.env.MAILLAGE_RATE_LIMIT_LOGIN };

  beforeAll(async () => {
    process.env.MAILLAGE_RATE_LIMIT_MUTATIONS = '20';
    process.env.MAILLAGE_RATE_LIMIT_LOGIN = '30';
    db = await createTestDatabase('abuse');
    app = await createApp({ databaseUrl: db.url });
    await app.listen(0, '127.0.0.1');
    url = `${await app.getUrl()}/graphql`;
    gql = graphqlClient(url);
    actors = TestActors.of(app);
  });

  afterAll(async () => {
    for (const [name, value] of [
      ['MAILLAGE_RATE_LIMIT_MUTATIONS', previous.mutations],
      ['MAILLAGE_RATE_LIMIT_LOGIN', previous.login],
    ] as const) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
    await app?.close();
    await db?.drop();
  });

  const login = (email: string, password: string) =>
    gql(`mutation($e: String!, $p: String!) { login(email: $e, password: $p) { accessToken } }`, { e: email, p: password });

  it('withstands 1,000 failed sign-ins: at most 5 wrong passwords are checked, then everything is refused, the right password included', async () => {
    const auth = app.get(AuthService);
    await auth.createUserUnchecked({ email: 'victime@test.maillage.fr', name: 'Victime', role: 'MEMBER', organisationId: 'org-victime', password: 'le-bon-mot-de-passe' });
    const answers: GraphQLResponse[] = [];
    for (let batch = 0; batch < 20; batch++) {
      answers.push(...(await Promise.all(Array.from({ length: 50 }, (_, i) => login('victime@test.maillage.fr', `essai ${batch}-${i}`)))));
    }
    const codes = answers.map(errorCode);
    expect(codes).toHaveLength(1000);
    expect(codes.filter((c) => c === 'UNAUTHENTICATED').length).toBeLessThanOrEqual(5);
    expect(codes.filter((c) => c === 'TOO_MANY_REQUESTS').length).toBeGreaterThanOrEqual(995);
    expect(new Set(codes)).toEqual(new Set(['UNAUTHENTICATED', 'TOO_MANY_REQUESTS']));
    for (const a of answers) {
      expect(a.data ?? null).toBeNull();
      expect(JSON.stringify(a.errors)).not.toMatch(LEAK);
      expect(a.errors![0].message).not.toContain('victime');
    }
    // Locked: even the right password is refused now.
    expect(errorCode(await login('victime@test.maillage.fr', 'le-bon-mot-de-passe'))).toBe('TOO_MANY_REQUESTS');
  });

  it('limits the mutations of one user per minute, with the wait in the answer, without touching other users or reads', async () => {
    const admin = await actors.admin();
    const register = (i: number, as = admin) =>
      gql(`mutation($i: RegisterOrganisationInput!) { registerOrganisation(input: $i) { organisationId } }`, { i: { name: `Structure ${i}`, kind: 'ACI', regionCode: '11', departementCode: '93' } }, as);
    const codes: unknown[] = [];
    for (let i = 0; i < 22; i++) codes.push(errorCode(await register(i)));
    expect(codes.slice(0, 20)).toEqual(Array(20).fill(null));
    expect(codes.slice(20)).toEqual(['TOO_MANY_REQUESTS', 'TOO_MANY_REQUESTS']);
    const refused = await register(99);
    expect(refused.errors![0].extensions!.retryAfterSeconds).toBeGreaterThan(0);
    expect(refused.errors![0].message).toMatch(/Réessayez dans \d+ seconde/);
    // Another user has its own budget; the limited user can still read.
    expect(errorCode(await register(100, await actors.network(['11'])))).toBeNull();
    expect(errorCode(await gql(`{ cooperations(first: 1) { edges { cursor } } }`, {}, admin))).toBeNull();
  });

  it('keeps one budget per user across API instances: the counters are in PostgreSQL', async () => {
    const second = await createApp({ databaseUrl: db.url }); // another instance on the same database
    try {
      await second.listen(0, '127.0.0.1');
      const other = graphqlClient(`${await second.getUrl()}/graphql`);
      const caller = await actors.network(['84'], 'network-two-instances');
      const register = (client: typeof gql, i: number) =>
        client(`mutation($i: RegisterOrganisationInput!) { registerOrganisation(input: $i) { organisationId } }`, { i: { name: `Deux instances ${i}`, kind: 'ACI', regionCode: '84', departementCode: '69' } }, caller);
      const codes: unknown[] = [];
      // Alternating between the instances: 20 accepted in all, not 20 on each.
      for (let i = 0; i < 20; i++) codes.push(errorCode(await register(i % 2 ? other : gql, i)));
      expect(codes).toEqual(Array(20).fill(null));
      expect(errorCode(await register(other, 20))).toBe('TOO_MANY_REQUESTS');
      expect(errorCode(await register(gql, 21))).toBe('TOO_MANY_REQUESTS');
      const { rows } = await app.get<Pool>(PG_POOL).query<{ hits: number }>(
        `select hits from auth_rate_limit where throttler = 'mutations' and key like '%' || $1`,
        [(await gql<{ me: { id: string } }>('{ me { id } }', {}, caller)).data!.me.id],
      );
      expect(rows).toEqual([{ hits: 21 }]); // counted until blocked; refusals while blocked are not counted
    } finally {
      await second.close();
    }
  });

  it('refuses a revoked API token and the token of a deleted user, over HTTP and WebSocket alike', async () => {
    const auth = app.get(AuthService);
    const user = await auth.createUserUnchecked({ email: 'script@test.maillage.fr', name: 'Script', role: 'FUNDER', organisationId: 'org-funder', password: 'un-mot-de-passe-long' });
    const { accessToken } = auth.issueAccessToken(user.id);
    const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
    const created = await gql<{ createApiToken: { id: string; token: string } }>(`mutation { createApiToken(name: "Rapport") { id token } }`, {}, bearer(accessToken));
    const { id, token } = created.data!.createApiToken;
    expect(errorCode(await gql(`{ me { role } }`, {}, bearer(token)))).toBeNull();
    await gql(`mutation($id: ID!) { revokeApiToken(id: $id) { id } }`, { id }, bearer(accessToken));
    const revoked = await gql(`{ me { role } }`, {}, bearer(token));
    expect(errorCode(revoked)).toBe('UNAUTHENTICATED');
    expect(JSON.stringify(revoked)).not.toMatch(/revok|révoqu/i); // same answer as any bad token

    const admin = await TestActors.of(app).admin(); // a fresh operator: the one above used up its mutations
    expect(errorCode(await gql(`mutation($id: ID!) { deleteUser(id: $id) }`, { id: user.id }, admin))).toBeNull();
    expect(errorCode(await gql(`{ me { role } }`, {}, bearer(accessToken)))).toBe('UNAUTHENTICATED');
    for (const stale of [token, accessToken]) {
      const client = createClient({ url: url.replace(/^http/, 'ws'), webSocketImpl: WebSocket, retryAttempts: 0, lazy: true, connectionParams: bearer(stale) });
      const outcome = await new Promise<unknown>((resolve) =>
        client.subscribe({ query: `subscription { regionalActivity(region: "11") { version } }` }, { next: () => resolve('delivered'), error: resolve, complete: () => resolve('completed') }),
      );
      await client.dispose();
      expect(outcome).toMatchObject({ code: 4403 });
    }
  });

  it('keeps CSRF prevention on: a simple cross-site request is refused before execution', async () => {
    const simplePost = await fetch(url, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: JSON.stringify({ query: '{ health { status } }' }) });
    expect(simplePost.status).toBe(400);
    expect(await simplePost.text()).toMatch(/CSRF/i);
    const simpleGet = await fetch(`${url}?query=${encodeURIComponent('{ health { status } }')}`);
    expect(simpleGet.status).toBe(400);
    // A JSON request (not "simple": it needs a CORS preflight) goes through.
    expect(errorCode(await gql(`{ health { status } }`))).toBeNull();
  });

  it('turns introspection and field suggestions off in production', async () => {
    const previousEnv = process.env.NODE_ENV;
    process.env.NODE_ENV = 'production';
    const prodDb = await createTestDatabase('abuse-production');
    const prod = await createApp({ databaseUrl: prodDb.url });
    try {
      await prod.listen(0, '127.0.0.1');
      const prodGql = graphqlClient(`${await prod.getUrl()}/graphql`);
      const introspection = await prodGql(`{ __schema { queryType { name } } }`);
      expect(introspection.errors?.length).toBeGreaterThan(0);
      const typo = await prodGql(`{ healt { status } }`);
      expect(JSON.stringify(typo.errors)).not.toMatch(/Did you mean|health/);
      // The same over graphql-ws, which runs queries too: introspection ran there, suggestions showed.
      const prodWs = createClient({ url: `${await prod.getUrl()}/graphql`.replace(/^http/, 'ws'), webSocketImpl: WebSocket, retryAttempts: 0, lazy: true });
      try {
        const overWs = (query: string) =>
          new Promise<unknown>((resolve) => prodWs.subscribe({ query }, { next: resolve, error: resolve, complete: () => resolve('completed') }));
        const wsIntrospection = (await overWs(`{ __schema { queryType { name } } }`)) as { extensions?: { code?: string } }[];
        expect(Array.isArray(wsIntrospection) && wsIntrospection.map((e) => e.extensions?.code)).toEqual([errorCode(introspection)]);
        const wsTypo = await overWs(`{ healt { status } }`);
        expect(JSON.stringify(wsTypo)).toMatch(/GRAPHQL_VALIDATION_FAILED/);
        expect(JSON.stringify(wsTypo)).not.toMatch(/Did you mean|health/);
      } finally {
        await prodWs.dispose();
      }
    } finally {
      process.env.NODE_ENV = previousEnv;
      await prod.close();
      await prodDb.drop();
    }
  });
});
