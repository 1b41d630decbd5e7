import { DataSource } from 'typeorm';
import { READ_MODEL_ENTITIES } from './entities';
import { READ_MODEL_MIGRATIONS, READ_MODEL_MIGRATIONS_TABLE } from './migrations';

/**
 * The read models' DataSource: entities + migrations, never `synchronize`. Used to generate
 * migrations (tools/generate-migration.ts) and by the test that fails when generation would
 * produce a diff. The API may register the same entities with @nestjs/typeorm for reads.
 */
export function readModelDataSource(url: string): DataSource {
  return new DataSource({
    type: 'postgres',
    url,
    synchronize: false,
    migrationsRun: false,
    entities: READ_MODEL_ENTITIES,
    migrations: READ_MODEL_MIGRATIONS,
    migrationsTableName: READ_MODEL_MIGRATIONS_TABLE,
    migrationsTransactionMode: 'each',
    logging: false,
  });
}

export interface SchemaDiff {
  up: string[];
  down: string[];
}

/**
 * What `typeorm migration:generate` would write against this database: the SQL that would bring it
 * to the entities. Empty once the migrations describe the entities exactly.
 */
export async function pendingSchemaChanges(url: string): Promise<SchemaDiff> {
  const dataSource = readModelDataSource(url);
  await dataSource.initialize();
  try {
    const sql = await dataSource.driver.createSchemaBuilder().log();
    return {
      up: sql.upQueries.map((q) => q.query),
      down: sql.downQueries.map((q) => q.query).reverse(),
    };
  } finally {
    await dataSource.destroy();
  }
}
