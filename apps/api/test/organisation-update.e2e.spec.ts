import { randomUUID } from 'node:crypto';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { EventStore } from '@maillage/event-store';
import type { ProjectionRunner } from '@maillage/projections';
import { createTestDatabase, errorCode, graphqlClient, type GraphQLResponse, type TestDatabase } from '@maillage/testing';
import { syntheticSiret } from '@maillage/demo-data';
import { createApp } from '../src/bootstrap';
import { EVENT_STORE } from '../src/command-side/command-side.module';
import { PROJECTION_RUNNER } from '../src/projections/projections.module';
import { TestActors, type Headers } from './support/actors';

jest.setTimeout(120_000);

const REGISTER = 'mutation($input: RegisterOrganisationInput!) { registerOrganisation(input: $input) { organisationId version } }';
const UPDATE = 'mutation($input: UpdateOrganisationInput!) { updateOrganisation(input: $input) { organisationId version eventTypes replayed } }';
const ONE = 'query($id: ID!) { organisation(id: $id) { id name kind ess siret regionCode departementCode version } }';

interface Payload {
  organisationId: string;
  version: number;
  eventTypes: string[];
  replayed: boolean;
}
interface Entry {
  id: string;
  name: string;
  kind: string;
  ess: boolean;
  siret: string | null;
  regionCode: string;
  departementCode: string;
  version: number;
}

/**
 * `updateOrganisation` over HTTP with real tokens: only the fields given change, the directory
 * shows the change once projected, each bad input has its typed code, networks act on the
 * organisations of their régions only, and the SIRET registry follows a SIRET moved or cleared.
 */
describe('updateOrganisation', () => {
  let db: TestDatabase;
  let app: NestFastifyApplication;
  let gql: ReturnType<typeof graphqlClient>;
  let actors: TestActors;
  let store: EventStore;
  let admin: Headers;
  let n = 0;

  const register = async (input: Record<string, unknown>, as?: Headers): Promise<string> => {
    const r = await gql<{ registerOrganisation: { organisationId: string } }>(REGISTER, { input }, as ?? admin);
    if (r.errors) throw new Error(JSON.stringify(r.errors));
    return r.data!.registerOrganisation.organisationId;
  };
  /** A new organisation of Île-de-France (Seine-Saint-Denis) unless told otherwise. */
  const organisation = (fields: Record<string, unknown> = {}) =>
    register({ name: `Structure ${++n}`, kind: 'ACI', regionCode: '11', departementCode: '93', ...fields });
  const update = (input: Record<string, unknown>, as?: Headers): Promise<GraphQLResponse<{ updateOrganisation: Payload }>> =>
    gql<{ updateOrganisation: Payload }>(UPDATE, { input }, as ?? admin);
  const updated = async (input: Record<string, unknown>, as?: Headers): Promise<Payload> => {
    const r = await update(input, as);
    if (r.errors) throw new Error(JSON.stringify(r.errors));
    return r.data!.updateOrganisation;
  };
  const eventsOf = async (id: string) => (await store.readStream(`organisation-${id}`)).map((e) => e.type);
  const catchUp = () => app.get<ProjectionRunner>(PROJECTION_RUNNER).catchUp({ timeoutMs: 30_000 });
  const entry = async (id: string): Promise<Entry | null> => {
    const r = await gql<{ organisation: Entry | null }>(ONE, { id }, admin);
    if (r.errors) throw new Error(JSON.stringify(r.errors));
    return r.data!.organisation;
  };
  const firstError = (r: GraphQLResponse<unknown>) => r.errors?.[0]?.extensions ?? null;

  beforeAll(async () => {
    db = await createTestDatabase('organisation-update');
    app = await createApp({ databaseUrl: db.url });
    await app.listen(0, '127.0.0.1');
    actors = TestActors.of(app);
    gql = graphqlClient(`${await app.getUrl()}/graphql`);
    store = app.get<EventStore>(EVENT_STORE);
    admin = await actors.admin();
  });

  afterAll(async () => {
    await app.close();
    await db.drop();
  });

  it('changes only the fields given, and the directory (and the organisations named in a cooperation) show it once projected', async () => {
    const siret = syntheticSiret(`update-partial-${randomUUID()}`);
    const id = await organisation({ name: 'Régie de quartier de Stains', kind: 'REGIE', siret });
    // A cooperation led by it names it through the directory.
    const lead = await actors.member(id);
    const proposed = await gql<{ proposeCooperation: { cooperationId: string } }>(
      'mutation($i: ProposeCooperationInput!) { proposeCooperation(input: $i) { cooperationId } }',
      { i: { kind: 'GIE', name: 'GIE de Stains', objectives: ['POOLING'], territory: { regionCode: '11', departementCodes: ['93'] }, leadOrganisationId: id } },
      lead,
    );
    expect(proposed.errors).toBeUndefined();
    const coopId = proposed.data!.proposeCooperation.cooperationId;
    const memberNames = async () =>
      (
        await gql<{ cooperation: { members: { organisation: { name: string } | null }[] } }>(
          'query($id: ID!) { cooperation(id: $id) { members { organisation { name } } } }',
          { id: coopId },
          lead,
        )
      ).data!.cooperation.members.map((m) => m.organisation?.name);
    await catchUp();
    expect(await entry(id)).toEqual({ id, name: 'Régie de quartier de Stains', kind: 'REGIE', ess: true, siret, regionCode: '11', departementCode: '93', version: 1 });
    expect(await memberNames()).toEqual(['Régie de quartier de Stains']);

    expect(await updated({ organisationId: id, name: '  Régie de quartier Stains-Pierrefitte ', expectedVersion: 1 })).toEqual({
      organisationId: id,
      version: 2,
      eventTypes: ['OrganisationUpdated'],
      replayed: false,
    });
    await catchUp();
    // The name (trimmed) changed; everything left out stayed, the SIRET included.
    expect(await entry(id)).toEqual({ id, name: 'Régie de quartier Stains-Pierrefitte', kind: 'REGIE', ess: true, siret, regionCode: '11', departementCode: '93', version: 2 });
    expect(await memberNames()).toEqual(['Régie de quartier Stains-Pierrefitte']);
    const found = await gql<{ organisations: { id: string }[] }>('{ organisations(search: "pierrefitte") { id } }', {}, lead);
    expect(found.data!.organisations.map((o) => o.id)).toEqual([id]);

    // Kind, ESS status and département together (the région stays: 92 is in Île-de-France).
    expect(await updated({ organisationId: id, kind: 'EI', ess: false, departementCode: '92', expectedVersion: 2 })).toMatchObject({ version: 3 });
    await catchUp();
    expect(await entry(id)).toMatchObject({ kind: 'EI', ess: false, siret, regionCode: '11', departementCode: '92', version: 3 });
    // An operator moves it to another région, with a département of it.
    expect(await updated({ organisationId: id, regionCode: '52', departementCode: '49' })).toMatchObject({ version: 4 });
    await catchUp();
    expect(await entry(id)).toMatchObject({ regionCode: '52', departementCode: '49', version: 4 });
    const inPdl = await gql<{ organisations: { id: string }[] }>('{ organisations(region: "52", search: "pierrefitte") { id } }', {}, admin);
    expect(inPdl.data!.organisations.map((o) => o.id)).toEqual([id]);
    expect(await eventsOf(id)).toEqual(['OrganisationRegistered', 'OrganisationUpdated', 'OrganisationUpdated', 'OrganisationUpdated']);
  });

  it('records nothing for an update that changes nothing', async () => {
    const id = await organisation({ name: 'Envie Île-de-France', kind: 'EI' });
    expect(await updated({ organisationId: id, name: 'Envie Île-de-France', kind: 'EI', regionCode: '11', departementCode: '93' })).toEqual({
      organisationId: id,
      version: 1,
      eventTypes: [],
      replayed: false,
    });
    expect(await updated({ organisationId: id })).toMatchObject({ version: 1, eventTypes: [] });
    expect(await eventsOf(id)).toEqual(['OrganisationRegistered']);
  });

  it('answers every bad input with a typed code, the field it is about, and writes nothing', async () => {
    const id = await organisation({ regionCode: '52', departementCode: '49' });
    const refused = async (input: Record<string, unknown>) => {
      const r = await update({ organisationId: id, ...input });
      expect(r.data ?? null).toBeNull();
      return firstError(r);
    };
    expect(await refused({ name: '' })).toMatchObject({ code: 'BAD_USER_INPUT', field: 'name' });
    expect(await refused({ name: '   ' })).toMatchObject({ code: 'BAD_USER_INPUT', field: 'name' });
    expect(await refused({ name: 'x'.repeat(301) })).toMatchObject({ code: 'BAD_USER_INPUT', field: 'name' });
    // null is not a value (siret alone may be cleared).
    for (const field of ['name', 'kind', 'ess', 'regionCode', 'departementCode', 'networkIds']) {
      expect(await refused({ [field]: null })).toMatchObject({ code: 'BAD_USER_INPUT', field });
    }
    expect(await refused({ networkIds: [''] })).toMatchObject({ code: 'BAD_USER_INPUT', field: 'networkIds[0]' });
    // Networks must be registered networks, a few at most, other than the organisation itself.
    const network = await organisation({ kind: 'NETWORK', regionCode: '52', departementCode: '44' });
    const school = await organisation({ kind: 'TRAINING', regionCode: '52', departementCode: '44' });
    expect(await refused({ networkIds: [network, 'unknown-network'] })).toMatchObject({ code: 'NOT_FOUND', field: 'networkIds[1]' });
    expect(await refused({ networkIds: [network, school] })).toMatchObject({ code: 'BAD_USER_INPUT', field: 'networkIds[1]' });
    expect(await refused({ networkIds: [id] })).toMatchObject({ code: 'BAD_USER_INPUT', field: 'networkIds[0]' });
    expect(await refused({ networkIds: Array.from({ length: 21 }, (_, i) => `network-${i}`) })).toMatchObject({ code: 'BAD_USER_INPUT', field: 'networkIds' });
    const member = await organisation({ regionCode: '52', departementCode: '49' });
    expect((await updated({ organisationId: member, networkIds: [network] })).eventTypes).toEqual(['OrganisationUpdated']);
    expect((await updated({ organisationId: member, networkIds: [] })).eventTypes).toEqual(['OrganisationUpdated']);
    expect(await refused({ expectedVersion: -1 })).toMatchObject({ code: 'BAD_USER_INPUT', field: 'expectedVersion' });
    expect(await refused({ idempotencyKey: '' })).toMatchObject({ code: 'BAD_USER_INPUT', field: 'idempotencyKey' });
    expect(await refused({ idempotencyKey: 'k'.repeat(201) })).toMatchObject({ code: 'BAD_USER_INPUT', field: 'idempotencyKey' });
    // Refused by the schema before any resolver: an unknown kind, a date-time without its offset.
    expect(await refused({ kind: 'CLUB' })).toMatchObject({ code: 'BAD_USER_INPUT' });
    expect(await refused({ occurredAt: '2025-03-01T09:00:00' })).toMatchObject({ code: 'BAD_USER_INPUT' });
    // Dated before the organisation was registered (today).
    expect(await refused({ name: 'Renommée', occurredAt: '2001-01-01T09:00:00Z' })).toMatchObject({ code: 'BAD_USER_INPUT', field: 'occurredAt' });
    // The domain's own codes, with the field.
    expect(await refused({ siret: '12345678901234' })).toMatchObject({ code: 'INVALID_SIRET', field: 'siret' });
    expect(await refused({ siret: 'abc' })).toMatchObject({ code: 'INVALID_SIRET', field: 'siret' });
    expect(await refused({ departementCode: '93' })).toMatchObject({ code: 'INVALID_TERRITORY', field: 'departementCode' });
    // A région whose départements do not include the current one: the département is what to change.
    expect(await refused({ regionCode: '11' })).toMatchObject({ code: 'INVALID_TERRITORY', field: 'departementCode' });
    expect(await refused({ regionCode: '99', departementCode: '49' })).toMatchObject({ code: 'INVALID_TERRITORY', field: 'regionCode' });
    expect(await refused({ occurredAt: new Date(Date.now() + 86_400_000).toISOString() })).toMatchObject({ code: 'OCCURRED_AT_IN_FUTURE' });
    expect(await eventsOf(id)).toEqual(['OrganisationRegistered']);
  });

  it('answers NOT_FOUND for an organisation that does not exist, whoever asks, before its version', async () => {
    const missing = randomUUID();
    for (const as of [admin, await actors.network(['11']), await actors.member(missing), await actors.funder('fondation-x')]) {
      for (const organisationId of [missing, 'not an id!', 'x'.repeat(101), '']) {
        const r = await update({ organisationId, name: 'Fantôme', regionCode: '11', departementCode: '93', expectedVersion: 3 }, as);
        expect(firstError(r)).toEqual({ code: 'NOT_FOUND' });
        expect(r.errors![0].message).toBe('Organisation introuvable.');
      }
    }
    expect(await eventsOf(missing)).toEqual([]);
    expect(errorCode(await gql(UPDATE, { input: { organisationId: missing, name: 'Anonyme' } }))).toBe('UNAUTHENTICATED');
  });

  it('refuses a stale expectedVersion with the current version, and writes nothing', async () => {
    const id = await organisation();
    await updated({ organisationId: id, name: 'Premier nom', expectedVersion: 1 });
    const stale = await update({ organisationId: id, name: 'Nom écrit sur une vieille version', expectedVersion: 1 });
    expect(firstError(stale)).toMatchObject({ code: 'CONCURRENCY_CONFLICT', currentVersion: 2, expectedVersion: 1 });
    expect(stale.errors![0].message).toBe("L'organisation a été modifiée entre-temps (version actuelle 2). Rechargez-la puis recommencez.");
    expect(await eventsOf(id)).toEqual(['OrganisationRegistered', 'OrganisationUpdated']);
    // Reloaded, the same change goes through.
    expect(await updated({ organisationId: id, name: 'Nom écrit sur la bonne version', expectedVersion: 2 })).toMatchObject({ version: 3 });
  });

  it('lets networks update the organisations of their régions only, never out of them; operators everything; not the organisation itself', async () => {
    const idf = await organisation({ name: 'Halage', kind: 'ACI' });
    const pdl = await organisation({ name: 'Tremplin Travail', kind: 'AI', regionCode: '52', departementCode: '49' });
    const net11 = await actors.network(['11']);
    const net52 = await actors.network(['52']);
    const netBoth = await actors.network(['11', '52'], 'network-two-regions');

    expect(await updated({ organisationId: idf, name: 'Halage (Île-Saint-Denis)' }, net11)).toMatchObject({ version: 2 });
    expect(await updated({ organisationId: idf, departementCode: '94' }, net11)).toMatchObject({ version: 3 });
    // Out of its régions: the organisation's current région, or the one it would move to.
    const moveOut = await update({ organisationId: idf, regionCode: '52', departementCode: '49' }, net11);
    expect(firstError(moveOut)).toEqual({ code: 'FORBIDDEN' });
    expect(errorCode(await update({ organisationId: pdl, name: 'Tremplin' }, net11))).toBe('FORBIDDEN');
    expect(errorCode(await update({ organisationId: idf, name: 'Halage' }, net52))).toBe('FORBIDDEN');
    // Access is checked before the version: a stranger never learns it.
    expect(firstError(await update({ organisationId: pdl, name: 'Tremplin', expectedVersion: 9 }, net11))).toEqual({ code: 'FORBIDDEN' });
    // A network of both régions may move it between them.
    expect(await updated({ organisationId: idf, regionCode: '52', departementCode: '44' }, netBoth)).toMatchObject({ version: 4 });
    expect(await updated({ organisationId: idf, regionCode: '11', departementCode: '93' }, admin)).toMatchObject({ version: 5 });

    // The organisation's own members (and any member or funder) may not change it.
    for (const as of [await actors.member(idf), await actors.member(pdl), await actors.funder(idf)]) {
      expect(errorCode(await update({ organisationId: idf, name: 'Halage, par elle-même' }, as))).toBe('FORBIDDEN');
    }
    expect(await eventsOf(idf)).toHaveLength(5);
    expect(await eventsOf(pdl)).toEqual(['OrganisationRegistered']);
  });

  it('moves a SIRET: one held by another organisation is refused and changes nothing, the one given up is free at once', async () => {
    const [s1, s2, s3, s4] = [1, 2, 3, 4].map((i) => syntheticSiret(`update-siret-${i}-${randomUUID()}`));
    const a = await organisation({ name: 'Atout Services', kind: 'EI', siret: s1 });
    const b = await organisation({ name: 'Envie 93', kind: 'EI', siret: s2 });

    // s2 is b's: refused, and nothing of that request is applied (not even its name).
    const taken = await update({ organisationId: a, siret: `${s2.slice(0, 9)} ${s2.slice(9)}`, name: 'Atout Services bis' });
    expect(firstError(taken)).toMatchObject({ code: 'ALREADY_EXISTS', field: 'siret' });
    expect(await eventsOf(a)).toEqual(['OrganisationRegistered']);
    // a still holds s1.
    expect(firstError(await gql(REGISTER, { input: { name: 'Doublon', kind: 'EI', regionCode: '11', departementCode: '93', siret: s1 } }, admin))).toMatchObject({
      code: 'ALREADY_EXISTS',
      field: 'siret',
    });

    // a moves to s3: s1 is free at once, s3 is a's.
    expect(await updated({ organisationId: a, siret: s3 })).toMatchObject({ version: 2, eventTypes: ['OrganisationUpdated'] });
    const c = await organisation({ name: 'Reprend s1', kind: 'EI', siret: s1 });
    expect(firstError(await update({ organisationId: b, siret: s3 }))).toMatchObject({ code: 'ALREADY_EXISTS', field: 'siret' });

    // A refused update keeps none of the SIRET it asked for.
    expect(errorCode(await update({ organisationId: a, siret: s4, departementCode: '49' }))).toBe('INVALID_TERRITORY');
    expect(await updated({ organisationId: b, siret: s4 })).toMatchObject({ version: 2 });

    // a clears its SIRET (null): s3 is free.
    expect(await updated({ organisationId: a, siret: null })).toMatchObject({ version: 3 });
    expect(await updated({ organisationId: c, siret: s3 })).toMatchObject({ version: 2 }); // and gives s1 up
    // Renaming keeps the SIRET held.
    expect(await updated({ organisationId: c, name: 'Reprend s3' })).toMatchObject({ version: 3 });
    expect(errorCode(await update({ organisationId: a, siret: s3 }))).toBe('ALREADY_EXISTS');

    await catchUp();
    expect(await entry(a)).toMatchObject({ siret: null, name: 'Atout Services' });
    expect(await entry(b)).toMatchObject({ siret: s4 });
    expect(await entry(c)).toMatchObject({ siret: s3, name: 'Reprend s3' });
    // The directory finds each SIRET at its new holder only.
    const bySiret = async (siret: string) =>
      (await gql<{ organisations: { id: string }[] }>('query($s: String) { organisations(search: $s) { id } }', { s: siret }, admin)).data!.organisations.map((o) => o.id);
    expect(await bySiret(s1)).toEqual([]);
    expect(await bySiret(s2)).toEqual([]);
    expect(await bySiret(s3)).toEqual([c]);
    expect(await bySiret(s4)).toEqual([b]);
  });

  it('applies a request once per idempotency key, even for retries sent at once, and refuses the key for another request', async () => {
    const s1 = syntheticSiret(`update-idem-1-${randomUUID()}`);
    const s2 = syntheticSiret(`update-idem-2-${randomUUID()}`);
    const id = await organisation({ name: 'La Table de Cana', kind: 'EI', siret: s1 });
    const key = `update-${randomUUID()}`;
    const input = { organisationId: id, name: 'La Table de Cana Marseille', siret: s2, idempotencyKey: key, expectedVersion: 1 };
    const attempts = await Promise.all([update(input), update(input), update(input)]);
    for (const a of attempts) expect(a.errors).toBeUndefined();
    expect(new Set(attempts.map((a) => a.data!.updateOrganisation.version))).toEqual(new Set([2]));
    expect(attempts.filter((a) => !a.data!.updateOrganisation.replayed)).toHaveLength(1);
    // Later, the same request again: the first result, nothing appended (its expectedVersion is stale by now, yet it is a replay).
    expect(await updated(input)).toEqual({ organisationId: id, version: 2, eventTypes: ['OrganisationUpdated'], replayed: true });
    expect(await eventsOf(id)).toEqual(['OrganisationRegistered', 'OrganisationUpdated']);
    // The replay neither claimed nor gave back a SIRET: s1 is free, s2 is still the organisation's.
    await organisation({ name: 'Reprend s1', kind: 'EI', siret: s1 });
    expect(errorCode(await gql(REGISTER, { input: { name: 'Veut s2', kind: 'EI', regionCode: '11', departementCode: '93', siret: s2 } }, admin))).toBe('ALREADY_EXISTS');
    // The key belongs to that request.
    expect(errorCode(await update({ ...input, name: 'Autre demande' }))).toBe('IDEMPOTENCY_KEY_REUSED');
    // A refused request gives its key back.
    const refusedKey = `update-${randomUUID()}`;
    expect(errorCode(await update({ organisationId: id, name: '', idempotencyKey: refusedKey }))).toBe('BAD_USER_INPUT');
    expect(await updated({ organisationId: id, name: 'La Table de Cana', idempotencyKey: refusedKey })).toMatchObject({ version: 3, replayed: false });
  });
});
