/**
 * Rate-limit counter benchmark: `npm run bench:rate-limit`.
 *
 * What the PostgreSQL throttler storage (apps/api/src/graphql/rate-limit-storage.ts) adds to each
 * counted mutation: BENCH_CALLERS (200) callers, each with its own key, make BENCH_INCREMENTS
 * (20,000) increments in all from BENCH_CONCURRENCY (64) concurrent requests through one pool of
 * 20 connections (the API's default), on an embedded PostgreSQL with its default durable settings
 * (data under .data/bench-rate-limit). Prints one JSON line: increments per second and the latency
 * of one increment (p50/p99, ms).
 */
import os from 'node:os';
import path from 'node:path';
import { Pool } from 'pg';
import { startEmbeddedPostgres } from '@maillage/infra';
import { migrateAuth } from '../apps/api/src/auth/auth-migrations';
import { PostgresThrottlerStorage } from '../apps/api/src/graphql/rate-limit-storage';
import { freshDatabase, intFromEnv } from './bench-support';

const INCREMENTS = intFromEnv('BENCH_INCREMENTS', 20_000);
const CALLERS = intFromEnv('BENCH_CALLERS', 200);
const CONCURRENCY = intFromEnv('BENCH_CONCURRENCY', 64);
const DATABASE = 'bench_rate_limit';

const log = (message: string) => process.stderr.write(`[bench:rate-limit] ${message}\n`);

async function main(): Promise<void> {
  const server = await startEmbeddedPostgres({ dataDir: path.resolve(process.env.BENCH_DATA_DIR ?? '.data/bench-rate-limit'), onProgress: log });
  await freshDatabase(server.adminUrl, DATABASE);
  const url = new URL(server.adminUrl);
  url.pathname = `/${DATABASE}`;
  await migrateAuth(url.toString());
  const pool = new Pool({ connectionString: url.toString(), max: 20 });
  pool.on('error', (error) => log(`idle client: ${error.message}`));
  const storage = new PostgresThrottlerStorage(pool);
  const latencies: number[] = [];
  let next = 0;
  // Warm-up: one row per caller.
  for (let i = 0; i < CALLERS; i++) await storage.increment(`user:${i}`, 60_000, 1_000_000, 60_000, 'mutations');
  const ticker = setInterval(() => log(`${latencies.length}/${INCREMENTS} increments`), 1000);
  const started = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      for (let n = next++; n < INCREMENTS; n = next++) {
        const t = process.hrtime.bigint();
        await storage.increment(`user:${n % CALLERS}`, 60_000, 1_000_000, 60_000, 'mutations');
        latencies.push(Number(process.hrtime.bigint() - t) / 1e6);
      }
    }),
  );
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  clearInterval(ticker);
  latencies.sort((a, b) => a - b);
  const at = (q: number) => Math.round(latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] * 100) / 100;
  const { rows } = await pool.query<{ hits: number }>(`select sum(hits)::int as hits from auth_rate_limit`);
  await pool.end();
  await server.stop();
  if (rows[0].hits !== INCREMENTS + CALLERS) throw new Error(`counted ${rows[0].hits} hits, expected ${INCREMENTS + CALLERS}`);
  process.stdout.write(
    `${JSON.stringify({ bench: 'rate-limit', increments: INCREMENTS, callers: CALLERS, concurrency: CONCURRENCY, seconds: Math.round(seconds * 100) / 100, per_second: Math.round(INCREMENTS / seconds), p50_ms: at(0.5), p99_ms: at(0.99), load: Math.round(os.loadavg()[0] * 10) / 10 })}\n`,
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`[bench:rate-limit] failed: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exitCode = 1;
});
