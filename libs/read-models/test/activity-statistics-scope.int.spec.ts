import { randomUUID } from 'node:crypto';
import { Pool } from 'pg';
import {
  decideCooperation,
  evolveCooperation,
  initialCooperationState,
  type CooperationCommand,
  type CooperationState,
} from '@maillage/domain';
import type { RecordedEvent } from '@maillage/event-store';
import type { Projection } from '@maillage/projections';
import { cooperationActivityProjection, cooperationsProjection, migrateReadModels } from '@maillage/read-models';
import { createTestDatabase, type TestDatabase } from '@maillage/testing';
import { recordedEvent, resetRecordedEvents } from './recorded-events';

jest.setTimeout(60_000);

const ev = recordedEvent;

// One database for the file: the two describes use cooperations of different régions.
let db: TestDatabase;
let pool: Pool;
beforeAll(async () => {
  db = await createTestDatabase('rm_statistics_scope');
  await migrateReadModels(db.url);
  pool = new Pool({ connectionString: db.url, max: 2 });
});
afterAll(async () => {
  await pool.end();
  await db.drop();
});

/**
 * Applies a live batch of `projection` in a transaction; returns the statements (whole, spaces
 * collapsed) that `keep` selects.
 */
async function applyCapturing(projection: Projection, events: RecordedEvent[], keep: (sql: string) => boolean): Promise<string[]> {
  const client = await pool.connect();
  const statements: string[] = [];
  const query = client.query.bind(client) as (...args: unknown[]) => Promise<unknown>;
  (client as unknown as { query: (...args: unknown[]) => Promise<unknown> }).query = (...args: unknown[]) => {
    if (typeof args[0] === 'string' && keep(args[0])) statements.push(args[0].trim().replace(/\s+/g, ' '));
    return query(...args);
  };
  try {
    await client.query('begin');
    await projection.applyBatch(events, { client, rebuilding: false, table: (name) => name });
    await client.query('commit');
  } finally {
    delete (client as unknown as { query?: unknown }).query;
    client.release();
  }
  return statements;
}

/**
 * Live, the activity projection takes a cooperation's contribution out of the regional figures
 * and puts it back (two statements) only when the batch has an event that can change them, and
 * only the figures such an event can change: a deliverable alone moves none, a disbursement the
 * funding figures, a measurement the insertion figures.
 */
describe('read models: regional activity figures are recomputed only for cooperations whose sources moved', () => {
  /** The statements of a live batch of `projection` that wrote its regional figures (`table`). */
  const applyTo = (projection: Projection, table: string, events: RecordedEvent[]) => applyCapturing(projection, events, (sql) => sql.includes(table));
  const firstWords = (statements: string[]) => statements.map((q) => q.split(' ').slice(0, 3).join(' '));
  const apply = async (events: RecordedEvent[]) => firstWords(await applyTo(cooperationActivityProjection, 'regional_activity_statistic', events));

  it('leaves the figures alone for a batch of deliverables, and recomputes them for a disbursement', async () => {
    const proposed = ev('CooperationProposed', { territory: { regionCode: '52', departementCodes: ['49'] } }, '2025-01-01T09:00:00.000Z');
    const granted = ev('CooperationFundingGranted', { fundingId: 'f1', funderOrganisationId: 'fu', programme: 'FDI', amount: 1000, period: { start: '2025-01-01', end: null } }, '2025-01-02T09:00:00.000Z');
    expect(await apply([proposed, granted])).toEqual([
      'insert into regional_activity_statistic', // out (nothing yet)
      'insert into regional_activity_statistic', // back in
      'delete from regional_activity_statistic',
    ]);
    const deliverable = ev('CooperationDeliverableRecorded', { deliverableId: 'd1', kind: 'NOTE_DE_SYNTHESE', stage: 'DECISION', documentRef: null, title: 'Note' }, '2025-01-05T09:00:00.000Z');
    expect(await apply([deliverable])).toEqual([]);
    const { rows: kept } = await pool.query(`select metric, n from regional_activity_statistic where region_code = '52' order by metric`);
    const disbursed = ev('CooperationFundingDisbursed', { fundingId: 'f1', funderOrganisationId: 'fu', amount: 250, disbursedOn: '2025-02-01' }, '2025-02-01T09:00:00.000Z');
    expect(await apply([disbursed])).toHaveLength(3);
    const { rows } = await pool.query(`select metric, n from regional_activity_statistic where region_code = '52' order by metric`);
    expect(kept).toEqual(expect.arrayContaining([{ metric: 'granted', n: '1000' }]));
    expect(rows).toEqual(expect.arrayContaining([{ metric: 'granted', n: '1000' }, { metric: 'disbursed', n: '250' }]));
  });

  it('recomputes only the figures a batch can move: the fundings for a disbursement, the insertion figures for a measurement', async () => {
    const c = 'cooperation-c2';
    const at = (day: string) => `${day}T09:00:00.000Z`;
    await apply([
      ev('CooperationProposed', { territory: { regionCode: '84', departementCodes: ['69'] } }, at('2025-01-01'), undefined, c),
      ev('CooperationFundingGranted', { fundingId: 'f2', funderOrganisationId: 'fu', programme: 'FDI', amount: 2000, period: { start: '2025-01-01', end: null } }, at('2025-01-02'), undefined, c),
      ev('CooperationEvaluationCriterionDefined', {
        criterionId: 'k1', code: 'C1', label: 'Emploi',
        indicators: [{ indicatorId: 'i1', code: 'C1-I1', label: 'Personnes', nature: 'QUANTITATIVE', unit: 'personnes', target: 10, standard: 'PEOPLE_IN_INSERTION' }],
      }, at('2025-01-03'), undefined, c),
    ]);
    const figures = async () =>
      Object.fromEntries(
        (await pool.query<{ k: string; n: string }>(`select metric || ':' || k1 || ':' || k2 as k, n from regional_activity_statistic where region_code = '84'`)).rows.map((r) => [r.k, Number(r.n)]),
      ) as Record<string, number>;

    const disbursed = await applyTo(cooperationActivityProjection, 'regional_activity_statistic', [
      ev('CooperationFundingDisbursed', { fundingId: 'f2', funderOrganisationId: 'fu', amount: 300, disbursedOn: '2025-02-01' }, at('2025-02-01'), undefined, c),
      ev('CooperationFundingDisbursed', { fundingId: 'f2', funderOrganisationId: 'fu', amount: 150.5, disbursedOn: '2025-03-01' }, at('2025-03-01'), undefined, c),
    ]);
    const sums = disbursed.filter((q) => q.startsWith('insert'));
    expect(sums).toHaveLength(2);
    for (const q of sums) {
      expect(q).toContain('from cooperation_funding');
      expect(q).not.toContain('cooperation_measurement'); // the insertion figures are left alone
      expect(q).not.toContain('from cooperation_disbursement'); // the funding rows' running totals are summed
    }
    expect(await figures()).toMatchObject({ 'disbursed::': 450.5, 'granted::': 2000, 'fundings::': 1 });

    const measured = await applyTo(cooperationActivityProjection, 'regional_activity_statistic', [
      ev('CooperationMeasurementRecorded', { criterionId: 'k1', indicatorId: 'i1', period: { start: '2025-01-01', end: null }, value: 4 }, at('2025-04-01'), undefined, c),
    ]);
    for (const q of measured.filter((x) => x.startsWith('insert'))) {
      expect(q).toContain('from cooperation_measurement');
      expect(q).not.toContain('cooperation_funding');
    }
    expect(await figures()).toMatchObject({ 'disbursed::': 450.5, 'ins_total:PEOPLE_IN_INSERTION:2025': 4, 'ins_coops:PEOPLE_IN_INSERTION:2025': 1 });

    // A move to another région moves every figure.
    const moved = await applyTo(cooperationActivityProjection, 'regional_activity_statistic', [
      ev('CooperationTerritorySet', { territory: { regionCode: '52', departementCodes: ['44'] }, sectors: [] }, at('2025-05-01'), undefined, c),
    ]);
    for (const q of moved.filter((x) => x.startsWith('insert'))) {
      expect(q).toContain('from cooperation_measurement');
      expect(q).toContain('from cooperation_funding');
    }
    expect(await figures()).toEqual({});
  });
});

/**
 * Live, the cooperations projection recomputes a cooperation's stage figures (intervals and visits)
 * only after a lifecycle or territory event; any event moves its last activity day.
 */
describe('read models: regional cooperation figures follow only what a batch can move', () => {
  let state: CooperationState = initialCooperationState();
  /** The decider's events for `command` at `day`, as the store would hand them to the projection. */
  function decide(command: CooperationCommand, day: string): RecordedEvent[] {
    const occurredAt = `${day}T09:00:00.000Z`;
    const events = decideCooperation(command, state, { now: '2026-11-01T00:00:00.000Z', occurredAt, newId: () => randomUUID() });
    state = events.reduce(evolveCooperation, state);
    return events.map((e) => recordedEvent(e.type, e.data as object, occurredAt, occurredAt, 'cooperation-g1'));
  }
  /** The statements of a live batch that wrote the regional cooperation figures (the medians aside). */
  const apply = (events: RecordedEvent[]) =>
    applyCapturing(cooperationsProjection, events, (sql) => /insert into regional_cooperation_statistic/.test(sql) && !/'median'/.test(sql));
  const figure = async (metric: string) =>
    (await pool.query<{ k1: string; n: number }>(`select k1, n::int as n from regional_cooperation_statistic where region_code = '53' and metric = $1 order by k1`, [metric])).rows;

  it('sums the stage intervals again after an abandonment, not after a deliverable', async () => {
    resetRecordedEvents();
    const proposed = await apply(
      decide(
        {
          type: 'ProposeCooperation',
          data: {
            cooperationId: 'g1', kind: 'GME', name: 'Groupement', objectives: ['POOLING'],
            territory: { regionCode: '53', departementCodes: ['35'] }, sectors: ['LOGISTICS'],
            leadOrganisation: { id: 'org-1', kind: 'EI' },
          },
        },
        '2025-01-10',
      ),
    );
    expect(proposed).toHaveLength(2);
    for (const q of proposed) expect(q).toContain('cooperation_stage_interval');
    expect(await figure('status')).toEqual([{ k1: 'ACTIVE', n: 1 }]);
    expect(await figure('last_day')).toEqual([{ k1: '2025-01-10', n: 1 }]);

    const deliverable = await apply(decide({ type: 'RecordDeliverable', data: { kind: 'NOTE_DE_SYNTHESE', title: 'Note' } }, '2025-02-03'));
    expect(deliverable).toHaveLength(2);
    for (const q of deliverable) {
      expect(q).toContain("'last_day'");
      expect(q).not.toContain('cooperation_stage_interval');
      expect(q).not.toContain('cooperation_stage_visit');
    }
    expect(await figure('last_day')).toEqual([{ k1: '2025-02-03', n: 1 }]);
    expect(await figure('status')).toEqual([{ k1: 'ACTIVE', n: 1 }]);

    const abandoned = await apply(decide({ type: 'AbandonCooperation', data: { reason: 'COST' } }, '2025-03-01'));
    for (const q of abandoned) expect(q).toContain('cooperation_stage_interval');
    expect(await figure('status')).toEqual([{ k1: 'ABANDONED', n: 1 }]);
    expect(await figure('abandon')).toEqual([{ k1: 'COST', n: 1 }]);
    expect(await figure('last_day')).toEqual([]); // only active cooperations have a last activity day
  });
});
