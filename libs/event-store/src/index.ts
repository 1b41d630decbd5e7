export * from './event-store.port';
export * from './errors';
export { isoText, parseTimestamptz } from './instants';
export { STREAM_NAME_PATTERN, STREAM_NAME_MAX_LENGTH, assertValidStreamName, isValidStreamName } from './validation';
export { PostgresEventStore, type PostgresEventStoreOptions } from './postgres/postgres-event-store';
export { migrateEventStore, EVENT_STORE_MIGRATIONS, EVENT_STORE_MIGRATIONS_TABLE } from './postgres/migrate';
export { AppendNotifier, NOTIFY_CHANNEL } from './postgres/listener';
export * from './eventstoredb';
export {
  readEventStoreConfig,
  createEventStore,
  openEventStore,
  eventStoreConfigForUrl,
  EventStoreConfigError,
  EVENT_STORE_KINDS,
  type EventStoreConfig,
  type OpenEventStoreOptions,
} from './store-factory';
export * from './migration';
