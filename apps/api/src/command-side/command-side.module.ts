import { Inject, Module, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import type { Pool } from 'pg';
import { migrateEventStore, PostgresEventStore, type EventStore } from '@maillage/event-store';
import { DATABASE_URL, PG_POOL } from '../database/database.module';
import { CommandExecutor } from './command-executor';
import { COMMAND_HANDLERS } from './command-handlers';
import { migrateCommandSide } from './command-migrations';
import { IdempotencyStore } from './idempotency.store';

export const EVENT_STORE = Symbol('EVENT_STORE');

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
      provide: EVENT_STORE,
      inject: [DATABASE_URL],
      useFactory: (url: string): EventStore => new PostgresEventStore({ url }),
    },
    EventStoreLifecycle,
    {
      provide: CommandExecutor,
      inject: [EVENT_STORE, PG_POOL],
      useFactory: (store: EventStore, pool: Pool) => new CommandExecutor(store, new IdempotencyStore(pool)),
    },
    ...COMMAND_HANDLERS,
  ],
  exports: [EVENT_STORE, CommandExecutor],
})
export class CommandSideModule {}
