export * from './entities';
export { READ_MODEL_MIGRATIONS, READ_MODEL_MIGRATIONS_TABLE } from './migrations';
export { migrateReadModels } from './migrate';
export { readModelDataSource, pendingSchemaChanges, type SchemaDiff } from './data-source';
