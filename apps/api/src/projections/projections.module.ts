import { Inject, Logger, Module, type OnApplicationBootstrap, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import type { EventStore } from '@maillage/event-store';
import { liveBatchIntervalMs, migrateProjections, ProjectionRunner } from '@maillage/projections';
import { migrateReadModels, READ_MODEL_PROJECTIONS } from '@maillage/read-models';
import { DATABASE_URL } from '../database/database.module';
import { CommandSideModule, EVENT_STORE } from '../command-side/command-side.module';

export const PROJECTION_RUNNER = Symbol('PROJECTION_RUNNER');

/** Whether this process runs projectors (MAILLAGE_PROJECTORS=off when they run in their own processes). */
export const projectorsEnabled = (env: NodeJS.ProcessEnv = process.env): boolean => env.MAILLAGE_PROJECTORS !== 'off';

class ProjectionsLifecycle implements OnModuleInit, OnApplicationBootstrap, OnApplicationShutdown {
  constructor(
    @Inject(PROJECTION_RUNNER) private readonly runner: ProjectionRunner,
    @Inject(DATABASE_URL) private readonly url: string,
  ) {}

  async onModuleInit(): Promise<void> {
    await migrateProjections(this.url);
    await migrateReadModels(this.url);
  }

  /** Projectors start once the app is wired; only one instance per projection is active (leases). */
  async onApplicationBootstrap(): Promise<void> {
    if (projectorsEnabled()) await this.runner.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.runner.stop();
  }
}

@Module({
  imports: [CommandSideModule],
  providers: [
    {
      provide: PROJECTION_RUNNER,
      inject: [DATABASE_URL, EVENT_STORE],
      // Its own pool: projector batches never compete with API requests for connections.
      useFactory: (url: string, store: EventStore) =>
        new ProjectionRunner({
          url,
          store,
          projections: READ_MODEL_PROJECTIONS,
          batchIntervalMs: liveBatchIntervalMs(process.env.MAILLAGE_PROJECTION_BATCH_INTERVAL_MS),
          logger: new Logger('Projections'),
        }),
    },
    ProjectionsLifecycle,
  ],
  exports: [PROJECTION_RUNNER],
})
export class ProjectionsModule {}
