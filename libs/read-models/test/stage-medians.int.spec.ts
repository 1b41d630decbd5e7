import { randomUUID } from 'node:crypto';
import {
  SECTORS,
  cooperationStreamName,
  decideCooperation,
  evolveCooperation,
  gateStatus,
  initialCooperationState,
  type CooperationCommand,
  type CooperationState,
} from '@maillage/domain';
import { NO_STREAM, PostgresEventStore } from '@maillage/event-store';
import { ProjectionRunner, migrateProjections } from '@maillage/projections';
import { createTestDatabase, type TestDatabase } from '@maillage/testing';
import {
  READ_MODEL_PROJECTIONS,
  migrateReadModels,
  preAggregatedStatistics,
  regionalStatisticsFromIntervals,
  type RegionalStatistics,
} from '@maillage/read-models';
import { Pool } from 'pg';

jest.setTimeout(60_000);

const quiet = { log: () => undefined, warn: () => undefined, error: () => undefined };

/**
 * The median days per stage are kept per région by the cooperations projection (metric 'median'
 * of regional_cooperation_statistic), recomputed for the régions whose stage visits a batch
 * replaced: the région a cooperation leaves as well as the one it joins.
 */
describe('read models: stage medians kept per région', () => {
  let db: TestDatabase;
  let store: PostgresEventStore;
  let pool: Pool;
  let runner: ProjectionRunner;
  const streams = new Map<string, { state: CooperationState; version: number }>();

  beforeAll(async () => {
    db = await createTestDatabase('rm_stage_medians');
    store = await PostgresEventStore.open({ url: db.url });
    await migrateProjections(db.url);
    await migrateReadModels(db.url);
    pool = new Pool({ connectionString: db.url, max: 4 });
    runner = new ProjectionRunner({ pool, store, projections: READ_MODEL_PROJECTIONS, batchSize: 100, pollIntervalMs: 50, leaseTtlMs: 3000, logger: quiet });
    await runner.start();
  });
  afterAll(async () => {
    await runner.stop();
    await store.close();
    await pool.end();
    await db.drop();
  });

  /** Decides and appends one command on cooperation `id` at `at`. */
  async function run(id: string, command: CooperationCommand, at: string): Promise<void> {
    const s = streams.get(id) ?? { state: initialCooperationState(), version: 0 };
    const events = decideCooperation(command, s.state, { now: '2026-11-01T00:00:00.000Z', occurredAt: at, newId: randomUUID });
    await store.appendToStream(
      cooperationStreamName(id),
      events.map((e) => ({ eventId: randomUUID(), type: e.type, data: e.data, occurredAt: new Date(e.occurredAt) })),
      { expectedVersion: s.version === 0 ? NO_STREAM : s.version },
    );
    streams.set(id, { state: events.reduce(evolveCooperation, s.state), version: s.version + events.length });
  }

  async function propose(id: string, regionCode: string, departement: string, at: string): Promise<void> {
    await run(id, {
      type: 'ProposeCooperation',
      data: {
        cooperationId: id,
        kind: 'GIE',
        name: `Coopération ${id}`,
        objectives: ['POOLING'],
        territory: { regionCode, departementCodes: [departement] },
        sectors: [SECTORS[0]],
        leadOrganisation: { id: `lead-${id}`, kind: 'EI' },
      },
    }, at);
    // A GIE brings at least two structures together (its two-members item cannot be waived).
    await run(id, { type: 'AddMember', data: { organisation: { id: `member-${id}`, kind: 'AI' } } }, at);
  }

  /** Waives what the gate misses, then moves to the next stage. */
  async function advance(id: string, at: string): Promise<void> {
    for (const item of gateStatus(streams.get(id)!.state).items) {
      if (item.status === 'MISSING' && item.waivable) await run(id, { type: 'WaiveGateItem', data: { itemId: item.id, justification: 'Équivalent fourni' } }, at);
    }
    await run(id, { type: 'AdvanceStage', data: {} }, at);
  }

  const medianRows = async (region: string) =>
    (
      await pool.query<{ k1: string; k2: string; n: string }>(
        `select k1, k2, n::text from regional_cooperation_statistic where region_code = $1 and metric = 'median' order by k1`,
        [region],
      )
    ).rows;

  const comparable = (s: RegionalStatistics) => ({ ...s, knownAt: undefined, asOf: undefined });

  it('moves a cooperation’s visits out of one région’s medians and into another’s', async () => {
    await propose('a', '11', '75', '2025-01-01T09:00:00.000Z');
    await propose('b', '11', '93', '2025-01-01T09:00:00.000Z');
    await propose('c', '52', '44', '2025-01-01T09:00:00.000Z');
    await advance('a', '2025-01-11T09:00:00.000Z'); // 10 days in DECISION
    await advance('b', '2025-01-21T21:00:00.000Z'); // 20.5 days
    await advance('c', '2025-01-06T09:00:00.000Z'); // 5 days
    await runner.catchUp({ timeoutMs: 30_000 });
    // n = closed visits of the stage; k2 = the two middle visits' days (open visits do not count).
    expect(await medianRows('11')).toEqual([{ k1: 'DECISION', k2: '10.00 20.50', n: '2' }]);
    expect(await medianRows('52')).toEqual([{ k1: 'DECISION', k2: '5.00 5.00', n: '1' }]);

    // Alone in its batch: a's visits leave région 11 (nothing else there changes) for région 52.
    await run('a', { type: 'SetTerritory', data: { territory: { regionCode: '52', departementCodes: ['49'] } } }, '2025-02-01T09:00:00.000Z');
    await runner.catchUp({ timeoutMs: 30_000 });
    expect(await medianRows('11')).toEqual([{ k1: 'DECISION', k2: '20.50 20.50', n: '1' }]);
    expect(await medianRows('52')).toEqual([{ k1: 'DECISION', k2: '5.00 10.00', n: '2' }]);

    // The last visit leaves région 11: its median row goes.
    await run('b', { type: 'SetTerritory', data: { territory: { regionCode: '52', departementCodes: ['44'] } } }, '2025-02-02T09:00:00.000Z');
    await runner.catchUp({ timeoutMs: 30_000 });
    expect(await medianRows('11')).toEqual([]);
    expect(await medianRows('52')).toEqual([{ k1: 'DECISION', k2: '10.00 10.00', n: '3' }]);

    // What the dashboard answers from those rows is what the interval method computes.
    for (const region of ['11', '52']) {
      const now = new Date();
      const fast = await preAggregatedStatistics(pool, region, now, 90);
      const slow = await regionalStatisticsFromIntervals(pool, { region, asOf: now.toISOString() });
      expect(comparable(fast!)).toEqual(comparable(slow));
    }
    const fast52 = await preAggregatedStatistics(pool, '52', new Date(), 90);
    expect(fast52!.medianDaysPerStage).toEqual([{ stage: 'DECISION', visits: 3, medianDays: 10 }]);
  });
});
