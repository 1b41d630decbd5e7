import { EventStoreError, EventStoreErrorCode } from './errors';
import type { EventStore } from './event-store.port';
import { EventStoreDbEventStore, type EventStoreDbEventStoreOptions } from './eventstoredb/eventstoredb-event-store';
import { parseStreamPrefixes } from './eventstoredb/filter';
import { redactConnectionString } from './eventstoredb/errors';
import { PostgresEventStore, type PostgresEventStoreOptions } from './postgres/postgres-event-store';

/**
 * The one place that decides which event store a process uses (API, projectors, CLI):
 *
 *   EVENT_STORE=postgres (default)   events in PostgreSQL, in the database of DATABASE_URL
 *   EVENT_STORE=eventstoredb         events in EventStoreDB/KurrentDB at EVENTSTORE_CONNECTION_STRING
 *   EVENTSTORE_STREAM_PREFIXES       optional, e.g. "cooperation-,organisation-" (default: all
 *                                    Maillage stream names)
 *
 * Read models, checkpoints, leases and idempotency keys stay in PostgreSQL either way. Nothing
 * above the port changes.
 */
export type EventStoreConfig =
  | { kind: 'postgres' }
  | { kind: 'eventstoredb'; connectionString: string; streamPrefixes?: string[] };

export const EVENT_STORE_KINDS = ['postgres', 'eventstoredb'] as const;

export class EventStoreConfigError extends EventStoreError {
  constructor(message: string) {
    super(EventStoreErrorCode.InvalidArgument, message);
    this.name = 'EventStoreConfigError';
  }
}

const ESDB_SCHEME = /^esdb(\+discover)?:\/\//i;

/** Reads the settings; unknown values and a missing connection string fail here, at startup. */
export function readEventStoreConfig(env: Record<string, string | undefined> = process.env): EventStoreConfig {
  const kind = (env.EVENT_STORE ?? '').trim().toLowerCase() || 'postgres';
  switch (kind) {
    case 'postgres':
      return { kind: 'postgres' };
    case 'eventstoredb': {
      const connectionString = env.EVENTSTORE_CONNECTION_STRING?.trim();
      if (!connectionString) {
        throw new EventStoreConfigError(
          'EVENT_STORE=eventstoredb needs EVENTSTORE_CONNECTION_STRING (e.g. esdb://localhost:2113?tls=false, ' +
            'or esdb+discover://node1:2113,node2:2113,node3:2113 for a cluster)',
        );
      }
      if (!ESDB_SCHEME.test(connectionString)) {
        throw new EventStoreConfigError(
          `EVENTSTORE_CONNECTION_STRING must start with esdb:// or esdb+discover:// (got ${redactConnectionString(connectionString)})`,
        );
      }
      const streamPrefixes = parseStreamPrefixes(env.EVENTSTORE_STREAM_PREFIXES);
      return streamPrefixes ? { kind, connectionString, streamPrefixes } : { kind, connectionString };
    }
    default:
      throw new EventStoreConfigError(
        `Unknown EVENT_STORE=${JSON.stringify(env.EVENT_STORE)}: expected one of ${EVENT_STORE_KINDS.join(', ')}`,
      );
  }
}

export interface OpenEventStoreOptions {
  /** The PostgreSQL database (events live there when kind is postgres). */
  postgresUrl: string;
  postgres?: Omit<PostgresEventStoreOptions, 'url'>;
  eventStoreDb?: Omit<EventStoreDbEventStoreOptions, 'connectionString' | 'streamPrefixes'>;
}

/**
 * Builds the configured store without I/O (for synchronous DI factories). An EventStoreDB that is
 * unreachable shows on first use; prefer `openEventStore` at startup to fail fast.
 */
export function createEventStore(config: EventStoreConfig, options: OpenEventStoreOptions): EventStore {
  if (config.kind === 'postgres') return new PostgresEventStore({ url: options.postgresUrl, ...options.postgres });
  return new EventStoreDbEventStore({
    connectionString: config.connectionString,
    streamPrefixes: config.streamPrefixes,
    ...options.eventStoreDb,
  });
}

/**
 * Opens the configured store, checking it can be used: PostgreSQL migrations are applied (unless
 * `migrate: false`); an unreachable EventStoreDB fails with DATABASE_UNAVAILABLE and a clear message.
 */
export async function openEventStore(
  config: EventStoreConfig,
  options: OpenEventStoreOptions & { migrate?: boolean },
): Promise<EventStore> {
  if (config.kind === 'postgres') {
    return PostgresEventStore.open({ url: options.postgresUrl, migrate: options.migrate, ...options.postgres });
  }
  return EventStoreDbEventStore.open({
    connectionString: config.connectionString,
    streamPrefixes: config.streamPrefixes,
    ...options.eventStoreDb,
  });
}

/** Which store a URL points at, for commands that take explicit locations (events migrate). */
export function eventStoreConfigForUrl(url: string): { config: EventStoreConfig; postgresUrl: string | null } {
  if (/^postgres(ql)?:\/\//i.test(url)) return { config: { kind: 'postgres' }, postgresUrl: url };
  if (ESDB_SCHEME.test(url)) return { config: { kind: 'eventstoredb', connectionString: url }, postgresUrl: null };
  throw new EventStoreConfigError(
    `Unknown event store location ${redactConnectionString(url)}: expected postgres://… or esdb://… / esdb+discover://…`,
  );
}
