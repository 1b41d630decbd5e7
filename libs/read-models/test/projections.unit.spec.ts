import { collectKeys, foldTouched } from '@maillage/projections';
import type { RecordedEvent } from '@maillage/event-store';
import { recordedEvent, resetRecordedEvents } from './recorded-events';
import {
  READ_MODEL_PROJECTIONS,
  activityRegionFold,
  cooperationSummaryTable,
  evolveCooperationSummary,
  fundingFold,
  indicatorFold,
  measurementFold,
  resolveInstant,
  waiverFold,
  type CooperationSummaryEntity,
} from '@maillage/read-models';

const ev = recordedEvent;

const proposed = () =>
  ev('CooperationProposed', { cooperationId: 'c1', kind: 'GIE', name: 'GIE test', objectives: ['POOLING'], territory: { regionCode: '11', departementCodes: ['93'] }, sectors: ['CATERING'], leadOrganisationId: 'o1', renewedFrom: null }, '2025-01-10T09:00:00.000Z');

const fold = (events: RecordedEvent[]) => events.reduce<CooperationSummaryEntity | null>((row, e) => evolveCooperationSummary(row, e), null);

describe('cooperation summary fold (pure)', () => {
  beforeEach(() => resetRecordedEvents());

  it('derives columns from the domain state and keeps a timeline of status intervals', () => {
    const row = fold([
      proposed(),
      ev('CooperationMemberAdded', { organisationId: 'o1', organisationKind: 'EI', ess: true, role: 'MEMBER' }, '2025-01-10T09:00:00.000Z'),
      ev('CooperationStageAdvanced', { from: 'DECISION', to: 'FEASIBILITY' }, '2025-02-01T09:00:00.000Z', '2025-02-03T10:00:00.000Z'),
      ev('CooperationStageReopened', { from: 'FEASIBILITY', to: 'DECISION', reason: 'étude' }, '2025-02-10T09:00:00.000Z'),
      ev('CooperationAbandoned', { stage: 'DECISION', reason: 'TIME', reasonText: null }, '2025-03-01T09:00:00.000Z'),
    ])!;
    expect(row).toMatchObject({ id: 'c1', kind: 'GIE', stage: 'DECISION', status: 'ABANDONED', version: 5, member_count: 1, abandon_reason: 'TIME', region_code: '11' });
    expect(row.activity_days).toEqual(['2025-01-10', '2025-02-01', '2025-02-10', '2025-03-01']);
    expect(row.timeline.map((t) => [t.seq, t.stage, t.status, t.validFrom.slice(0, 10), t.validTo?.slice(0, 10) ?? null, t.recordedTo?.slice(0, 10) ?? null])).toEqual([
      [1, 'DECISION', 'ACTIVE', '2025-01-10', '2025-02-01', '2025-02-03'],
      [2, 'FEASIBILITY', 'ACTIVE', '2025-02-01', '2025-02-10', '2025-02-10'],
      [3, 'DECISION', 'ACTIVE', '2025-02-10', '2025-03-01', '2025-03-01'],
      [4, 'DECISION', 'ABANDONED', '2025-03-01', null, null],
    ]);
    expect(row.timeline[1].recordedFrom).toBe('2025-02-03T10:00:00.000Z');
    expect((row.gate as { stageLabel: string }).stageLabel).toBe("Décision : évaluer et confirmer l'intérêt");
  });

  it('ignores events before the proposal and keeps the latest occurredAt as last activity', () => {
    expect(fold([ev('CooperationMemberAdded', { organisationId: 'o1', organisationKind: 'EI', ess: true, role: 'MEMBER' }, '2025-01-10T09:00:00.000Z')])).toBeNull();
    const row = fold([proposed(), ev('CooperationDeliverableRecorded', { deliverableId: 'd1', kind: 'NOTE_DE_SYNTHESE', stage: 'DECISION', documentRef: null, title: null }, '2025-01-05T09:00:00.000Z', '2025-01-11T00:00:00.000Z')])!;
    expect(row.last_event_at).toBe('2025-01-10T09:00:00.000Z');
    expect(row.last_recorded_at).toBe('2025-01-11T00:00:00.000Z');
    expect(row.activity_days).toEqual(['2025-01-05', '2025-01-10']);
  });

  it('folds a batch per cooperation with the runtime helpers (one row per touched key)', () => {
    const events = [proposed(), ev('CooperationProposed', { cooperationId: 'c2', kind: 'GME', name: 'x', objectives: ['POOLING'], territory: { regionCode: '52', departementCodes: ['49'] }, sectors: [], leadOrganisationId: 'o2', renewedFrom: null }, '2025-01-11T09:00:00.000Z', undefined, 'cooperation-c2')];
    const touched = collectKeys(cooperationSummaryTable.options, events);
    const { upserts } = foldTouched(cooperationSummaryTable.options, touched.values());
    expect(upserts.map((r) => (r as CooperationSummaryEntity).id)).toEqual(['c1', 'c2']);
  });
});

describe('keyed folds (pure)', () => {
  it('funding: running disbursed total and end', () => {
    const g = ev('CooperationFundingGranted', { fundingId: 'f1', funderOrganisationId: 'fu', programme: 'AAP', amount: 1000, period: { start: '2025-01-01', end: null } }, '2025-01-01T00:00:00.000Z');
    const d1 = ev('CooperationFundingDisbursed', { fundingId: 'f1', funderOrganisationId: 'fu', amount: 100.1, disbursedOn: '2025-02-01' }, '2025-02-01T00:00:00.000Z');
    const d2 = ev('CooperationFundingDisbursed', { fundingId: 'f1', funderOrganisationId: 'fu', amount: 200.2, disbursedOn: '2025-03-01' }, '2025-03-01T00:00:00.000Z');
    const end = ev('CooperationFundingEnded', { fundingId: 'f1', funderOrganisationId: 'fu', endedOn: '2025-06-30', reason: null }, '2025-06-30T00:00:00.000Z');
    expect(fundingFold.keysOf(d1)).toEqual([['c1', 'f1']]);
    const row = [g, d1, d2, end].reduce((r, e) => fundingFold.evolve(r, e, ['c1', 'f1']), null as ReturnType<typeof fundingFold.evolve>);
    expect(row).toMatchObject({ amount: 1000, disbursed: 300.3, ended_on: '2025-06-30', period_end: null });
    // A disbursement without its grant (e.g. a skipped dead letter) creates nothing.
    expect(fundingFold.evolve(null, d1, ['c1', 'f1'])).toBeNull();
  });

  it('measurement: keyed by indicator and period, a correction replaces the value', () => {
    const m = (value: number) => ev('CooperationMeasurementRecorded', { indicatorId: 'i1', criterionId: 'c', period: { start: '2025-01-01', end: '2025-12-31' }, value }, '2025-04-01T00:00:00.000Z');
    const [a, b] = [m(3), m(4)];
    expect(measurementFold.keysOf(a)).toEqual([['c1', 'i1', '2025-01-01/2025-12-31']]);
    expect(measurementFold.evolve(measurementFold.evolve(null, a, ['c1', 'i1', '2025-01-01/2025-12-31']), b, ['c1', 'i1', '2025-01-01/2025-12-31'])).toMatchObject({ value_number: 4, value_text: null });
  });

  it('indicator: a standard indicator recorded with its code as its label reads with its French label', () => {
    const defined = ev('CooperationEvaluationCriterionDefined', {
      criterionId: 'k1', code: 'C1', label: 'Emploi',
      indicators: [
        { indicatorId: 'i1', code: 'C1-I1', label: 'PEOPLE_IN_INSERTION', nature: 'QUANTITATIVE', unit: 'personnes', target: 10, standard: 'PEOPLE_IN_INSERTION' },
        { indicatorId: 'i2', code: 'C1-I2', label: 'Personnes accueillies', nature: 'QUANTITATIVE', unit: 'personnes', target: 5, standard: 'PEOPLE_IN_INSERTION' },
      ],
    }, '2025-04-01T00:00:00.000Z');
    expect(indicatorFold.evolve(null, defined, ['c1', 'i1'])).toMatchObject({ label: 'Personnes en parcours d’insertion', standard: 'PEOPLE_IN_INSERTION' });
    expect(indicatorFold.evolve(null, defined, ['c1', 'i2'])).toMatchObject({ label: 'Personnes accueillies' });
  });

  it('waiver: French labels', () => {
    const w = ev('CooperationGateItemWaived', { stage: 'FEASIBILITY', itemId: 'business-plan', justification: 'Plan repris du projet initial' }, '2025-04-01T00:00:00.000Z');
    expect(waiverFold.evolve(null, w, ['c1', 'FEASIBILITY', 'business-plan'])).toMatchObject({ stage_label: 'Faisabilité', item_label: 'Business plan' });
  });
});

describe('projections and as-of instants', () => {
  it('group the tables in a few projections, each table owned once', () => {
    const tables = READ_MODEL_PROJECTIONS.flatMap((p) => p.tables);
    expect(new Set(tables).size).toBe(tables.length);
    expect(tables).toHaveLength(16);
    expect(READ_MODEL_PROJECTIONS.every((p) => p.eventTypes && p.eventTypes.length > 0)).toBe(true);
  });

  it('read a date-only asOf as the end of that day (UTC)', () => {
    expect(resolveInstant('2025-02-28').toISOString()).toBe('2025-02-28T22:59:59.999Z'); // midnight in Paris
    expect(resolveInstant('2025-02-28T10:00:00Z').toISOString()).toBe('2025-02-28T10:00:00.000Z');
    expect(() => resolveInstant('yesterday')).toThrow(RangeError);
  });
});

describe('activity région and horizon (pure)', () => {
  beforeEach(() => resetRecordedEvents());
  const fold = (events: RecordedEvent[]) =>
    events.reduce<ReturnType<typeof activityRegionFold.evolve>>((row, e) => activityRegionFold.evolve(row, e, ['c1']), null);

  it('follows the région and keeps the latest instant any activity figure depends on', () => {
    const grant = ev('CooperationFundingGranted', { fundingId: 'f1', funderOrganisationId: 'o9', programme: 'P', amount: 1000, period: { start: '2025-01-01', end: null } }, '2025-02-01T10:00:00.000Z');
    // A disbursement dated after the event that records it pushes the horizon to that day's start.
    const disbursed = ev('CooperationFundingDisbursed', { fundingId: 'f1', funderOrganisationId: 'o9', amount: 10, disbursedOn: '2025-03-15' }, '2025-02-02T10:00:00.000Z');
    const moved = ev('CooperationTerritorySet', { territory: { regionCode: '52', departementCodes: ['44'] }, sectors: ['CATERING'] }, '2025-02-03T10:00:00.000Z');
    // A back-dated measurement does not move the horizon back.
    const measured = ev('CooperationMeasurementRecorded', { indicatorId: 'i1', criterionId: 'k1', period: { start: '2025-01-01', end: null }, value: 3 }, '2025-01-20T10:00:00.000Z');
    expect(fold([proposed()])).toEqual({ cooperation_id: 'c1', region_code: '11', horizon: null });
    expect(fold([proposed(), grant])).toEqual({ cooperation_id: 'c1', region_code: '11', horizon: '2025-02-01T10:00:00.000Z' });
    expect(fold([proposed(), grant, disbursed, moved, measured])).toEqual({ cooperation_id: 'c1', region_code: '52', horizon: '2025-03-15T00:00:00.000Z' });
  });
});
