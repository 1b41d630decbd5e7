import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { ProjectionRunner } from '@maillage/projections';
import { createTestDatabase, errorCode, graphqlClient, type GraphQLResponse, type TestDatabase } from '@maillage/testing';
import { createApp } from '../src/bootstrap';
import { PROJECTION_RUNNER } from '../src/projections/projections.module';
import { TestActors, type Headers } from './support/actors';

jest.setTimeout(120_000);

/**
 * Handing the lead over (seed 001: a partner withdraws from the project its structure had led):
 * the new lead steers, the former one is a member like the others and may then leave, and the
 * lists follow.
 */
describe('handing the lead over, over GraphQL', () => {
  let db: TestDatabase;
  let app: NestFastifyApplication;
  let gql: ReturnType<typeof graphqlClient>;
  const org: Record<string, string> = {};
  let cooperationId = '';
  let former: Headers;
  let next: Headers;

  const mutate = (name: string, input: Record<string, unknown>, as: Headers): Promise<GraphQLResponse<unknown>> =>
    gql(`mutation($input: ${name[0].toUpperCase()}${name.slice(1)}Input!) { ${name}(input: $input) { cooperationId version } }`, { input: { cooperationId, ...input } }, as);
  const listed = async (as: Headers) => {
    await app.get<ProjectionRunner>(PROJECTION_RUNNER).catchUp({ timeoutMs: 30_000 });
    const r = await gql<{ cooperations: { edges: { node: { id: string; members: { organisationId: string }[] } }[] } }>(`{ cooperations { edges { node { id members { organisationId } } } } }`, {}, as);
    expect(r.errors).toBeUndefined();
    return r.data!.cooperations.edges.map((e) => e.node);
  };

  beforeAll(async () => {
    db = await createTestDatabase('lead_handover');
    app = await createApp({ databaseUrl: db.url });
    await app.listen(0, '127.0.0.1');
    gql = graphqlClient(`${await app.getUrl()}/graphql`);
    const actors = TestActors.of(app);
    const admin = await actors.admin();
    for (const [key, name, kind] of [['former', 'Association Brise de Terre', 'ASSOCIATION'], ['next', 'Chantier d’insertion des Coteaux', 'ACI'], ['third', 'Régie des Coteaux', 'REGIE'], ['fund', 'Fondation des Coteaux', 'FUNDER']]) {
      const r = await gql<{ registerOrganisation: { organisationId: string } }>(
        `mutation($i: RegisterOrganisationInput!) { registerOrganisation(input: $i) { organisationId } }`,
        { i: { name, kind, regionCode: '76', departementCode: '31' } },
        admin,
      );
      expect(r.errors).toBeUndefined();
      org[key] = r.data!.registerOrganisation.organisationId;
    }
    former = await actors.member(org.former);
    next = await actors.member(org.next);
    const proposed = await gql<{ proposeCooperation: { cooperationId: string } }>(
      `mutation($i: ProposeCooperationInput!) { proposeCooperation(input: $i) { cooperationId } }`,
      { i: { kind: 'PTCE', name: 'Pôle des Coteaux', objectives: ['ECONOMIC_DEVELOPMENT'], territory: { regionCode: '76', departementCodes: ['31'] }, leadOrganisationId: org.former } },
      former,
    );
    expect(proposed.errors).toBeUndefined();
    cooperationId = proposed.data!.proposeCooperation.cooperationId;
    for (const id of [org.next, org.third]) expect((await mutate('addMember', { organisationId: id }, former)).errors).toBeUndefined();
    expect((await mutate('addMember', { organisationId: org.fund, role: 'OTHER_PARTNER' }, former)).errors).toBeUndefined();
  });

  afterAll(async () => {
    await app?.close();
    await db?.drop();
  });

  it('is refused to a member that does not lead, and to a non-member', async () => {
    expect(errorCode(await mutate('handOverLead', { organisationId: org.next }, next))).toBe('FORBIDDEN');
    expect(errorCode(await mutate('handOverLead', { organisationId: 'not-a-member' }, former))).toBe('MEMBER_NOT_FOUND');
    // A funder member takes part without steering: its users could neither move the cooperation nor hand it back.
    const toFunder = await mutate('handOverLead', { organisationId: org.fund }, former);
    expect(errorCode(toFunder)).toBe('ROLE_NOT_ALLOWED');
    expect(toFunder.errors![0].message).toBe('Un financeur ou un réseau ne peut pas piloter une coopération : transmettez le pilotage à une autre structure membre.');
  });

  it('hands the steering over: the new lead steers, the former one may leave and no longer sees it', async () => {
    expect((await mutate('handOverLead', { organisationId: org.next, reason: 'Brise de Terre se retire du projet' }, former)).errors).toBeUndefined();
    const detail = await gql<{ cooperation: { leadOrganisationId: string; members: { organisationId: string }[] } }>(
      `query($id: ID!) { cooperation(id: $id) { leadOrganisationId members { organisationId } } }`,
      { id: cooperationId },
      next,
    );
    expect(detail.data!.cooperation.leadOrganisationId).toBe(org.next);
    expect(detail.data!.cooperation.members.map((m) => m.organisationId).sort()).toEqual([org.former, org.next, org.third, org.fund].sort());
    // Steering moved: the former lead may no longer abandon, the new one may hand it on.
    expect(errorCode(await mutate('abandonCooperation', { reason: 'COST' }, former))).toBe('FORBIDDEN');
    expect(errorCode(await mutate('handOverLead', { organisationId: org.third }, former))).toBe('FORBIDDEN');
    expect((await listed(former)).map((c) => [c.id, c.members.length])).toEqual([[cooperationId, 4]]);
    // The former lead leaves, which it could not while it led.
    expect((await mutate('removeMember', { organisationId: org.former, reason: 'Retrait du projet' }, next)).errors).toBeUndefined();
    expect(errorCode(await mutate('removeMember', { organisationId: org.next }, next))).toBe('LEAD_MEMBER_REQUIRED');
    expect(await listed(former)).toEqual([]);
    const history = await gql<{ history: { type: string; label: string; details: string }[] }>(`query($id: ID!) { history(cooperationId: $id) { type label details } }`, { id: cooperationId }, next);
    expect(history.data!.history.find((h) => h.type === 'CooperationLeadHandedOver')).toEqual({
      type: 'CooperationLeadHandedOver',
      label: 'Pilotage transmis',
      details: 'Association Brise de Terre transmet le pilotage à Chantier d’insertion des Coteaux : Brise de Terre se retire du projet',
    });
  });
});
