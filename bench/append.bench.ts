/**
 * Append benchmark: `npm run bench:append`.
 *
 * One embedded PostgreSQL 18 server (data under .data/bench-postgres-append, BENCH_DATA_DIR to
 * override) with durable settings, i.e.
 * PostgreSQL's defaults: fsync=on, synchronous_commit=on, full_page_writes=on. Every acknowledged
 * append below is on disk. Each contender gets its own freshly created database and the same load:
 * single-event commands with an expected version, spread over BENCH_STREAMS streams (1,000) by
 * BENCH_CONCURRENCY (32) concurrent writers, BENCH_EVENTS (20,000) events in total after a warm-up,
 * in BENCH_ROUNDS (4) interleaved rounds.
 * Each writer owns a disjoint set of streams and appends to them in turn, so no command conflicts
 * and each one knows its expected version, as a command handler would after loading the stream.
 *
 *  (a) maillage: PostgresEventStore.appendToStream (group commit, per-append version check)
 *  (b) raw_pg:   one autocommit single-row INSERT per event into an equivalent table with no
 *                constraints and no version check: the limit of one transaction per event
 *  (c) emmett:   @event-driven-io/emmett-postgresql appendToStream with expectedStreamVersion
 *
 * Progress goes to stderr; the last stdout line is the JSON summary.
 */
import { randomUUID } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { STREAM_DOES_NOT_EXIST } from '@event-driven-io/emmett';
import { getPostgreSQLEventStore } from '@event-driven-io/emmett-postgresql';
import { Client, Pool } from 'pg';
import { NO_STREAM, PostgresEventStore } from '@maillage/event-store';
import { startEmbeddedPostgres } from '@maillage/infra';
import { freshDatabase, intFromEnv } from './bench-support';

const EVENTS = intFromEnv('BENCH_EVENTS', 20_000);
const STREAMS = intFromEnv('BENCH_STREAMS', 1_000);
const CONCURRENCY = intFromEnv('BENCH_CONCURRENCY', 32);
const WARMUP = intFromEnv('BENCH_WARMUP', 1_000);
const ROUNDS = intFromEnv('BENCH_ROUNDS', 4);

type AppendFn = (streamId: string, expectedVersion: number, payload: Payload) => Promise<void>;

interface Payload {
  eventId: string;
  data: Record<string, unknown>;
  actor: { userId: string; organisationId: string; role: string };
  correlationId: string;
  occurredAt: Date;
}

interface Contender {
  name: string;
  append: AppendFn;
  close(): Promise<void>;
}

function log(message: string): void {
  process.stderr.write(`[bench:append] ${message}\n`);
}

function payload(streamId: string, version: number): Payload {
  return {
    eventId: randomUUID(),
    data: {
      cooperationId: streamId,
      stage: version,
      amountCents: 125_000 + version,
      note: 'Mise en commun du poste de coordination entre trois structures adhérentes',
      members: ['org-1', 'org-2', 'org-3'],
    },
    actor: { userId: 'user-42', organisationId: 'org-1', role: 'mandataire' },
    correlationId: randomUUID(),
    occurredAt: new Date(),
  };
}

/**
 * Runs `total` single-event appends with CONCURRENCY writers over STREAMS streams named
 * `<prefix>-<n>`; a continued run picks the streams up at the versions the previous one left.
 */
const versionsByRun = new Map<string, Map<string, number>>();

async function drive(
  contender: Contender,
  prefix: string,
  total: number,
  phase: string,
  continued = false,
): Promise<{ seconds: number; eps: number }> {
  const runKey = `${contender.name}/${prefix}`;
  if (!continued || !versionsByRun.has(runKey)) versionsByRun.set(runKey, new Map());
  const versions = versionsByRun.get(runKey)!;
  let done = 0;
  const started = process.hrtime.bigint();
  let lastReport = Date.now();
  const report = (force = false) => {
    const now = Date.now();
    if (!force && now - lastReport < 1000) return;
    lastReport = now;
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    log(`${contender.name} ${phase}: ${done}/${total} events, ${Math.round(done / seconds)} events/s`);
  };
  const ticker = setInterval(() => report(), 1000);
  const writer = async (w: number) => {
    // Writer w owns streams w, w + CONCURRENCY, ...; its share of the commands cycles through them.
    const owned: string[] = [];
    for (let s = w; s < STREAMS; s += CONCURRENCY) owned.push(`${prefix}-${s}`);
    const share = Math.floor(total / CONCURRENCY) + (w < total % CONCURRENCY ? 1 : 0);
    for (let i = 0; i < share; i++) {
      const streamId = owned[i % owned.length];
      const version = versions.get(streamId) ?? 0;
      await contender.append(streamId, version, payload(streamId, version + 1));
      versions.set(streamId, version + 1);
      done++;
    }
  };
  try {
    await Promise.all(Array.from({ length: CONCURRENCY }, (_, w) => writer(w)));
  } finally {
    clearInterval(ticker);
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  report(true);
  return { seconds, eps: total / seconds };
}

async function checkpoint(adminUrl: string): Promise<void> {
  // Start each contender from a clean WAL state so a checkpoint from the previous run does not land on it.
  const admin = new Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query('checkpoint');
  } finally {
    await admin.end();
  }
}

async function maillage(url: string): Promise<Contender> {
  const store = await PostgresEventStore.open({
    url,
    maxConcurrentBatches: process.env.BENCH_BATCHES ? Number(process.env.BENCH_BATCHES) : undefined,
  });
  return {
    name: 'maillage',
    append: async (streamId, expectedVersion, p) => {
      await store.appendToStream(
        streamId,
        [
          {
            eventId: p.eventId,
            type: 'CooperationStageAdvanced',
            data: p.data,
            occurredAt: p.occurredAt,
            actor: p.actor,
            correlationId: p.correlationId,
          },
        ],
        { expectedVersion: expectedVersion === 0 ? NO_STREAM : expectedVersion },
      );
    },
    close: () => store.close(),
  };
}

async function rawPg(url: string): Promise<Contender> {
  const setup = new Client({ connectionString: url });
  await setup.connect();
  // The same columns as the event store's table, with no unique constraint and no version check.
  await setup.query(`create table raw_events (
    global_position bigserial,
    transaction_id xid8 not null default pg_current_xact_id(),
    stream_id text not null,
    stream_version bigint not null,
    event_id uuid not null,
    type text not null,
    schema_version integer not null default 1,
    data jsonb not null,
    actor jsonb,
    correlation_id text,
    causation_id text,
    occurred_at timestamptz not null,
    recorded_at timestamptz not null default clock_timestamp()
  )`);
  await setup.end();
  const pool = new Pool({ connectionString: url, max: CONCURRENCY });
  pool.on('error', () => undefined); // idle clients cut when the server stops must not crash the run
  return {
    name: 'raw_pg',
    append: async (streamId, expectedVersion, p) => {
      await pool.query(
        `insert into raw_events (stream_id, stream_version, event_id, type, data, actor, correlation_id, occurred_at)
         values ($1, $2, $3, $4, $5, $6, $7, $8)`,
        [
          streamId,
          expectedVersion + 1,
          p.eventId,
          'CooperationStageAdvanced',
          JSON.stringify(p.data),
          JSON.stringify(p.actor),
          p.correlationId,
          p.occurredAt,
        ],
      );
    },
    close: () => pool.end(),
  };
}

async function emmett(url: string): Promise<Contender> {
  const pool = new Pool({ connectionString: url, max: CONCURRENCY });
  pool.on('error', () => undefined); // idle clients cut when the server stops must not crash the run
  const store = getPostgreSQLEventStore(url, { connectionOptions: { pool } });
  await store.schema.migrate();
  return {
    name: 'emmett',
    append: async (streamId, expectedVersion, p) => {
      await store.appendToStream(
        streamId,
        [
          {
            type: 'CooperationStageAdvanced',
            data: p.data,
            metadata: {
              actor: p.actor,
              correlationId: p.correlationId,
              occurredAt: p.occurredAt.toISOString(),
            },
          },
        ],
        {
          expectedStreamVersion: expectedVersion === 0 ? STREAM_DOES_NOT_EXIST : BigInt(expectedVersion),
        },
      );
    },
    close: async () => {
      await store.close().catch(() => undefined);
      await pool.end().catch(() => undefined);
    },
  };
}

async function main(): Promise<void> {
  // Its own cluster directory: bench:projections uses .data/bench-postgres, and whichever run
  // started a shared server stops it at its end, cutting the other's connections mid-run.
  const dataDir = path.resolve(process.env.BENCH_DATA_DIR ?? '.data/bench-postgres-append');
  log(`events=${EVENTS} streams=${STREAMS} concurrency=${CONCURRENCY} warmup=${WARMUP} rounds=${ROUNDS}`);
  const loadBefore = os.loadavg()[0];
  log(`starting embedded PostgreSQL in ${dataDir} with durable defaults (fsync=on, synchronous_commit=on)`);
  const server = await startEmbeddedPostgres({
    dataDir,
    settings: { max_connections: '200' },
    onProgress: log,
  });
  const results: Record<string, number> = {};
  try {
    const admin = new Client({ connectionString: server.adminUrl });
    await admin.connect();
    const settings = await admin.query<{ name: string; setting: string }>(
      `select name, setting from pg_settings where name in ('fsync', 'synchronous_commit', 'full_page_writes', 'wal_sync_method', 'server_version') order by name`,
    );
    await admin.end();
    log(`server settings: ${settings.rows.map((r) => `${r.name}=${r.setting}`).join(', ')}`);

    const factories: [string, (url: string) => Promise<Contender>][] = [
      ['bench_raw_pg', rawPg],
      ['bench_emmett', emmett],
      ['bench_maillage', maillage],
    ];
    // BENCH_ONLY=maillage (comma-separated) runs a subset while tuning; the summary needs all three.
    const only = process.env.BENCH_ONLY?.split(',');
    const contenders: Contender[] = [];
    try {
      for (const [database, make] of factories) {
        if (only && !only.some((name) => database.endsWith(name))) continue;
        await freshDatabase(server.adminUrl, database);
        const contender = await make(server.urlFor(database));
        contenders.push(contender);
        await drive(contender, 'warmup', Math.min(WARMUP, EVENTS), 'warm-up');
      }
      // One checkpoint after the warm-ups, so the timed rounds start from the same clean state. (Not
      // one per round: a checkpoint every few thousand events would make every contender pay full-page
      // WAL images far more often than a production server with checkpoint_timeout=5min does.)
      await checkpoint(server.adminUrl);
      // The machine may be shared: run the contenders in interleaved rounds so a burst of outside
      // load does not land on one of them only. Each round continues the same streams.
      const seconds = new Map<string, number>();
      const perRound = Math.ceil(EVENTS / ROUNDS);
      let remaining = EVENTS;
      for (let round = 1; remaining > 0; round++) {
        const count = Math.min(perRound, remaining);
        remaining -= count;
        for (const contender of contenders) {
          const run = await drive(contender, 'cooperation', count, `round ${round}/${ROUNDS}`, round > 1);
          seconds.set(contender.name, (seconds.get(contender.name) ?? 0) + run.seconds);
        }
      }
      for (const contender of contenders) {
        const total = seconds.get(contender.name)!;
        results[contender.name] = EVENTS / total;
        log(
          `${contender.name}: ${EVENTS} events in ${total.toFixed(2)} s = ${Math.round(EVENTS / total)} events/s`,
        );
      }
    } finally {
      for (const contender of contenders) await contender.close().catch(() => undefined);
    }
  } finally {
    await server.stop();
  }

  const round = (n: number) => Math.round(n * 100) / 100;
  const summary = {
    bench: 'append',
    events: EVENTS,
    maillage_eps: Math.round(results.maillage),
    raw_pg_eps: Math.round(results.raw_pg),
    emmett_eps: Math.round(results.emmett),
    ratio_raw: round(results.maillage / results.raw_pg),
    ratio_emmett: round(results.maillage / results.emmett),
  };
  process.stdout.write(
    `\nAppend throughput (${EVENTS} single-event commands, ${STREAMS} streams, ${CONCURRENCY} in flight, ` +
      `durable commits: fsync=on, synchronous_commit=on)\n` +
      `  maillage  ${summary.maillage_eps} events/s\n` +
      `  raw pg    ${summary.raw_pg_eps} events/s (one transaction per event, no checks)\n` +
      `  emmett    ${summary.emmett_eps} events/s\n` +
      `  maillage / raw pg = ${summary.ratio_raw}x, maillage / emmett = ${summary.ratio_emmett}x\n` +
      `  ${os.cpus().length} CPUs, 1-min load average ${loadBefore.toFixed(2)} before / ${os.loadavg()[0].toFixed(2)} after ` +
      `(other work on the machine skews the figures; the rounds are interleaved to spread it)\n`,
  );
  process.stdout.write(`${JSON.stringify(summary)}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(
    `[bench:append] failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
