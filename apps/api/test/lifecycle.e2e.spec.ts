import { randomUUID } from 'node:crypto';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { ProjectionRunner } from '@maillage/projections';
import { createTestDatabase, errorCode, graphqlClient, type TestDatabase } from '@maillage/testing';
import { createApp } from '../src/bootstrap';
import { PROJECTION_RUNNER } from '../src/projections/projections.module';
import { TestActors, type Headers } from './support/actors';

jest.setTimeout(180_000);

interface GateItem {
  id: string;
  status: string;
  advisory: boolean;
  deliverableKinds: string[];
}
interface CooperationView {
  id: string;
  version: number;
  stage: string;
  stageLabel: string;
  status: string;
  gate: { stage: string; satisfied: boolean; items: GateItem[] } | null;
  members: { organisationId: string; role: string; mandataire: boolean; organisation: { name: string } | null }[];
  stageHistory: { stage: string; enteredAt: string; exitedAt: string | null; days: number }[];
  market: { buyerName: string; amountExclVat: number; outcome: string | null } | null;
  shareholding: { essPercent: number; totalPercent: number } | null;
  indicators: { code: string; measurements: { value: string }[] }[];
  essaimage: { strategy: string; strategyLabel: string; targetTerritories: { departementCode: string }[]; sites: { name: string; departementCode: string }[] } | null;
  structure: { siren: string } | null;
  lessons: { essaimagePotential: string | null; essaimagePotentialLabel: string | null }[];
  evaluations: { step: string; stepLabel: string }[];
}

const VIEW = `id version stage stageLabel status
  gate { stage satisfied items { id status advisory deliverableKinds } }
  members { organisationId role mandataire organisation { name } }
  stageHistory { stage enteredAt exitedAt days }
  market { buyerName amountExclVat outcome }
  shareholding { essPercent totalPercent }
  indicators { code measurements { value } }
  essaimage { strategy strategyLabel targetTerritories { departementCode } sites { name departementCode } }
  structure { siren }
  lessons { essaimagePotential essaimagePotentialLabel }
  evaluations { step stepLabel }`;

/**
 * One full lifecycle per kind, over HTTP, with the real cooperations of the brief: each walk reads
 * the gate checklist like the console does, satisfies every missing item (a deliverable when one
 * satisfies it, otherwise the fact the domain expects), and advances, until CAPITALISATION.
 */
describe('full lifecycle of each kind over GraphQL', () => {
  let db: TestDatabase;
  let app: NestFastifyApplication;
  let gql: ReturnType<typeof graphqlClient>;
  let actors: TestActors;
  /** Each cooperation is driven and read by staff of its lead organisation, like in the console. */
  const leadOf = new Map<string, Headers>();
  const asLead = (cooperationId: string): Headers => {
    const headers = leadOf.get(cooperationId);
    if (!headers) throw new Error(`no lead known for ${cooperationId}`);
    return headers;
  };

  beforeAll(async () => {
    db = await createTestDatabase('lifecycle');
    app = await createApp({ databaseUrl: db.url });
    await app.listen(0, '127.0.0.1');
    gql = graphqlClient(`${await app.getUrl()}/graphql`);
    actors = TestActors.of(app);
  });

  afterAll(async () => {
    await app.close();
    await db.drop();
  });

  /** Runs a mutation and fails the test with the GraphQL error if there is one. */
  const m = async (name: string, input: Record<string, unknown>): Promise<{ version: number; cooperationId: string }> => {
    const type = `${name[0].toUpperCase()}${name.slice(1)}Input`;
    const field = name === 'registerOrganisation' ? 'organisationId version' : 'cooperationId version';
    const headers =
      name === 'registerOrganisation'
        ? await actors.admin()
        : name === 'proposeCooperation'
          ? await actors.member(input.leadOrganisationId as string)
          : asLead(input.cooperationId as string);
    const r = await gql<Record<string, { version: number; cooperationId: string; organisationId: string }>>(
      `mutation($input: ${type}!) { ${name}(input: $input) { ${field} } }`,
      { input },
      headers,
    );
    if (r.errors) throw new Error(`${name} ${JSON.stringify(input)}: ${JSON.stringify(r.errors)}`);
    const out = r.data![name];
    if (name === 'proposeCooperation') leadOf.set(out.cooperationId, headers);
    return { version: out.version, cooperationId: out.cooperationId ?? out.organisationId };
  };

  const org = async (name: string, kind: string, regionCode: string, departementCode: string) =>
    (await m('registerOrganisation', { name, kind, regionCode, departementCode })).cooperationId;

  const view = async (id: string, asOf?: string): Promise<CooperationView> => {
    const r = await gql<{ cooperation: CooperationView }>(`query($id: ID!, $asOf: String) { cooperation(id: $id, asOf: $asOf) { ${VIEW} } }`, { id, asOf }, asLead(id));
    if (r.errors) throw new Error(JSON.stringify(r.errors));
    return r.data!.cooperation;
  };

  /** A clock that moves one week per fact, so every transition is dated after the previous one. */
  const clock = (start: string) => {
    let t = Date.parse(start);
    return () => {
      t += 7 * 86_400_000;
      return new Date(t).toISOString();
    };
  };

  async function satisfy(id: string, item: GateItem, ctx: WalkContext): Promise<void> {
    const at = ctx.next();
    if (item.deliverableKinds.length > 0) {
      await m('recordDeliverable', { cooperationId: id, kind: item.deliverableKinds[0], title: item.id, occurredAt: at });
      return;
    }
    switch (item.id) {
      case 'target-market':
        await m('recordMarket', { cooperationId: id, occurredAt: at, ...ctx.market });
        return;
      case 'gme-form-chosen':
        await m('setGmeForm', { cooperationId: id, form: 'SOLIDAIRE', occurredAt: at });
        return;
      case 'market-awarded':
        await m('recordMarketOutcome', { cooperationId: id, outcome: 'AWARDED', startDate: at.slice(0, 10), occurredAt: at });
        return;
      case 'planned-shares-ess-majority':
      case 'final-shares-ess-majority':
        await m('setShareholding', { cooperationId: id, phase: item.id.startsWith('planned') ? 'PLANNED' : 'FINAL', shares: ctx.shares, occurredAt: at });
        return;
      case 'structure-registered':
        await m('recordStructureRegistration', { cooperationId: id, siren: '732829320', occurredAt: at });
        return;
      case 'indicators-reported': {
        const indicatorId = randomUUID();
        await m('defineIndicator', {
          cooperationId: id,
          code: 'C1',
          label: 'Parcours d’insertion',
          indicators: [{ indicatorId, code: 'C1-I1', label: 'Personnes en insertion', nature: 'QUANTITATIVE', unit: 'personnes', target: '40', standard: 'PEOPLE_IN_INSERTION' }],
          occurredAt: at,
        });
        await m('recordMeasurement', { cooperationId: id, indicatorId, period: { start: '2019-01-01', end: '2019-12-31' }, value: String(ctx.peopleInInsertion), occurredAt: ctx.next() });
        return;
      }
      case 'essaimage-potential-stated':
        await m('recordLesson', { cooperationId: id, text: 'La coopération peut être dupliquée sur d’autres territoires.', essaimagePotential: 'YES', occurredAt: at });
        return;
      case 'strategy-and-first-territory':
        await m('chooseEssaimageStrategy', { cooperationId: id, strategy: 'DUPLICATION_CENTRALISEE', targetTerritories: [{ regionCode: '11', departementCode: '91' }], occurredAt: at });
        return;
      case 'first-site-opened':
        await m('openSite', { cooperationId: id, name: 'Atelier SoliCycle des Ulis', location: { regionCode: '11', departementCode: '91' }, openedOn: at.slice(0, 10), occurredAt: at });
        return;
      default:
        throw new Error(`no recipe for gate item ${item.id}`);
    }
  }

  interface WalkContext {
    next: () => string;
    market?: Record<string, unknown>;
    shares?: { organisationId: string; percent: number }[];
    peopleInInsertion: number;
  }

  /** Advances stage by stage to CAPITALISATION, satisfying each gate through the API. */
  async function walk(id: string, ctx: WalkContext): Promise<string[]> {
    const stages: string[] = [];
    for (let guard = 0; guard < 6; guard++) {
      const current = await view(id);
      stages.push(current.stage);
      if (current.stage === 'CAPITALISATION') break;
      for (const item of current.gate!.items.filter((i) => i.status === 'MISSING' && !i.advisory)) await satisfy(id, item, ctx);
      const ready = await view(id);
      expect({ stage: ready.stage, satisfied: ready.gate!.satisfied }).toEqual({ stage: current.stage, satisfied: true });
      await m('advanceStage', { cooperationId: id, expectedVersion: ready.version, occurredAt: ctx.next() });
    }
    return stages;
  }

  const ALL_STAGES = ['DECISION', 'FEASIBILITY', 'LAUNCH', 'OPERATION', 'CAPITALISATION'];

  it('GME solidaire: the 14 AI of Maine-et-Loire with Tremplin Travail as mandataire (seed 004)', async () => {
    const tremplin = await org('Tremplin Travail', 'AI', '52', '49');
    const others = [];
    for (let i = 2; i <= 14; i++) others.push(await org(`Association intermédiaire de Maine-et-Loire n° ${i}`, 'AI', '52', '49'));
    const next = clock('2022-09-01T09:00:00.000Z');
    const { cooperationId: id } = await m('proposeCooperation', {
      kind: 'GME',
      name: 'Remplacement des agents dans les collèges de Maine-et-Loire',
      objectives: ['ECONOMIC_DEVELOPMENT', 'POOLING'],
      territory: { regionCode: '52', departementCodes: ['49'] },
      sectors: ['STAFFING'],
      leadOrganisationId: tremplin,
      occurredAt: next(),
    });
    for (const o of others) await m('addMember', { cooperationId: id, organisationId: o, occurredAt: next() });
    await m('designateMandataire', { cooperationId: id, organisationId: tremplin, occurredAt: next() });
    const stages = await walk(id, {
      next,
      market: { buyerName: 'Département de Maine-et-Loire', cpvCode: '79620000', amountExclVat: 170000, durationMonths: 12, procedures: ['RESERVED_SIAE'] },
      peopleInInsertion: 40,
    });
    expect(stages).toEqual(ALL_STAGES);
    // Member organisations (names) come from the organisation read model: let the projections catch up.
    await app.get<ProjectionRunner>(PROJECTION_RUNNER).catchUp({ timeoutMs: 30_000 });
    const final = await view(id);
    expect(final.members).toHaveLength(14);
    expect(final.members.find((x) => x.mandataire)).toMatchObject({ organisationId: tremplin, organisation: { name: 'Tremplin Travail' } });
    expect(final.market).toEqual({ buyerName: 'Département de Maine-et-Loire', amountExclVat: 170000, outcome: 'AWARDED' });
    // As of a date in the middle of the walk the cooperation was at an earlier stage.
    const early = await view(id, final.stageHistory[1].enteredAt.slice(0, 10));
    expect(early.stage).toBe('FEASIBILITY');
    expect(early.version).toBeLessThan(final.version);
  });

  // Seed 000: La Poste's accord-cadre de cotraitance with Nouvelle Attitude (EI) and ESAT, a private
  // contract: no CPV code (it classifies public procurement) and still the market the gate asks for.
  // The source gives no amount: 250,000 is illustrative.
  it('GME on a private contract: Nouvelle Attitude and ESAT under La Poste’s accord-cadre, without a CPV code', async () => {
    const lead = await org('Nouvelle Attitude', 'EI', '11', '78');
    const esat = await org('Esat Jean Pierrat', 'ESAT', '11', '78');
    const next = clock('2015-01-05T09:00:00.000Z');
    const { cooperationId: id } = await m('proposeCooperation', {
      kind: 'GME', name: 'Accord-cadre de cotraitance Recygo', objectives: ['ECONOMIC_DEVELOPMENT', 'SOCIAL_IMPACT'],
      territory: { regionCode: '11', departementCodes: ['78'] }, sectors: ['WASTE_RECYCLING'], leadOrganisationId: lead, occurredAt: next(),
    });
    await m('addMember', { cooperationId: id, organisationId: esat, occurredAt: next() });
    await m('designateMandataire', { cooperationId: id, organisationId: lead, occurredAt: next() });
    const market = { cooperationId: id, buyerName: 'Groupe La Poste', amountExclVat: 250000, durationMonths: 36, occurredAt: next() };
    // Without a CPV code, a public procedure is refused, and nothing is written.
    const refused = await gql(`mutation($input: RecordMarketInput!) { recordMarket(input: $input) { version } }`, { input: { ...market, procedures: ['SOCIAL_CLAUSE'] } }, asLead(id));
    expect(errorCode(refused)).toBe('BAD_USER_INPUT');
    expect(refused.errors![0].extensions).toMatchObject({ domainCode: 'VALIDATION_FAILED', field: 'cpvCode' });
    expect((await view(id)).market).toBeNull();
    await m('recordMarket', { ...market, procedures: ['PRIVATE_CONTRACT'] });
    const r = await gql<{ cooperation: { market: { cpvCode: string | null; procedures: { code: string }[] } } }>(
      `query($id: ID!) { cooperation(id: $id) { market { cpvCode procedures { code } } } }`,
      { id },
      asLead(id),
    );
    expect(r.data!.cooperation.market).toEqual({ cpvCode: null, procedures: [{ code: 'PRIVATE_CONTRACT' }] });
    const stages = await walk(id, { next, peopleInInsertion: 5 });
    expect(stages).toEqual(ALL_STAGES);
    expect((await view(id)).market).toEqual({ buyerName: 'Groupe La Poste', amountExclVat: 250000, outcome: 'AWARDED' });
  });

  it('GIE: La Table de Cana Gennevilliers', async () => {
    const cana = await org('Cana Event', 'EI', '11', '92');
    const members = [await org('Cockt’elles', 'ACI', '11', '92'), await org('Traiteur des Boucles de Seine', 'EI', '11', '92')];
    const next = clock('2019-01-07T09:00:00.000Z');
    const { cooperationId: id } = await m('proposeCooperation', {
      kind: 'GIE', name: 'La Table de Cana Gennevilliers', objectives: ['POOLING', 'ECONOMIC_DEVELOPMENT'],
      territory: { regionCode: '11', departementCodes: ['92'] }, sectors: ['CATERING'], leadOrganisationId: cana, occurredAt: next(),
    });
    for (const o of members) await m('addMember', { cooperationId: id, organisationId: o, occurredAt: next() });
    expect(await walk(id, { next, peopleInInsertion: 25 })).toEqual(ALL_STAGES);
  });

  it('GES: Initiative Emploi (AI Capélia, EI Lavéo, EI Conciergerie Solidaire)', async () => {
    const capelia = await org('Capélia', 'AI', '11', '78');
    const members = [await org('Lavéo', 'EI', '11', '78'), await org('Conciergerie Solidaire', 'EI', '11', '78')];
    const next = clock('2019-02-04T09:00:00.000Z');
    const { cooperationId: id } = await m('proposeCooperation', {
      kind: 'GES', name: 'Initiative Emploi', objectives: ['SOCIAL_IMPACT', 'POOLING'],
      territory: { regionCode: '11', departementCodes: ['78'] }, sectors: ['PERSONAL_SERVICES'], leadOrganisationId: capelia, occurredAt: next(),
    });
    for (const o of members) await m('addMember', { cooperationId: id, organisationId: o, occurredAt: next() });
    expect(await walk(id, { next, peopleInInsertion: 120 })).toEqual(ALL_STAGES);
  });

  it('PTCE: cité PHARES at L’Île-Saint-Denis, with the town as local authority', async () => {
    const lead = await org('Halage', 'ACI', '11', '93');
    const next = clock('2019-03-04T09:00:00.000Z');
    const { cooperationId: id } = await m('proposeCooperation', {
      kind: 'PTCE', name: 'Cité PHARES', objectives: ['SOCIAL_IMPACT', 'ECONOMIC_DEVELOPMENT'],
      territory: { regionCode: '11', departementCodes: ['93'] }, sectors: ['GREEN_SPACES'], leadOrganisationId: lead, occurredAt: next(),
    });
    await m('addMember', { cooperationId: id, organisationId: await org('Ville de L’Île-Saint-Denis', 'LOCAL_AUTHORITY', '11', '93'), role: 'LOCAL_AUTHORITY', occurredAt: next() });
    const early = await gql(`mutation($input: AdvanceStageInput!) { advanceStage(input: $input) { version } }`, { input: { cooperationId: id } }, asLead(id));
    expect(errorCode(early)).toBe('GATE_NOT_SATISFIED');
    expect(await walk(id, { next, peopleInInsertion: 60 })).toEqual(ALL_STAGES);
  });

  it('JVS: Lemon Aide (FACE, Danone ecosystem fund, Lemon Tri) with the ESS partner in majority', async () => {
    const face = await org('FACE', 'ASSOCIATION', '11', '93');
    const danone = await org('Fonds Danone pour l’écosystème', 'COMPANY', '11', '92');
    const lemonTri = await org('Lemon Tri', 'COMPANY', '11', '93');
    const next = clock('2015-06-01T09:00:00.000Z');
    const { cooperationId: id } = await m('proposeCooperation', {
      kind: 'JVS', name: 'Lemon Aide', objectives: ['SOCIAL_IMPACT', 'ECONOMIC_DEVELOPMENT'],
      territory: { regionCode: '11', departementCodes: ['93'] }, sectors: ['WASTE_RECYCLING'], leadOrganisationId: face, occurredAt: next(),
    });
    for (const o of [danone, lemonTri]) await m('addMember', { cooperationId: id, organisationId: o, occurredAt: next() });
    // A company majority is refused when the final shares are set.
    const minority = [{ organisationId: face, percent: 40 }, { organisationId: danone, percent: 35 }, { organisationId: lemonTri, percent: 25 }];
    const shares = [{ organisationId: face, percent: 51 }, { organisationId: danone, percent: 24 }, { organisationId: lemonTri, percent: 25 }];
    expect(await walk(id, { next, shares, peopleInInsertion: 12 })).toEqual(ALL_STAGES);
    const final = await view(id);
    expect(final.shareholding).toEqual({ essPercent: 51, totalPercent: 100 });
    expect(final.structure).toEqual({ siren: '732829320' });
    expect(final.essaimage).toBeNull();
    const refused = await gql(`mutation($input: SetShareholdingInput!) { setShareholding(input: $input) { version } }`, {
      input: { cooperationId: id, phase: 'FINAL', shares: minority },
    }, asLead(id));
    expect(errorCode(refused)).toBe('JVS_ESS_MAJORITY_REQUIRED');
  });

  it('Essaimage: SoliCycle by Études et Chantiers Île-de-France, first workshop at Les Ulis', async () => {
    const parent = await org('Études et Chantiers Île-de-France', 'ACI', '11', '91');
    const next = clock('2006-09-04T09:00:00.000Z');
    const { cooperationId: id } = await m('proposeCooperation', {
      kind: 'ESSAIMAGE', name: 'SoliCycle', objectives: ['SOCIAL_IMPACT'],
      territory: { regionCode: '11', departementCodes: ['91'] }, sectors: ['MOBILITY'], leadOrganisationId: parent, parentOrganisationId: parent, occurredAt: next(),
    });
    expect(await walk(id, { next, peopleInInsertion: 30 })).toEqual(ALL_STAGES);
    await m('recordLesson', { cooperationId: id, text: 'Le modèle d’atelier se duplique d’un territoire à l’autre.', essaimagePotential: 'YES', occurredAt: next() });
    const final = await view(id);
    expect(final.indicators[0].measurements).toEqual([{ value: '30' }]);
    // The facts of the later gates are part of the view (not only of the history).
    expect(final.essaimage).toMatchObject({
      strategy: 'DUPLICATION_CENTRALISEE',
      strategyLabel: expect.any(String) as string,
      targetTerritories: [{ departementCode: '91' }],
      sites: [{ name: 'Atelier SoliCycle des Ulis', departementCode: '91' }],
    });
    expect(final.lessons).toEqual([{ essaimagePotential: 'YES', essaimagePotentialLabel: expect.any(String) as string }]);
    expect(final.structure).toBeNull();
  });

  it('shows the dashboard counts of a burst of commands once the projections caught up', async () => {
    const lead = await org('EI du Nord', 'EI', '32', '59');
    const partner = await org('ACI de Lille', 'ACI', '32', '59');
    const ids: string[] = [];
    for (let i = 0; i < 12; i++) {
      const { cooperationId } = await m('proposeCooperation', {
        kind: i % 2 ? 'GIE' : 'GES', name: `Coopération ${i}`, objectives: ['POOLING'],
        territory: { regionCode: '32', departementCodes: ['59'] }, leadOrganisationId: lead, occurredAt: '2024-01-10T09:00:00.000Z',
      });
      ids.push(cooperationId);
    }
    await Promise.all(ids.slice(0, 4).map((id) => m('abandonCooperation', { cooperationId: id, reason: 'NO_PARTNER', occurredAt: '2024-02-01T09:00:00.000Z' })));
    await Promise.all(ids.slice(4, 7).map(async (id) => {
      await m('addMember', { cooperationId: id, organisationId: partner, occurredAt: '2024-01-11T09:00:00.000Z' });
      await m('recordDeliverable', { cooperationId: id, kind: 'NOTE_DE_SYNTHESE', occurredAt: '2024-01-12T09:00:00.000Z' });
      await m('advanceStage', { cooperationId: id, occurredAt: '2024-03-01T09:00:00.000Z' });
    }));
    await app.get<ProjectionRunner>(PROJECTION_RUNNER).catchUp({ timeoutMs: 30_000 });
    const dashboard = async (asOf?: string) => {
      const r = await gql<{ regionalDashboard: { byStatus: { status: string; count: number }[]; byKindStage: { stage: string; count: number }[]; abandonmentReasons: { key: string; count: number }[] } }>(
        `query($asOf: String) { regionalDashboard(region: "32", asOf: $asOf) { byStatus { status count } byKindStage { stage count } abandonmentReasons { key count } } }`,
        { asOf },
        await actors.network(['32']),
      );
      expect(r.errors).toBeUndefined();
      return r.data!.regionalDashboard;
    };
    const sum = (rows: { stage?: string; count: number }[], stage: string) => rows.filter((r) => r.stage === stage).reduce((a, r) => a + r.count, 0);
    const now = await dashboard();
    expect(now.byStatus).toEqual(expect.arrayContaining([{ status: 'ABANDONED', count: 4 }, { status: 'ACTIVE', count: 8 }]));
    expect(sum(now.byKindStage, 'FEASIBILITY')).toBe(3);
    expect(sum(now.byKindStage, 'DECISION')).toBe(5);
    expect(now.abandonmentReasons).toEqual([{ key: 'NO_PARTNER', count: 4 }]);
    // The situation on 31 January 2024: all twelve active, all in DECISION.
    const january = await dashboard('2024-01-31');
    expect(january.byStatus).toEqual([{ status: 'ACTIVE', count: 12 }]);
    expect(sum(january.byKindStage, 'DECISION')).toBe(12);
  });
});
