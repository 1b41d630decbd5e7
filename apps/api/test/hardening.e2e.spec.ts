import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createTestDatabase, errorCode, graphqlClient, type TestDatabase } from '@maillage/testing';
import { createApp } from '../src/bootstrap';
import { ARMOR_LIMITS } from '../src/graphql/armor';
import { TestActors } from './support/actors';

/** Abuse over HTTP: each request is refused before execution, with a code and no internals. */
describe('GraphQL endpoint hardening', () => {
  let db: TestDatabase;
  let app: NestFastifyApplication;
  let url: string;
  let gql: ReturnType<typeof graphqlClient>;

  beforeAll(async () => {
    db = await createTestDatabase('hardening');
    app = await createApp({ databaseUrl: db.url });
    await app.listen(0, '127.0.0.1');
    url = `${await app.getUrl()}/graphql`;
    // Signed in as a network: the limits must hold for callers who get past authentication.
    gql = graphqlClient(url, await TestActors.of(app).network(['11']));
  });

  afterAll(async () => {
    await app.close();
    await db.drop();
  });

  const refusedWithoutLeak = (response: { errors?: { message: string; extensions?: Record<string, unknown> }[] }) => {
    expect(response.errors?.length).toBeGreaterThan(0);
    expect(errorCode(response)).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(JSON.stringify(response)).not.toMatch(/stacktrace|node_modules|at \//);
  };

  it('refuses an over-deep query and lets the console’s deepest query through', async () => {
    expect((await gql(`{ cooperations(first: 50) { edges { node { members { organisation { id name kindLabel } } } } } }`)).errors).toBeUndefined();
    const standardIntrospection = `{ __schema { types { fields { type { ofType { ofType { ofType { ofType { ofType { ofType { ofType { name } } } } } } } } } } } }`;
    expect((await gql(standardIntrospection)).errors).toBeUndefined();
    let nested = 'name';
    for (let i = 0; i < ARMOR_LIMITS.maxDepth; i++) nested = `ofType { ${nested} }`;
    refusedWithoutLeak(await gql(`{ __schema { types { fields { type { ${nested} } } } } }`));
  });

  it('refuses an alias flood', async () => {
    const aliases = Array.from({ length: ARMOR_LIMITS.maxAliases + 5 }, (_, i) => `h${i}: health { status }`).join(' ');
    refusedWithoutLeak(await gql(`{ ${aliases} }`));
  });

  it('refuses a huge page: by the cost limit before execution, or by the page-size cap', async () => {
    refusedWithoutLeak(await gql(`{ cooperations(first: 100000) { edges { node { id name } } } }`));
    expect(errorCode(await gql(`{ cooperations(first: 101) { edges { cursor } } }`))).toBe('BAD_USER_INPUT');
  });

  it('refuses a deeply nested document and a token flood before parsing, with HTTP 400', async () => {
    const post = async (query: string) => {
      const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query }) });
      const body = (await response.json()) as { errors?: { message: string; extensions?: Record<string, unknown> }[] };
      return { status: response.status, code: errorCode(body), body };
    };
    // 5,000 nested lists overflowed the parser's call stack (HTTP 500, "RangeError" in the answer).
    for (const depth of [100, 5_000, 100_000]) {
      const deep = await post(`{ organisation(id: ${'['.repeat(depth)}"x"${']'.repeat(depth)}) { name } }`);
      expect({ depth, status: deep.status, code: deep.code }).toEqual({ depth, status: 400, code: 'GRAPHQL_PARSE_FAILED' });
      expect(JSON.stringify(deep.body)).not.toMatch(/RangeError|stack/);
    }
    const flood = await post(`{ health { ${'status '.repeat(ARMOR_LIMITS.maxTokens)} } }`);
    expect([flood.status, flood.code]).toEqual([400, 'GRAPHQL_PARSE_FAILED']);
    // Brackets in strings and comments do not count; ordinary nesting goes through.
    expect((await post(`{ health { status } } # ${'['.repeat(200)}`)).status).toBe(200);
    expect((await gql(`{ cooperations(first: 1, filter: { region: "11" }) { edges { node { id } } } }`)).errors).toBeUndefined();
  });

  it('does not run batched HTTP requests', async () => {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify([{ query: '{ health { status } }' }, { query: '{ health { status } }' }]),
    });
    expect(response.status).toBe(400);
    expect(await response.text()).not.toMatch(/"status":"ok"/);
  });
});
