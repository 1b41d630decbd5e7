import { randomUUID } from 'node:crypto';
import {
  ABANDON_REASONS,
  CLOSE_OUTCOMES,
  COOPERATION_KINDS,
  DELIVERABLE_KINDS,
  SECTORS,
  SUPPORT_KINDS,
  cooperationStreamName,
  decideCooperation,
  decideOrganisation,
  evolveCooperation,
  gateStatus,
  initialCooperationState,
  initialOrganisationState,
  organisationStreamName,
  type Cooperation,
  type CooperationCommand,
  type CooperationState,
  type OrganisationCommand,
  type OrganisationKind,
  type OrganisationRef,
} from '@maillage/domain';
import { NO_STREAM, PostgresEventStore, type EventToAppend } from '@maillage/event-store';
import { ProjectionRunner, migrateProjections, rebuildProjections } from '@maillage/projections';
import { createTestDatabase, type TestDatabase } from '@maillage/testing';
import {
  READ_MODEL_PROJECTIONS,
  migrateReadModels,
  preAggregatedStatistics,
  regionalStatistics,
  regionalStatisticsFromIntervals,
  type RegionalStatistics,
} from '@maillage/read-models';
import { Pool as PgPool } from 'pg';
import type { QueryRunner } from 'typeorm';
import { RegionalStatisticsBackfill1795431611558 } from '../src/migrations/1795431611558-regional-statistics-backfill';
import { StalledDaysBackfill1795435735428 } from '../src/migrations/1795435735428-stalled-days-backfill';
import { StatisticScale1795440000000 } from '../src/migrations/1795440000000-statistic-scale';
import { StageMedians1795450000000 } from '../src/migrations/1795450000000-stage-medians';

/**
 * The pre-aggregated dashboard (regional_*_statistic, maintained per batch by the live projector)
 * gives exactly what the interval method computes, on a random decider-valid workload projected
 * live in small batches (territory changes, reopenings, abandonments, funding, measurement
 * corrections), for every région, several stalled windows, asOf now and after the horizon; and a
 * past asOf never takes the pre-aggregated path (only the interval method is exact there).
 */

jest.setTimeout(180_000);

const NOW = '2026-11-01T00:00:00.000Z';
const DAY = 86_400_000;
const quiet = { log: () => undefined, warn: () => undefined, error: () => undefined };
const REGIONS: [string, string[]][] = [
  ['11', ['75', '92', '93']],
  ['52', ['44', '49']],
  ['84', ['69', '38']],
];

// Seeded so a failure can be replayed (the interleaving of writers still varies).
let seed = Number(process.env.REGIONAL_STATISTICS_SEED ?? Date.now() % 100_000);
function random(): number {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = seed;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
const delay = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);

interface Stream<S> {
  id: string;
  state: S;
  version: number;
  time: number;
}

/** A command that may well be refused: the decider says what is valid, refusals are skipped. */
function nextCommand(c: Stream<CooperationState>, orgs: readonly OrganisationRef[], n: number): CooperationCommand {
  const s = c.state as Cooperation;
  const member = () => (s.members.length ? pick(s.members).organisationId : 'nobody');
  const funding = () => (s.fundings.length ? pick(s.fundings).fundingId : 'no-funding');
  const r = random();
  if (r < 0.12) return { type: 'AdvanceStage', data: {} };
  if (r < 0.2) {
    const missing = gateStatus(s).items.filter((i) => i.status === 'MISSING' && i.waivable);
    if (missing.length) return { type: 'WaiveGateItem', data: { itemId: pick(missing).id, justification: 'Équivalent fourni' } };
  }
  if (r < 0.32) return { type: 'RecordDeliverable', data: { kind: pick(DELIVERABLE_KINDS), title: `Livrable ${n}` } };
  if (r < 0.4) return { type: 'AddMember', data: { organisation: pick(orgs) } };
  if (r < 0.42) return { type: 'RemoveMember', data: { organisationId: member() } };
  if (r < 0.45) return { type: 'DesignateMandataire', data: { organisationId: member() } };
  if (r < 0.47) return { type: 'SetGmeForm', data: { form: pick(['CONJOINT', 'SOLIDAIRE'] as const) } };
  if (r < 0.49)
    return {
      type: 'RecordMarket',
      data: { buyerName: 'Ville', cpvCode: '90910000', amountExclVat: 1000 * (10 + n), durationMonths: 12, procedures: ['RESERVED_SIAE'] },
    };
  if (r < 0.5) return { type: 'RecordMarketOutcome', data: { outcome: pick(['AWARDED', 'LOST'] as const), startDate: day(c.time + 30 * DAY) } };
  if (r < 0.53 && s.members.length >= 2) {
    const [a, b] = [s.members[0].organisationId, s.members[s.members.length - 1].organisationId];
    const p = 40 + Math.floor(random() * 30);
    return {
      type: 'SetShareholding',
      data: { phase: pick(['PLANNED', 'FINAL'] as const), shares: [{ organisationId: a, percent: p }, { organisationId: b, percent: 100 - p }] },
    };
  }
  if (r < 0.54) return { type: 'ChooseEssaimageStrategy', data: { strategy: 'DUPLICATION_SOUPLE', targetTerritories: [{ regionCode: '11', departementCode: '93' }] } };
  if (r < 0.55) return { type: 'OpenSite', data: { name: `Site ${n}`, location: { regionCode: '11', departementCode: '92' }, openedOn: day(c.time) } };
  if (r < 0.56) return { type: 'RecordStructureRegistration', data: { siren: '732829320' } };
  if (r < 0.58) {
    const [regionCode, deps] = pick(REGIONS);
    return { type: 'SetTerritory', data: { territory: { regionCode, departementCodes: [pick(deps)] }, sectors: [pick(SECTORS)] } };
  }
  if (r < 0.61)
    return {
      type: 'GrantFunding',
      data: { funder: pick(orgs.filter((o) => o.kind === 'FUNDER')), programme: 'Amorçage', amount: 5000 * (1 + (n % 7)), period: { start: day(c.time), end: null } },
    };
  if (r < 0.68) return { type: 'RecordDisbursement', data: { fundingId: funding(), amount: 100 + (n % 9) * 50, disbursedOn: day(c.time) } };
  if (r < 0.69) return { type: 'EndFunding', data: { fundingId: funding(), endedOn: day(c.time) } };
  if (r < 0.71) return { type: 'RecordSupport', data: { kind: pick(SUPPORT_KINDS), period: { start: day(c.time) } } };
  if (r < 0.74)
    return {
      type: 'DefineIndicator',
      data: { code: `C${n}`, label: 'Emploi', indicators: [{ code: `C${n}-I1`, standard: 'PEOPLE_IN_INSERTION', target: 10 }, { code: `C${n}-I2`, label: 'Qualité', nature: 'QUALITATIVE' }] },
    };
  if (r < 0.86 && s.criteria.length) {
    const indicator = pick(pick(s.criteria).indicators);
    // Few periods, so corrections of the same period happen.
    const start = `2025-${pick(['01', '04', '07'])}-01`;
    const value = indicator.nature === 'QUALITATIVE' ? `note ${n}` : Math.round(random() * 200) / 10;
    return { type: 'RecordMeasurement', data: { indicatorId: indicator.indicatorId, period: { start, end: null }, value } };
  }
  if (r < 0.88) return { type: 'ReopenStage', data: { reason: 'Nouvelle étude' } };
  if (r < 0.895) return { type: 'AbandonCooperation', data: { reason: pick(ABANDON_REASONS) } };
  if (r < 0.905) return { type: 'CloseCooperation', data: { outcome: pick(CLOSE_OUTCOMES) } };
  return { type: 'RecordDeliverable', data: { kind: pick(DELIVERABLE_KINDS) } };
}

function proposal(id: string, n: number, orgs: readonly OrganisationRef[]): CooperationCommand {
  const kind = COOPERATION_KINDS[n % COOPERATION_KINDS.length];
  const [regionCode, deps] = pick(REGIONS);
  const lead = kind === 'JVS' ? orgs.find((o) => o.kind === 'ASSOCIATION')! : pick(orgs.filter((o) => ['EI', 'ACI', 'EA'].includes(o.kind)));
  return {
    type: 'ProposeCooperation',
    data: {
      cooperationId: id,
      kind,
      name: `Coopération ${n}`,
      objectives: ['POOLING'],
      territory: { regionCode, departementCodes: [pick(deps)] },
      sectors: [pick(SECTORS)],
      leadOrganisation: lead,
      ...(kind === 'ESSAIMAGE' ? { parentOrganisation: lead } : {}),
    },
  };
}

const toAppend = (events: { type: string; data: unknown; occurredAt: string }[]): EventToAppend[] =>
  events.map((e) => ({ eventId: randomUUID(), type: e.type, data: e.data, occurredAt: new Date(e.occurredAt) }));


const comparable = (s: RegionalStatistics) => ({ ...s, knownAt: undefined });

describe('read models: pre-aggregated regional statistics', () => {
  let db: TestDatabase;
  let store: PostgresEventStore;
  let pool: PgPool;
  let runner: ProjectionRunner;

  beforeAll(async () => {
    db = await createTestDatabase('rm_regional_agg');
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

  it('equals the interval method on a random workload projected live, and again after a rebuild', async () => {
    runner = new ProjectionRunner({ pool, store, projections: READ_MODEL_PROJECTIONS, batchSize: 17, pollIntervalMs: 50, leaseTtlMs: 3000, logger: quiet });
    await runner.start();

    const kinds: OrganisationKind[] = ['EI', 'ACI', 'EA', 'ASSOCIATION', 'COMPANY', 'LOCAL_AUTHORITY', 'FUNDER', 'FUNDER'];
    const orgs: OrganisationRef[] = Array.from({ length: 16 }, (_, i) => ({ id: `org-${i}`, kind: kinds[i % kinds.length] }));
    for (const [i, o] of orgs.entries()) {
      const [regionCode, deps] = pick(REGIONS);
      const command: OrganisationCommand = { type: 'RegisterOrganisation', data: { organisationId: o.id, name: `Structure ${i}`, kind: o.kind, regionCode, departementCode: pick(deps) } };
      const events = decideOrganisation(command, initialOrganisationState(), { now: NOW, occurredAt: '2024-01-01T08:00:00.000Z' });
      await store.appendToStream(organisationStreamName(o.id), toAppend(events), { expectedVersion: NO_STREAM });
    }

    const coops: Stream<CooperationState>[] = Array.from({ length: 60 }, (_, i) => ({
      id: `c${i}`,
      state: initialCooperationState(),
      version: 0,
      time: Date.parse('2024-01-01T09:00:00Z') + Math.floor(random() * 300) * DAY + Math.floor(random() * DAY),
    }));
    let n = 0;
    const writer = async (mine: Stream<CooperationState>[]) => {
      for (let step = 0; step < 40 * mine.length; step++) {
        const c = pick(mine);
        c.time += Math.floor(1 + random() * 10) * DAY + Math.floor(random() * 3_600_000);
        const command = c.state.status === 'NONE' ? proposal(c.id, ++n, orgs) : nextCommand(c, orgs, ++n);
        let events;
        try {
          events = decideCooperation(command, c.state, { now: NOW, occurredAt: new Date(c.time).toISOString(), newId: () => `${c.id}-${++n}` });
        } catch {
          continue;
        }
        if (!events.length) continue;
        await store.appendToStream(cooperationStreamName(c.id), toAppend(events), { expectedVersion: c.version === 0 ? NO_STREAM : c.version });
        c.state = events.reduce(evolveCooperation, c.state);
        c.version += events.length;
        if (random() < 0.2) await delay(Math.floor(random() * 4));
      }
    };
    await Promise.all([0, 1, 2].map((w) => writer(coops.filter((_, i) => i % 3 === w))));
    await runner.catchUp({ timeoutMs: 60_000 });

    const latest = new Date(Math.max(...coops.map((c) => c.time)));
    const after = new Date(latest.getTime() + 400 * DAY);
    let stalledSeen = 0;
    const compare = async () => {
      let figures = 0;
      for (const region of ['11', '52', '84', '93']) {
        for (const stalledDays of [30, 90, 400]) {
          // asOf after every event (what the live dashboard asks), date-only and date-time.
          for (const asOf of [after.toISOString().slice(0, 10), after.toISOString()]) {
            const fast = await preAggregatedStatistics(pool, region, new Date(asOf.length === 10 ? `${asOf}T23:59:59.999Z` : asOf), stalledDays);
            expect(fast).not.toBeNull();
            const slow = await regionalStatisticsFromIntervals(pool, { region, asOf, stalledDays });
            expect({ region, stalledDays, asOf, s: comparable(fast!) }).toEqual({ region, stalledDays, asOf, s: comparable(slow) });
            expect(comparable(await regionalStatistics(pool, { region, asOf, stalledDays }))).toEqual(comparable(slow));
            stalledSeen += slow.stalled.count;
            figures += slow.byStatus.length + slow.medianDaysPerStage.length + slow.insertion.length + slow.funding.fundings + slow.conversion.reduce((a, c) => a + c.reachedNext, 0);
          }
        }
        // Default asOf (now): the same figures by both methods.
        const now = new Date();
        expect(await preAggregatedStatistics(pool, region, now, 90)).not.toBeNull();
        expect(comparable(await regionalStatistics(pool, { region, asOf: now }))).toEqual(comparable(await regionalStatisticsFromIntervals(pool, { region, asOf: now })));
        // Past dates (random instants within the history): the pre-aggregated figures do not apply,
        // the dispatcher answers with the interval method.
        for (let i = 0; i < 4; i++) {
          const past = new Date(Date.parse('2024-03-01T00:00:00Z') + random() * (latest.getTime() - Date.parse('2024-03-01T00:00:00Z')));
          const has = (await pool.query(`select 1 from cooperation_summary where region_code = $1 and last_event_at > $2`, [region, past])).rowCount;
          if (has) expect(await preAggregatedStatistics(pool, region, past, 90)).toBeNull();
          for (const asOf of [past.toISOString(), past.toISOString().slice(0, 10)]) {
            expect(comparable(await regionalStatistics(pool, { region, asOf }))).toEqual(comparable(await regionalStatisticsFromIntervals(pool, { region, asOf })));
          }
        }
      }
      return figures;
    };
    // The workload must reach every kind of figure, or the comparison proves little.
    const agg = await pool.query<{ metric: string }>(`select distinct metric from regional_cooperation_statistic union select distinct metric from regional_activity_statistic`);
    expect(agg.rows.map((r) => r.metric).sort()).toEqual(
      ['abandon', 'dated_active', 'days', 'departement', 'disbursed', 'entered', 'funded', 'funder', 'fundings', 'granted', 'ins_coops', 'ins_total', 'kind_stage', 'last_day', 'median', 'reached', 'sector', 'status'],
    );
    expect(await compare()).toBeGreaterThan(50);
    // The stalled count (summed from the last_day histogram) was exercised with stalled cooperations.
    expect(stalledSeen).toBeGreaterThan(0);
    const live = (await pool.query(`select * from regional_cooperation_statistic order by 1, 2, 3, 4`)).rows;
    const liveActivity = (await pool.query(`select * from regional_activity_statistic order by 1, 2, 3, 4`)).rows;

    // A rebuild computes the same aggregates in one go.
    await rebuildProjections({ pool, store, projections: READ_MODEL_PROJECTIONS, batchSize: 97, requestedBy: 'test', leaseTtlMs: 3000 });
    expect((await pool.query(`select * from regional_cooperation_statistic order by 1, 2, 3, 4`)).rows).toEqual(live);
    expect((await pool.query(`select * from regional_activity_statistic order by 1, 2, 3, 4`)).rows).toEqual(liveActivity);
    await compare();

    // A database projected before these tables existed gets them from the backfill migration.
    const regions = (await pool.query(`select cooperation_id, region_code from cooperation_activity_region order by 1`)).rows;
    await pool.query(`delete from regional_cooperation_statistic; delete from regional_activity_statistic; delete from cooperation_activity_region`);
    const migrationRunner = { query: (sql: string) => pool.query(sql) } as unknown as QueryRunner;
    await new RegionalStatisticsBackfill1795431611558().up(migrationRunner);
    await new StalledDaysBackfill1795435735428().up(migrationRunner);
    await new StatisticScale1795440000000().up(migrationRunner);
    await new StageMedians1795450000000().up(migrationRunner);
    expect((await pool.query(`select * from regional_cooperation_statistic order by 1, 2, 3, 4`)).rows).toEqual(live);
    expect((await pool.query(`select * from regional_activity_statistic order by 1, 2, 3, 4`)).rows).toEqual(liveActivity);
    expect((await pool.query(`select cooperation_id, region_code from cooperation_activity_region order by 1`)).rows).toEqual(regions);
    await compare();

    // A database whose projections already filled the tables (it ran the table migration before
    // the backfill existed): the backfill recomputes instead of failing on duplicate keys.
    await new RegionalStatisticsBackfill1795431611558().up(migrationRunner);
    await new StalledDaysBackfill1795435735428().up(migrationRunner);
    await new StatisticScale1795440000000().up(migrationRunner);
    await new StageMedians1795450000000().up(migrationRunner);
    expect((await pool.query(`select * from regional_cooperation_statistic order by 1, 2, 3, 4`)).rows).toEqual(live);
    expect((await pool.query(`select * from regional_activity_statistic order by 1, 2, 3, 4`)).rows).toEqual(liveActivity);
    expect((await pool.query(`select cooperation_id, region_code from cooperation_activity_region order by 1`)).rows).toEqual(regions);
  });
});
