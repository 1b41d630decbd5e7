/**
 * A projector in its own OS process, for the crash and takeover tests (compiled with swc by the
 * test, then run with node). Configuration through the environment; prints one JSON line per log.
 */
import { PostgresEventStore } from '@maillage/event-store';
import { ProjectionRunner } from '@maillage/projections';
import { countingProjection } from './fixtures/counting.projection';

async function main(): Promise<void> {
  const url = process.env.DATABASE_URL!;
  const say = (level: string, message: string) =>
    process.stdout.write(`${JSON.stringify({ level, message, owner: process.env.OWNER, at: Date.now() })}\n`);
  const store = new PostgresEventStore({ url });
  const runner = new ProjectionRunner({
    url,
    store,
    projections: [countingProjection()],
    owner: process.env.OWNER,
    batchSize: Number(process.env.BATCH_SIZE ?? 5),
    batchDelayMs: Number(process.env.BATCH_DELAY_MS ?? 0),
    leaseTtlMs: Number(process.env.LEASE_TTL_MS ?? 1500),
    pollIntervalMs: 100,
    logger: { log: (m) => say('log', m), warn: (m) => say('warn', m), error: (m) => say('error', m) },
  });
  await runner.start();
  say('ready', 'started');
  process.on('SIGTERM', () => {
    void runner
      .stop()
      .then(() => store.close())
      .then(() => process.exit(0));
  });
}

main().catch((error) => {
  process.stderr.write(`${(error as Error).stack}\n`);
  process.exit(1);
});
