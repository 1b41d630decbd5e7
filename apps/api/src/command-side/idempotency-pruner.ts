import { Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { IdempotencyStore } from './idempotency.store';

const logger = new Logger('Idempotency');

/** How often expired idempotency keys are deleted (and once at start-up). */
export const PRUNE_INTERVAL_MS = 60 * 60 * 1000;

/**
 * Deletes the rows of expired idempotency keys once at start-up, then every hour, so the table
 * holds about one retention period of keys. Each API process runs it; concurrent runs skip each
 * other's rows. Shutdown waits for a run in progress.
 */
export class IdempotencyPruner implements OnApplicationBootstrap, OnApplicationShutdown {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;

  constructor(
    private readonly store: IdempotencyStore,
    private readonly intervalMs = PRUNE_INTERVAL_MS,
  ) {}

  onApplicationBootstrap(): void {
    void this.runOnce();
    this.timer = setInterval(() => void this.runOnce(), this.intervalMs);
    this.timer.unref();
  }

  /** Starts a run unless one is in progress; failures are logged, never thrown. */
  runOnce(): Promise<void> {
    this.running ??= this.store
      .prune()
      .then((deleted) => {
        if (deleted > 0) logger.log(`${deleted} expired idempotency keys deleted`);
      })
      .catch((error: unknown) => logger.warn(`Expired idempotency keys not deleted: ${error instanceof Error ? error.message : String(error)}`))
      .finally(() => {
        this.running = null;
      });
    return this.running;
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running;
  }
}
