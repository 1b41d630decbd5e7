import { randomUUID } from 'node:crypto';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createTestDatabase, errorCode, graphqlClient, type GraphQLResponse, type TestDatabase } from '@maillage/testing';
import { createApp } from '../src/bootstrap';
import { TestActors, type Headers } from './support/actors';

jest.setTimeout(60_000);

type Payload = { cooperationId: string; version: number; eventTypes: string[]; replayed: boolean };
const PAYLOAD = 'cooperationId version eventTypes replayed';

describe('cooperation mutations over HTTP', () => {
  let db: TestDatabase;
  let app: NestFastifyApplication;
  let gql: ReturnType<typeof graphqlClient>;
  let actors: TestActors;
  /** Who the mutations run as: staff of the lead organisation of the cooperation under test. */
  let as: Headers = {};

  beforeAll(async () => {
    db = await createTestDatabase('mutations');
    app = await createApp({ databaseUrl: db.url });
    await app.listen(0, '127.0.0.1');
    gql = graphqlClient(`${await app.getUrl()}/graphql`);
    actors = TestActors.of(app);
  });

  afterAll(async () => {
    await app.close();
    await db.drop();
  });

  const register = async (name: string, kind: string, departementCode = '93', regionCode = '11') => {
    const r = await gql<{ registerOrganisation: { organisationId: string } }>(
      `mutation($input: RegisterOrganisationInput!) { registerOrganisation(input: $input) { organisationId version } }`,
      { input: { name, kind, regionCode, departementCode } },
      await actors.admin(),
    );
    expect(r.errors).toBeUndefined();
    return r.data!.registerOrganisation.organisationId;
  };

  const mutate = (name: string, input: Record<string, unknown>): Promise<GraphQLResponse<Record<string, Payload>>> =>
    gql(`mutation($input: ${name[0].toUpperCase()}${name.slice(1)}Input!) { ${name}(input: $input) { ${PAYLOAD} } }`, { input }, as);

  /** Le Petit Plus (EA, mandataire) and four régies de quartier of Plaine Commune (seed 000). */
  const proposePetitPlus = async () => {
    const lead = await register('Le Petit Plus', 'EA');
    const regies = await Promise.all(['Régie de quartier de Saint-Denis', 'Régie de quartier de Stains', 'Régie de quartier de La Courneuve', 'Régie de quartier d\u2019Aubervilliers'].map((n) => register(n, 'REGIE')));
    as = await actors.member(lead);
    const proposed = await mutate('proposeCooperation', {
      kind: 'GME',
      name: 'Collecte des cartons — Plaine Commune',
      objectives: ['ECONOMIC_DEVELOPMENT', 'SOCIAL_IMPACT'],
      territory: { regionCode: '11', departementCodes: ['93'] },
      sectors: ['WASTE_RECYCLING'],
      leadOrganisationId: lead,
      occurredAt: '2015-10-01T09:00:00.000Z',
    });
    expect(proposed.errors).toBeUndefined();
    return { lead, regies, cooperationId: proposed.data!.proposeCooperation.cooperationId, version: proposed.data!.proposeCooperation.version };
  };

  it('moves a GME through DECISION with typed gate errors on the way', async () => {
    const { lead, regies, cooperationId } = await proposePetitPlus();
    for (const regie of regies) {
      const added = await mutate('addMember', { cooperationId, organisationId: regie, occurredAt: '2015-11-01T09:00:00.000Z' });
      expect(added.errors).toBeUndefined();
    }
    const tooEarly = await mutate('advanceStage', { cooperationId });
    expect(errorCode(tooEarly)).toBe('MANDATAIRE_REQUIRED');

    await mutate('designateMandataire', { cooperationId, organisationId: lead, occurredAt: '2015-12-01T09:00:00.000Z' });
    const gate = await mutate('advanceStage', { cooperationId });
    expect(errorCode(gate)).toBe('GATE_NOT_SATISFIED');
    expect(gate.errors![0].extensions!.missingItems).toEqual([
      { id: 'structuring-elements', label: expect.stringContaining('Éléments structurants') as string },
    ]);

    await mutate('recordDeliverable', { cooperationId, kind: 'NOTE_DE_SYNTHESE', occurredAt: '2015-12-10T09:00:00.000Z' });
    const advanced = await mutate('advanceStage', { cooperationId, occurredAt: '2015-12-15T09:00:00.000Z' });
    expect(advanced.errors).toBeUndefined();
    expect(advanced.data!.advanceStage.eventTypes).toEqual(['CooperationStageAdvanced']);
  });

  it('answers a stale expected version with CONCURRENCY_CONFLICT and the current version', async () => {
    const { cooperationId, version } = await proposePetitPlus();
    const stale = await mutate('recordDeliverable', { cooperationId, kind: 'NOTE_DE_SYNTHESE', expectedVersion: version - 1 });
    expect(errorCode(stale)).toBe('CONCURRENCY_CONFLICT');
    expect(stale.errors![0].extensions!.currentVersion).toBe(version);
  });

  it('lets exactly one of concurrent advanceStage calls with the same expected version win', async () => {
    const { lead, regies, cooperationId } = await proposePetitPlus();
    await mutate('addMember', { cooperationId, organisationId: regies[0] });
    await mutate('designateMandataire', { cooperationId, organisationId: lead });
    const note = await mutate('recordDeliverable', { cooperationId, kind: 'NOTE_DE_SYNTHESE' });
    const version = note.data!.recordDeliverable.version;
    const results = await Promise.all(Array.from({ length: 10 }, () => mutate('advanceStage', { cooperationId, expectedVersion: version })));
    expect(results.filter((r) => !r.errors)).toHaveLength(1);
    const codes = results.filter((r) => r.errors).map(errorCode);
    expect(codes).toEqual(Array(9).fill('CONCURRENCY_CONFLICT'));
  });

  it('returns the first result for a retried idempotency key', async () => {
    const { cooperationId } = await proposePetitPlus();
    const idempotencyKey = randomUUID();
    const first = await mutate('recordDeliverable', { cooperationId, kind: 'NOTE_DE_SYNTHESE', idempotencyKey });
    const second = await mutate('recordDeliverable', { cooperationId, kind: 'NOTE_DE_SYNTHESE', idempotencyKey });
    expect(second.data!.recordDeliverable).toEqual({ ...first.data!.recordDeliverable, replayed: true });
    const reused = await mutate('recordDeliverable', { cooperationId, kind: 'BUSINESS_PLAN', idempotencyKey });
    expect(errorCode(reused)).toBe('IDEMPOTENCY_KEY_REUSED');
  });

  it('answers NOT_FOUND, not the version, to whoever may not see the cooperation, whatever expectedVersion they send', async () => {
    const { cooperationId, version } = await proposePetitPlus();
    const stranger = await actors.member(await register('Régie de quartier de Bobigny', 'REGIE'));
    for (const expectedVersion of [undefined, 0, version - 1, version, version + 7]) {
      const response = await gql(
        `mutation($input: RecordDeliverableInput!) { recordDeliverable(input: $input) { version } }`,
        { input: { cooperationId, kind: 'NOTE_DE_SYNTHESE', expectedVersion } },
        stranger,
      );
      expect({ expectedVersion, code: errorCode(response), extensions: Object.keys(response.errors![0].extensions!) }).toEqual({ expectedVersion, code: 'NOT_FOUND', extensions: ['code'] });
    }
    // A cooperation that does not exist: the same answer, not "version 0".
    const missing = await mutate('recordDeliverable', { cooperationId: randomUUID(), kind: 'NOTE_DE_SYNTHESE', expectedVersion: 3 });
    expect(errorCode(missing)).toBe('NOT_FOUND');
    expect(missing.errors![0].extensions!.currentVersion).toBeUndefined();
    // Its own members still get the conflict with the current version.
    const stale = await mutate('recordDeliverable', { cooperationId, kind: 'NOTE_DE_SYNTHESE', expectedVersion: version + 7 });
    expect(stale.errors![0].extensions).toMatchObject({ code: 'CONCURRENCY_CONFLICT', currentVersion: version });
  });

  it('refuses a negative expected version and an empty or oversized idempotency key, writing nothing', async () => {
    const { cooperationId, version } = await proposePetitPlus();
    const cases: [Record<string, unknown>, string][] = [
      [{ expectedVersion: -1 }, 'expectedVersion'],
      [{ expectedVersion: -version }, 'expectedVersion'],
      [{ idempotencyKey: '' }, 'idempotencyKey'],
      [{ idempotencyKey: 'k'.repeat(201) }, 'idempotencyKey'],
    ];
    for (const [options, field] of cases) {
      const response = await mutate('recordDeliverable', { cooperationId, kind: 'NOTE_DE_SYNTHESE', ...options });
      expect({ options, extensions: response.errors?.[0].extensions }).toEqual({ options, extensions: expect.objectContaining({ code: 'BAD_USER_INPUT', field }) as object });
    }
    const next = await mutate('recordDeliverable', { cooperationId, kind: 'NOTE_DE_SYNTHESE', expectedVersion: version, idempotencyKey: 'k'.repeat(200) });
    expect(next.data!.recordDeliverable.version).toBe(version + 1);
  });

  it('proposes one cooperation per idempotency key when the client names none, even for retries sent at once', async () => {
    const lead = await register('Tremplin Travail', 'AI', '49', '52');
    as = await actors.member(lead);
    const input = (idempotencyKey: string) => ({
      kind: 'GME',
      name: 'Remplacements dans les collèges de Maine-et-Loire',
      objectives: ['ECONOMIC_DEVELOPMENT'],
      territory: { regionCode: '52', departementCodes: ['49'] },
      sectors: ['STAFFING'],
      leadOrganisationId: lead,
      idempotencyKey,
    });
    const key = randomUUID();
    const attempts = await Promise.all(Array.from({ length: 3 }, () => mutate('proposeCooperation', input(key))));
    for (const a of attempts) expect(a.errors).toBeUndefined();
    const ids = new Set(attempts.map((a) => a.data!.proposeCooperation.cooperationId));
    expect(ids.size).toBe(1);
    const [cooperationId] = ids;
    expect(attempts.filter((a) => !a.data!.proposeCooperation.replayed).length).toBeGreaterThanOrEqual(1);
    // A retry later is a replay of the same proposal, not a refusal nor a second cooperation.
    const later = await mutate('proposeCooperation', input(key));
    expect(later.data!.proposeCooperation).toMatchObject({ cooperationId, replayed: true, version: 2 });
    const history = await gql<{ history: { type: string }[] }>(`query($id: ID!) { history(cooperationId: $id) { type } }`, { id: cooperationId }, as);
    expect(history.data!.history.filter((e) => e.type === 'CooperationProposed')).toHaveLength(1);
    // Another key, another cooperation.
    const other = await mutate('proposeCooperation', input(randomUUID()));
    expect(other.data!.proposeCooperation.cooperationId).not.toBe(cooperationId);
    // A client-chosen id must be a UUID.
    const named = await mutate('proposeCooperation', { ...input(randomUUID()), cooperationId: 'gme-maine-et-loire' });
    expect(named.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'cooperationId' });
  });

  it('gives every kind of bad input a clear typed error, never an internal one', async () => {
    const { cooperationId, lead } = await proposePetitPlus();
    const cases: [string, Record<string, unknown>, string][] = [
      ['addMember', { cooperationId, organisationId: randomUUID() }, 'NOT_FOUND'],
      ['addMember', { cooperationId: randomUUID(), organisationId: randomUUID() }, 'NOT_FOUND'],
      ['recordDeliverable', { cooperationId, kind: 'NOTE_DE_SYNTHESE', occurredAt: '2999-01-01T00:00:00.000Z' }, 'OCCURRED_AT_IN_FUTURE'],
      ['recordDeliverable', { cooperationId, kind: 'NOT_A_KIND' }, 'BAD_USER_INPUT'],
      ['recordDeliverable', { cooperationId }, 'BAD_USER_INPUT'],
      ['setShareholding', { cooperationId, phase: 'PLANNED', shares: [] }, 'NOT_APPLICABLE_TO_KIND'],
      ['proposeCooperation', { kind: 'GIE', name: 'x', objectives: ['POOLING'], territory: { regionCode: '11', departementCodes: ['49'] }, leadOrganisationId: lead }, 'INVALID_TERRITORY'],
      ['proposeCooperation', { kind: 'GIE', name: '', objectives: [], territory: { regionCode: '11', departementCodes: ['93'] }, leadOrganisationId: lead }, 'BAD_USER_INPUT'],
      // No cooperation can have an id too long to name its stream: missing, like any unknown id.
      ['recordDeliverable', { cooperationId: 'x'.repeat(500), kind: 'NOTE_DE_SYNTHESE' }, 'NOT_FOUND'],
    ];
    for (const [name, input, code] of cases) {
      const response = await mutate(name, input);
      expect({ name, input, code: errorCode(response) }).toEqual({ name, input, code });
      expect(JSON.stringify(response.errors)).not.toMatch(/stacktrace|at \/|node_modules|SELECT|INSERT/i);
    }
    const badSiret = await gql(
      `mutation { registerOrganisation(input: { name: "X", kind: EI, regionCode: "11", departementCode: "93", siret: "12345678901234" }) { organisationId } }`,
      {},
      await actors.admin(),
    );
    expect(errorCode(badSiret)).toBe('INVALID_SIRET');
  });

  // Seed 000: « Les marchés réservés par secteur excluent donc de fait toute cotraitance entre différents secteurs ».
  it('refuses a reserved market whose members are not all entitled to it, and an ineligible member once it is recorded, with RESERVED_MARKET_MEMBER_NOT_ELIGIBLE', async () => {
    const { lead, regies, cooperationId } = await proposePetitPlus();
    await mutate('addMember', { cooperationId, organisationId: regies[0], occurredAt: '2015-11-01T09:00:00.000Z' });
    await mutate('designateMandataire', { cooperationId, organisationId: lead, occurredAt: '2015-11-02T09:00:00.000Z' });
    const market = { cooperationId, buyerName: 'Plaine Commune', cpvCode: '90511000', amountExclVat: 120000, durationMonths: 72, occurredAt: '2015-11-10T09:00:00.000Z' };
    // Le Petit Plus is an EA: a market reserved to SIAE only is not for this group.
    const refused = await mutate('recordMarket', { ...market, procedures: ['RESERVED_SIAE'] });
    expect(errorCode(refused)).toBe('RESERVED_MARKET_MEMBER_NOT_ELIGIBLE');
    expect(refused.errors![0].extensions).toMatchObject({ organisationId: lead, organisationKind: 'EA', reservations: ['RESERVED_SIAE'] });
    expect(refused.errors![0].message).toContain('le marché est réservé aux SIAE');
    // Reserved to SIAE or to EA and ESAT: both members are entitled.
    const recorded = await mutate('recordMarket', { ...market, procedures: ['RESERVED_SIAE', 'RESERVED_EA_ESAT'] });
    expect(recorded.errors).toBeUndefined();
    const company = await register('Collecte Services SAS', 'COMPANY');
    const ineligible = await mutate('addMember', { cooperationId, organisationId: company, occurredAt: '2015-11-20T09:00:00.000Z' });
    expect(errorCode(ineligible)).toBe('RESERVED_MARKET_MEMBER_NOT_ELIGIBLE');
    expect(ineligible.errors![0].message).toMatch(/^Collecte Services SAS \(Entreprise classique, hors ESS\) ne peut pas être membre du groupement/);
  });

  it('refuses, from FEASIBILITY on, a removal that would leave a GIE with one member, with TWO_MEMBERS_REQUIRED', async () => {
    const lead = await register('Cana Event', 'EI', '92');
    const other = await register("Cockt'elles", 'ACI', '92');
    as = await actors.member(lead);
    const proposed = await mutate('proposeCooperation', {
      kind: 'GIE',
      name: 'La Table de Cana Gennevilliers',
      objectives: ['POOLING'],
      territory: { regionCode: '11', departementCodes: ['92'] },
      sectors: ['CATERING'],
      leadOrganisationId: lead,
      occurredAt: '2012-03-01T09:00:00.000Z',
    });
    const cooperationId = proposed.data!.proposeCooperation.cooperationId;
    await mutate('addMember', { cooperationId, organisationId: other, occurredAt: '2012-03-01T09:00:00.000Z' });
    await mutate('recordDeliverable', { cooperationId, kind: 'NOTE_DE_SYNTHESE', occurredAt: '2012-03-15T09:00:00.000Z' });
    const advanced = await mutate('advanceStage', { cooperationId, occurredAt: '2012-04-01T09:00:00.000Z' });
    expect(advanced.errors).toBeUndefined();
    const removed = await mutate('removeMember', { cooperationId, organisationId: other, occurredAt: '2012-05-01T09:00:00.000Z' });
    expect(errorCode(removed)).toBe('TWO_MEMBERS_REQUIRED');
    expect(removed.errors![0].extensions).toMatchObject({ kind: 'GIE', stage: 'FEASIBILITY', membersLeft: 1 });
    expect(removed.errors![0].message).toContain('au moins deux structures membres');
  });
});
