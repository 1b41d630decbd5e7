export type { LiveSession, Projection, ProjectionContext, RebuildSession } from './projection';
export {
  ProjectionRunner,
  ProjectionBlockedError,
  PROJECTOR_PROCESS_BATCH_INTERVAL_MS,
  liveBatchIntervalMs,
  type ProjectionRunnerOptions,
  type ProjectionLogger,
  type RunnerProjectionStatus,
  type WorkerState,
} from './runner';
export {
  rebuildProjection,
  rebuildProjections,
  RebuildError,
  type RebuildOptions,
  type RebuildManyOptions,
  type RebuildResult,
} from './rebuild';
export {
  projectionStatus,
  listDeadLetters,
  skipDeadLetter,
  retryDeadLetter,
  countEventsAfter,
  DeadLetterNotFoundError,
  REBUILD_OWNER_PREFIX,
  type DeadLetter,
  type ProjectionState,
  type ProjectionStatus,
} from './admin';
export { LeaseLostError, tryAcquireLease, renewLease, releaseLease, assertLeaseHeld } from './lease';
export { Wakeable } from './wakeable';
export {
  keyedTable,
  keyedProjection,
  collectKeys,
  foldTouched,
  sameColumns,
  type Key,
  type KeyValue,
  type KeyedTable,
  type KeyedTableOptions,
  type KeyedTableStats,
} from './keyed-table';
export {
  RateEstimator,
  formatProgress,
  formatDuration,
  formatRate,
  toProgressBarUpdate,
  type RebuildProgress,
} from './progress';
export { comparePositions } from './positions';
export { migrateProjections, PROJECTION_MIGRATIONS, PROJECTION_MIGRATIONS_TABLE } from './migrate';
