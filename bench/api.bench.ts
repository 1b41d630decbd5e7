/**
 * GraphQL API benchmark: `npm run bench:api`.
 *
 * 1. Load (not timed): a dedicated embedded PostgreSQL under .data/bench-api, one database per size.
 *    BENCH_COOPERATIONS (100,000) cooperations, up to BENCH_EVENTS_PER_COOPERATION (30) events each,
 *    are generated through the domain decider (bench/generate-cooperations.ts, shared with
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
 * The app runs as deployed: `npm run bench:api` sets NODE_ENV=production (graphql-js then skips its
 * development-only checks, which cost ~5% of a query; introspection is off), and PostgreSQL gets
 * shared_buffers=2GB (BENCH_SHARED_BUFFERS). BENCH_PG_STATEMENTS=1 prints the statements that used
 * the most database time during the measurement (pg_stat_statements).
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
import { createHash } from 'node:crypto';
import { createApp } from '../apps/api/src/bootstrap';
import { AuthService } from '../apps/api/src/auth/auth.service';
import { generateCooperations, NAMED_ORGANISATIONS, registerNamedOrganisations } from './generate-cooperations';
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
const MEMBERS = intFromEnv('BENCH_MEMBERS', 100);
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
        await client.end(); // left open, it died with an unhandled error when the server stopped
        return;
      }
    } catch {
      // no marker table: not loaded
    }
    // Generated by an earlier run whose rebuild did not finish: build the read models only.
    const generated = await client
      .query<{ events: number }>(`select events from bench_api_generated where cooperations = $1`, [COOPERATIONS])
      .catch(() => ({ rowCount: 0, rows: [] }));
    await client.end();
    if (generated.rowCount) {
      log(`${DATABASE} holds the generated events of an earlier run; building the read models`);
      await buildReadModels(url, generated.rows[0].events);
      return;
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
  let events: number;
  try {
    const started = Date.now();
    log(`loading ${COOPERATIONS} cooperations (up to ${PER_COOPERATION} events each) into ${DATABASE}`);
    events = await generateCooperations(store, {
      cooperations: COOPERATIONS,
      perCooperation: PER_COOPERATION,
      group: 500,
      concurrency: CONCURRENCY,
      log,
    });
    log(`${NAMED_ORGANISATIONS.size} organisations named; registering them`);
    await registerNamedOrganisations(store, CONCURRENCY, log);
    await pool.query(`create table bench_api_generated (cooperations int not null, events int not null)`);
    await pool.query(`insert into bench_api_generated values ($1, $2)`, [COOPERATIONS, events]);
    log(`generated in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  } finally {
    await pool.end();
    await store.close();
  }
  await buildReadModels(url, events);
}

/** Builds every read model from the store with the projection runtime, then marks the database loaded. */
async function buildReadModels(url: string, events: number): Promise<void> {
  const store = await PostgresEventStore.open({ url, poolSize: 8 });
  const pool = new Pool({ connectionString: url, max: 8 });
  pool.on('error', (error) => log(`pool: ${error.message}`));
  try {
    const started = Date.now();
    await pool.query('vacuum analyze event_store.events');
    let lastReport = 0;
    const [result] = await rebuildProjections({
      pool,
      store,
      projections: READ_MODEL_PROJECTIONS,
      requestedBy: 'bench:api',
      // Generous lease: on a shared 2-core machine the 15 s default expired mid-rebuild once.
      leaseTtlMs: 120_000,
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
    log(`read models built in ${((Date.now() - started) / 1000).toFixed(0)} s`);
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
async function chooseTargets(url: string): Promise<{ targets: (CommandTarget & { lead: string })[]; organisationIds: string[]; queryIds: string[] }> {
  const pool = new Pool({ connectionString: url, max: 4 });
  const store = await PostgresEventStore.open({ url, poolSize: 8 });
  try {
    const ids = (
      await pool.query<{ id: string }>(
        `select id from cooperation_summary where status = 'ACTIVE' order by random() limit $1`,
        [TARGETS],
      )
    ).rows.map((r) => r.id);
    const targets: (CommandTarget & { lead: string })[] = [];
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
          lead: coop.leadOrganisationId,
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
    settings: {
      max_connections: '200',
      // PostgreSQL's 128 MB default holds little of a 3 GB database: every deployment sizes it
      // (a quarter of the memory is the usual rule); 2 GB of this 24 GB machine.
      shared_buffers: process.env.BENCH_SHARED_BUFFERS ?? '2GB',
      // BENCH_PG_STATEMENTS=1: PostgreSQL's own per-statement CPU accounting, printed (stderr) after the run.
      ...(process.env.BENCH_PG_STATEMENTS === '1' ? { shared_preload_libraries: 'pg_stat_statements', 'pg_stat_statements.track': 'all' } : {}),
    },
    onProgress: log,
  });
  let summary: Record<string, unknown>;
  try {
    const url = server.urlFor(DATABASE);
    await load(server.adminUrl, url);
    const { targets: allTargets, organisationIds, queryIds } = await chooseTargets(url);
    log(
      `${allTargets.length} command targets (${allTargets.filter((t) => t.indicatorIds.length).length} with indicators, ` +
        `${allTargets.filter((t) => t.waivable.length).length} with waivable gate items)`,
    );

    process.env.MAILLAGE_RATE_LIMIT_MUTATIONS ??= '0';
    const app = await createApp({ databaseUrl: url });
    try {
      await app.listen(0, '127.0.0.1');
      const address = app.getHttpServer().address() as { port: number };
      const base = `http://127.0.0.1:${address.port}`;
      log(`API (fastify) on ${base}/graphql, projectors ${process.env.MAILLAGE_PROJECTORS === 'off' ? 'off' : 'on'}`);
      // The API refuses anonymous callers and lets only members act on a cooperation: one MEMBER
      // account per lead organisation of the first BENCH_MEMBERS leads, whose cooperations become
      // the command targets; an ADMIN account reads. The per-caller mutation throttle is off
      // (MAILLAGE_RATE_LIMIT_MUTATIONS=0, set before the app starts).
      const auth = app.get(AuthService);
      const ensureUser = async (id: string, input: Parameters<AuthService['createUserUnchecked']>[0]) => {
        if (!(await auth.view(id))) await auth.createUserUnchecked(input, null, id);
        return auth.issueAccessToken(id).accessToken;
      };
      const uuidOf = (text: string) => {
        const h = createHash('sha256').update(text).digest('hex');
        return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
      };
      let adminToken: string;
      const leads = [...new Set(allTargets.map((t) => t.lead))].slice(0, MEMBERS);
      const tokens = new Map<string, string>();
      try {
        adminToken = await ensureUser(uuidOf('bench-admin'), { email: 'bench-operator@maillage.invalid', name: 'Bench', role: 'ADMIN', password: 'bench-admin-password' });
        for (const lead of leads) {
          tokens.set(lead, await ensureUser(uuidOf(`bench-member-${lead}`), { email: `bench-${uuidOf(lead)}@maillage.invalid`, name: 'Bench', role: 'MEMBER', organisationId: lead, password: 'bench-member-password' }));
        }
      } catch (error) {
        log(`cannot create the bench accounts: ${(error as Error).stack ?? String(error)}`);
        throw error;
      }
      const targets: CommandTarget[] = allTargets.filter((t) => tokens.has(t.lead)).map(({ lead, ...t }) => ({ ...t, token: tokens.get(lead) }));
      log(`${leads.length} member accounts, ${targets.length} command targets`);
      const plan: LoadPlan = {
        url: base,
        accessToken: adminToken,
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
      if (process.env.BENCH_PG_STATEMENTS === '1') await resetStatements(url);
      const report = await runLoadInChild(plan);
      const app_s = (({ user, system }) => (user + system) / 1e6)(process.cpuUsage(appCpu));
      const busy = machineBusySeconds() - busyBefore;
      const pg_s = postgresCpuSeconds(dataDir) - pgBefore;
      // Requests still in flight when autocannon stopped finish before the app closes its pool.
      await new Promise((resolve) => setTimeout(resolve, 3000));
      if (process.env.BENCH_PG_STATEMENTS === '1') await printStatements(url);
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
        node_env: process.env.NODE_ENV ?? null,
        shared_buffers: process.env.BENCH_SHARED_BUFFERS ?? '2GB',
        load_generator: 'child process',
        adapter: 'fastify',
      };
      // Printed before shutting down: queries still running past the measurement must not cost the figures.
      stdout(`${JSON.stringify(summary)}\n`);
    } finally {
      await app.close();
    }
  } finally {
    await server.stop();
  }
}

/** Starts PostgreSQL's statement statistics afresh for the measured window. */
async function resetStatements(url: string): Promise<void> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('create extension if not exists pg_stat_statements');
    await client.query('select pg_stat_statements_reset()');
  } finally {
    await client.end();
  }
}

/** The statements that used the most database time during the measured window (stderr). */
async function printStatements(url: string): Promise<void> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ calls: string; total_ms: number; mean_ms: number; rows: string; query: string }>(
      `select calls, round(total_exec_time::numeric, 0)::float as total_ms, round(mean_exec_time::numeric, 2)::float as mean_ms,
              rows, left(regexp_replace(query, '\\s+', ' ', 'g'), 140) as query
         from pg_stat_statements order by total_exec_time desc limit 25`,
    );
    log('PostgreSQL statements by total time in the measured window:');
    for (const r of rows) log(`  ${String(r.total_ms).padStart(7)} ms  ${String(r.calls).padStart(6)} calls  ${String(r.mean_ms).padStart(8)} ms/call  ${String(r.rows).padStart(7)} rows  ${r.query}`);
  } finally {
    await client.end();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`[bench:api] failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
