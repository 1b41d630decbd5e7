import { Inject, Module, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import type { Pool } from 'pg';
import { migrateEventStore, type EventStore } from '@maillage/event-store';
import { wholeNumberSetting } from '@maillage/infra';
import { DATABASE_URL, EVENT_STORE_FACTORY, PG_POOL } from '../database/database.module';
import { CommandExecutor } from './command-executor';
import { COMMAND_HANDLERS } from './command-handlers';
import { migrateCommandSide } from './command-migrations';
import { IdempotencyPruner } from './idempotency-pruner';
import { IdempotencyStore, idempotencyRetentionDays } from './idempotency.store';
import { SiretRegistry } from './siret-registry';

export const EVENT_STORE = Symbol('EVENT_STORE');

/**
 * MAILLAGE_AGGREGATE_CACHE: how many folded streams the command side keeps in memory (default
 * 10,000, a few tens of MB; 0 turns it off). See CommandExecutor.
 */
export function aggregateCacheSize(raw: string | undefined): number {
  return wholeNumberSetting('MAILLAGE_AGGREGATE_CACHE', raw, { fallback: 10_000, unit: 'streams', zero: 'turns the cache off' });
}

class EventStoreLifecycle implements OnModuleInit, OnApplicationShutdown {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(DATABASE_URL) private readonly url: string,
  ) {}

  /** Schema first: the app never serves commands on a database that is not migrated. */
  async onModuleInit(): Promise<void> {
    await migrateEventStore(this.url);
    await migrateCommandSide(this.url);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.store.close();
  }
}

@Module({
  imports: [CqrsModule],
  providers: [
    {
      // EVENT_STORE=postgres (default) or eventstoredb: nothing above the port changes.
      provide: EVENT_STORE,
      inject: [EVENT_STORE_FACTORY],
      useFactory: (create: () => EventStore): EventStore => create(),
    },
    EventStoreLifecycle,
    {
      provide: IdempotencyStore,
      inject: [PG_POOL],
      useFactory: (pool: Pool) => new IdempotencyStore(pool, idempotencyRetentionDays(process.env.MAILLAGE_IDEMPOTENCY_RETENTION_DAYS)),
    },
    { provide: IdempotencyPruner, inject: [IdempotencyStore], useFactory: (keys: IdempotencyStore) => new IdempotencyPruner(keys) },
    {
      provide: CommandExecutor,
      inject: [EVENT_STORE, IdempotencyStore],
      useFactory: (store: EventStore, keys: IdempotencyStore) =>
        new CommandExecutor(store, keys, undefined, aggregateCacheSize(process.env.MAILLAGE_AGGREGATE_CACHE)),
    },
    { provide: SiretRegistry, inject: [PG_POOL], useFactory: (pool: Pool) => new SiretRegistry(pool) },
    ...COMMAND_HANDLERS,
  ],
  exports: [EVENT_STORE, CommandExecutor],
})
export class CommandSideModule {}
