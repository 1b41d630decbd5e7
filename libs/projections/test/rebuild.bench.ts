/**
 * Rebuild throughput: N events (default 1,000,000) over 10,000 streams, rebuilt through the
 * counting test projection (a keyedTable plus a running total). Prints its figures; not a test.
 *
 *   npx swc libs/projections libs/event-store infra/postgres -d node_modules/.cache/pb --quiet
 *   node node_modules/.cache/pb/libs/projections/test/rebuild.bench.js [events]
 *
 * DATABASE_URL points it at an existing database; otherwise it starts the embedded server under
 * .data/bench-projections (fsync off: we measure the projector, not the disk).
 */
import path from 'node:path';
import { Client, Pool } from 'pg';
import { PostgresEventStore, migrateEventStore } from '@maillage/event-store';
import { startEmbeddedPostgres } from '@maillage/infra';
import { formatProgress, migrateProjections, rebuildProjection } from '@maillage/projections';
import { COUNTED, countingProjection, createFixtureTables } from './fixtures/counting.projection';

async function main(): Promise<void> {
  const total = Number(process.argv[2] ?? 1_000_000);
  let url = process.env.DATABASE_URL;
  let stop: (() => Promise<void>) | null = null;
  if (!url) {
    const server = await startEmbeddedPostgres({
      dataDir: path.resolve(__dirname, '../../../../.data/bench-projections'),
      settings: { fsync: 'off', synchronous_commit: 'off', full_page_writes: 'off', shared_buffers: '512MB' },
    });
    const admin = new Client({ connectionString: server.adminUrl });
    await admin.connect();
    await admin.query('drop database if exists bench_projections with (force)');
    await admin.query('create database bench_projections');
    await admin.end();
    url = server.urlFor('bench_projections');
    stop = () => server.stop();
  }
  await migrateEventStore(url);
  await migrateProjections(url);
  const pool = new Pool({ connectionString: url, max: 6 });
  pool.on('error', () => undefined); // the server stopping at the end
  await createFixtureTables(pool);

  const seeded = Date.now();
  const chunk = 100_000;
  for (let from = 0; from < total; from += chunk) {
    const to = Math.min(total, from + chunk) - 1;
    await pool.query(
      `insert into event_store.events (stream_id, stream_version, event_id, type, data, occurred_at)
       select 'counter-' || (i % 10000), i / 10000 + 1, gen_random_uuid(), $3,
              jsonb_build_object('amount', i % 97), now()
         from generate_series($1::int, $2::int) as i`,
      [from, to, COUNTED],
    );
  }
  await pool.query('vacuum analyze event_store.events');
  console.log(`seeded ${total} events in ${((Date.now() - seeded) / 1000).toFixed(1)} s`);

  const store = new PostgresEventStore({ url });
  let lastPrint = 0;
  let applyMs = 0;
  const counting = countingProjection();
  const result = await rebuildProjection({
    pool,
    store,
    projection: {
      ...counting,
      applyBatch: async (events, ctx) => {
        const t = Date.now();
        await counting.applyBatch(events, ctx);
        applyMs += Date.now() - t;
      },
    },
    onProgress: (p) => {
      if (p.phase !== 'building' || Date.now() - lastPrint > 2000) {
        lastPrint = Date.now();
        console.log(formatProgress(p));
      }
    },
  });
  console.log(
    `rebuilt ${result.events} events in ${(result.durationMs / 1000).toFixed(1)} s: ` +
      `${Math.round(result.eventsPerSecond)} events/s (whole rebuild: replay, swap, checkpoint)`,
  );
  console.log(`time in applyBatch: ${(applyMs / 1000).toFixed(1)} s`);
  const { rows } = await pool.query<{ n: string; events: string }>(
    `select (select count(*) from stream_counts) as n, (select events from running_totals) as events`,
  );
  console.log(`read model: ${rows[0].n} stream rows, running total ${rows[0].events} events`);
  await store.close();
  await pool.end();
  await stop?.();
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
