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
 *    live projectors on), listening on 127.0.0.1 on a free port. BENCH_API_PROCESSES=N (N > 1)
 *    forks N API processes instead (bench/api-worker.ts, through node:cluster: one port, the
 *    connections handed out in turn); the app CPU reported is then theirs, summed.
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
import { fork, type ChildProcess } from 'node:child_process';
import cluster, { type Worker } from 'node:cluster';
import { createServer } from 'node:net';
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
import { formatProgress, migrateProjections, rebuildProjections, type ProjectionRunner } from '@maillage/projections';
import { READ_MODEL_PROJECTIONS, migrateReadModels } from '@maillage/read-models';
import { createHash } from 'node:crypto';
import { createApp } from '../apps/api/src/bootstrap';
import { AuthService } from '../apps/api/src/auth/auth.service';
import { READ_MODEL_CACHE, type ReadModelCache } from '../apps/api/src/graphql/read-model-cache';
import { EVENT_STORE } from '../apps/api/src/command-side/command-side.module';
import { PROJECTION_RUNNER } from '../apps/api/src/projections/projections.module';
import { generateCooperations, NAMED_ORGANISATIONS, registerNamedOrganisations } from './generate-cooperations';
import type { CommandTarget, LoadPlan, LoadReport } from './api-load';
import { freshDatabase, intFromEnv, machineBusySeconds, postgresCpuSeconds, printStatements, resetStatements, statementSettings } from './bench-support';

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
/** API processes: 1 serves from this process; more are forked through node:cluster (bench/api-worker.ts). */
const PROCESSES = intFromEnv('BENCH_API_PROCESSES', 1);
/** BENCH_PROJECTOR_PROCESS=1: the projectors run in a process of their own (bench/projector-worker.ts), not in the API's. */
const PROJECTOR_PROCESS = process.env.BENCH_PROJECTOR_PROCESS === '1';
const DATABASE = COOPERATIONS === 100_000 ? 'bench_api' : `bench_api_${COOPERATIONS}`;
/**
 * The loaded database is kept apart as a template and never measured on: each run measures a fresh
 * copy of it. Measured on directly, every run's ~20,000 commands stayed in the store and the read
 * models for the next one (after some forty runs the targets' streams held up to 850 events and
 * their summary rows 20-100 KB of state), so each run measured a bigger, more bloated database.
 */
const TEMPLATE = `${DATABASE}_template`;
const REGION = '11';

function log(message: string): void {
  process.stderr.write(`[bench:api] ${message}\n`);
}

/**
 * Loads the template database (store and read models) unless BENCH_KEEP=1 finds it loaded for this
 * size, then copies it to the database this run measures.
 */
async function load(adminUrl: string, templateUrl: string): Promise<void> {
  await loadTemplate(adminUrl, templateUrl);
  const started = Date.now();
  await freshDatabase(adminUrl, DATABASE, TEMPLATE);
  log(`${DATABASE} copied from ${TEMPLATE} in ${((Date.now() - started) / 1000).toFixed(0)} s`);
}

async function loadTemplate(adminUrl: string, url: string): Promise<void> {
  const keep = process.env.BENCH_KEEP === '1';
  if (keep) {
    await createDatabaseIfMissing(adminUrl, TEMPLATE);
    const client = new Client({ connectionString: url });
    await client.connect();
    try {
      const marker = await client.query<{ cooperations: number }>(
        `select cooperations from bench_api_loaded where cooperations = $1`,
        [COOPERATIONS],
      );
      if (marker.rowCount) {
        log(`reusing ${TEMPLATE} (loaded with ${COOPERATIONS} cooperations by an earlier run)`);
        await client.end(); // left open, it died with an unhandled error when the server stopped
        // Migrations added since it was loaded run once here, not on every copy.
        await migrateEventStore(url);
        await migrateProjections(url);
        await migrateReadModels(url);
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
      log(`${TEMPLATE} holds the generated events of an earlier run; building the read models`);
      await buildReadModels(url, generated.rows[0].events);
      return;
    }
  }
  await freshDatabase(adminUrl, TEMPLATE);
  await migrateEventStore(url);
  await migrateProjections(url);
  await migrateReadModels(url);

  const store = await PostgresEventStore.open({ url, poolSize: CONCURRENCY + 4 });
  const pool = new Pool({ connectionString: url, max: 8 });
  pool.on('error', (error) => log(`pool: ${error.message}`));
  let events: number;
  try {
    const started = Date.now();
    log(`loading ${COOPERATIONS} cooperations (up to ${PER_COOPERATION} events each) into ${TEMPLATE}`);
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
    // Vacuumed as well as analysed: the copies then start with their visibility maps and hint bits set.
    await pool.query('vacuum analyze');
    await pool.query(`create table bench_api_loaded (cooperations int not null, events int not null, loaded_at timestamptz not null default now())`);
    await pool.query(`insert into bench_api_loaded (cooperations, events) values ($1, $2)`, [COOPERATIONS, events]);
    log(`read models built in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  } finally {
    await pool.end();
    await store.close();
  }
}

/**
 * Active cooperations in a fixed pseudo-random order (md5 of the id: the same ones every run on the same
 * data), folded from their streams with the domain (as the command side does),
 * with what the command mix can do on them: indicators to measure, grants to disburse, gate items
 * to waive.
 */
type ChosenTarget = Omit<CommandTarget, 'fundings'> & { lead: string; fundings: { id: string; funder: string }[] };

async function chooseTargets(url: string): Promise<{ targets: ChosenTarget[]; organisationIds: string[]; queryIds: string[] }> {
  const pool = new Pool({ connectionString: url, max: 4 });
  const store = await PostgresEventStore.open({ url, poolSize: 8 });
  try {
    const ids = (
      await pool.query<{ id: string }>(
        `select id from cooperation_summary where status = 'ACTIVE' order by md5(id) limit $1`,
        [TARGETS],
      )
    ).rows.map((r) => r.id);
    const targets: ChosenTarget[] = [];
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
          fundings: coop.fundings.filter((f) => !f.endedOn).map((f) => ({ id: f.fundingId, funder: f.funderOrganisationId })),
          waivable: gateStatus(state)
            .items.filter((item) => item.status === 'MISSING' && item.waivable)
            .map((item) => item.id),
        });
      }
    }
    const organisationIds = (
      await pool.query<{ id: string }>(`select id from organisation where kind <> 'FUNDER' order by md5(id) limit 5000`)
    ).rows.map((r) => r.id);
    const queryIds = (
      await pool.query<{ id: string }>(`select id from cooperation_summary order by md5(id || 'query') limit 5000`)
    ).rows.map((r) => r.id);
    return { targets, organisationIds, queryIds };
  } finally {
    await pool.end();
    await store.close();
  }
}

/** Dead letters recorded in the measured database, per projection and error (none expected). */
async function countDeadLetters(url: string): Promise<string[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ projection: string; error: string; n: number }>(
      `select projection, left(error, 200) as error, count(*)::int as n from projection_dead_letters group by 1, 2 order by 1, 2`,
    );
    return rows.map((r) => `${r.projection}: ${r.n} × ${r.error}`);
  } finally {
    await client.end();
  }
}

/** Runs one load plan in a child process (see bench/api-load.ts). */
function runLoadInChild(plan: LoadPlan): Promise<LoadReport> {
  return new Promise((resolve, reject) => {
    const child = fork(path.join(__dirname, 'api-load.js'), [], { stdio: ['ignore', 2, 'inherit', 'ipc'] });
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

/** A TCP port free on 127.0.0.1 right now. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

/** A forked helper (cluster worker or child process) that answers `{ cpu: true }` with its cpuUsage. */
interface CpuReporter {
  send(message: { cpu: true }): unknown;
  on(event: 'message', listener: (message: { cpu?: { user: number; system: number } }) => void): unknown;
  off(event: 'message', listener: (message: { cpu?: { user: number; system: number } }) => void): unknown;
}

/** Resolves once a forked helper says it is ready; rejects if it exits first. */
function ready(child: { once(event: 'message', listener: () => void): unknown; once(event: 'exit', listener: (code: number | null) => void): unknown }, what: string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    child.once('message', () => resolve());
    child.once('exit', (code) => reject(new Error(`${what} exited with code ${code}`)));
  });
}

/** Asks a forked helper to stop and resolves once it has exited. */
function stopped(child: { once(event: 'exit', listener: () => void): unknown; send(message: { stop: true }): unknown }): Promise<void> {
  return new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.send({ stop: true });
  });
}

/** CPU seconds used so far by a forked helper process. */
function childCpu(child: CpuReporter): Promise<number> {
  return new Promise<number>((resolve) => {
    const onMessage = (message: { cpu?: { user: number; system: number } }) => {
      if (!message.cpu) return;
      child.off('message', onMessage);
      resolve((message.cpu.user + message.cpu.system) / 1e6);
    };
    child.on('message', onMessage);
    child.send({ cpu: true });
  });
}

/** CPU seconds used so far by the API processes, summed. */
async function workersCpu(workers: readonly Worker[]): Promise<number> {
  const each = await Promise.all(workers.map((worker) => childCpu(worker)));
  return each.reduce((a, b) => a + b, 0);
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
      ...statementSettings(),
    },
    onProgress: log,
  });
  let summary: Record<string, unknown>;
  try {
    const url = server.urlFor(DATABASE);
    await load(server.adminUrl, server.urlFor(TEMPLATE));
    const { targets: allTargets, organisationIds, queryIds } = await chooseTargets(url);
    log(
      `${allTargets.length} command targets (${allTargets.filter((t) => t.indicatorIds.length).length} with indicators, ` +
        `${allTargets.filter((t) => t.waivable.length).length} with waivable gate items)`,
    );

    process.env.MAILLAGE_RATE_LIMIT_MUTATIONS ??= '0';
    const projectors = process.env.MAILLAGE_PROJECTORS;
    // With several API processes, this one's app only creates the accounts: the workers project.
    if (PROCESSES > 1 || PROJECTOR_PROCESS) process.env.MAILLAGE_PROJECTORS = 'off';
    const app = await createApp({ databaseUrl: url });
    if (PROCESSES > 1 && !PROJECTOR_PROCESS) {
      if (projectors === undefined) delete process.env.MAILLAGE_PROJECTORS;
      else process.env.MAILLAGE_PROJECTORS = projectors;
    }
    const workers: Worker[] = [];
    let projector: ChildProcess | null = null;
    try {
      let base: string;
      if (PROCESSES > 1) {
        const port = await freePort();
        // The helpers' output goes to stderr: stdout carries only the JSON line.
        cluster.setupPrimary({ exec: path.join(__dirname, 'api-worker.js'), stdio: ['ignore', 2, 'inherit', 'ipc'] });
        for (let i = 0; i < PROCESSES; i++) {
          const worker = cluster.fork({ BENCH_API_DATABASE_URL: url, BENCH_API_PORT: String(port) });
          workers.push(worker);
          await ready(worker, 'API process');
        }
        base = `http://127.0.0.1:${port}`;
      } else {
        await app.listen(0, '127.0.0.1');
        const address = app.getHttpServer().address() as { port: number };
        base = `http://127.0.0.1:${address.port}`;
      }
      if (PROJECTOR_PROCESS) {
        projector = fork(path.join(__dirname, 'projector-worker.js'), [], { env: { ...process.env, BENCH_API_DATABASE_URL: url }, stdio: ['ignore', 2, 'inherit', 'ipc'] });
        await ready(projector, 'projector process');
      }
      log(
        `API (fastify, ${PROCESSES} process${PROCESSES > 1 ? 'es' : ''}) on ${base}/graphql, projectors ` +
          (PROJECTOR_PROCESS ? 'in their own process' : process.env.MAILLAGE_PROJECTORS === 'off' ? 'off' : 'on'),
      );
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
      // One FUNDER account per funder of the targets' open grants: disbursements are theirs to record.
      const chosen = allTargets.filter((t) => tokens.has(t.lead));
      const funderTokens = new Map<string, string>();
      for (const funder of new Set(chosen.flatMap((t) => t.fundings.map((f) => f.funder)))) {
        funderTokens.set(funder, await ensureUser(uuidOf(`bench-funder-${funder}`), { email: `bench-funder-${uuidOf(funder)}@maillage.invalid`, name: 'Bench', role: 'FUNDER', organisationId: funder, password: 'bench-funder-password' }));
      }
      const targets: CommandTarget[] = chosen.map(({ lead, ...t }) => ({
        ...t,
        token: tokens.get(lead),
        fundings: t.fundings.map((f) => ({ id: f.id, token: funderTokens.get(f.funder) })),
      }));
      log(`${leads.length} member accounts, ${funderTokens.size} funder accounts, ${targets.length} command targets`);
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
      const workersBefore = await workersCpu(workers);
      const projectorBefore = projector ? await childCpu(projector) : 0;
      // With one process, how often the read models' caches answered (see ReadModelCache).
      const cache = workers.length ? null : app.get<ReadModelCache>(READ_MODEL_CACHE);
      const cacheBefore = cache && { hits: cache.hits, misses: cache.misses, shared: cache.shared, versionReads: cache.versionReads };
      // With one process, how many statements served the stream reads (PostgresEventStore batches them).
      const eventStore = workers.length ? null : app.get<unknown>(EVENT_STORE);
      // With the projectors in the API's process, how many live batches were read from the store and
      // how many were taken from another projector's read (ProjectionRunner.read).
      const runner = workers.length || PROJECTOR_PROCESS || process.env.MAILLAGE_PROJECTORS === 'off' ? null : app.get<ProjectionRunner>(PROJECTION_RUNNER);
      const readCounts = () => (eventStore instanceof PostgresEventStore ? { ...eventStore.readCounts, ...(runner ? { batches: { ...runner.readCounts } } : {}) } : null);
      const readsBefore = readCounts();
      if (process.env.BENCH_PG_STATEMENTS === '1') await resetStatements(url);
      const report = await runLoadInChild(plan);
      const app_s = workers.length
        ? (await workersCpu(workers)) - workersBefore
        : (({ user, system }) => (user + system) / 1e6)(process.cpuUsage(appCpu));
      const projector_s = projector ? (await childCpu(projector)) - projectorBefore : 0;
      const busy = machineBusySeconds() - busyBefore;
      const pg_s = postgresCpuSeconds(dataDir) - pgBefore;
      const readsAfter = readCounts();
      const streamReads = readsBefore && readsAfter && {
        reads: readsAfter.reads - readsBefore.reads,
        statements: readsAfter.statements - readsBefore.statements,
        ...(readsAfter.batches && readsBefore.batches
          ? { projector_reads: readsAfter.batches.reads - readsBefore.batches.reads, projector_shared: readsAfter.batches.shared - readsBefore.batches.shared }
          : {}),
      };
      const cacheCounts = cache &&
        cacheBefore && {
          hits: cache.hits - cacheBefore.hits,
          misses: cache.misses - cacheBefore.misses,
          // misses that waited for the same answer computed for another request (single flight)
          shared: cache.shared - cacheBefore.shared,
          version_reads: cache.versionReads - cacheBefore.versionReads,
        };
      // Requests still in flight when autocannon stopped finish before the app closes its pool.
      await new Promise((resolve) => setTimeout(resolve, 3000));
      // A projection that stopped on a dead letter does no work, and the figures would flatter the API.
      const deadLetters = await countDeadLetters(url);
      if (deadLetters.length) throw new Error(`projections sent events to dead letters during the run: ${deadLetters.join('; ')}`);
      if (process.env.BENCH_PG_STATEMENTS === '1') await printStatements(url, log);
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
          ...(projector ? { projector: r2(projector_s) } : {}),
          load_generator: r2(report.loaderCpuSeconds),
          postgres: r2(pg_s),
          // Everything else on the machine (other processes sharing it) during the measurement.
          other: r2(busy - app_s - projector_s - report.loaderCpuSeconds - pg_s),
          machine_capacity: SECONDS * cpus().length,
        },
        ...(cacheCounts ? { read_model_cache: cacheCounts } : {}),
        ...(streamReads ? { stream_reads: streamReads } : {}),
        load_average_at_start: Math.round(load1 * 10) / 10,
        projectors: PROJECTOR_PROCESS ? 'own process' : process.env.MAILLAGE_PROJECTORS === 'off' ? 'off' : 'on',
        node_env: process.env.NODE_ENV ?? null,
        shared_buffers: process.env.BENCH_SHARED_BUFFERS ?? '2GB',
        load_generator: 'child process',
        adapter: 'fastify',
        api_processes: PROCESSES,
      };
      // Printed before shutting down: queries still running past the measurement must not cost the figures.
      stdout(`${JSON.stringify(summary)}\n`);
    } finally {
      if (projector) await stopped(projector);
      await Promise.all(workers.map((worker) => stopped(worker)));
      await app.close();
    }
  } finally {
    await server.stop();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`[bench:api] failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
