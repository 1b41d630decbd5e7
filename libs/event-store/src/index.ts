export * from './event-store.port';
export * from './errors';
export { STREAM_NAME_PATTERN, STREAM_NAME_MAX_LENGTH, assertValidStreamName } from './validation';
export { PostgresEventStore, type PostgresEventStoreOptions } from './postgres/postgres-event-store';
export { migrateEventStore, EVENT_STORE_MIGRATIONS, EVENT_STORE_MIGRATIONS_TABLE } from './postgres/migrate';
export { NOTIFY_CHANNEL } from './postgres/listener';
