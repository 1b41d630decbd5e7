import { DomainErrorCode, type CooperationEvent } from '@maillage/domain';
import { E, NOW, ORGS, at, cmd, ctx, gmeInDecision, spec } from './fixtures';

/**
 * Facts are dated by their users and may be recorded late, in any order; what the domain refuses
 * are dates that would make a view "as of" some day impossible (a stage entered without the facts
 * it was decided on, money paid before it was granted) or that have not happened yet. Found by
 * probing the API: each case below was accepted.
 */
const gieReady = (): CooperationEvent[] => [
  E.proposed('GIE', '2025-01-10'),
  E.member(ORGS.ai1, 'MEMBER', '2025-01-10'),
  E.member(ORGS.ei, 'MEMBER', '2025-01-10'),
  // Recorded after the others but dated later still: the note that completes the gate.
  E.deliverable('NOTE_DE_SYNTHESE', 'DECISION', '2025-03-01'),
];

describe('dating a transition', () => {
  it('is refused before the latest fact recorded, which it was decided on, and taken from that day on', () => {
    spec
      .given(gieReady())
      .when(cmd('AdvanceStage', {}), ctx('2025-02-15'))
      .thenThrows(DomainErrorCode.OCCURRED_AT_BEFORE_STAGE_ENTERED, { lastEventAt: at('2025-03-01') });
    expect(spec.given(gieReady()).when(cmd('AdvanceStage', {}), ctx('2025-03-01')).events()).toHaveLength(1);
    // Abandoning likewise (a transition), while a fact may still be dated back (a correction).
    spec.given(gieReady()).when(cmd('AbandonCooperation', { reason: 'COST' }), ctx('2025-02-15')).thenThrows(DomainErrorCode.OCCURRED_AT_BEFORE_STAGE_ENTERED);
    expect(spec.given(gieReady()).when(cmd('RecordDeliverable', { kind: 'LETTRE_INTENTION' }), ctx('2025-02-15')).events()).toHaveLength(1);
  });
});

describe('dating money', () => {
  const granted: CooperationEvent = {
    type: 'CooperationFundingGranted',
    occurredAt: at('2025-02-01'),
    data: { fundingId: 'f1', funderOrganisationId: ORGS.funder.id, programme: 'AAP', amount: 30000, period: { start: '2025-02-01', end: '2026-01-31' } },
  };
  const paid: CooperationEvent = {
    type: 'CooperationFundingDisbursed',
    occurredAt: at('2025-04-01'),
    data: { fundingId: 'f1', funderOrganisationId: ORGS.funder.id, amount: 10000, disbursedOn: '2025-04-01' },
  };
  const funded = () => [...gmeInDecision(), granted];

  it('refuses a grant of nothing', () => {
    spec
      .given(gmeInDecision())
      .when(cmd('GrantFunding', { fundingId: 'f2', funder: ORGS.funder, programme: 'AAP', amount: 0, period: { start: '2025-02-01' } }), ctx('2025-02-01'))
      .thenThrows(DomainErrorCode.VALIDATION_FAILED, { field: 'amount' });
  });

  it('pays out on or after the grant and not in the future', () => {
    spec.given(funded()).when(cmd('RecordDisbursement', { fundingId: 'f1', amount: 100, disbursedOn: '1999-01-01' })).thenThrows(DomainErrorCode.VALIDATION_FAILED, { field: 'disbursedOn' });
    spec.given(funded()).when(cmd('RecordDisbursement', { fundingId: 'f1', amount: 100, disbursedOn: '2099-01-01' })).thenThrows(DomainErrorCode.VALIDATION_FAILED, { field: 'disbursedOn', value: '2099-01-01' });
    // Today is fine (NOW is 1 November).
    expect(spec.given(funded()).when(cmd('RecordDisbursement', { fundingId: 'f1', amount: 100, disbursedOn: NOW.slice(0, 10) })).events()).toHaveLength(1);
    expect(spec.given(funded()).when(cmd('RecordDisbursement', { fundingId: 'f1', amount: 100, disbursedOn: '2025-02-01' })).events()).toHaveLength(1);
    // A grant recorded late without its date (dated 1 June) still takes the payments of its period.
    const recordedLate = [...gmeInDecision(), { ...granted, occurredAt: at('2025-06-01') }];
    expect(spec.given(recordedLate).when(cmd('RecordDisbursement', { fundingId: 'f1', amount: 100, disbursedOn: '2025-03-15' })).events()).toHaveLength(1);
    spec.given(recordedLate).when(cmd('RecordDisbursement', { fundingId: 'f1', amount: 100, disbursedOn: '2025-01-31' })).thenThrows(DomainErrorCode.VALIDATION_FAILED, { field: 'disbursedOn' });
  });

  it('ends a grant within its period, after its last payment, and not in the future', () => {
    const message = (day: string) => spec.given([...funded(), paid]).when(cmd('EndFunding', { fundingId: 'f1', endedOn: day }));
    message('2025-01-15').thenThrows(DomainErrorCode.VALIDATION_FAILED, { field: 'endedOn' }); // before its period
    message('2025-03-15').thenThrows(DomainErrorCode.VALIDATION_FAILED, { field: 'endedOn', value: '2025-03-15' }); // before the payment of 1 April
    message('2098-12-31').thenThrows(DomainErrorCode.VALIDATION_FAILED, { field: 'endedOn' });
    expect(message('2025-04-01').events()).toHaveLength(1);
  });
});

describe('dating measurements, support and markets', () => {
  it('measures and supports over periods that have begun', () => {
    const withIndicator: CooperationEvent[] = [
      ...gmeInDecision(),
      {
        type: 'CooperationEvaluationCriterionDefined',
        occurredAt: at('2025-01-15'),
        data: { criterionId: 'c1', code: 'C1', label: 'Emploi', indicators: [{ indicatorId: 'i1', code: 'C1-I1', label: 'ETP', nature: 'QUANTITATIVE', unit: 'ETP', target: 5, standard: null }] },
      },
    ];
    spec.given(withIndicator).when(cmd('RecordMeasurement', { indicatorId: 'i1', period: { start: '2099-01-01', end: '2099-12-31' }, value: 3 })).thenThrows(DomainErrorCode.VALIDATION_FAILED, { field: 'period.start' });
    expect(spec.given(withIndicator).when(cmd('RecordMeasurement', { indicatorId: 'i1', period: { start: '2026-01-01', end: '2026-12-31' }, value: 3 })).events()).toHaveLength(1);
    spec.given(gmeInDecision()).when(cmd('RecordSupport', { kind: 'DLA', period: { start: '2099-06-30' } })).thenThrows(DomainErrorCode.VALIDATION_FAILED, { field: 'period.start' });
  });

  it('starts an awarded market on or after its bid deadline, and numbers its lots once', () => {
    const withMarket = [...gmeInDecision(), E.market('2026-01-10T12:00:00.000Z', '2025-02-01')];
    spec.given(withMarket).when(cmd('RecordMarketOutcome', { outcome: 'AWARDED', startDate: '2025-01-01' })).thenThrows(DomainErrorCode.VALIDATION_FAILED, { field: 'startDate' });
    expect(spec.given(withMarket).when(cmd('RecordMarketOutcome', { outcome: 'AWARDED', startDate: '2026-02-01' }), ctx('2026-02-01')).events()).toHaveLength(1);
    spec
      .given(gmeInDecision())
      .when(
        cmd('RecordMarket', {
          buyerName: 'Ville',
          cpvCode: '90511000',
          amountExclVat: 100000,
          durationMonths: 12,
          procedures: ['ADAPTED_PROCEDURE'],
          lots: [
            { number: 1, label: 'Collecte' },
            { number: 1, label: 'Tri' },
          ],
        }),
      )
      .thenThrows(DomainErrorCode.VALIDATION_FAILED, { field: 'lots[1].number' });
  });
});
