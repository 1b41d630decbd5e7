/**
 * The read-model projectors of `bench:api` with BENCH_PROJECTOR_PROCESS=1, in their own process
 * (what `npm run cli -- projections run` does next to API processes started with
 * MAILLAGE_PROJECTORS=off). Forked by the benchmark; answers its messages: its CPU time, and stop.
 */
import { PostgresEventStore } from '@maillage/event-store';
import { PROJECTOR_PROCESS_BATCH_INTERVAL_MS, ProjectionRunner, liveBatchIntervalMs } from '@maillage/projections';
import { READ_MODEL_PROJECTIONS } from '@maillage/read-models';

async function main(): Promise<void> {
  const url = process.env.BENCH_API_DATABASE_URL;
  if (!url) throw new Error('BENCH_API_DATABASE_URL is required');
  const store = await PostgresEventStore.open({ url });
  const quiet = { log: () => undefined, warn: () => undefined, error: (m: string) => process.stderr.write(`[projector] ${m}\n`) };
  const runner = new ProjectionRunner({ url, store, projections: READ_MODEL_PROJECTIONS, batchIntervalMs: liveBatchIntervalMs(process.env.MAILLAGE_PROJECTION_BATCH_INTERVAL_MS, PROJECTOR_PROCESS_BATCH_INTERVAL_MS), logger: quiet });
  await runner.start();
  process.on('message', (message: { cpu?: boolean; stop?: boolean }) => {
    if (message.cpu) process.send?.({ cpu: process.cpuUsage() });
    if (message.stop) void runner.stop().then(() => store.close()).then(() => process.exit(0));
  });
  process.send?.({ ready: true });
}

main().catch((error: unknown) => {
  process.stderr.write(`[bench:api projector] failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
