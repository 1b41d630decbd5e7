import type { Pool } from 'pg';
import {
  decideOrganisation,
  evolveOrganisation,
  gateStatus,
  initialCooperationState,
  initialOrganisationState,
  organisationStreamName,
  type Cooperation,
  type CooperationState,
  type OrganisationCommand,
  type OrganisationKind,
  type OrganisationRef,
  type OrganisationState,
} from '@maillage/domain';
import { NO_STREAM, PostgresEventStore } from '@maillage/event-store';
import { ProjectionRunner, migrateProjections, rebuildProjections } from '@maillage/projections';
import { createTestDatabase, type TestDatabase } from '@maillage/testing';
import { READ_MODEL_PROJECTIONS, migrateReadModels, pendingSchemaChanges } from '@maillage/read-models';
import { Pool as PgPool } from 'pg';
import type { QueryRunner } from 'typeorm';
import { CompactSummaryState1795460000000 } from '../src/migrations/1795460000000-compact-summary-state';
import { DAY, REGIONS, delay, pick, seeded, seedFrom, toAppend, writeCooperationStep, type Stream } from './workload';

/**
 * Rebuild equals live: a random but decider-valid workload is appended by several concurrent
 * writers (random small delays) while a ProjectionRunner projects every read model live in small
 * batches (rows loaded and folded across batches). Once caught up, every read-model table is
 * snapshotted (all rows, ordered by primary key), every projection is rebuilt from zero with the
 * runtime's rebuild, and the tables must be identical row for row.
 */
jest.setTimeout(180_000);

const NOW = '2026-11-01T00:00:00.000Z';
const quiet = { log: () => undefined, warn: () => undefined, error: () => undefined };

const SEED = seedFrom('REBUILD_EQUALS_LIVE_SEED');

/** Every row of every read-model table, ordered by primary key. */
async function snapshot(pool: Pool): Promise<Record<string, unknown[]>> {
  const out: Record<string, unknown[]> = {};
  for (const table of READ_MODEL_PROJECTIONS.flatMap((p) => p.tables)) {
    const { rows: pk } = await pool.query<{ name: string }>(
      `select a.attname as name from pg_index i
         join lateral unnest(i.indkey) with ordinality as k(attnum, n) on true
         join pg_attribute a on a.attrelid = i.indrelid and a.attnum = k.attnum
        where i.indrelid = $1::regclass and i.indisprimary order by k.n`,
      [table],
    );
    const order = pk.map((c) => `"${c.name}"`).join(', ');
    out[table] = (await pool.query(`select * from ${table} order by ${order}`)).rows;
  }
  return out;
}

/** Tables of the schema with their persistence, columns, indexes and constraints (by name). */
async function schemaOf(pool: Pool): Promise<unknown> {
  const { rows } = await pool.query(
    `select c.relname, c.relpersistence,
            (select json_agg(json_build_array(a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull, a.attstorage) order by a.attnum)
               from pg_attribute a where a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped) as columns,
            (select json_agg(json_build_array(i.relname, regexp_replace(pg_get_indexdef(i.oid), ' ON \\S+ ', ' ON t ')) order by i.relname)
               from pg_index x join pg_class i on i.oid = x.indexrelid where x.indrelid = c.oid) as indexes,
            (select json_agg(json_build_array(k.conname, k.contype) order by k.conname)
               from pg_constraint k where k.conrelid = c.oid and k.contype <> 'n') as constraints
       from pg_class c where c.relnamespace = 'public'::regnamespace and c.relkind = 'r' order by c.relname`,
  );
  return rows;
}

describe('read models: rebuild equals live', () => {
  let db: TestDatabase;
  let store: PostgresEventStore;
  let pool: PgPool;
  let runner: ProjectionRunner;

  beforeAll(async () => {
    db = await createTestDatabase('rm_rebuild_live');
    store = await PostgresEventStore.open({ url: db.url });
    await migrateProjections(db.url);
    await migrateReadModels(db.url);
    pool = new PgPool({ connectionString: db.url, max: 8 });
  });
  afterAll(async () => {
    await runner?.stop();
    await store.close();
    await pool.end();
    await db.drop();
  });

  it('rebuilds every read model to exactly what the live projector built', async () => {
    runner = new ProjectionRunner({
      pool,
      store,
      projections: READ_MODEL_PROJECTIONS,
      batchSize: 23,
      pollIntervalMs: 50,
      leaseTtlMs: 3000,
      logger: quiet,
    });
    await runner.start();

    // Organisations: registered, then some updated, by their own writer.
    const kinds: OrganisationKind[] = ['EI', 'ACI', 'EA', 'ASSOCIATION', 'COMPANY', 'LOCAL_AUTHORITY', 'FUNDER', 'FUNDER'];
    const orgs: OrganisationRef[] = Array.from({ length: 24 }, (_, i) => ({ id: `org-${i}`, kind: kinds[i % kinds.length], ...(i % 5 === 4 ? { ess: false } : {}) }));
    const organisations: Stream<OrganisationState>[] = orgs.map((o) => ({ id: o.id, state: initialOrganisationState(), version: 0, time: Date.parse('2024-06-01T09:00:00Z') }));
    const decideOrg = async (o: Stream<OrganisationState>, command: OrganisationCommand) => {
      o.time += DAY;
      const events = decideOrganisation(command, o.state, { now: NOW, occurredAt: new Date(o.time).toISOString() });
      if (!events.length) return;
      await store.appendToStream(organisationStreamName(o.id), toAppend(events), { expectedVersion: o.version === 0 ? NO_STREAM : o.version });
      o.state = events.reduce(evolveOrganisation, o.state);
      o.version += events.length;
    };
    const orgWriter = async () => {
      const random = seeded(SEED);
      for (const [i, o] of organisations.entries()) {
        const ref = orgs[i];
        const [regionCode, deps] = pick(random, REGIONS);
        // Some belong to networks from their registration (ids in the order given).
        const networkIds = i % 3 === 1 ? [`net-${i % 4}`, `net-${(i + 1) % 4}`] : undefined;
        await decideOrg(o, { type: 'RegisterOrganisation', data: { organisationId: o.id, name: `Structure ${i}`, kind: ref.kind, ess: ref.ess, regionCode, departementCode: pick(random, deps), networkIds } });
        await delay(Math.floor(random() * 4));
      }
      for (let i = 0; i < 30; i++) {
        const o = pick(random, organisations);
        const [regionCode, deps] = pick(random, REGIONS);
        // Networks replaced, or emptied (every fourth), with a move; or a renaming that keeps them.
        const networkIds = i % 4 === 3 ? [] : i % 4 === 1 ? [`net-${(i + 1) % 3}`, `net-${i % 3}`] : [`net-${i % 3}`];
        await decideOrg(o, random() < 0.5 ? { type: 'UpdateOrganisation', data: { name: `Structure renommée ${i}` } } : { type: 'UpdateOrganisation', data: { regionCode, departementCode: pick(random, deps), networkIds } });
        await delay(Math.floor(random() * 4));
      }
    };

    // Cooperations: each writer owns its streams (expected versions stay its own), random delays.
    const WRITERS = 4;
    const PER_WRITER = 6;
    const STEPS = 45;
    const writerCoops: Stream<CooperationState>[][] = Array.from({ length: WRITERS }, (_, w) => {
      const random = seeded(SEED * 31 + w);
      return Array.from({ length: PER_WRITER }, (_, i) => ({
        id: `w${w}-c${i}`,
        state: initialCooperationState(),
        version: 0,
        time: Date.parse('2024-01-01T09:00:00Z') + Math.floor(random() * 300) * DAY,
      }));
    });
    const cooperationWriter = async (w: number, share = (STEPS * PER_WRITER) / 2) => {
      const coops = writerCoops[w];
      const random = seeded(SEED * 17 + w + 1);
      let n = w * 100_000; // numbers in names and amounts, this writer's own
      const writer = { random, orgs, now: NOW, next: () => ++n };
      // Until the writer has appended its share (refusals by the domain vary with the random draw).
      let appended = 0;
      for (let step = 0; appended < share && step < share * 8; step++) {
        const c = pick(random, coops);
        c.time += Math.floor(1 + random() * 10) * DAY;
        // The slot: each writer's cooperations cover every kind, whatever the interleaving.
        const written = await writeCooperationStep(store, c, coops.indexOf(c), writer);
        if (!written) continue;
        appended += written;
        if (random() < 0.3) await delay(Math.floor(random() * 6));
      }
    };
    await Promise.all([orgWriter(), ...Array.from({ length: WRITERS }, (_, w) => cooperationWriter(w))]);

    const { rows: head } = await pool.query<{ position: string; n: number }>(
      `select e.transaction_id::text || ':' || e.global_position::text as position, count(*) over () :: int as n
         from event_store.events e order by e.transaction_id desc, e.global_position desc limit 1`,
    );
    await runner.waitFor(head[0].position, { timeoutMs: 60_000 });
    const live = await snapshot(pool);

    // The workload must reach the interesting tables, or the comparison proves little.
    expect(head[0].n).toBeGreaterThan(500);
    for (const table of ['organisation', 'cooperation_summary', 'cooperation_stage_interval', 'cooperation_stage_visit', 'cooperation_deliverable', 'cooperation_funding', 'cooperation_disbursement', 'cooperation_measurement', 'cooperation_waiver', 'cooperation_market']) {
      // Names the table (and the seed) when the workload missed it.
      expect({ table, seed: SEED, reached: live[table].length > 0 }).toEqual({ table, seed: SEED, reached: true });
    }
    expect(live.cooperation_stage_visit.length).toBeGreaterThan(live.cooperation_summary.length);
    // Organisations with several networks, and without any, are compared.
    const networkCounts = new Set((live.organisation as { network_ids: string[] }[]).map((r) => Math.min(r.network_ids.length, 2)));
    expect({ seed: SEED, networkCounts: [...networkCounts].sort() }).toEqual({ seed: SEED, networkCounts: [0, 1, 2] });

    // The summary keeps a compact state (one measurement, one deliverable per kind), yet its gate
    // is the gate of the stream's full fold, for every cooperation; and the compaction happened.
    const full = new Map(writerCoops.flat().map((c) => [c.id, c.state]));
    const summaries = live.cooperation_summary as { id: string; gate: { items: unknown[]; missing: string[]; satisfied: boolean }; gate_satisfied: boolean; state: Cooperation }[];
    let trimmed = 0;
    for (const row of summaries) {
      const state = full.get(row.id) as Cooperation;
      const gate = gateStatus(state);
      expect({ id: row.id, items: row.gate.items, missing: row.gate.missing, satisfied: row.gate_satisfied }).toEqual({ id: row.id, items: gate.items, missing: gate.missing, satisfied: gate.satisfied });
      expect(row.state.measurements.length).toBe(Math.min(1, state.measurements.length));
      expect(row.state.deliverables.map((d) => d.kind)).toEqual([...new Set(state.deliverables.map((d) => d.kind))]);
      if (state.measurements.length > 1 || row.state.deliverables.length < state.deliverables.length) trimmed++;
    }
    expect(trimmed).toBeGreaterThan(0);

    // A database projected before the compaction (full states in the rows): the data migration
    // turns its rows into the projection's own, and leaves compact rows as they are.
    for (const row of summaries) await pool.query(`update cooperation_summary set state = $2 where id = $1`, [row.id, JSON.stringify(full.get(row.id))]);
    expect(await snapshot(pool)).not.toEqual(live);
    const migrationRunner = { query: (sql: string) => pool.query(sql) } as unknown as QueryRunner;
    await new CompactSummaryState1795460000000().up(migrationRunner);
    expect(await snapshot(pool)).toEqual(live);
    const versions = async () => (await pool.query<{ id: string; x: string }>(`select id, xmin::text as x from cooperation_summary order by id`)).rows;
    const compacted = await versions();
    await new CompactSummaryState1795460000000().up(migrationRunner);
    expect(await versions()).toEqual(compacted); // no row rewritten the second time

    // One pass over the store for every projection (small batches and a small row cache, so
    // batches, cache evictions and reloads all happen), then the runner resumes.
    const schemaBefore = await schemaOf(pool);
    await rebuildProjections({ pool, store, projections: READ_MODEL_PROJECTIONS, batchSize: 97, requestedBy: 'test', leaseTtlMs: 3000 });
    const rebuilt = await snapshot(pool);
    for (const table of Object.keys(live)) {
      expect({ table, rows: rebuilt[table].length }).toEqual({ table, rows: live[table].length });
      rebuilt[table].forEach((row, i) => expect({ table, row }).toEqual({ table, row: live[table][i] }));
    }

    // Again with every complete cooperation's rows written during the fold, on the writer
    // connection (COPY), instead of after it: the same rows.
    await rebuildProjections({ pool, store, projections: READ_MODEL_PROJECTIONS, batchSize: 97, earlyWriteRows: 1, requestedBy: 'test', leaseTtlMs: 3000 });
    expect(await snapshot(pool)).toEqual(live);

    // The shadows replaced the live tables by renaming: the schema is the migrations' own, names
    // of indexes and constraints and columns' storage included, durable (logged), with no shadow
    // left behind.
    expect(await schemaOf(pool)).toEqual(schemaBefore);
    expect((await pendingSchemaChanges(db.url)).up).toEqual([]);

    // Each projection rebuilt on its own through the runner gives the same tables too.
    for (const projection of READ_MODEL_PROJECTIONS) await runner.rebuild(projection.name);
    expect(await snapshot(pool)).toEqual(live);
    expect(await schemaOf(pool)).toEqual(schemaBefore);

    // Streams that grow after their rows were written during the fold (and left memory): when the
    // rebuild has read every event, the writers append to the same cooperations before its next
    // read. Their rows are loaded back from the shadows, folded on, and written again with their
    // intervals, visits and shares; the result is what a quiet rebuild of the same store builds.
    const before = await store.headPosition();
    let grown = false;
    const growing = Object.assign(Object.create(store) as typeof store, {
      readAll: async (options: Parameters<typeof store.readAll>[0]) => {
        const result = await store.readAll(options);
        if (result.events.length || grown) return result;
        grown = true;
        await Promise.all(Array.from({ length: WRITERS }, (_, w) => cooperationWriter(w, 12)));
        // The global order shows events once every older transaction on the server has ended
        // (readAll): another test file's open transaction may hold some of them back for a moment.
        // Wait until all of them are readable, so this rebuild must fold every one.
        const written = await store.lastCommittedPosition();
        const deadline = Date.now() + 15_000;
        while ((await store.headPosition()) !== written && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
        return store.readAll(options);
      },
    });
    const [during] = await rebuildProjections({ pool, store: growing, projections: READ_MODEL_PROJECTIONS, batchSize: 97, earlyWriteRows: 1, requestedBy: 'test', leaseTtlMs: 3000 });
    expect(grown).toBe(true);
    const after = await store.headPosition();
    expect(after).not.toEqual(before);
    expect(during.position).toEqual(after); // the appended events were folded by this rebuild
    const withGrowth = await snapshot(pool);
    await rebuildProjections({ pool, store, projections: READ_MODEL_PROJECTIONS, batchSize: 97, requestedBy: 'test', leaseTtlMs: 3000 });
    expect(withGrowth).toEqual(await snapshot(pool));
    expect(withGrowth).not.toEqual(live);
    // And the live projector, resumed, agrees.
    await runner.waitFor(after, { timeoutMs: 60_000 });
    expect(await snapshot(pool)).toEqual(withGrowth);
  });
});
