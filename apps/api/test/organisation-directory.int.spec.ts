import { Pool } from 'pg';
import { migrateProjections } from '@maillage/projections';
import { migrateReadModels } from '@maillage/read-models';
import { createTestDatabase, type TestDatabase } from '@maillage/testing';
import { OrganisationDirectory } from '../src/graphql/loaders';
import { ReadModelCache } from '../src/graphql/read-model-cache';

describe('OrganisationDirectory: organisations kept while their projection applies nothing new', () => {
  let db: TestDatabase;
  let pool: Pool;

  beforeAll(async () => {
    db = await createTestDatabase('organisation_directory');
    await migrateProjections(db.url);
    await migrateReadModels(db.url);
    pool = new Pool({ connectionString: db.url, max: 4 });
    await pool.query(
      `insert into projection_checkpoints (name, position) values ('read_model_organisations', '1:1'), ('read_model_cooperations', '1:1')`,
    );
  });

  afterAll(async () => {
    await pool.end();
    await db.drop();
  });

  const register = (id: string, name: string) =>
    pool.query(
      `insert into organisation (id, name, siret, kind, ess, region_code, departement_code, network_ids, registered_at, updated_at, last_recorded_at, version)
       values ($1, $2, null, 'ACI', true, '84', '69', '{}', now(), now(), now(), 1)
       on conflict (id) do update set name = excluded.name`,
      [id, name],
    );
  const applied = (projection: string) =>
    pool.query(`update projection_checkpoints set events_applied = events_applied + 1, updated_at = clock_timestamp() where name = $1`, [
      projection,
    ]);

  it('reads each organisation once per version of the organisations projection, unknown ones included', async () => {
    await register('org-a', 'Atelier A');
    await register('org-b', 'Bâtir B');
    const directory = new OrganisationDirectory(pool, new ReadModelCache(pool, ['read_model_organisations', 'read_model_cooperations']));

    const first = await directory.load(['org-a', 'org-b', 'org-unknown', 'org-a']);
    expect(first.map((o) => o?.name ?? null)).toEqual(['Atelier A', 'Bâtir B', null, 'Atelier A']);
    expect(first[0]).toMatchObject({ id: 'org-a', kind: 'ACI', kindLabel: expect.any(String), ess: true, regionCode: '84', departementCode: '69' });
    expect(directory.reads).toBe(3);

    expect((await directory.load(['org-b', 'org-unknown'])).map((o) => o?.name ?? null)).toEqual(['Bâtir B', null]);
    expect(directory.reads).toBe(3);

    // Another projection moved: the directory is still valid.
    await applied('read_model_cooperations');
    await directory.load(['org-a']);
    expect(directory.reads).toBe(3);

    // The organisations projection applied events (a renaming, a registration): read again.
    await register('org-a', 'Atelier A renommé');
    await register('org-unknown', 'Nouvelle structure');
    await applied('read_model_organisations');
    expect((await directory.load(['org-a', 'org-unknown'])).map((o) => o?.name ?? null)).toEqual(['Atelier A renommé', 'Nouvelle structure']);
    expect(directory.reads).toBe(5);
  });

  it('starts again when full, without losing the answer of the load that filled it', async () => {
    await register('org-c', 'Coop C');
    const directory = new OrganisationDirectory(pool, new ReadModelCache(pool, ['read_model_organisations']), 'read_model_organisations', 2);
    expect((await directory.load(['org-a', 'org-b'])).map((o) => o?.name)).toEqual(['Atelier A renommé', 'Bâtir B']);
    expect((await directory.load(['org-a', 'org-c'])).map((o) => o?.name)).toEqual(['Atelier A renommé', 'Coop C']);
    expect(directory.reads).toBe(3);
  });
});
