import { DomainErrorCode, foldCooperation, gateStatus, indicatorLabelFr, type CooperationEvent } from '@maillage/domain';
import { E, ORGS, at, cmd, ctx, spec } from './fixtures';

const ges = (): CooperationEvent[] => [E.proposed('GES'), E.member(ORGS.ai1, 'MEMBER'), E.member(ORGS.ei, 'MEMBER')];
const granted: CooperationEvent = {
  type: 'CooperationFundingGranted',
  occurredAt: at('2025-02-01'),
  data: { fundingId: 'f1', funderOrganisationId: ORGS.funder.id, programme: 'AAP Coopérations IAE', amount: 30000, period: { start: '2025-02-01', end: '2026-01-31' }, requestId: null },
};

describe('Funding', () => {
  it('GrantFunding records funder, programme, amount and period', () => {
    spec
      .given(ges())
      .when(cmd('GrantFunding', { fundingId: 'f1', funder: ORGS.funder, programme: 'AAP Coopérations IAE', amount: 30000, period: { start: '2025-02-01', end: '2026-01-31' } }), ctx('2025-02-01'))
      .then([granted]);
  });
  it('GrantFunding takes a generated id when none is given', () => {
    const [e] = spec.given(ges()).when(cmd('GrantFunding', { funder: ORGS.funder, programme: 'FDI', amount: 1000, period: { start: '2025-02-01' } }), { newId: () => 'generated' }).events();
    expect(e.data).toMatchObject({ fundingId: 'generated', period: { start: '2025-02-01', end: null } });
  });
  it('GrantFunding rejects a bad period, a negative amount and a duplicate id', () => {
    spec.given(ges()).when(cmd('GrantFunding', { fundingId: 'f2', funder: ORGS.funder, programme: 'FDI', amount: 1, period: { start: '2025-02-01', end: '2025-01-01' } })).thenThrows(DomainErrorCode.VALIDATION_FAILED);
    spec.given(ges()).when(cmd('GrantFunding', { fundingId: 'f2', funder: ORGS.funder, programme: 'FDI', amount: -1, period: { start: '2025-02-01' } })).thenThrows(DomainErrorCode.VALIDATION_FAILED);
    for (const amount of [1e308, 100_000_000_000.01, 0.001]) {
      spec.given(ges()).when(cmd('GrantFunding', { fundingId: 'f2', funder: ORGS.funder, programme: 'FDI', amount, period: { start: '2025-02-01' } })).thenThrows(DomainErrorCode.VALIDATION_FAILED, { field: 'amount' });
    }
    expect(spec.given(ges()).when(cmd('GrantFunding', { fundingId: 'f2', funder: ORGS.funder, programme: 'FDI', amount: 100_000_000_000, period: { start: '2025-02-01' } })).events()).toHaveLength(1);
    // Year 0 has no PostgreSQL date: it would stop the projections that store the period.
    for (const period of [{ start: '0000-01-01' }, { start: '0999-12-31' }, { start: '2025-02-01', end: '0000-12-31' }]) {
      spec.given(ges()).when(cmd('GrantFunding', { fundingId: 'f2', funder: ORGS.funder, programme: 'FDI', amount: 1, period })).thenThrows(DomainErrorCode.VALIDATION_FAILED);
    }
    spec.given([...ges(), granted]).when(cmd('GrantFunding', { fundingId: 'f1', funder: ORGS.funder, programme: 'FDI', amount: 1, period: { start: '2025-02-01' } })).thenThrows(DomainErrorCode.ALREADY_EXISTS);
  });
  it('RecordDisbursement records a payment with the funder id for portfolios', () => {
    spec
      .given([...ges(), granted])
      .when(cmd('RecordDisbursement', { fundingId: 'f1', amount: 15000, disbursedOn: '2025-03-01' }), ctx('2025-03-01'))
      .then([{ type: 'CooperationFundingDisbursed', occurredAt: at('2025-03-01'), data: { fundingId: 'f1', funderOrganisationId: ORGS.funder.id, amount: 15000, disbursedOn: '2025-03-01' } }]);
  });
  it('RecordDisbursement rejects an unknown funding and an excess over the grant', () => {
    spec.given(ges()).when(cmd('RecordDisbursement', { fundingId: 'f1', amount: 1, disbursedOn: '2025-03-01' })).thenThrows(DomainErrorCode.FUNDING_NOT_FOUND);
    spec.given([...ges(), granted]).when(cmd('RecordDisbursement', { fundingId: 'f1', amount: 30000.01, disbursedOn: '2025-03-01' })).thenThrows(DomainErrorCode.DISBURSEMENT_EXCEEDS_GRANT);
  });
  it('EndFunding ends a funding; nothing more can be disbursed', () => {
    const ended: CooperationEvent = { type: 'CooperationFundingEnded', occurredAt: at('2026-01-31'), data: { fundingId: 'f1', funderOrganisationId: ORGS.funder.id, endedOn: '2026-01-31', reason: null } };
    spec.given([...ges(), granted]).when(cmd('EndFunding', { fundingId: 'f1', endedOn: '2026-01-31' }), ctx('2026-01-31T09:00:00.000Z')).then([ended]);
    spec.given([...ges(), granted, ended]).when(cmd('RecordDisbursement', { fundingId: 'f1', amount: 1, disbursedOn: '2026-01-31' })).thenThrows(DomainErrorCode.FUNDING_ENDED);
    spec.given([...ges(), granted, ended]).when(cmd('EndFunding', { fundingId: 'f1', endedOn: '2026-01-31' })).thenThrows(DomainErrorCode.FUNDING_ENDED);
  });
});

describe('Support', () => {
  it('RecordSupport records a DLA support with its dates', () => {
    spec
      .given(ges())
      .when(cmd('RecordSupport', { supportId: 's1', kind: 'DLA', providerOrganisationId: ORGS.network.id, period: { start: '2025-01-01', end: '2025-06-30' } }), ctx('2025-07-01'))
      .then([{ type: 'CooperationSupportRecorded', occurredAt: at('2025-07-01'), data: { supportId: 's1', kind: 'DLA', providerOrganisationId: ORGS.network.id, period: { start: '2025-01-01', end: '2025-06-30' }, description: null } }]);
  });
  it('RecordSupport rejects an unknown kind', () => {
    spec.given(ges()).when(cmd('RecordSupport', { supportId: 's1', kind: 'COACH', period: { start: '2025-01-01' } } as never)).thenThrows(DomainErrorCode.VALIDATION_FAILED);
  });
});

describe('Evaluation (Le Rameau)', () => {
  const define = cmd('DefineIndicator', {
    criterionId: 'c1',
    code: 'C1',
    label: "Développer l'emploi d'insertion sur le territoire",
    indicators: [
      { indicatorId: 'i1', code: 'C1-I1', standard: 'INSERTION_FTE', target: 12 },
      { indicatorId: 'i2', code: 'C1-I2', label: 'Qualité du partenariat avec le donneur d’ordre', nature: 'QUALITATIVE', target: 'Relation suivie' },
    ],
  });
  const defined = (): CooperationEvent[] => [...ges(), ...spec.given(ges()).when(define, ctx('2025-03-01')).events()];

  it('DefineIndicator records a criterion with quantitative and qualitative indicators', () => {
    const [e] = spec.given(ges()).when(define).events();
    expect(e.data).toEqual({
      criterionId: 'c1',
      code: 'C1',
      label: "Développer l'emploi d'insertion sur le territoire",
      indicators: [
        { indicatorId: 'i1', code: 'C1-I1', label: "ETP d'insertion", nature: 'QUANTITATIVE', unit: 'ETP', target: 12, standard: 'INSERTION_FTE' },
        { indicatorId: 'i2', code: 'C1-I2', label: 'Qualité du partenariat avec le donneur d’ordre', nature: 'QUALITATIVE', unit: null, target: 'Relation suivie', standard: null },
      ],
    });
  });
  it('reads a standard indicator recorded with its code as its label (events before the French label) with the French label', () => {
    const [e] = spec.given(ges()).when(define).events();
    const data = e.data as { indicators: { label: string }[] };
    const old = { ...e, data: { ...data, indicators: [{ ...data.indicators[0], label: 'INSERTION_FTE' }, data.indicators[1]] } } as CooperationEvent;
    const state = foldCooperation([...ges(), old]);
    if (state.status === 'NONE') throw new Error('the cooperation exists');
    expect(state.criteria[0].indicators.map((i) => i.label)).toEqual(["ETP d'insertion", 'Qualité du partenariat avec le donneur d’ordre']);
    // A label of its own, even one equal to another standard's code, is kept.
    expect(indicatorLabelFr({ label: 'TURNOVER', standard: 'INSERTION_FTE' })).toBe('TURNOVER');
  });
  it('DefineIndicator rejects a quantitative indicator without unit, a text target, and a duplicate criterion', () => {
    spec.given(ges()).when(cmd('DefineIndicator', { code: 'C2', label: 'x', indicators: [{ code: 'C2-I1', label: 'x', nature: 'QUANTITATIVE' }] }), { newId: () => 'n' }).thenThrows(DomainErrorCode.VALIDATION_FAILED);
    spec.given(ges()).when(cmd('DefineIndicator', { code: 'C2', label: 'x', indicators: [{ code: 'C2-I1', label: 'x', nature: 'QUANTITATIVE', unit: 'h', target: 'beaucoup' }] }), { newId: () => 'n' }).thenThrows(DomainErrorCode.VALIDATION_FAILED);
    spec.given(defined()).when(define).thenThrows(DomainErrorCode.ALREADY_EXISTS);
  });
  it('RecordMeasurement records a value per period', () => {
    spec
      .given(defined())
      .when(cmd('RecordMeasurement', { indicatorId: 'i1', period: { start: '2025-01-01', end: '2025-12-31' }, value: 10.5 }), ctx('2026-01-10'))
      .then([{ type: 'CooperationMeasurementRecorded', occurredAt: at('2026-01-10'), data: { indicatorId: 'i1', criterionId: 'c1', period: { start: '2025-01-01', end: '2025-12-31' }, value: 10.5 } }]);
  });
  it('RecordMeasurement rejects an unknown indicator and a value of the wrong nature', () => {
    spec.given(defined()).when(cmd('RecordMeasurement', { indicatorId: 'zz', period: { start: '2025-01-01' }, value: 1 })).thenThrows(DomainErrorCode.INDICATOR_NOT_FOUND);
    spec.given(defined()).when(cmd('RecordMeasurement', { indicatorId: 'i1', period: { start: '2025-01-01' }, value: 'dix' })).thenThrows(DomainErrorCode.VALIDATION_FAILED);
    spec.given(defined()).when(cmd('RecordMeasurement', { indicatorId: 'i2', period: { start: '2025-01-01' }, value: 3 })).thenThrows(DomainErrorCode.VALIDATION_FAILED);
  });
  it('RecordMeasurement takes quantities up to 10^12 either way, not more (the dashboards sum them)', () => {
    for (const value of [1e12, -1e12, 0.5])
      expect(spec.given(defined()).when(cmd('RecordMeasurement', { indicatorId: 'i1', period: { start: '2025-01-01' }, value })).events()).toHaveLength(1);
    for (const value of [1e12 + 1, -1e308, 1e308])
      spec.given(defined()).when(cmd('RecordMeasurement', { indicatorId: 'i1', period: { start: '2025-01-01' }, value })).thenThrows(DomainErrorCode.VALIDATION_FAILED, { field: 'value' });
  });
  it('RecordEvaluation and RecordLesson satisfy the capitalisation gate', () => {
    let events = defined();
    for (const step of ['FRAMEWORK', 'CONTENT', 'RESULTS', 'OUTLOOK'] as const)
      events = [...events, ...spec.given(events).when(cmd('RecordEvaluation', { step, summary: `Synthèse ${step}` }), ctx('2026-02-01')).events()];
    events = [...events, ...spec.given(events).when(cmd('RecordLesson', { lessonId: 'l1', text: 'Prévoir le temps de la confiance', essaimagePotential: 'YES' }), ctx('2026-02-02')).events()];
    const status = gateStatus(foldCooperation(events), 'CAPITALISATION');
    expect(status.items.map((i) => [i.id, i.status])).toEqual([
      ['evaluation-done', 'SATISFIED'],
      ['lessons-recorded', 'SATISFIED'],
      ['essaimage-potential-stated', 'SATISFIED'],
    ]);
  });
  it('RecordEvaluation and RecordLesson reject malformed input', () => {
    spec.given(ges()).when(cmd('RecordEvaluation', { step: 'VIBES', summary: 'x' } as never)).thenThrows(DomainErrorCode.VALIDATION_FAILED);
    spec.given(ges()).when(cmd('RecordLesson', { lessonId: 'l', text: 'x', essaimagePotential: 'MAYBE' } as never)).thenThrows(DomainErrorCode.VALIDATION_FAILED);
  });
});

describe('RecordDeliverable', () => {
  it('records a deliverable against the current stage', () => {
    spec
      .given(ges())
      .when(cmd('RecordDeliverable', { deliverableId: 'd1', kind: 'ACCORD_DE_PRINCIPE', documentRef: 'doc-42' }), ctx('2025-02-01'))
      .then([{ type: 'CooperationDeliverableRecorded', occurredAt: at('2025-02-01'), data: { deliverableId: 'd1', kind: 'ACCORD_DE_PRINCIPE', stage: 'DECISION', documentRef: 'doc-42', title: null } }]);
  });
  it('rejects an unknown kind, a duplicate id and a missing id without generator', () => {
    spec.given(ges()).when(cmd('RecordDeliverable', { deliverableId: 'd1', kind: 'MEMO' } as never)).thenThrows(DomainErrorCode.VALIDATION_FAILED);
    spec.given([...ges(), E.deliverable('STATUTS', 'DECISION', '2025-01-12', 'd1')]).when(cmd('RecordDeliverable', { deliverableId: 'd1', kind: 'STATUTS' })).thenThrows(DomainErrorCode.ALREADY_EXISTS);
    spec.given(ges()).when(cmd('RecordDeliverable', { kind: 'STATUTS' }), { newId: undefined }).thenThrows(DomainErrorCode.VALIDATION_FAILED, { field: 'deliverableId' });
  });
});

describe('unknown commands', () => {
  it('are rejected with VALIDATION_FAILED', () => {
    spec.given(ges()).when({ type: 'Teleport', data: {} } as never).thenThrows(DomainErrorCode.VALIDATION_FAILED);
  });
});
