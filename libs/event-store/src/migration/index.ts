export {
  copyEventStore,
  groupConsecutiveByStream,
  toEventToAppend,
  type CopyEventStoreOptions,
  type CopyEventStoreResult,
} from './copy-events';
export {
  FileMigrationProgress,
  MemoryMigrationProgress,
  migrationProgress,
  formatMigrationProgress,
  type MigrationCheckpoint,
  type MigrationProgress,
  type MigrationProgressStore,
} from './progress';
