import { Global, Inject, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import { Pool } from 'pg';
import { endPool, wholeNumberSetting } from '@maillage/infra';
import { createEventStore, readEventStoreConfig, type EventStore, type EventStoreConfig } from '@maillage/event-store';
import { READ_MODEL_PROJECTIONS } from '@maillage/read-models';
import { READ_MODEL_CACHE, ReadModelCache } from '../graphql/read-model-cache';

export const PG_POOL = Symbol('PG_POOL');
export const DATABASE_URL = Symbol('DATABASE_URL');
/** Which event store this process uses (EVENT_STORE=postgres|eventstoredb), read once at startup. */
export const EVENT_STORE_CONFIG = Symbol('EVENT_STORE_CONFIG');
/** Builds the configured event store: `() => EventStore`. The one way the API constructs its store. */
export const EVENT_STORE_FACTORY = Symbol('EVENT_STORE_FACTORY');

class PoolCloser implements OnApplicationShutdown {
  constructor(@Inject(PG_POOL) private readonly pool: Pool) {}
  async onApplicationShutdown(): Promise<void> {
    await endPool(this.pool);
  }
}

/** PG_POOL_SIZE: connections of the process's pool (default 20); a bad value stops the start-up. */
export function poolSize(raw: string | undefined): number {
  return wholeNumberSetting('PG_POOL_SIZE', raw, { fallback: 20, unit: 'connections', min: 1, max: 1000 });
}

/** One connection pool per process, shared by the event store and the read-model queries. */
@Global()
@Module({})
export class DatabaseModule {
  static forUrl(url: string): DynamicModule {
    return {
      module: DatabaseModule,
      providers: [
        { provide: DATABASE_URL, useValue: url },
        {
          provide: PG_POOL,
          useFactory: () => {
            const pool = new Pool({ connectionString: url, max: poolSize(process.env.PG_POOL_SIZE) });
            // An idle client's network error must not crash the process; the pool replaces it.
            pool.on('error', (error) => console.error(`[database] idle client error: ${error.message}`));
            return pool;
          },
        },
        // Reading the settings here makes an unknown EVENT_STORE (or a missing connection string)
        // fail the application's startup with a clear message.
        { provide: EVENT_STORE_CONFIG, useFactory: (): EventStoreConfig => readEventStoreConfig(process.env) },
        {
          provide: EVENT_STORE_FACTORY,
          inject: [EVENT_STORE_CONFIG],
          useFactory:
            (config: EventStoreConfig) =>
            (): EventStore =>
              createEventStore(config, { postgresUrl: url }),
        },
        // Answers computed from the read models, kept until their projections move.
        {
          provide: READ_MODEL_CACHE,
          inject: [PG_POOL],
          useFactory: (pool: Pool) => new ReadModelCache(pool, READ_MODEL_PROJECTIONS.map((p) => p.name)),
        },
        PoolCloser,
      ],
      exports: [PG_POOL, DATABASE_URL, EVENT_STORE_CONFIG, EVENT_STORE_FACTORY, READ_MODEL_CACHE],
    };
  }
}
