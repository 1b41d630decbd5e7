import { Inject, Logger, Module, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import type { Pool } from 'pg';
import type { EventStore } from '@maillage/event-store';
import type { ProjectionRunner } from '@maillage/projections';
import { PG_POOL } from '../database/database.module';
import { CommandSideModule, EVENT_STORE } from '../command-side/command-side.module';
import { PROJECTION_RUNNER, ProjectionsModule } from '../projections/projections.module';
import { ActivityFeed } from './activity-feed';
import { describeCooperations } from './cooperation-facts';
import { ACTIVITY_FEED } from './subscriptions.resolver';

const positiveNumber = (value: string | undefined): number | undefined =>
  value && Number(value) > 0 ? Number(value) : undefined;

class ActivityFeedLifecycle implements OnApplicationBootstrap, OnModuleDestroy {
  constructor(@Inject(ACTIVITY_FEED) private readonly feed: ActivityFeed) {}

  /** After the migrations (onModuleInit of the store and projections modules). */
  async onApplicationBootstrap(): Promise<void> {
    await this.feed.start();
  }

  /** Before the store and the pool close (onApplicationShutdown); ends open subscriptions. */
  async onModuleDestroy(): Promise<void> {
    await this.feed.stop();
  }
}

/** GraphQL subscriptions: one ActivityFeed per process (the resolver is listed in API_RESOLVERS). */
@Module({
  imports: [CommandSideModule, ProjectionsModule],
  providers: [
    {
      provide: ACTIVITY_FEED,
      inject: [EVENT_STORE, PROJECTION_RUNNER, PG_POOL],
      useFactory: (store: EventStore, runner: ProjectionRunner, pool: Pool) =>
        new ActivityFeed({
          store,
          waitForProjections: (position, timeoutMs) => runner.waitFor(position, { timeoutMs }),
          describeCooperations: (ids) => describeCooperations(pool, store, ids),
          logger: new Logger('Subscriptions'),
          catchUpTimeoutMs: positiveNumber(process.env.MAILLAGE_SUBSCRIPTION_CATCHUP_TIMEOUT_MS),
        }),
    },
    ActivityFeedLifecycle,
  ],
  exports: [ACTIVITY_FEED],
})
export class SubscriptionsModule {}
