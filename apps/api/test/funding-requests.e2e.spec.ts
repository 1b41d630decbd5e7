import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { ProjectionRunner } from '@maillage/projections';
import { createTestDatabase, errorCode, graphqlClient, type GraphQLResponse, type TestDatabase } from '@maillage/testing';
import { createApp } from '../src/bootstrap';
import { PROJECTION_RUNNER } from '../src/projections/projections.module';
import { TestActors, type Headers } from './support/actors';

jest.setTimeout(120_000);

/**
 * « Solliciter un financeur » over HTTP: a member solicits a funder, which then reads the
 * cooperation, finds it among its pending requests, and declines or grants; a funder nobody
 * solicited reads nothing and may not grant. Seed 004's Hauts-de-France GES: the Conseil régional
 * and a foundation.
 */
describe('funding requests over GraphQL', () => {
  let db: TestDatabase;
  let app: NestFastifyApplication;
  let gql: ReturnType<typeof graphqlClient>;
  let actors: TestActors;
  const org: Record<string, string> = {};
  let cooperationId = '';
  let member: Headers;
  let region: Headers;
  let foundation: Headers;
  let stranger: Headers;

  const mutate = async (name: string, input: Record<string, unknown>, as: Headers): Promise<GraphQLResponse<Record<string, { version: number }>>> =>
    gql(`mutation($input: ${name[0].toUpperCase()}${name.slice(1)}Input!) { ${name}(input: $input) { cooperationId version } }`, { input: { cooperationId, ...input } }, as);
  const ok = async (name: string, input: Record<string, unknown>, as: Headers) => {
    const r = await mutate(name, input, as);
    expect(r.errors).toBeUndefined();
    return r.data![name].version;
  };
  const DETAIL = `query($id: ID!, $asOf: String) { cooperation(id: $id, asOf: $asOf) {
    fundings { fundingId funderOrganisationId amount }
    fundingRequests { requestId funderOrganisationId funder { name } programme amount note requestedAt status statusLabel closedAt reason fundingId } } }`;
  type Detail = { cooperation: { fundings: { fundingId: string; funderOrganisationId: string; amount: number }[]; fundingRequests: Record<string, unknown>[] } };
  const detail = (as: Headers, asOf?: string) => gql<Detail>(DETAIL, { id: cooperationId, asOf }, as);
  const pending = async (as: Headers, funderId: string) => {
    await app.get<ProjectionRunner>(PROJECTION_RUNNER).catchUp({ timeoutMs: 30_000 });
    const r = await gql<{ cooperations: { edges: { node: { id: string } }[] } }>(
      `query($f: ID!) { cooperations(filter: { solicitedFunderId: $f }) { edges { node { id } } } }`,
      { f: funderId },
      as,
    );
    expect(r.errors).toBeUndefined();
    return r.data!.cooperations.edges.map((e) => e.node.id);
  };

  beforeAll(async () => {
    db = await createTestDatabase('funding_requests');
    app = await createApp({ databaseUrl: db.url });
    await app.listen(0, '127.0.0.1');
    gql = graphqlClient(`${await app.getUrl()}/graphql`);
    actors = TestActors.of(app);
    const admin = await actors.admin();
    const register = async (name: string, kind: string) => {
      const r = await gql<{ registerOrganisation: { organisationId: string } }>(
        `mutation($i: RegisterOrganisationInput!) { registerOrganisation(input: $i) { organisationId } }`,
        { i: { name, kind, regionCode: '32', departementCode: '59' } },
        admin,
      );
      expect(r.errors).toBeUndefined();
      return r.data!.registerOrganisation.organisationId;
    };
    org.lead = await register('Ateliers Jeunes de Lille', 'ACI');
    org.partner = await register('Entreprise d’insertion du Nord', 'EI');
    org.region = await register('Conseil régional des Hauts-de-France', 'FUNDER');
    org.foundation = await register('Fondation Solidarités Nord', 'FUNDER');
    org.stranger = await register('Fondation d’ailleurs', 'FUNDER');
    member = await actors.member(org.lead);
    region = await actors.funder(org.region);
    foundation = await actors.funder(org.foundation);
    stranger = await actors.funder(org.stranger);
    const proposed = await gql<{ proposeCooperation: { cooperationId: string } }>(
      `mutation($i: ProposeCooperationInput!) { proposeCooperation(input: $i) { cooperationId } }`,
      { i: { kind: 'GES', name: 'GES des ateliers du Nord', objectives: ['ECONOMIC_DEVELOPMENT'], territory: { regionCode: '32', departementCodes: ['59'] }, leadOrganisationId: org.lead, occurredAt: '2025-01-10T09:00:00Z' } },
      member,
    );
    expect(proposed.errors).toBeUndefined();
    cooperationId = proposed.data!.proposeCooperation.cooperationId;
    await ok('addMember', { organisationId: org.partner, occurredAt: '2025-01-10T09:00:00Z' }, member);
  });

  afterAll(async () => {
    await app?.close();
    await db?.drop();
  });

  it('hides the cooperation from funders until a member solicits them', async () => {
    expect(errorCode(await detail(region))).toBe('NOT_FOUND');
    const grant = await mutate('grantFunding', { funderOrganisationId: org.region, programme: 'AAP ESS', amount: 1, period: { start: '2025-02-01' } }, region);
    expect(errorCode(grant)).toBe('NOT_FOUND');
    expect(await pending(region, org.region)).toEqual([]);
  });

  it('solicits funders: each reads the cooperation and finds it among its pending requests', async () => {
    await ok('requestFunding', { requestId: 'req-region', funderOrganisationId: org.region, programme: 'AAP ESS', amount: 40000, note: 'Budget prévisionnel transmis', occurredAt: '2025-02-01T09:00:00Z' }, member);
    await ok('requestFunding', { requestId: 'req-foundation', funderOrganisationId: org.foundation, occurredAt: '2025-02-02T09:00:00Z' }, member);
    const seen = await detail(region);
    expect(seen.errors).toBeUndefined();
    expect(seen.data!.cooperation.fundingRequests).toEqual([
      { requestId: 'req-region', funderOrganisationId: org.region, funder: { name: 'Conseil régional des Hauts-de-France' }, programme: 'AAP ESS', amount: 40000, note: 'Budget prévisionnel transmis', requestedAt: '2025-02-01T09:00:00.000Z', status: 'OPEN', statusLabel: 'En attente', closedAt: null, reason: null, fundingId: null },
      { requestId: 'req-foundation', funderOrganisationId: org.foundation, funder: { name: 'Fondation Solidarités Nord' }, programme: null, amount: null, note: null, requestedAt: '2025-02-02T09:00:00.000Z', status: 'OPEN', statusLabel: 'En attente', closedAt: null, reason: null, fundingId: null },
    ]);
    expect(await pending(region, org.region)).toEqual([cooperationId]);
    expect(await pending(foundation, org.foundation)).toEqual([cooperationId]);
    // Another funder's pending requests are not listed to it (the list scope), nor to a stranger.
    expect(await pending(stranger, org.region)).toEqual([]);
    expect(errorCode(await detail(stranger))).toBe('NOT_FOUND');
    // The list says what each one asks, in one query for the page (a funder's pending solicitations).
    const listed = await gql<{ cooperations: { edges: { node: { id: string; fundingRequests: { requestId: string; status: string; amount: number | null; funder: { name: string } }[] } }[] } }>(
      `query($f: ID!) { cooperations(filter: { solicitedFunderId: $f }) { edges { node { id fundingRequests { requestId status amount funder { name } } } } } }`,
      { f: org.region },
      region,
    );
    expect(listed.errors).toBeUndefined();
    expect(listed.data!.cooperations.edges.map((e) => e.node)).toEqual([
      {
        id: cooperationId,
        fundingRequests: [
          { requestId: 'req-region', status: 'OPEN', amount: 40000, funder: { name: 'Conseil régional des Hauts-de-France' } },
          { requestId: 'req-foundation', status: 'OPEN', amount: null, funder: { name: 'Fondation Solidarités Nord' } },
        ],
      },
    ]);
    // As of the day before, nothing was asked yet.
    expect((await detail(region, '2025-01-31')).data!.cooperation.fundingRequests).toEqual([]);
  });

  it('refuses what makes no sense, with typed codes', async () => {
    expect(errorCode(await mutate('requestFunding', { funderOrganisationId: org.region }, member))).toBe('FUNDING_REQUEST_PENDING');
    const notAFunder = await mutate('requestFunding', { funderOrganisationId: org.partner }, member);
    expect(errorCode(notAFunder)).toBe('BAD_USER_INPUT');
    expect(notAFunder.errors![0].message).toBe('Seul un financeur ou une collectivité peut être sollicité pour un financement.');
    expect(errorCode(await mutate('withdrawFundingRequest', { requestId: 'nope' }, member))).toBe('FUNDING_REQUEST_NOT_FOUND');
    // A funder that may act here hears the same about an id that names no request (no longer FORBIDDEN).
    expect(errorCode(await mutate('declineFundingRequest', { requestId: 'nope' }, region))).toBe('FUNDING_REQUEST_NOT_FOUND');
    // A member does not decline for the funder, a funder does not decline another's request.
    expect(errorCode(await mutate('declineFundingRequest', { requestId: 'req-foundation' }, member))).toBe('FORBIDDEN');
    expect(errorCode(await mutate('declineFundingRequest', { requestId: 'req-foundation' }, region))).toBe('FORBIDDEN');
    expect(errorCode(await mutate('grantFunding', { funderOrganisationId: org.region, programme: 'AAP ESS', amount: 1, period: { start: '2025-02-01' }, requestId: 'req-foundation' }, region))).toBe('BAD_USER_INPUT');
  });

  it('declines: the funder reads no more; grants: the request is answered and the funder follows its grant', async () => {
    await ok('declineFundingRequest', { requestId: 'req-foundation', reason: 'Hors de nos priorités 2025', occurredAt: '2025-03-01T09:00:00Z' }, foundation);
    expect(errorCode(await detail(foundation))).toBe('NOT_FOUND');
    expect(await pending(foundation, org.foundation)).toEqual([]);
    expect(errorCode(await mutate('withdrawFundingRequest', { requestId: 'req-foundation' }, member))).toBe('FUNDING_REQUEST_CLOSED');

    await ok('grantFunding', { fundingId: 'grant-region', funderOrganisationId: org.region, programme: 'AAP ESS', amount: 35000, period: { start: '2025-03-01', end: '2025-12-31' }, occurredAt: '2025-03-15T09:00:00Z' }, region);
    const after = await detail(member);
    expect(after.data!.cooperation.fundings).toEqual([{ fundingId: 'grant-region', funderOrganisationId: org.region, amount: 35000 }]);
    expect(after.data!.cooperation.fundingRequests.map((r) => [r.requestId, r.status, r.statusLabel, r.closedAt, r.reason, r.fundingId])).toEqual([
      ['req-region', 'GRANTED', 'Accordée', '2025-03-15T09:00:00.000Z', null, 'grant-region'],
      ['req-foundation', 'DECLINED', 'Déclinée', '2025-03-01T09:00:00.000Z', 'Hors de nos priorités 2025', null],
    ]);
    expect((await detail(region)).errors).toBeUndefined();
    expect(await pending(region, org.region)).toEqual([]);

    const history = await gql<{ history: { type: string; label: string; details: string; actor: { role: string } }[] }>(
      `query($id: ID!) { history(cooperationId: $id) { type label details actor { role } } }`,
      { id: cooperationId },
      member,
    );
    const requested = history.data!.history.filter((h) => h.type.startsWith('CooperationFundingRequest'));
    expect(requested.map((h) => [h.label, h.details, h.actor.role])).toEqual([
      // Amounts are written the French way (a narrow no-break space between thousands).
      ['Financeur sollicité', expect.stringMatching(/^Conseil régional des Hauts-de-France est sollicité \(AAP ESS, 40\s000\s€\) : Budget prévisionnel transmis$/), 'MEMBER'],
      ['Financeur sollicité', 'Fondation Solidarités Nord est sollicité', 'MEMBER'],
      ['Sollicitation déclinée', 'Fondation Solidarités Nord décline la sollicitation : Hors de nos priorités 2025', 'FUNDER'],
    ]);
  });
});
