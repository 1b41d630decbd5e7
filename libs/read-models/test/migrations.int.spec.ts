import { createTestDatabase, type TestDatabase } from '@maillage/testing';
import { migrateReadModels, pendingSchemaChanges, READ_MODEL_MIGRATIONS } from '@maillage/read-models';

describe('read-model migrations', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase('rm_migrations');
  });
  afterAll(() => db.drop());

  it('apply once, then are a no-op', async () => {
    expect(await migrateReadModels(db.url)).toEqual(READ_MODEL_MIGRATIONS.map((m) => m.name));
    expect(await migrateReadModels(db.url)).toEqual([]);
  });

  // Non-negotiable 8: fails when `migration:generate` would produce a diff, i.e. an entity changed
  // without a generated migration (run src/tools/generate-migration.ts).
  it('describe the entities exactly: schema generation yields no query', async () => {
    await migrateReadModels(db.url);
    const diff = await pendingSchemaChanges(db.url);
    expect(diff.up).toEqual([]);
  });
});
