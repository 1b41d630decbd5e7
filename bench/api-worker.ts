/**
 * One API process of `bench:api` with BENCH_API_PROCESSES > 1: forked by the benchmark through
 * node:cluster, so every process listens on the same port and the primary hands connections out
 * in turn. It builds the app as `npm start` does and answers the primary's messages: its CPU time,
 * and stop.
 */
import { createApp } from '../apps/api/src/bootstrap';

async function main(): Promise<void> {
  const url = process.env.BENCH_API_DATABASE_URL;
  const port = Number(process.env.BENCH_API_PORT);
  if (!url || !port) throw new Error('BENCH_API_DATABASE_URL and BENCH_API_PORT are required');
  const app = await createApp({ databaseUrl: url });
  await app.listen(port, '127.0.0.1');
  process.on('message', (message: { cpu?: boolean; stop?: boolean }) => {
    if (message.cpu) process.send?.({ cpu: process.cpuUsage() });
    if (message.stop) void app.close().then(() => process.exit(0));
  });
  process.send?.({ ready: true });
}

main().catch((error: unknown) => {
  process.stderr.write(`[bench:api worker] failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
