import { randomUUID } from 'node:crypto';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import type { ProjectionRunner } from '@maillage/projections';
import { createTestDatabase, errorCode, graphqlClient, type GraphQLResponse, type TestDatabase } from '@maillage/testing';
import { createApp } from '../src/bootstrap';
import { PROJECTION_RUNNER } from '../src/projections/projections.module';
import type { ActivityFeed } from '../src/subscriptions/activity-feed';
import { ACTIVITY_FEED } from '../src/subscriptions/subscriptions.resolver';
import { TestActors, type Headers } from './support/actors';

jest.setTimeout(180_000);

/**
 * The access-control matrix, over HTTP and WebSocket with real tokens: every cell of the table
 * below (caller x operation, on the caller's own cooperation, another organisation's, another
 * région's) is one assertion. `ok` means the policy let the call through: reads return their data
 * (nested fields included), commands reach the domain (success or a domain rule's own code).
 *
 * The world:
 * - Île-de-France (11): cooperation X, a GME led by A with partner B, funded by F; cooperation Z led
 *   by E, with no event since 2020 (stalled); C is a structure of the région outside both.
 * - Pays de la Loire (52): cooperation Y led by D.
 */
type Caller = 'ANON' | 'ADMIN' | 'NET11' | 'NET52' | 'FUNDER_F' | 'FUNDER_G' | 'LEAD_A' | 'PARTNER_B' | 'OUTSIDER_C';
type Outcome = 'ok' | 'NOT_FOUND' | 'FORBIDDEN' | 'UNAUTHENTICATED';
const CALLERS: Caller[] = ['ANON', 'ADMIN', 'NET11', 'NET52', 'FUNDER_F', 'FUNDER_G', 'LEAD_A', 'PARTNER_B', 'OUTSIDER_C'];

/** One row per operation: the expected outcome for each caller (ANON is always UNAUTHENTICATED). */
const MATRIX: Record<string, Partial<Record<Caller, Outcome>>> = {
  // Reads of one cooperation: detail with nested members/organisations/fundings, and history.
  'cooperation(X)': { ADMIN: 'ok', NET11: 'ok', NET52: 'NOT_FOUND', FUNDER_F: 'ok', FUNDER_G: 'NOT_FOUND', LEAD_A: 'ok', PARTNER_B: 'ok', OUTSIDER_C: 'NOT_FOUND' },
  // G was solicited by Y and has not answered yet: it reads Y (until it declines, below).
  'cooperation(Y)': { ADMIN: 'ok', NET11: 'NOT_FOUND', NET52: 'ok', FUNDER_F: 'NOT_FOUND', FUNDER_G: 'ok', LEAD_A: 'NOT_FOUND', PARTNER_B: 'NOT_FOUND', OUTSIDER_C: 'NOT_FOUND' },
  'history(X)': { ADMIN: 'ok', NET11: 'ok', NET52: 'NOT_FOUND', FUNDER_F: 'ok', FUNDER_G: 'NOT_FOUND', LEAD_A: 'ok', PARTNER_B: 'ok', OUTSIDER_C: 'NOT_FOUND' },
  // Aggregates.
  'regionalDashboard(11)': { ADMIN: 'ok', NET11: 'ok', NET52: 'NOT_FOUND', FUNDER_F: 'ok', FUNDER_G: 'ok', LEAD_A: 'ok', PARTNER_B: 'ok', OUTSIDER_C: 'ok' },
  'funderPortfolio(F)': { ADMIN: 'ok', NET11: 'NOT_FOUND', NET52: 'NOT_FOUND', FUNDER_F: 'ok', FUNDER_G: 'NOT_FOUND', LEAD_A: 'NOT_FOUND', PARTNER_B: 'NOT_FOUND', OUTSIDER_C: 'NOT_FOUND' },
  projectionStatus: { ADMIN: 'ok', NET11: 'FORBIDDEN', NET52: 'FORBIDDEN', FUNDER_F: 'FORBIDDEN', FUNDER_G: 'FORBIDDEN', LEAD_A: 'FORBIDDEN', PARTNER_B: 'FORBIDDEN', OUTSIDER_C: 'FORBIDDEN' },
  // Subscriptions.
  'subscribe cooperationEvents(X)': { ADMIN: 'ok', NET11: 'ok', NET52: 'NOT_FOUND', FUNDER_F: 'ok', FUNDER_G: 'NOT_FOUND', LEAD_A: 'ok', PARTNER_B: 'ok', OUTSIDER_C: 'NOT_FOUND' },
  'subscribe regionalActivity(11)': { ADMIN: 'ok', NET11: 'ok', NET52: 'NOT_FOUND', FUNDER_F: 'FORBIDDEN', FUNDER_G: 'FORBIDDEN', LEAD_A: 'FORBIDDEN', PARTNER_B: 'FORBIDDEN', OUTSIDER_C: 'FORBIDDEN' },
  // Commands on X.
  'recordDeliverable(X)': { ADMIN: 'FORBIDDEN', NET11: 'FORBIDDEN', NET52: 'NOT_FOUND', FUNDER_F: 'FORBIDDEN', FUNDER_G: 'NOT_FOUND', LEAD_A: 'ok', PARTNER_B: 'ok', OUTSIDER_C: 'NOT_FOUND' },
  'advanceStage(X)': { ADMIN: 'FORBIDDEN', NET11: 'FORBIDDEN', NET52: 'NOT_FOUND', FUNDER_F: 'FORBIDDEN', FUNDER_G: 'NOT_FOUND', LEAD_A: 'ok', PARTNER_B: 'FORBIDDEN', OUTSIDER_C: 'NOT_FOUND' },
  'recordSupport(X)': { ADMIN: 'FORBIDDEN', NET11: 'ok', NET52: 'NOT_FOUND', FUNDER_F: 'FORBIDDEN', FUNDER_G: 'NOT_FOUND', LEAD_A: 'ok', PARTNER_B: 'ok', OUTSIDER_C: 'NOT_FOUND' },
  'waiveGateItem(X)': { ADMIN: 'FORBIDDEN', NET11: 'ok', NET52: 'NOT_FOUND', FUNDER_F: 'FORBIDDEN', FUNDER_G: 'NOT_FOUND', LEAD_A: 'ok', PARTNER_B: 'ok', OUTSIDER_C: 'NOT_FOUND' },
  // Funding: a funder grants in its own name only, where it funds already or was solicited. G,
  // neither funder nor solicited of X, is told nothing of it (a grant used to open any cooperation
  // to any funder); solicited by Z, G grants there.
  'grantFunding(X, by F)': { ADMIN: 'FORBIDDEN', NET11: 'FORBIDDEN', NET52: 'NOT_FOUND', FUNDER_F: 'ok', FUNDER_G: 'NOT_FOUND', LEAD_A: 'FORBIDDEN', PARTNER_B: 'FORBIDDEN', OUTSIDER_C: 'NOT_FOUND' },
  'grantFunding(Z, by G)': { ADMIN: 'FORBIDDEN', NET11: 'FORBIDDEN', NET52: 'NOT_FOUND', FUNDER_F: 'NOT_FOUND', FUNDER_G: 'ok', LEAD_A: 'NOT_FOUND', PARTNER_B: 'NOT_FOUND', OUTSIDER_C: 'NOT_FOUND' },
  // Requests: members solicit and withdraw; the funder solicited declines (and reads no more).
  // PARTNER_B comes after LEAD_A: the domain then refuses (already pending, already withdrawn), past the policy.
  // The lead alone hands its steering over (A asks to give it to itself: past the policy, the domain refuses).
  'handOverLead(X, to A)': { ADMIN: 'FORBIDDEN', NET11: 'FORBIDDEN', NET52: 'NOT_FOUND', FUNDER_F: 'FORBIDDEN', FUNDER_G: 'NOT_FOUND', LEAD_A: 'ok', PARTNER_B: 'FORBIDDEN', OUTSIDER_C: 'NOT_FOUND' },
  'requestFunding(X, to G)': { ADMIN: 'FORBIDDEN', NET11: 'FORBIDDEN', NET52: 'NOT_FOUND', FUNDER_F: 'FORBIDDEN', FUNDER_G: 'NOT_FOUND', LEAD_A: 'ok', PARTNER_B: 'ok', OUTSIDER_C: 'NOT_FOUND' },
  'withdrawFundingRequest(X, to G)': { ADMIN: 'FORBIDDEN', NET11: 'FORBIDDEN', NET52: 'NOT_FOUND', FUNDER_F: 'FORBIDDEN', FUNDER_G: 'FORBIDDEN', LEAD_A: 'ok', PARTNER_B: 'ok', OUTSIDER_C: 'NOT_FOUND' },
  'declineFundingRequest(Y, by G)': { ADMIN: 'FORBIDDEN', NET11: 'NOT_FOUND', NET52: 'FORBIDDEN', FUNDER_F: 'NOT_FOUND', FUNDER_G: 'ok', LEAD_A: 'NOT_FOUND', PARTNER_B: 'NOT_FOUND', OUTSIDER_C: 'NOT_FOUND' },
  // Proposals: a member structure, for a cooperation it leads.
  'proposeCooperation(led by A)': { ADMIN: 'FORBIDDEN', NET11: 'FORBIDDEN', NET52: 'FORBIDDEN', FUNDER_F: 'FORBIDDEN', FUNDER_G: 'FORBIDDEN', LEAD_A: 'ok', PARTNER_B: 'FORBIDDEN', OUTSIDER_C: 'FORBIDDEN' },
  // Organisations: platform operators, and networks in their régions.
  'registerOrganisation(in 11)': { ADMIN: 'ok', NET11: 'ok', NET52: 'FORBIDDEN', FUNDER_F: 'FORBIDDEN', FUNDER_G: 'FORBIDDEN', LEAD_A: 'FORBIDDEN', PARTNER_B: 'FORBIDDEN', OUTSIDER_C: 'FORBIDDEN' },
  // C's own staff (OUTSIDER_C) may not change C either.
  'updateOrganisation(C, in 11)': { ADMIN: 'ok', NET11: 'ok', NET52: 'FORBIDDEN', FUNDER_F: 'FORBIDDEN', FUNDER_G: 'FORBIDDEN', LEAD_A: 'FORBIDDEN', PARTNER_B: 'FORBIDDEN', OUTSIDER_C: 'FORBIDDEN' },
  'updateOrganisation(unknown)': { ADMIN: 'NOT_FOUND', NET11: 'NOT_FOUND', NET52: 'NOT_FOUND', FUNDER_F: 'NOT_FOUND', FUNDER_G: 'NOT_FOUND', LEAD_A: 'NOT_FOUND', PARTNER_B: 'NOT_FOUND', OUTSIDER_C: 'NOT_FOUND' },
};

const REQUEST_X_G = randomUUID();
const REQUEST_Y_G = randomUUID();

/** Which cooperations each caller finds in lists and exports (ANON: refused). */
const LISTED: Record<Exclude<Caller, 'ANON'>, ('X' | 'Y' | 'Z')[]> = {
  ADMIN: ['X', 'Y', 'Z'],
  NET11: ['X', 'Z'],
  NET52: ['Y'],
  FUNDER_F: ['X'],
  // Z solicited G, which granted it; Y's request to G was declined.
  FUNDER_G: ['Z'],
  LEAD_A: ['X'],
  PARTNER_B: ['X'],
  OUTSIDER_C: [],
};

const DENIALS = new Set(['UNAUTHENTICATED', 'FORBIDDEN', 'NOT_FOUND']);

describe('authorisation matrix (role x operation x own / other organisation / other région)', () => {
  let db: TestDatabase;
  let app: NestFastifyApplication;
  let gql: ReturnType<typeof graphqlClient>;
  let base: string;
  let feed: ActivityFeed;
  const headers = {} as Record<Caller, Headers>;
  const org = {} as Record<'A' | 'B' | 'C' | 'D' | 'E' | 'F' | 'G', string>;
  const coop = {} as Record<'X' | 'Y' | 'Z', string>;

  beforeAll(async () => {
    db = await createTestDatabase('authorization');
    app = await createApp({ databaseUrl: db.url });
    await app.listen(0, '127.0.0.1');
    base = await app.getUrl();
    gql = graphqlClient(`${base}/graphql`);
    feed = app.get<ActivityFeed>(ACTIVITY_FEED);
    const actors = TestActors.of(app);
    const admin = await actors.admin();
    const must = async <T>(response: Promise<GraphQLResponse<T>>): Promise<T> => {
      const r = await response;
      if (r.errors) throw new Error(JSON.stringify(r.errors));
      return r.data!;
    };
    const register = async (name: string, kind: string, regionCode: string, departementCode: string) =>
      (
        await must(
          gql<{ registerOrganisation: { organisationId: string } }>(
            `mutation($i: RegisterOrganisationInput!) { registerOrganisation(input: $i) { organisationId } }`,
            { i: { name, kind, regionCode, departementCode } },
            admin,
          ),
        )
      ).registerOrganisation.organisationId;
    org.A = await register('Le Petit Plus', 'EA', '11', '93');
    org.B = await register('Régie de quartier de Stains', 'REGIE', '11', '93');
    org.C = await register('Envie Île-de-France', 'EI', '11', '94');
    org.D = await register('Tremplin Travail', 'AI', '52', '49');
    org.E = await register('Halage', 'ACI', '11', '93');
    org.F = await register('Conseil régional d’Île-de-France', 'FUNDER', '11', '75');
    org.G = await register('Fondation Avenir Solidaire', 'FUNDER', '11', '75');
    const run = async (name: string, input: Record<string, unknown>, as: Headers) =>
      must(gql(`mutation($i: ${name[0].toUpperCase()}${name.slice(1)}Input!) { ${name}(input: $i) { cooperationId version } }`, { i: input }, as));
    const propose = async (lead: string, name: string, regionCode: string, departementCode: string, occurredAt?: string) => {
      const id = randomUUID();
      await run(
        'proposeCooperation',
        { cooperationId: id, kind: 'GME', name, objectives: ['ECONOMIC_DEVELOPMENT'], territory: { regionCode, departementCodes: [departementCode] }, leadOrganisationId: lead, occurredAt },
        await actors.member(lead),
      );
      return id;
    };
    coop.X = await propose(org.A, 'Collecte des cartons — Plaine Commune', '11', '93');
    await run('addMember', { cooperationId: coop.X, organisationId: org.B }, await actors.member(org.A));
    coop.Y = await propose(org.D, 'Remplacements dans les collèges de Maine-et-Loire', '52', '49');
    coop.Z = await propose(org.E, 'Entretien des berges de Seine', '11', '93', '2020-01-15T09:00:00.000Z');
    // Funders are solicited first: F by X (it grants below), G by Y and by Z (dated 2020: Z stays stalled).
    await run('requestFunding', { cooperationId: coop.X, funderOrganisationId: org.F, programme: 'Fonds régional ESS', amount: 50000 }, await actors.member(org.A));
    await run('requestFunding', { cooperationId: coop.Y, requestId: REQUEST_Y_G, funderOrganisationId: org.G }, await actors.member(org.D));
    await run('requestFunding', { cooperationId: coop.Z, funderOrganisationId: org.G, occurredAt: '2020-02-01T09:00:00.000Z' }, await actors.member(org.E));
    await run(
      'grantFunding',
      { cooperationId: coop.X, funderOrganisationId: org.F, programme: 'Fonds régional ESS', amount: 40000, period: { start: '2025-01-01', end: '2025-12-31' } },
      await actors.funder(org.F),
    );
    Object.assign(headers, {
      ANON: {},
      ADMIN: admin,
      NET11: await actors.network(['11']),
      NET52: await actors.network(['52']),
      FUNDER_F: await actors.funder(org.F),
      FUNDER_G: await actors.funder(org.G),
      LEAD_A: await actors.member(org.A),
      PARTNER_B: await actors.member(org.B),
      OUTSIDER_C: await actors.member(org.C),
    });
    await app.get<ProjectionRunner>(PROJECTION_RUNNER).catchUp({ timeoutMs: 30_000 });
  });

  afterAll(async () => {
    await app?.close();
    await db?.drop();
  });

  /** Runs one operation as one caller and returns its outcome (and checks the data of an `ok`). */
  async function perform(operation: string, caller: Caller): Promise<string> {
    const as = headers[caller];
    const read = async (query: string, variables: Record<string, unknown>, check: (data: Record<string, unknown>) => void) => {
      const r = await gql<Record<string, unknown>>(query, variables, as);
      if (r.errors) {
        expect(r.data ?? null).toBeNull(); // nothing partial leaks next to a refusal
        expect(r.errors[0].message).not.toMatch(/Collecte|Maine-et-Loire|Petit Plus/); // no names in messages
        return errorCode(r) as string;
      }
      check(r.data!);
      return 'ok';
    };
    const command = async (name: string, input: Record<string, unknown>) => {
      const r = await gql(`mutation($i: ${name[0].toUpperCase()}${name.slice(1)}Input!) { ${name}(input: $i) { cooperationId } }`, { i: input }, as);
      const code = errorCode(r) as string | null;
      if (code === null) return 'ok';
      // Past the policy, a domain rule may still refuse (e.g. the gate): that is an allowed call.
      return DENIALS.has(code) || code === 'INTERNAL_SERVER_ERROR' ? code : 'ok';
    };
    const DETAIL = `query($id: ID!) { cooperation(id: $id) { id name members { role organisation { name } } fundings { funderOrganisationId amount funder { name } } waivers { itemId } indicators { code } } }`;
    switch (operation) {
      case 'cooperation(X)':
        return read(DETAIL, { id: coop.X }, (d) => {
          const c = d.cooperation as { id: string; members: { organisation: { name: string } }[]; fundings: { funderOrganisationId: string; funder: { name: string } }[] };
          expect(c.id).toBe(coop.X);
          expect(c.members.map((m) => m.organisation.name).sort()).toEqual(['Le Petit Plus', 'Régie de quartier de Stains']);
          expect(c.fundings[0]).toMatchObject({ funderOrganisationId: org.F, funder: { name: 'Conseil régional d’Île-de-France' } });
        });
      case 'cooperation(Y)':
        return read(DETAIL, { id: coop.Y }, (d) => expect((d.cooperation as { id: string }).id).toBe(coop.Y));
      case 'history(X)':
        return read(`query($id: ID!) { history(cooperationId: $id) { type actor { userId role organisation { name } } } }`, { id: coop.X }, (d) => {
          const history = d.history as { type: string; actor: { role: string; organisation: { name: string } | null } }[];
          expect(history[0].type).toBe('CooperationProposed');
          expect(history[0].actor.organisation?.name).toBe('Le Petit Plus');
          expect(history.map((h) => h.actor.role)).toEqual(expect.arrayContaining(['MEMBER', 'FUNDER']));
        });
      case 'regionalDashboard(11)':
        return read(`{ regionalDashboard(region: "11") { byStatus { status count } stalled { count cooperationIds } } }`, {}, (d) => {
          const dashboard = d.regionalDashboard as { stalled: { count: number; cooperationIds: string[] } };
          // The count is an aggregate for everyone; the ids listed are only those the caller may read.
          expect(dashboard.stalled.count).toBe(1);
          const readsZ = LISTED[caller as Exclude<Caller, 'ANON'>].includes('Z');
          expect(dashboard.stalled.cooperationIds).toEqual(readsZ ? [coop.Z] : []);
        });
      case 'funderPortfolio(F)':
        return read(`query($f: ID!) { funderPortfolio(funderId: $f) { totals { cooperations granted } } }`, { f: org.F }, (d) =>
          expect((d.funderPortfolio as { totals: { cooperations: number } }).totals.cooperations).toBe(1),
        );
      case 'projectionStatus':
        return read(`{ projectionStatus { name lag } }`, {}, (d) => expect((d.projectionStatus as unknown[]).length).toBeGreaterThan(0));
      case 'subscribe cooperationEvents(X)':
        return subscribe(`subscription($id: ID!) { cooperationEvents(cooperationId: $id) { version } }`, { id: coop.X }, as);
      case 'subscribe regionalActivity(11)':
        return subscribe(`subscription { regionalActivity(region: "11") { version } }`, {}, as);
      case 'recordDeliverable(X)':
        return command('recordDeliverable', { cooperationId: coop.X, kind: 'NOTE_DE_SYNTHESE' });
      case 'advanceStage(X)':
        return command('advanceStage', { cooperationId: coop.X });
      case 'recordSupport(X)':
        return command('recordSupport', { cooperationId: coop.X, kind: 'NETWORK', period: { start: '2025-01-01' } });
      case 'waiveGateItem(X)':
        return command('waiveGateItem', { cooperationId: coop.X, itemId: 'structuring-elements', justification: 'Éléments apportés en réunion du réseau.' });
      case 'grantFunding(X, by F)':
        return command('grantFunding', { cooperationId: coop.X, funderOrganisationId: org.F, programme: 'Complément', amount: 1000, period: { start: '2025-06-01' } });
      case 'grantFunding(Z, by G)':
        return command('grantFunding', { cooperationId: coop.Z, funderOrganisationId: org.G, programme: 'Amorçage', amount: 5000, period: { start: '2020-03-01' }, occurredAt: '2020-03-01T09:00:00.000Z' });
      case 'handOverLead(X, to A)':
        return command('handOverLead', { cooperationId: coop.X, organisationId: org.A });
      case 'requestFunding(X, to G)':
        return command('requestFunding', { cooperationId: coop.X, requestId: REQUEST_X_G, funderOrganisationId: org.G, programme: 'Amorçage' });
      case 'withdrawFundingRequest(X, to G)':
        return command('withdrawFundingRequest', { cooperationId: coop.X, requestId: REQUEST_X_G, reason: 'Financement obtenu ailleurs' });
      case 'declineFundingRequest(Y, by G)':
        return command('declineFundingRequest', { cooperationId: coop.Y, requestId: REQUEST_Y_G, reason: 'Hors de notre territoire' });
      case 'proposeCooperation(led by A)':
        return command('proposeCooperation', { kind: 'GIE', name: 'GIE test', objectives: ['POOLING'], territory: { regionCode: '11', departementCodes: ['93'] }, leadOrganisationId: org.A });
      case 'registerOrganisation(in 11)': {
        const r = await gql(`mutation($i: RegisterOrganisationInput!) { registerOrganisation(input: $i) { organisationId } }`, { i: { name: `Structure ${caller}`, kind: 'ACI', regionCode: '11', departementCode: '93' } }, as);
        return (errorCode(r) as string | null) ?? 'ok';
      }
      case 'updateOrganisation(C, in 11)':
      case 'updateOrganisation(unknown)': {
        const organisationId = operation === 'updateOrganisation(unknown)' ? randomUUID() : org.C;
        const r = await gql(`mutation($i: UpdateOrganisationInput!) { updateOrganisation(input: $i) { version } }`, { i: { organisationId, name: `Envie Île-de-France (${caller})` } }, as);
        return (errorCode(r) as string | null) ?? 'ok';
      }
      default:
        throw new Error(`unknown operation ${operation}`);
    }
  }

  /** Opens a subscription as the caller: `ok` once it is registered on the server, or the error code. */
  async function subscribe(query: string, variables: Record<string, unknown>, as: Headers): Promise<string> {
    const client = createClient({ url: `${base.replace(/^http/, 'ws')}/graphql`, webSocketImpl: WebSocket, retryAttempts: 0, lazy: true, connectionParams: { ...as } });
    // The previous subscriber's release is asynchronous: start from no subscriber at all.
    for (let waited = 0; feed.subscriberCount > 0 && waited < 5000; waited += 10) await new Promise((r) => setTimeout(r, 10));
    const before = feed.subscriberCount;
    expect(before).toBe(0);
    try {
      return await new Promise<string>((resolve) => {
        const giveUp = setTimeout(() => resolve('no answer within 10 s'), 10_000);
        const timer = setInterval(() => {
          if (feed.subscriberCount > before) {
            clearInterval(timer);
            clearTimeout(giveUp);
            resolve('ok');
          }
        }, 10);
        client.subscribe(
          { query, variables },
          {
            next: (message) => {
              const code = message.errors?.[0]?.extensions?.code;
              if (typeof code === 'string') {
                clearInterval(timer);
                clearTimeout(giveUp);
                resolve(code);
              }
            },
            error: (error) => {
              clearInterval(timer);
              clearTimeout(giveUp);
              const code = Array.isArray(error) ? (error as { extensions?: { code?: string } }[])[0]?.extensions?.code : undefined;
              resolve(code ?? `error: ${JSON.stringify(error)}`);
            },
            complete: () => undefined,
          },
        );
      });
    } finally {
      await client.dispose();
    }
  }

  const cells = Object.entries(MATRIX).flatMap(([operation, row]) =>
    CALLERS.map((caller) => [operation, caller, caller === 'ANON' ? 'UNAUTHENTICATED' : row[caller]] as const),
  );

  it('has an expectation for every caller of every operation', () => {
    for (const [operation, caller, expected] of cells) expect({ operation, caller, expected: expected ?? 'missing' }).not.toMatchObject({ expected: 'missing' });
  });

  // One test per operation (in table order: commands change X, so reads come first), one assertion per caller.
  it.each(Object.keys(MATRIX))('%s', async (operation) => {
    const outcomes: Record<string, string> = {};
    for (const caller of CALLERS) outcomes[caller] = await perform(operation, caller);
    const expected = Object.fromEntries(CALLERS.map((caller) => [caller, caller === 'ANON' ? 'UNAUTHENTICATED' : MATRIX[operation][caller]]));
    expect(outcomes).toEqual(expected);
  });

  it('lists and exports only what each caller may read, in pages and counts alike', async () => {
    await app.get<ProjectionRunner>(PROJECTION_RUNNER).catchUp({ timeoutMs: 30_000 });
    const letterOf = new Map(Object.entries(coop).map(([letter, id]) => [id, letter]));
    for (const caller of CALLERS) {
      const r = await gql<{ cooperations: { edges: { node: { id: string; members: { organisation: { name: string } | null }[] } }[] } }>(
        `{ cooperations(first: 100) { edges { node { id members { organisation { name } } } } } }`,
        {},
        headers[caller],
      );
      const csv = await fetch(`${base}/exports/cooperations.csv`, { headers: headers[caller] });
      if (caller === 'ANON') {
        expect(errorCode(r)).toBe('UNAUTHENTICATED');
        expect(csv.status).toBe(401);
        continue;
      }
      expect(r.errors).toBeUndefined();
      // Only the fixture's three cooperations (proposals made by the matrix above are ignored here).
      const listed = r.data!.cooperations.edges.map((e) => letterOf.get(e.node.id)).filter((x): x is string => x !== undefined);
      expect({ caller, listed: listed.sort() }).toEqual({ caller, listed: [...LISTED[caller]].sort() });
      for (const edge of r.data!.cooperations.edges) for (const m of edge.node.members) expect(m.organisation?.name).toBeTruthy();
      const text = await csv.text();
      const exported = [...letterOf.keys()].filter((id) => text.includes(id)).map((id) => letterOf.get(id)!);
      expect({ caller, exported: exported.sort() }).toEqual({ caller, exported: [...LISTED[caller]].sort() });
    }
  });

  it('never tells a forbidden cooperation from a missing one', async () => {
    const missing = await gql(`query($id: ID!) { cooperation(id: $id) { id } }`, { id: randomUUID() }, headers.OUTSIDER_C);
    const forbidden = await gql(`query($id: ID!) { cooperation(id: $id) { id } }`, { id: coop.X }, headers.OUTSIDER_C);
    expect(forbidden).toEqual(missing);
    const missingCommand = await gql(`mutation($i: RecordDeliverableInput!) { recordDeliverable(input: $i) { version } }`, { i: { cooperationId: randomUUID(), kind: 'NOTE_DE_SYNTHESE' } }, headers.NET52);
    const forbiddenCommand = await gql(`mutation($i: RecordDeliverableInput!) { recordDeliverable(input: $i) { version } }`, { i: { cooperationId: coop.X, kind: 'NOTE_DE_SYNTHESE' } }, headers.NET52);
    expect(errorCode(forbiddenCommand)).toBe(errorCode(missingCommand));
    expect(forbiddenCommand.errors![0].message).toBe(missingCommand.errors![0].message);
  });

  it('records who did what: the actor of each event is the signed-in user, with organisation and role', async () => {
    const r = await gql<{ history: { type: string; actor: { userId: string; organisationId: string | null; role: string } }[] }>(
      `query($id: ID!) { history(cooperationId: $id) { type actor { userId organisationId role } } }`,
      { id: coop.X },
      headers.ADMIN,
    );
    const grant = r.data!.history.find((h) => h.type === 'CooperationFundingGranted')!;
    expect(grant.actor).toMatchObject({ organisationId: org.F, role: 'FUNDER' });
    const support = r.data!.history.find((h) => h.type === 'CooperationSupportRecorded' && h.actor.role === 'NETWORK');
    expect(support?.actor.organisationId).toBe('network-11');
  });
});
