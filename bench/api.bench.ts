/**
 * GraphQL API benchmark: `npm run bench:api`.
 *
 * 1. Load (not timed): a dedicated embedded PostgreSQL under .data/bench-api, one database per size.
 *    BENCH_COOPERATIONS (100,000) cooperations, up to BENCH_EVENTS_PER_COOPERATION (30) events each,
 *    are generated through the domain decider (bench/api-generate.ts, the generator of
 *    bench:projections) and appended through PostgresEventStore; every organisation they name is
 *    registered (one OrganisationRegistered per stream); then every read model is built with the
 *    projection runtime's `rebuildProjections`. BENCH_KEEP=1 reuses a database loaded by an earlier
 *    run of the same size (it then also holds the events that run's commands appended).
 * 2. The app is started in this process exactly as `npm start` builds it (`createApp`, Fastify,
 *    live projectors on), listening on 127.0.0.1 on a free port.
 * 3. Timed: a child process (bench/api-load.ts; forked so that the load generator does not share
 *    the API's event loop) runs autocannon for BENCH_SECONDS (30) after a short warm-up:
 *    (a) a command mix with BENCH_COMMAND_CONNECTIONS (64) connections on random active
 *        cooperations, and at the same time
 *    (b) regionalDashboard / cooperations list / cooperation queries with BENCH_QUERY_CONNECTIONS (50).
 *    Domain rejections are answered responses (reported as rejected_share); CONCURRENCY_CONFLICT is
 *    reported apart; errors are transport errors, timeouts and non-2xx answers.
 *
 * Progress and the app's logs go to stderr; stdout carries only the JSON summary line.
 */
import { fork } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import path from 'node:path';
import { Client, Pool } from 'pg';
import {
  evolveCooperation,
  gateStatus,
  initialCooperationState,
  type CooperationEvent,
  type CooperationState,
} from '@maillage/domain';
import { migrateEventStore, PostgresEventStore } from '@maillage/event-store';
import { createDatabaseIfMissing, startEmbeddedPostgres } from '@maillage/infra';
import { formatProgress, migrateProjections, rebuildProjections } from '@maillage/projections';
import { READ_MODEL_PROJECTIONS, migrateReadModels } from '@maillage/read-models';
import { createApp } from '../apps/api/src/bootstrap';
import { generateCooperations, NAMED_ORGANISATIONS, registerNamedOrganisations } from './api-generate';
import type { CommandTarget, LoadPlan, LoadReport } from './api-load';

// Only the summary goes to stdout: everything else written there (Nest's logger) goes to stderr.
const stdout = process.stdout.write.bind(process.stdout);
process.stdout.write = process.stderr.write.bind(process.stderr);

const COOPERATIONS = intFromEnv('BENCH_COOPERATIONS', 100_000);
const PER_COOPERATION = intFromEnv('BENCH_EVENTS_PER_COOPERATION', 30);
const SECONDS = intFromEnv('BENCH_SECONDS', 30);
const WARMUP_SECONDS = intFromEnv('BENCH_WARMUP_SECONDS', 5);
const COMMAND_CONNECTIONS = intFromEnv('BENCH_COMMAND_CONNECTIONS', 64);
const QUERY_CONNECTIONS = intFromEnv('BENCH_QUERY_CONNECTIONS', 50);
const TARGETS = intFromEnv('BENCH_TARGETS', 5_000);
const CONCURRENCY = intFromEnv('BENCH_CONCURRENCY', 128);
const DATABASE = COOPERATIONS === 100_000 ? 'bench_api' : `bench_api_${COOPERATIONS}`;
const REGION = '11';

function log(message: string): void {
  process.stderr.write(`[bench:api] ${message}\n`);
}

function intFromEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  const value = raw ? Number(raw) : fallback;
  if (!Number.isSafeInteger(value) || value <= 0) throw new Error(`${name} must be a positive integer`);
  return value;
}

/** Loads the store and the read models unless BENCH_KEEP=1 finds them loaded for this size. */
async function load(adminUrl: string, url: string): Promise<void> {
  const keep = process.env.BENCH_KEEP === '1';
  if (keep) {
    await createDatabaseIfMissing(adminUrl, DATABASE);
    const client = new Client({ connectionString: url });
    await client.connect();
    try {
      const marker = await client.query<{ cooperations: number }>(
        `select cooperations from bench_api_loaded where cooperations = $1`,
        [COOPERATIONS],
      );
      if (marker.rowCount) {
        log(`reusing ${DATABASE} (loaded with ${COOPERATIONS} cooperations by an earlier run)`);
        return;
      }
    } catch {
      // no marker table: not loaded
    } finally {
      await client.end();
    }
  }
  const admin = new Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`drop database if exists ${DATABASE} with (force)`);
  await admin.end();
  await createDatabaseIfMissing(adminUrl, DATABASE);
  await migrateEventStore(url);
  await migrateProjections(url);
  await migrateReadModels(url);

  const store = await PostgresEventStore.open({ url, poolSize: CONCURRENCY + 4 });
  const pool = new Pool({ connectionString: url, max: 8 });
  pool.on('error', (error) => log(`pool: ${error.message}`));
  try {
    const started = Date.now();
    log(`loading ${COOPERATIONS} cooperations (up to ${PER_COOPERATION} events each) into ${DATABASE}`);
    const events = await generateCooperations(store, {
      cooperations: COOPERATIONS,
      perCooperation: PER_COOPERATION,
      group: 500,
      concurrency: CONCURRENCY,
      log,
    });
    log(`${NAMED_ORGANISATIONS.size} organisations named; registering them`);
    await registerNamedOrganisations(store, CONCURRENCY, log);
    await pool.query('vacuum analyze event_store.events');
    let lastReport = 0;
    const [result] = await rebuildProjections({
      pool,
      store,
      projections: READ_MODEL_PROJECTIONS,
      requestedBy: 'bench:api',
      onProgress: (p) => {
        if (Date.now() - lastReport < 5000 && p.phase === 'building') return;
        lastReport = Date.now();
        log(formatProgress(p));
      },
    });
    log(`read models built from ${result.events} events in ${(result.durationMs / 1000).toFixed(1)} s`);
    await pool.query('analyze');
    await pool.query(`create table bench_api_loaded (cooperations int not null, events int not null, loaded_at timestamptz not null default now())`);
    await pool.query(`insert into bench_api_loaded (cooperations, events) values ($1, $2)`, [COOPERATIONS, events]);
    log(`loaded in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  } finally {
    await pool.end();
    await store.close();
  }
}

/**
 * Random active cooperations, folded from their streams with the domain (as the command side does),
 * with what the command mix can do on them: indicators to measure, grants to disburse, gate items
 * to waive.
 */
async function chooseTargets(url: string): Promise<{ targets: CommandTarget[]; organisationIds: string[]; queryIds: string[] }> {
  const pool = new Pool({ connectionString: url, max: 4 });
  const store = await PostgresEventStore.open({ url, poolSize: 8 });
  try {
    const ids = (
      await pool.query<{ id: string }>(
        `select id from cooperation_summary where status = 'ACTIVE' order by random() limit $1`,
        [TARGETS],
      )
    ).rows.map((r) => r.id);
    const targets: CommandTarget[] = [];
    for (let i = 0; i < ids.length; i += 50) {
      const folded = await Promise.all(
        ids.slice(i, i + 50).map(async (id) => {
          let state: CooperationState = initialCooperationState();
          for (const e of await store.readStream(`cooperation-${id}`)) {
            state = evolveCooperation(state, {
              type: e.type,
              data: e.data,
              occurredAt: e.occurredAt.toISOString(),
            } as CooperationEvent);
          }
          return { id, state };
        }),
      );
      for (const { id, state } of folded) {
        if (state.status !== 'ACTIVE') continue;
        const coop = state;
        targets.push({
          id,
          indicatorIds: coop.criteria.flatMap((c) => c.indicators.map((x) => x.indicatorId)),
          fundingIds: coop.fundings.filter((f) => !f.endedOn).map((f) => f.fundingId),
          waivable: gateStatus(state)
            .items.filter((item) => item.status === 'MISSING' && item.waivable)
            .map((item) => item.id),
        });
      }
    }
    const organisationIds = (
      await pool.query<{ id: string }>(`select id from organisation where kind <> 'FUNDER' order by random() limit 5000`)
    ).rows.map((r) => r.id);
    const queryIds = (
      await pool.query<{ id: string }>(`select id from cooperation_summary order by random() limit 5000`)
    ).rows.map((r) => r.id);
    return { targets, organisationIds, queryIds };
  } finally {
    await pool.end();
    await store.close();
  }
}

/** Runs one load plan in a child process (see bench/api-load.ts). */
function runLoadInChild(plan: LoadPlan): Promise<LoadReport> {
  return new Promise((resolve, reject) => {
    const child = fork(path.join(__dirname, 'api-load.js'), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    let settled = false;
    child.on('message', (message: { report?: LoadReport; error?: string }) => {
      settled = true;
      if (message.report) resolve(message.report);
      else reject(new Error(`load generator failed: ${message.error}`));
    });
    child.on('exit', (code) => {
      if (!settled) reject(new Error(`load generator exited with code ${code}`));
    });
    child.send(plan);
  });
}

/** Busy CPU seconds of the whole machine (all cores), from /proc/stat. */
function machineBusySeconds(): number {
  const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  const [user, nice, system, , , irq, softirq, steal] = fields;
  return (user + nice + system + irq + softirq + (steal ?? 0)) / 100;
}

/**
 * CPU seconds used so far by this benchmark's PostgreSQL (the postmaster and its live children:
 * backends, WAL writer, checkpointer...), from /proc. Backends that exited meanwhile are not counted.
 */
function postgresCpuSeconds(dataDir: string): number {
  const postmaster = Number(readFileSync(path.join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
  let ticks = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      // fields[0] is the state (3rd field of stat): ppid is the 4th, utime/stime the 14th/15th.
      if (Number(entry) === postmaster || Number(fields[1]) === postmaster) ticks += Number(fields[11]) + Number(fields[12]);
    } catch {
      // the process exited while we looked
    }
  }
  return ticks / 100;
}

async function main(): Promise<void> {
  const dataDir = path.resolve('.data/bench-api');
  const server = await startEmbeddedPostgres({
    dataDir,
    settings: { max_connections: '200' },
    onProgress: log,
  });
  let summary: Record<string, unknown> | undefined;
  try {
    const url = server.urlFor(DATABASE);
    await load(server.adminUrl, url);
    const { targets, organisationIds, queryIds } = await chooseTargets(url);
    log(
      `${targets.length} command targets (${targets.filter((t) => t.indicatorIds.length).length} with indicators, ` +
        `${targets.filter((t) => t.waivable.length).length} with waivable gate items)`,
    );

    const app = await createApp({ databaseUrl: url });
    try {
      await app.listen(0, '127.0.0.1');
      const address = app.getHttpServer().address() as { port: number };
      const base = `http://127.0.0.1:${address.port}`;
      log(`API (fastify) on ${base}/graphql, projectors ${process.env.MAILLAGE_PROJECTORS === 'off' ? 'off' : 'on'}`);
      const plan: LoadPlan = {
        url: base,
        seconds: SECONDS,
        commandConnections: COMMAND_CONNECTIONS,
        queryConnections: QUERY_CONNECTIONS,
        targets,
        organisationIds,
        queryIds,
        region: REGION,
        seed: 7,
      };
      log(`warm-up ${WARMUP_SECONDS} s`);
      await runLoadInChild({ ...plan, seconds: WARMUP_SECONDS, seed: 1 });
      log(`measuring ${SECONDS} s: ${COMMAND_CONNECTIONS} command connections + ${QUERY_CONNECTIONS} query connections`);
      const load1 = loadavg()[0];
      const busyBefore = machineBusySeconds();
      const pgBefore = postgresCpuSeconds(dataDir);
      const appCpu = process.cpuUsage();
      const report = await runLoadInChild(plan);
      const app_s = (({ user, system }) => (user + system) / 1e6)(process.cpuUsage(appCpu));
      const busy = machineBusySeconds() - busyBefore;
      const pg_s = postgresCpuSeconds(dataDir) - pgBefore;
      // Requests still in flight when autocannon stopped finish before the app closes its pool.
      await new Promise((resolve) => setTimeout(resolve, 3000));
      log(`commands by mutation: ${JSON.stringify(report.commands.byMutation)}`);
      log(`command answers with an error code: ${JSON.stringify(report.commands.rejectionCodes)}`);
      log(`queries by type: ${JSON.stringify(report.queries.byQuery)}`);
      const c = report.commands;
      const q = report.queries;
      const r2 = (x: number): number => Math.round(x * 100) / 100;
      summary = {
        bench: 'api',
        cooperations: COOPERATIONS,
        seconds: SECONDS,
        commands: {
          connections: COMMAND_CONNECTIONS,
          rps: c.rps,
          p50: c.p50,
          p95: c.p95,
          p99: c.p99,
          max: c.max,
          errors: c.errors + c.non2xx + c.timeouts,
          rejected_share: r2(c.rejected / Math.max(1, c.requests)),
          conflict_share: Math.round((c.conflicts / Math.max(1, c.requests)) * 10_000) / 10_000,
        },
        queries: {
          connections: QUERY_CONNECTIONS,
          rps: q.rps,
          p50: q.p50,
          p95: q.p95,
          p99: q.p99,
          max: q.max,
          errors: q.errors + q.non2xx + q.timeouts + q.graphqlErrors,
          by_type: q.byQuery,
        },
        cpu_seconds: {
          app: r2(app_s),
          load_generator: r2(report.loaderCpuSeconds),
          postgres: r2(pg_s),
          // Everything else on the machine (other processes sharing it) during the measurement.
          other: r2(busy - app_s - report.loaderCpuSeconds - pg_s),
          machine_capacity: SECONDS * cpus().length,
        },
        load_average_at_start: Math.round(load1 * 10) / 10,
        projectors: process.env.MAILLAGE_PROJECTORS === 'off' ? 'off' : 'on',
        load_generator: 'child process',
        adapter: 'fastify',
      };
    } finally {
      await app.close();
    }
  } finally {
    await server.stop();
  }
  if (summary) stdout(`${JSON.stringify(summary)}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`[bench:api] failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
