import { randomUUID } from 'node:crypto';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { ProjectionRunner } from '@maillage/projections';
import { createTestDatabase, errorCode, graphqlClient, type TestDatabase } from '@maillage/testing';
import { syntheticSiret } from '@maillage/demo-data';
import type { Pool } from 'pg';
import { createApp } from '../src/bootstrap';
import { PG_POOL } from '../src/database/database.module';
import { PROJECTION_RUNNER } from '../src/projections/projections.module';
import { TestActors } from './support/actors';

jest.setTimeout(120_000);

/** The organisation directory: search, one organisation by id, and an account's organisation. */
describe('organisation directory', () => {
  let db: TestDatabase;
  let app: NestFastifyApplication;
  let gql: ReturnType<typeof graphqlClient>;
  let actors: TestActors;
  let regie: string;
  let epicerie: string;

  beforeAll(async () => {
    db = await createTestDatabase('organisations');
    app = await createApp({ databaseUrl: db.url });
    await app.listen(0, '127.0.0.1');
    actors = TestActors.of(app);
    gql = graphqlClient(`${await app.getUrl()}/graphql`);
    const admin = await actors.admin();
    const register = async (input: Record<string, unknown>) => {
      const r = await gql<{ registerOrganisation: { organisationId: string } }>(
        'mutation($input: RegisterOrganisationInput!) { registerOrganisation(input: $input) { organisationId } }',
        { input },
        admin,
      );
      if (r.errors) throw new Error(JSON.stringify(r.errors));
      return r.data!.registerOrganisation.organisationId;
    };
    regie = await register({ name: 'Régie de quartier de Stains', kind: 'REGIE', regionCode: '11', departementCode: '93' });
    epicerie = await register({ name: 'Épicerie solidaire du Segréen', kind: 'ASSOCIATION', regionCode: '52', departementCode: '49' });
    await app.get<ProjectionRunner>(PROJECTION_RUNNER).catchUp({ timeoutMs: 30_000 });
  });

  afterAll(async () => {
    await app.close();
    await db.drop();
  });

  it('registers one organisation per idempotency key when the client names no id, even for retries sent at once', async () => {
    const admin = await actors.admin();
    const input = { name: 'Tremplin Travail', kind: 'AI', regionCode: '52', departementCode: '49', idempotencyKey: `register-tremplin-${Date.now()}` };
    const send = () =>
      gql<{ registerOrganisation: { organisationId: string; version: number; replayed: boolean } }>(
        'mutation($input: RegisterOrganisationInput!) { registerOrganisation(input: $input) { organisationId version replayed } }',
        { input },
        admin,
      );
    const attempts = await Promise.all([send(), send(), send()]);
    for (const a of attempts) expect(a.errors).toBeUndefined();
    expect(new Set(attempts.map((a) => a.data!.registerOrganisation.organisationId)).size).toBe(1);
    const later = await send();
    expect(later.data!.registerOrganisation).toEqual({ ...attempts[0].data!.registerOrganisation, version: 1, replayed: true });
  });

  it('takes a client-chosen id only as a UUID, in lower case, and gives the key of a refused id back', async () => {
    const admin = await actors.admin();
    const send = (input: Record<string, unknown>) =>
      gql<{ registerOrganisation: { organisationId: string } }>(
        'mutation($input: RegisterOrganisationInput!) { registerOrganisation(input: $input) { organisationId } }',
        { input: { name: 'Les Jardins de Cocagne', kind: 'ACI', regionCode: '52', departementCode: '49', ...input } },
        admin,
      );
    const key = `register-cocagne-${Date.now()}`;
    // "a b" reached the event store as a stream name: a generic refusal, and the key was used up.
    for (const organisationId of ['a b', 'tremplin', `${randomUUID()}x`]) {
      const refused = await send({ organisationId, idempotencyKey: key });
      expect({ organisationId, code: errorCode(refused), field: refused.errors?.[0].extensions?.field }).toEqual({ organisationId, code: 'BAD_USER_INPUT', field: 'organisationId' });
    }
    const id = randomUUID();
    const registered = await send({ organisationId: id.toUpperCase(), idempotencyKey: key });
    expect(registered.data?.registerOrganisation.organisationId).toBe(id);
    // The same UUID in another case names the same organisation.
    expect(errorCode(await send({ organisationId: id }))).toBe('ALREADY_EXISTS');
  });

  it('keeps each SIRET to one organisation: a second one is refused, even at once, and a refused registration keeps none', async () => {
    const admin = await actors.admin();
    const REGISTER = 'mutation($input: RegisterOrganisationInput!) { registerOrganisation(input: $input) { organisationId } }';
    const register = (name: string, siret: string, departementCode = '49') =>
      gql<{ registerOrganisation: { organisationId: string } }>(REGISTER, { input: { name, kind: 'EI', regionCode: '52', departementCode, siret } }, admin);
    const siret = syntheticSiret(`siret-unique-${Date.now()}`);
    const first = await register('Atout Services', siret);
    expect(first.errors).toBeUndefined();
    // Typed with spaces, as on a Kbis: the same establishment.
    const spaced = `${siret.slice(0, 3)} ${siret.slice(3, 6)} ${siret.slice(6, 9)} ${siret.slice(9)}`;
    const second = await register('EI Audit doublon', spaced);
    expect(second.errors![0].extensions).toMatchObject({ code: 'ALREADY_EXISTS', field: 'siret' });

    // Two registrations of one new SIRET at once: exactly one.
    const contested = syntheticSiret(`siret-contested-${Date.now()}`);
    const both = await Promise.all([register('EI Une', contested), register('EI Deux', contested)]);
    expect(both.filter((r) => !r.errors)).toHaveLength(1);
    expect(both.filter((r) => r.errors).map((r) => r.errors![0].extensions!.code)).toEqual(['ALREADY_EXISTS']);

    // A refused registration does not keep the SIRET it asked for.
    const refusedSiret = syntheticSiret(`siret-refused-${Date.now()}`);
    expect(errorCode(await register('EI mal placée', refusedSiret, '93'))).toBe('INVALID_TERRITORY');
    expect((await register('EI bien placée', refusedSiret)).errors).toBeUndefined();

  });

  it('finds organisations by name, accents and case ignored, within a région', async () => {
    const member = await actors.member(regie);
    const found = await gql<{ organisations: { id: string; name: string; regionCode: string }[] }>(
      '{ organisations(search: "EPICERIE") { id name regionCode } }',
      {},
      member,
    );
    expect(found.data!.organisations).toEqual([{ id: epicerie, name: 'Épicerie solidaire du Segréen', regionCode: '52' }]);
    const inIdf = await gql<{ organisations: { id: string }[] }>('{ organisations(region: "11") { id } }', {}, member);
    expect(inIdf.data!.organisations.map((o) => o.id)).toEqual([regie]);
    expect(errorCode(await gql('{ organisations(region: "99") { id } }', {}, member))).toBe('BAD_USER_INPUT');
  });

  it('reads one organisation by id, null when there is none, never anonymously', async () => {
    const funder = await actors.funder('conseil-regional-52');
    const one = await gql<{ organisation: { name: string; kindLabel: string; departementCode: string } | null }>(
      'query($id: ID!) { organisation(id: $id) { name kindLabel departementCode } }',
      { id: regie },
      funder,
    );
    expect(one.data!.organisation).toEqual({ name: 'Régie de quartier de Stains', kindLabel: 'Régie de quartier ou de territoire', departementCode: '93' });
    const none = await gql<{ organisation: unknown }>('query($id: ID!) { organisation(id: $id) { name } }', { id: 'nobody' }, funder);
    expect(none.errors).toBeUndefined();
    expect(none.data!.organisation).toBeNull();
    expect(errorCode(await gql('query($id: ID!) { organisation(id: $id) { name } }', { id: regie }))).toBe('UNAUTHENTICATED');
  });

  it('gives the networks of each organisation, ids and names, reading all their names in one query; never anonymously', async () => {
    const admin = await actors.admin();
    const register = async (input: Record<string, unknown>) => {
      const r = await gql<{ registerOrganisation: { organisationId: string } }>(
        'mutation($input: RegisterOrganisationInput!) { registerOrganisation(input: $input) { organisationId } }',
        { input: { regionCode: '84', departementCode: '69', ...input } },
        admin,
      );
      expect(r.errors).toBeUndefined();
      return r.data!.registerOrganisation.organisationId;
    };
    const update = async (organisationId: string, changes: Record<string, unknown>) => {
      const r = await gql('mutation($input: UpdateOrganisationInput!) { updateOrganisation(input: $input) { version } }', { input: { organisationId, ...changes } }, admin);
      expect(r.errors).toBeUndefined();
    };
    const ursiea = await register({ name: 'Réseau URSIEA', kind: 'NETWORK' });
    const chantier = await register({ name: 'Réseau Chantier école', kind: 'NETWORK' });
    const a = await register({ name: 'Atelier réseaux Lyon A', kind: 'ACI', networkIds: [ursiea] });
    const b = await register({ name: 'Atelier réseaux Lyon B', kind: 'EI', networkIds: [chantier, ursiea] });
    const c = await register({ name: 'Atelier réseaux Lyon C', kind: 'EA' });
    await update(a, { networkIds: [chantier, ursiea] });
    await update(b, { networkIds: [] });
    await update(ursiea, { name: 'URSIEA Auvergne-Rhône-Alpes' });
    await app.get<ProjectionRunner>(PROJECTION_RUNNER).catchUp({ timeoutMs: 30_000 });

    // Every directory read (an entry, a network's name) counted from here: the rename emptied the
    // directory kept in memory, so nothing is answered without reading.
    const pool = app.get<Pool>(PG_POOL);
    const query = jest.spyOn(pool, 'query');
    const reads = () => query.mock.calls.filter(([sql]) => typeof sql === 'string' && /from organisation\b/.test(sql)).length;
    try {
      const QUERY = '{ organisations(search: "Atelier réseaux Lyon") { id networkIds networks { id name } } }';
      const listed = await gql<{ organisations: { id: string; networkIds: string[]; networks: { id: string; name: string }[] }[] }>(QUERY, {}, await actors.member(regie));
      expect(listed.errors).toBeUndefined();
      expect(listed.data!.organisations).toEqual([
        { id: a, networkIds: [chantier, ursiea], networks: [{ id: chantier, name: 'Réseau Chantier école' }, { id: ursiea, name: 'URSIEA Auvergne-Rhône-Alpes' }] },
        { id: b, networkIds: [], networks: [] },
        { id: c, networkIds: [], networks: [] },
      ]);
      // The list, then the names of every entry's networks together.
      expect(reads()).toBe(2);

      const one = await gql<{ organisation: { networkIds: string[]; networks: { name: string }[] } }>(
        'query($id: ID!) { organisation(id: $id) { networkIds networks { name } } }',
        { id: a },
        await actors.funder('conseil-regional-84'),
      );
      expect(one.data!.organisation).toEqual({ networkIds: [chantier, ursiea], networks: [{ name: 'Réseau Chantier école' }, { name: 'URSIEA Auvergne-Rhône-Alpes' }] });
    } finally {
      query.mockRestore();
    }

    // The directory, networks included, needs a signed-in caller.
    const anonymous = await gql('{ organisations(search: "Atelier") { networkIds networks { name } } }', {});
    expect(errorCode(anonymous)).toBe('UNAUTHENTICATED');
    expect(anonymous.data?.organisations ?? null).toBeNull();
  });

  it("gives an account's organisation from the directory (me, and the operators' list of users)", async () => {
    const member = await actors.member(epicerie);
    const me = await gql<{ me: { organisationId: string; organisation: { name: string } | null } }>(
      '{ me { organisationId organisation { name } } }',
      {},
      member,
    );
    expect(me.data!.me).toEqual({ organisationId: epicerie, organisation: { name: 'Épicerie solidaire du Segréen' } });
    const users = await gql<{ users: { role: string; organisationId: string | null; organisation: { id: string } | null }[] }>(
      '{ users { role organisationId organisation { id } } }',
      {},
      await actors.admin(),
    );
    expect(users.errors).toBeUndefined();
    // Every account shows the directory entry of its organisation; operators have none.
    for (const u of users.data!.users) expect(u.organisation?.id ?? null).toBe(u.organisationId && [regie, epicerie].includes(u.organisationId) ? u.organisationId : null);
    expect(users.data!.users.filter((u) => u.organisation).map((u) => u.organisation!.id).sort()).toEqual([regie, epicerie].sort());
  });
});
