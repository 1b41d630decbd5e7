import { ReadModels1795418785771 } from './1795418785771-read-models';

/** Generated, timestamped migrations, in order. Never edit one once merged: generate a new one. */
export const READ_MODEL_MIGRATIONS = [ReadModels1795418785771];
export const READ_MODEL_MIGRATIONS_TABLE = 'read_model_migrations';
