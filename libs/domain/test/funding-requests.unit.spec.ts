import { DomainErrorCode, foldCooperation, type Cooperation, type CooperationEvent } from '@maillage/domain';
import { E, ORGS, at, cmd, ctx, spec } from './fixtures';

/**
 * A cooperation solicits a funder (« Solliciter un financeur ») before the funder grants: the
 * request is what lets a funder read a cooperation it does not fund yet (access policy), so the
 * domain keeps what became of each one.
 */
const ges = (): CooperationEvent[] => [E.proposed('GES'), E.member(ORGS.ai1, 'MEMBER'), E.member(ORGS.ei, 'MEMBER')];
const otherFunder = { id: 'org-foundation', kind: 'FUNDER' as const, ess: false };
const requested = (requestId = 'r1', funderOrganisationId = ORGS.funder.id, day = '2025-02-01'): CooperationEvent => ({
  type: 'CooperationFundingRequested',
  occurredAt: at(day),
  data: { requestId, funderOrganisationId, programme: 'AAP Coopérations IAE', amount: 30000, note: 'Budget en pièce jointe' },
});
const grant = (over: Record<string, unknown> = {}) =>
  cmd('GrantFunding', { fundingId: 'f1', funder: ORGS.funder, programme: 'AAP Coopérations IAE', amount: 25000, period: { start: '2025-03-01' }, ...over });
const fold = (events: CooperationEvent[]) => foldCooperation(events) as Cooperation;

describe('requesting funding', () => {
  it('records the funder solicited, the programme, the amount asked and the message', () => {
    spec
      .given(ges())
      .when(cmd('RequestFunding', { requestId: 'r1', funder: ORGS.funder, programme: 'AAP Coopérations IAE', amount: 30000, note: 'Budget en pièce jointe' }), ctx('2025-02-01'))
      .then([requested()]);
    expect(fold([...ges(), requested()]).fundingRequests).toEqual([
      {
        requestId: 'r1',
        funderOrganisationId: ORGS.funder.id,
        programme: 'AAP Coopérations IAE',
        amount: 30000,
        note: 'Budget en pièce jointe',
        requestedAt: at('2025-02-01'),
        status: 'OPEN',
        closedAt: null,
        reason: null,
        fundingId: null,
      },
    ]);
  });

  it('asks a programme and an amount of no one, and generates its id', () => {
    const [e] = spec.given(ges()).when(cmd('RequestFunding', { funder: ORGS.town }), { newId: () => 'generated' }).events();
    expect(e).toMatchObject({ type: 'CooperationFundingRequested', data: { requestId: 'generated', funderOrganisationId: ORGS.town.id, programme: null, amount: null, note: null } });
  });

  it('solicits only funders and local authorities', () => {
    for (const organisation of [ORGS.ai1, ORGS.company, ORGS.network])
      spec.given(ges()).when(cmd('RequestFunding', { requestId: 'r1', funder: organisation })).thenThrows(DomainErrorCode.VALIDATION_FAILED, { field: 'funder.kind', value: organisation.kind });
  });

  it('refuses a second open request to the same funder, an amount of nothing and a reused id', () => {
    spec.given([...ges(), requested()]).when(cmd('RequestFunding', { requestId: 'r2', funder: ORGS.funder })).thenThrows(DomainErrorCode.FUNDING_REQUEST_PENDING, { requestId: 'r1' });
    spec.given(ges()).when(cmd('RequestFunding', { requestId: 'r1', funder: ORGS.funder, amount: 0 })).thenThrows(DomainErrorCode.VALIDATION_FAILED, { field: 'amount' });
    spec.given([...ges(), requested()]).when(cmd('RequestFunding', { requestId: 'r1', funder: otherFunder })).thenThrows(DomainErrorCode.ALREADY_EXISTS);
    // Another funder may be solicited at the same time, and the same one again once it answered.
    expect(spec.given([...ges(), requested()]).when(cmd('RequestFunding', { requestId: 'r2', funder: otherFunder })).events()).toHaveLength(1);
    const declined: CooperationEvent = { type: 'CooperationFundingRequestDeclined', occurredAt: at('2025-03-01'), data: { requestId: 'r1', funderOrganisationId: ORGS.funder.id, reason: null } };
    expect(spec.given([...ges(), requested(), declined]).when(cmd('RequestFunding', { requestId: 'r2', funder: ORGS.funder })).events()).toHaveLength(1);
  });

  it('is refused once the cooperation is closed, and an open one ends with it (« Sans suite »)', () => {
    const closed: CooperationEvent = { type: 'CooperationAbandoned', occurredAt: at('2025-03-01'), data: { stage: 'DECISION', reason: 'COST', reasonText: null } };
    spec.given([...ges(), closed]).when(cmd('RequestFunding', { requestId: 'r1', funder: ORGS.funder })).thenThrows(DomainErrorCode.COOPERATION_CLOSED);
    const declined: CooperationEvent = { type: 'CooperationFundingRequestDeclined', occurredAt: at('2025-02-15'), data: { requestId: 'r2', funderOrganisationId: otherFunder.id, reason: null } };
    const state = fold([...ges(), requested(), requested('r2', otherFunder.id), declined, closed]);
    expect(state.fundingRequests?.map((r) => [r.requestId, r.status, r.closedAt])).toEqual([
      ['r1', 'LAPSED', at('2025-03-01')],
      ['r2', 'DECLINED', at('2025-02-15')],
    ]);
    spec.given([...ges(), requested(), closed]).when(cmd('WithdrawFundingRequest', { requestId: 'r1' })).thenThrows(DomainErrorCode.COOPERATION_CLOSED);
  });
});

describe('answering a request', () => {
  it('is withdrawn by the cooperation or declined by the funder, with a reason, once', () => {
    const withdrawn = spec.given([...ges(), requested()]).when(cmd('WithdrawFundingRequest', { requestId: 'r1', reason: 'Autre financement obtenu' }), ctx('2025-03-01')).events();
    expect(withdrawn).toEqual([{ type: 'CooperationFundingRequestWithdrawn', occurredAt: at('2025-03-01'), data: { requestId: 'r1', funderOrganisationId: ORGS.funder.id, reason: 'Autre financement obtenu' } }]);
    const after = fold([...ges(), requested(), ...withdrawn]);
    expect(after.fundingRequests?.[0]).toMatchObject({ status: 'WITHDRAWN', closedAt: at('2025-03-01'), reason: 'Autre financement obtenu' });
    spec.given([...ges(), requested(), ...withdrawn]).when(cmd('DeclineFundingRequest', { requestId: 'r1' })).thenThrows(DomainErrorCode.FUNDING_REQUEST_CLOSED, { status: 'WITHDRAWN' });
    const declined = spec.given([...ges(), requested()]).when(cmd('DeclineFundingRequest', { requestId: 'r1', reason: 'Hors critères' }), ctx('2025-03-01')).events();
    expect(fold([...ges(), requested(), ...declined]).fundingRequests?.[0]).toMatchObject({ status: 'DECLINED', reason: 'Hors critères' });
    spec.given(ges()).when(cmd('WithdrawFundingRequest', { requestId: 'nope' })).thenThrows(DomainErrorCode.FUNDING_REQUEST_NOT_FOUND, { requestId: 'nope' });
  });

  it('is not dated before the request', () => {
    spec.given([...ges(), requested()]).when(cmd('DeclineFundingRequest', { requestId: 'r1' }), ctx('2025-01-20')).thenThrows(DomainErrorCode.OCCURRED_AT_BEFORE_STAGE_ENTERED, { requestedAt: at('2025-02-01') });
  });

  it('is granted: a grant answers the funder’s oldest open request, or the one it names', () => {
    const [granted] = spec.given([...ges(), requested()]).when(grant(), ctx('2025-03-01')).events();
    expect(granted.data).toMatchObject({ requestId: 'r1', amount: 25000 });
    const state = fold([...ges(), requested(), granted]);
    expect(state.fundingRequests?.[0]).toMatchObject({ status: 'GRANTED', closedAt: at('2025-03-01'), fundingId: 'f1' });
    expect(state.fundings.map((f) => f.fundingId)).toEqual(['f1']);
    expect(state.fundings[0]).not.toHaveProperty('requestId');
    // Named: must be this funder's open request.
    const second = requested('r2', otherFunder.id);
    spec.given([...ges(), requested(), second]).when(grant({ requestId: 'r2' }), ctx('2025-03-01')).thenThrows(DomainErrorCode.VALIDATION_FAILED, { field: 'requestId' });
    spec.given([...ges(), requested(), granted]).when(grant({ fundingId: 'f2', requestId: 'r1' }), ctx('2025-03-02')).thenThrows(DomainErrorCode.FUNDING_REQUEST_CLOSED);
    // A grant dated before the request does not answer it; one that names it is refused.
    expect(spec.given([...ges(), requested()]).when(grant(), ctx('2025-01-20')).events()[0].data).toMatchObject({ requestId: null });
    spec.given([...ges(), requested()]).when(grant({ requestId: 'r1' }), ctx('2025-01-20')).thenThrows(DomainErrorCode.OCCURRED_AT_BEFORE_STAGE_ENTERED);
  });

  it('folds grants recorded before requests existed, and states folded before then', () => {
    const legacy: CooperationEvent = {
      type: 'CooperationFundingGranted',
      occurredAt: at('2025-02-01'),
      data: { fundingId: 'f0', funderOrganisationId: ORGS.funder.id, programme: 'FDI', amount: 1000, period: { start: '2025-02-01', end: null } },
    };
    const state = fold([...ges(), legacy]);
    expect(state.fundings).toHaveLength(1);
    expect(state.fundingRequests).toEqual([]);
    // A state stored before requests existed (the read models keep folded states) still takes one,
    // and is answered by the next grant.
    const { fundingRequests: _none, ...older } = state;
    void _none;
    const after = foldCooperation([requested('r1', ORGS.funder.id, '2025-03-01')], older) as Cooperation;
    expect(after.fundingRequests?.map((r) => r.status)).toEqual(['OPEN']);
    const [granted] = spec.given([...ges(), legacy, requested('r1', ORGS.funder.id, '2025-03-01')]).when(grant(), ctx('2025-03-02')).events();
    expect(granted.data).toMatchObject({ requestId: 'r1' });
  });
});
