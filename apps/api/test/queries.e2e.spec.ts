import { randomUUID } from 'node:crypto';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Pool } from 'pg';
import type { ProjectionRunner } from '@maillage/projections';
import { createTestDatabase, errorCode, graphqlClient, type TestDatabase } from '@maillage/testing';
import { createApp } from '../src/bootstrap';
import { PG_POOL } from '../src/database/database.module';
import { PROJECTION_RUNNER } from '../src/projections/projections.module';
import { TestActors } from './support/actors';

jest.setTimeout(120_000);

describe('GraphQL queries', () => {
  let db: TestDatabase;
  let app: NestFastifyApplication;
  let gql: ReturnType<typeof graphqlClient>;
  let pool: Pool;
  let actors: TestActors;
  let networkHeaders: Record<string, string>;
  const ids: string[] = [];

  const mutate = async (name: string, input: Record<string, unknown>, headers: Record<string, string> = {}) => {
    const type = `${name[0].toUpperCase()}${name.slice(1)}Input`;
    const field = name === 'registerOrganisation' ? 'organisationId' : 'cooperationId';
    const r = await gql<Record<string, Record<string, string>>>(`mutation($input: ${type}!) { ${name}(input: $input) { ${field} } }`, { input }, headers);
    if (r.errors) throw new Error(JSON.stringify(r.errors));
    return r.data![name][field];
  };

  beforeAll(async () => {
    db = await createTestDatabase('queries');
    app = await createApp({ databaseUrl: db.url });
    await app.listen(0, '127.0.0.1');
    actors = TestActors.of(app);
    // Reads as the network of Auvergne-Rhône-Alpes (it sees every cooperation of région 84).
    networkHeaders = await actors.network(['84']);
    gql = graphqlClient(`${await app.getUrl()}/graphql`, networkHeaders);
    pool = app.get<Pool>(PG_POOL);
    const admin = await actors.admin();
    const orgs: string[] = [];
    for (let i = 0; i < 6; i++) orgs.push(await mutate('registerOrganisation', { name: `Structure ${i}`, kind: i % 2 ? 'EI' : 'ACI', regionCode: '84', departementCode: '69' }, admin));
    for (let i = 0; i < 60; i++) {
      const lead = await actors.member(orgs[i % 6]);
      const id = await mutate(
        'proposeCooperation',
        { kind: 'GIE', name: `GIE lyonnais ${i}`, objectives: ['POOLING'], territory: { regionCode: '84', departementCodes: ['69'] }, leadOrganisationId: orgs[i % 6], occurredAt: new Date(Date.UTC(2024, 0, 1 + i)).toISOString() },
        { 'x-correlation-id': `seed-${i}`, ...lead },
      );
      await mutate('addMember', { cooperationId: id, organisationId: orgs[(i + 1) % 6] }, lead);
      await mutate('addMember', { cooperationId: id, organisationId: orgs[(i + 2) % 6] }, lead);
      ids.push(id);
    }
    await app.get<ProjectionRunner>(PROJECTION_RUNNER).catchUp({ timeoutMs: 30_000 });
  });

  afterAll(async () => {
    await app.close();
    await db.drop();
  });

  const LIST = `query($first: Int, $after: String) {
    cooperations(filter: { region: "84" }, first: $first, after: $after) {
      edges { cursor node { id name stageLabel members { role mandataire organisation { name kindLabel } } } }
      pageInfo { hasNextPage endCursor }
    }
  }`;

  it('costs a constant number of queries for a page of cooperations with members and organisations', async () => {
    const spy = jest.spyOn(pool, 'query');
    const statementsFor = async (first: number) => {
      spy.mockClear();
      const r = await gql<{ cooperations: { edges: { node: { members: { organisation: { name: string } }[] } }[] } }>(LIST, { first });
      expect(r.errors).toBeUndefined();
      expect(r.data!.cooperations.edges).toHaveLength(first);
      for (const edge of r.data!.cooperations.edges) {
        expect(edge.node.members).toHaveLength(3);
        for (const member of edge.node.members) expect(member.organisation.name).toMatch(/^Structure \d$/);
      }
      return spy.mock.calls.map(([sql]) => String(sql).trim().split(/\s+/).slice(0, 3).join(' '));
    };
    const small = await statementsFor(5);
    const large = await statementsFor(50);
    spy.mockRestore();
    // The caller's user row, the read models' version, the page with its members, and the
    // organisations once (none when the directory already holds them): never one per item.
    for (const statements of [small, large]) {
      expect(statements.length).toBeLessThanOrEqual(4);
      expect(statements.filter((s) => s === 'select id, name,').length).toBeLessThanOrEqual(2); // the page; the organisations
      // One version read per request, shared by the whole-answer cache and the directory.
      expect(statements.filter((s) => s === 'select string_agg(name ||')).toHaveLength(1);
    }
    expect(small.filter((s) => s.startsWith('select id, name,'))).toHaveLength(2);
    expect(large.length).toBeLessThanOrEqual(small.length);
  });

  it('pages with keyset cursors, newest first, without duplicates or gaps', async () => {
    const seen: string[] = [];
    let after: string | null = null;
    for (;;) {
      const r: { data?: { cooperations: { edges: { node: { id: string } }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } } } | null } = await gql(LIST, { first: 25, after });
      const page = r.data!.cooperations;
      seen.push(...page.edges.map((e) => e.node.id));
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    expect(seen).toHaveLength(60);
    expect(new Set(seen).size).toBe(60);
    expect(seen[0]).toBe(ids[59]);
    // Every edge carries its own cursor: continuing after the 10th gives the 11th onwards.
    const page: { data?: { cooperations: { edges: { cursor: string; node: { id: string } }[] } } | null } = await gql(LIST, { first: 12 });
    const tenth = page.data!.cooperations.edges[9].cursor;
    const next: { data?: { cooperations: { edges: { node: { id: string } }[] } } | null } = await gql(LIST, { first: 2, after: tenth });
    expect(next.data!.cooperations.edges.map((e) => e.node.id)).toEqual(seen.slice(10, 12));
  });

  it('refuses oversized pages, bad cursors, unknown régions and bad dates with BAD_USER_INPUT', async () => {
    expect(errorCode(await gql(LIST, { first: 1000 }))).toBe('BAD_USER_INPUT');
    expect(errorCode(await gql(LIST, { first: 10, after: 'not-a-cursor' }))).toBe('BAD_USER_INPUT');
    expect(errorCode(await gql(`{ regionalDashboard(region: "99") { region } }`))).toBe('BAD_USER_INPUT');
    expect(errorCode(await gql(`{ cooperations(filter: { region: "99" }) { edges { cursor } } }`))).toBe('BAD_USER_INPUT');
    expect(errorCode(await gql(`query($id: ID!) { cooperation(id: $id, asOf: "31/12/2024") { id } }`, { id: ids[0] }))).toBe('BAD_USER_INPUT');
  });

  it('answers NOT_FOUND for a missing cooperation and for one that did not exist yet at asOf', async () => {
    expect(errorCode(await gql(`query($id: ID!) { cooperation(id: $id) { id } }`, { id: randomUUID() }))).toBe('NOT_FOUND');
    expect(errorCode(await gql(`query($id: ID!) { cooperation(id: $id, asOf: "2023-12-31") { id } }`, { id: ids[0] }))).toBe('NOT_FOUND');
    expect(errorCode(await gql(`query($id: ID!) { history(cooperationId: $id) { eventId } }`, { id: randomUUID() }))).toBe('NOT_FOUND');
  });

  it('reads a date-only asOf as the end of that day in France: a cooperation proposed at 00:30 on 1 January is not in the year before', async () => {
    // In Bourgogne-Franche-Comté, away from the other tests' région, read by an operator.
    const admin = await actors.admin();
    const lead = await mutate('registerOrganisation', { name: 'Nouvel An', kind: 'EI', regionCode: '27', departementCode: '21' }, admin);
    const id = await mutate(
      'proposeCooperation',
      { kind: 'GIE', name: 'GIE du Nouvel An', objectives: ['POOLING'], territory: { regionCode: '27', departementCodes: ['21'] }, leadOrganisationId: lead, occurredAt: '2026-01-01T00:30:00+01:00' },
      await actors.member(lead),
    );
    // 23:30 UTC on 31 December: the same day in UTC, already the next in France.
    expect(errorCode(await gql(`query($id: ID!) { cooperation(id: $id, asOf: "2025-12-31") { id } }`, { id }, admin))).toBe('NOT_FOUND');
    expect((await gql<{ cooperation: { id: string } }>(`query($id: ID!) { cooperation(id: $id, asOf: "2026-01-01") { id } }`, { id }, admin)).data).toEqual({ cooperation: { id } });
    await app.get<ProjectionRunner>(PROJECTION_RUNNER).catchUp({ timeoutMs: 30_000 });
    const active = async (asOf: string) => {
      const r = await gql<{ regionalDashboard: { byStatus: { status: string; count: number }[] } }>(
        `query($asOf: String) { regionalDashboard(region: "27", asOf: $asOf) { byStatus { status count } } }`,
        { asOf },
        admin,
      );
      expect(r.errors).toBeUndefined();
      return r.data!.regionalDashboard.byStatus.find((s) => s.status === 'ACTIVE')?.count ?? 0;
    };
    expect([await active('2025-12-31'), await active('2026-01-01')]).toEqual([0, 1]);
  });

  it('gives the history of a cooperation with French labels, both dates and the correlation id', async () => {
    const r = await gql<{ history: { type: string; label: string; occurredAt: string; recordedAt: string; correlationId: string; version: number }[] }>(
      `query($id: ID!) { history(cooperationId: $id) { type label occurredAt recordedAt correlationId version actor { userId } } }`,
      { id: ids[3] },
    );
    expect(r.errors).toBeUndefined();
    const history = r.data!.history;
    expect(history.map((h) => h.type)).toEqual(['CooperationProposed', 'CooperationMemberAdded', 'CooperationMemberAdded', 'CooperationMemberAdded']);
    expect(history[0].label).toMatch(/propos/i);
    expect(history[0].occurredAt).toBe('2024-01-04T00:00:00.000Z');
    expect(Date.parse(history[0].recordedAt)).toBeGreaterThan(Date.parse(history[0].occurredAt));
    expect(history[0].correlationId).toBe('seed-3');
    expect(history.map((h) => h.version)).toEqual([1, 2, 3, 4]);
    // What each fact recorded, in French, with the organisations' names from the directory.
    const details = await gql<{ history: { details: string }[] }>(`query($id: ID!) { history(cooperationId: $id) { details } }`, { id: ids[3] });
    expect(details.data!.history.map((h) => h.details)).toEqual([
      expect.stringMatching(/^Groupement d'intérêt économique.* « GIE lyonnais 3 » proposé par Structure 3$/) as string,
      expect.stringMatching(/^Structure 3 rejoint la coopération \(.+\)$/) as string,
      expect.stringMatching(/^Structure 4 rejoint la coopération \(.+\)$/) as string,
      expect.stringMatching(/^Structure 5 rejoint la coopération \(.+\)$/) as string,
    ]);
  });

  it('lists the supports (accompagnements) of a cooperation with their provider, oldest first, as of any date', async () => {
    const admin = await actors.admin();
    const dla = await mutate('registerOrganisation', { name: 'DLA du Rhône', kind: 'NETWORK', regionCode: '84', departementCode: '69' }, admin);
    const id = ids[5];
    await mutate('recordSupport', { cooperationId: id, kind: 'DLA', providerOrganisationId: dla, period: { start: '2024-03-01', end: '2024-06-30' }, description: 'Diagnostic et plan d’accompagnement', occurredAt: '2024-03-01T09:00:00Z' }, networkHeaders);
    await mutate('recordSupport', { cooperationId: id, kind: 'NETWORK', period: { start: '2024-02-01' }, occurredAt: '2024-04-01T09:00:00Z' }, networkHeaders);
    const unknown = await gql('mutation($input: RecordSupportInput!) { recordSupport(input: $input) { version } }', {
      input: { cooperationId: id, kind: 'DLA', providerOrganisationId: randomUUID(), period: { start: '2024-05-01' } },
    });
    expect(unknown.errors![0].extensions).toMatchObject({ code: 'NOT_FOUND', field: 'providerOrganisationId' });
    await app.get<ProjectionRunner>(PROJECTION_RUNNER).catchUp({ timeoutMs: 30_000 }); // the provider's name, from the directory
    const SUPPORTS = `query($id: ID!, $asOf: String) { cooperation(id: $id, asOf: $asOf) { supports { kind kindLabel providerOrganisationId provider { name } periodStart periodEnd description } } }`;
    const now = await gql<{ cooperation: { supports: unknown[] } }>(SUPPORTS, { id });
    expect(now.data!.cooperation.supports).toEqual([
      { kind: 'NETWORK', kindLabel: expect.any(String) as string, providerOrganisationId: null, provider: null, periodStart: '2024-02-01', periodEnd: null, description: null },
      { kind: 'DLA', kindLabel: expect.stringContaining('DLA') as string, providerOrganisationId: dla, provider: { name: 'DLA du Rhône' }, periodStart: '2024-03-01', periodEnd: '2024-06-30', description: 'Diagnostic et plan d’accompagnement' },
    ]);
    const before = await gql<{ cooperation: { supports: { kind: string }[] } }>(SUPPORTS, { id, asOf: '2024-03-15' });
    expect(before.data!.cooperation.supports.map((s) => s.kind)).toEqual(['DLA']);

    // The history tells them in French, with the provider's name; a measurement with its indicator's label.
    const lead = await actors.member((await gql<{ cooperation: { leadOrganisationId: string } }>(`query($id: ID!) { cooperation(id: $id) { leadOrganisationId } }`, { id })).data!.cooperation.leadOrganisationId);
    await mutate('defineIndicator', { cooperationId: id, code: 'C1', label: 'Emploi', indicators: [{ indicatorId: 'people', code: 'C1-I1', standard: 'PEOPLE_IN_INSERTION', target: '12' }] }, lead);
    await mutate('recordMeasurement', { cooperationId: id, indicatorId: 'people', period: { start: '2024-01-01', end: '2024-12-31' }, value: '12.5' }, lead);
    await app.get<ProjectionRunner>(PROJECTION_RUNNER).catchUp({ timeoutMs: 30_000 });
    const history = await gql<{ history: { details: string }[] }>(`query($id: ID!) { history(cooperationId: $id) { details } }`, { id });
    expect(history.data!.history.slice(-4).map((h) => h.details)).toEqual([
      "Dispositif local d'accompagnement (DLA) par DLA du Rhône, du 1er mars 2024 au 30 juin 2024 : Diagnostic et plan d’accompagnement",
      expect.stringMatching(/, depuis le 1er février 2024$/) as string,
      'Critère « Emploi » avec 1 indicateur',
      'Personnes en parcours d’insertion : 12,5, du 1er janvier 2024 au 31 décembre 2024',
    ]);
  });

  it('reports projection lag and dead letters', async () => {
    const r = await gql<{ projectionStatus: { name: string; state: string; lag: number; pendingDeadLetters: number }[] }>(
      `{ projectionStatus { name state lag pendingDeadLetters deadLetters { eventId } } }`,
      {},
      await actors.admin(),
    );
    expect(r.errors).toBeUndefined();
    expect(r.data!.projectionStatus.length).toBeGreaterThanOrEqual(3);
    for (const p of r.data!.projectionStatus) expect(p).toMatchObject({ state: 'running', lag: 0, pendingDeadLetters: 0 });
  });

  // Last: it adds a cooperation to région 84.
  it('answers the same read-model query from the cache until a projection batch commits, never after', async () => {
    const LATEST = `query($first: Int) { cooperations(filter: { region: "84" }, first: $first) { edges { node { id name members { organisation { name } } } } } }`;
    const spy = jest.spyOn(pool, 'query');
    try {
      const first = await gql<{ cooperations: { edges: { node: { id: string } }[] } }>(LATEST, { first: 3 });
      expect(first.data!.cooperations.edges[0].node.id).toBe(ids[59]);
      spy.mockClear();
      const again = await gql(LATEST, { first: 3 });
      expect(again).toEqual(first);
      expect(spy.mock.calls.map(([sql]) => String(sql).trim().split(/\s+/).slice(0, 3).join(' '))).toEqual([
        // The caller comes from the active-user cache (dropped when its account changes); only the
        // read models' version is read: unchanged, so the answer is kept.
        'select string_agg(name ||',
      ]);

      // A kept answer's JSON text is made once, then sent as it is: the bytes are the same, and
      // serving it again serialises nothing.
      const raw = async () => {
        const response = await fetch(`${await app.getUrl()}/graphql`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...networkHeaders },
          body: JSON.stringify({ query: LATEST, variables: { first: 3 } }),
        });
        return response.text();
      };
      const text = await raw();
      expect(text).toBe(`${JSON.stringify({ data: first.data })}\n`);
      const stringify = jest.spyOn(JSON, 'stringify');
      try {
        expect(await raw()).toBe(text);
        expect(stringify.mock.calls.filter(([value]) => typeof value === 'object' && value !== null && 'data' in value)).toEqual([]);
      } finally {
        stringify.mockRestore();
      }

      // Another caller does not get this caller's answer: it runs the resolvers.
      spy.mockClear();
      const admin = graphqlClient(`${await app.getUrl()}/graphql`, await actors.admin());
      expect((await admin(LATEST, { first: 3 })).data).toEqual(first.data);
      // (the version, then the page: the organisations are in the directory already)
      expect(spy.mock.calls.map(([sql]) => String(sql).trim().split(/\s+/).slice(0, 3).join(' '))).toContain('select id, name,');

      // A new cooperation, once projected, is in the next answer.
      const { rows } = await pool.query<{ id: string }>(`select id from organisation where name = 'Structure 0'`);
      const lead = await actors.member(rows[0].id);
      const created = await mutate(
        'proposeCooperation',
        { kind: 'GIE', name: 'GIE lyonnais du jour', objectives: ['POOLING'], territory: { regionCode: '84', departementCodes: ['69'] }, leadOrganisationId: rows[0].id },
        lead,
      );
      await app.get<ProjectionRunner>(PROJECTION_RUNNER).catchUp({ timeoutMs: 30_000 });
      const after = await gql<{ cooperations: { edges: { node: { id: string; name: string } }[] } }>(LATEST, { first: 3 });
      expect(after.data!.cooperations.edges.map((e) => e.node.id)).toEqual([created, ids[59], ids[58]]);
      expect(after.data!.cooperations.edges[0].node.name).toBe('GIE lyonnais du jour');

      // Requests for an answer being computed wait for it (single flight): twelve identical
      // requests arriving while the page is read (slowly, here) read it once, and all get the
      // same answer.
      spy.mockRestore();
      const original = pool.query.bind(pool) as (...args: unknown[]) => Promise<unknown>;
      const pageReads: string[] = [];
      const slowPages = async (...args: unknown[]): Promise<unknown> => {
        if (String(args[0]).trim().startsWith('select id, name,')) {
          pageReads.push(String(args[0]));
          await new Promise((resolve) => setTimeout(resolve, 300));
        }
        return original(...args);
      };
      const pooled = pool as unknown as { query: unknown };
      pooled.query = slowPages;
      try {
        const together = await Promise.all(Array.from({ length: 12 }, () => gql(LATEST, { first: 2 })));
        expect(together.every((r) => JSON.stringify(r) === JSON.stringify(together[0]))).toBe(true);
        expect((together[0].data as { cooperations: { edges: { node: { id: string } }[] } }).cooperations.edges.map((e) => e.node.id)).toEqual([created, ids[59]]);
        expect(pageReads).toHaveLength(1);
      } finally {
        delete pooled.query; // back to Pool.prototype.query
      }
    } finally {
      spy.mockRestore();
    }
  });
});
