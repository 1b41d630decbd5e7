import { DomainErrorCode, decideRenewal, foldCooperation, gateStatus, type Cooperation, type CooperationEvent } from '@maillage/domain';
import { E, ORGS, at, cmd, ctx, gmeInDecision, spec } from './fixtures';

const gesInDecision = (): CooperationEvent[] => [E.proposed('GES'), E.member(ORGS.ai1, 'MEMBER'), E.member(ORGS.ei, 'MEMBER')];
const gesReady = () => [...gesInDecision(), E.deliverable('NOTE_DE_SYNTHESE')];

describe('AdvanceStage', () => {
  it('advances one stage when the gate is satisfied', () => {
    spec
      .given(gesReady())
      .when(cmd('AdvanceStage', {}), ctx('2025-02-01'))
      .then([E.advanced('DECISION', 'FEASIBILITY', '2025-02-01')]);
  });

  it('rejects with the missing gate items', () => {
    spec
      .given(gesInDecision())
      .when(cmd('AdvanceStage', {}))
      .thenThrows(DomainErrorCode.GATE_NOT_SATISFIED, { stage: 'DECISION', missing: ['structuring-elements'] });
  });

  it('lists every missing item', () => {
    // A PTCE: the only kind besides essaimage whose two-members item is not an invariant.
    spec
      .given([E.proposed('PTCE')])
      .when(cmd('AdvanceStage', {}))
      .thenThrows(DomainErrorCode.GATE_NOT_SATISFIED, { missing: ['two-members', 'structuring-elements'] });
  });

  it('requires a SIAE among the members of a GES, and keeps it', () => {
    const noSiae = [E.proposed('GES'), E.member(ORGS.company, 'MEMBER'), E.member(ORGS.network, 'MEMBER'), E.deliverable('NOTE_DE_SYNTHESE')];
    spec.given(noSiae).when(cmd('AdvanceStage', {})).thenThrows(DomainErrorCode.GES_SIAE_REQUIRED);
    // Three members, so that the removal would still leave two (TWO_MEMBERS_REQUIRED otherwise).
    const withOneSiae = [E.proposed('GES'), E.member(ORGS.ai1, 'MEMBER'), E.member(ORGS.network, 'MEMBER'), E.member(ORGS.company, 'MEMBER'), E.deliverable('NOTE_DE_SYNTHESE'), E.advanced('DECISION', 'FEASIBILITY', '2025-02-01')];
    spec.given(withOneSiae).when(cmd('RemoveMember', { organisationId: ORGS.ai1.id }), ctx('2025-03-01')).thenThrows(DomainErrorCode.GES_SIAE_REQUIRED);
  });

  it('accepts a waived item', () => {
    const waived: CooperationEvent = {
      type: 'CooperationGateItemWaived',
      occurredAt: at('2025-01-20'),
      data: { stage: 'DECISION', itemId: 'structuring-elements', justification: 'Éléments déjà formalisés par le réseau' },
    };
    expect(spec.given([...gesInDecision(), waived]).when(cmd('AdvanceStage', {}), ctx('2025-02-01')).events()).toHaveLength(1);
  });

  it('rejects a skipped stage', () => {
    spec.given(gesReady()).when(cmd('AdvanceStage', { to: 'LAUNCH' })).thenThrows(DomainErrorCode.STAGE_SKIP);
  });

  it('rejects going back through AdvanceStage', () => {
    spec.given(gesReady()).when(cmd('AdvanceStage', { to: 'DECISION' })).thenThrows(DomainErrorCode.INVALID_TRANSITION);
  });

  it('rejects advancing from CAPITALISATION', () => {
    const events = [
      ...gesReady(),
      E.advanced('DECISION', 'FEASIBILITY', '2025-02-01'),
      E.advanced('FEASIBILITY', 'LAUNCH', '2025-03-01'),
      E.advanced('LAUNCH', 'OPERATION', '2025-04-01'),
      E.advanced('OPERATION', 'CAPITALISATION', '2025-05-01'),
    ];
    spec.given(events).when(cmd('AdvanceStage', {}), ctx('2025-06-01')).thenThrows(DomainErrorCode.INVALID_TRANSITION);
  });

  it('rejects an advance dated before the stage was entered', () => {
    spec
      .given([...gesReady(), E.advanced('DECISION', 'FEASIBILITY', '2025-03-01')])
      .when(cmd('AdvanceStage', {}), ctx('2025-02-01'))
      .thenThrows(DomainErrorCode.OCCURRED_AT_BEFORE_STAGE_ENTERED);
  });

  it('requires the GME mandataire to enter FEASIBILITY', () => {
    const noMandataire = gmeInDecision().filter((e) => e.type !== 'CooperationMandataireDesignated');
    spec.given([...noMandataire, E.deliverable('NOTE_DE_SYNTHESE')]).when(cmd('AdvanceStage', {})).thenThrows(DomainErrorCode.MANDATAIRE_REQUIRED);
  });
});

describe('WaiveGateItem', () => {
  it('waives an item of the current stage with a justification', () => {
    spec
      .given(gesInDecision())
      .when(cmd('WaiveGateItem', { itemId: 'structuring-elements', justification: 'Projet porté par un réseau, note inutile' }), ctx('2025-01-20'))
      .then([
        {
          type: 'CooperationGateItemWaived',
          occurredAt: at('2025-01-20'),
          data: { stage: 'DECISION', itemId: 'structuring-elements', justification: 'Projet porté par un réseau, note inutile' },
        },
      ]);
  });
  it('rejects an unknown item', () => {
    spec.given(gesInDecision()).when(cmd('WaiveGateItem', { itemId: 'nope', justification: 'une justification' })).thenThrows(DomainErrorCode.GATE_ITEM_UNKNOWN);
  });
  it('rejects waiving an invariant', () => {
    spec
      .given(gmeInDecision())
      .when(cmd('WaiveGateItem', { itemId: 'mandataire-designated', justification: 'pas de mandataire pour le moment' }))
      .thenThrows(DomainErrorCode.GATE_ITEM_NOT_WAIVABLE);
  });
  it('rejects an empty justification', () => {
    spec.given(gesInDecision()).when(cmd('WaiveGateItem', { itemId: 'structuring-elements', justification: 'ok' })).thenThrows(DomainErrorCode.VALIDATION_FAILED);
  });
  it('rejects waiving an item of another stage', () => {
    spec
      .given(gesInDecision())
      .when(cmd('WaiveGateItem', { itemId: 'go-decision', stage: 'FEASIBILITY', justification: 'anticipation du comité' }))
      .thenThrows(DomainErrorCode.INVALID_TRANSITION);
  });
  it('rejects waiving twice', () => {
    const waived: CooperationEvent = { type: 'CooperationGateItemWaived', occurredAt: at('2025-01-20'), data: { stage: 'DECISION', itemId: 'structuring-elements', justification: 'x'.repeat(12) } };
    spec.given([...gesInDecision(), waived]).when(cmd('WaiveGateItem', { itemId: 'structuring-elements', justification: 'y'.repeat(12) })).thenThrows(DomainErrorCode.ALREADY_EXISTS);
  });
  it('shows waivers in gateStatus', () => {
    const waived: CooperationEvent = { type: 'CooperationGateItemWaived', occurredAt: at('2025-01-20'), data: { stage: 'DECISION', itemId: 'structuring-elements', justification: 'justification écrite' } };
    const status = gateStatus(foldCooperation([...gesInDecision(), waived]));
    expect(status.items.find((i) => i.id === 'structuring-elements')).toMatchObject({ status: 'WAIVED', justification: 'justification écrite' });
    expect(status.satisfied).toBe(true);
  });
});

describe('ReopenStage', () => {
  const inFeasibility = () => [...gesReady(), E.advanced('DECISION', 'FEASIBILITY', '2025-02-01')];
  it('goes back one stage with a reason', () => {
    spec
      .given(inFeasibility())
      .when(cmd('ReopenStage', { reason: 'Un partenaire se retire' }), ctx('2025-03-01'))
      .then([{ type: 'CooperationStageReopened', occurredAt: at('2025-03-01'), data: { from: 'FEASIBILITY', to: 'DECISION', reason: 'Un partenaire se retire' } }]);
  });
  it('rejects reopening from DECISION', () => {
    spec.given(gesReady()).when(cmd('ReopenStage', { reason: 'motif' })).thenThrows(DomainErrorCode.INVALID_TRANSITION);
  });
  it('rejects going back two stages', () => {
    spec
      .given([...inFeasibility(), E.advanced('FEASIBILITY', 'LAUNCH', '2025-03-01')])
      .when(cmd('ReopenStage', { reason: 'motif', to: 'DECISION' }), ctx('2025-04-01'))
      .thenThrows(DomainErrorCode.STAGE_SKIP);
  });
  it('rejects a missing reason', () => {
    spec.given(inFeasibility()).when(cmd('ReopenStage', {} as never), ctx('2025-03-01')).thenThrows(DomainErrorCode.VALIDATION_FAILED);
  });
  it('rejects a reopening dated before the stage was entered', () => {
    spec.given(inFeasibility()).when(cmd('ReopenStage', { reason: 'motif' }), ctx('2025-01-15')).thenThrows(DomainErrorCode.OCCURRED_AT_BEFORE_STAGE_ENTERED);
  });
});

describe('AbandonCooperation', () => {
  it('abandons with a reason from the brakes', () => {
    spec
      .given(gesReady())
      .when(cmd('AbandonCooperation', { reason: 'COST' }), ctx('2025-02-01'))
      .then([{ type: 'CooperationAbandoned', occurredAt: at('2025-02-01'), data: { stage: 'DECISION', reason: 'COST', reasonText: null } }]);
  });
  it('requires a text for OTHER', () => {
    spec.given(gesReady()).when(cmd('AbandonCooperation', { reason: 'OTHER' })).thenThrows(DomainErrorCode.VALIDATION_FAILED, { field: 'reasonText' });
  });
  it('rejects an unknown reason', () => {
    spec.given(gesReady()).when(cmd('AbandonCooperation', { reason: 'BORED' } as never)).thenThrows(DomainErrorCode.VALIDATION_FAILED);
  });
  it('rejects an abandonment dated before the last transition', () => {
    spec.given(gesReady()).when(cmd('AbandonCooperation', { reason: 'TIME' }), ctx('2024-12-01')).thenThrows(DomainErrorCode.OCCURRED_AT_BEFORE_STAGE_ENTERED);
  });
});

const inOperation = (): CooperationEvent[] => [
  ...gesReady(),
  E.advanced('DECISION', 'FEASIBILITY', '2025-02-01'),
  E.advanced('FEASIBILITY', 'LAUNCH', '2025-03-01'),
  E.advanced('LAUNCH', 'OPERATION', '2025-04-01'),
];

describe('CloseCooperation', () => {
  it('closes from OPERATION with a contract-ended outcome', () => {
    spec
      .given(inOperation())
      .when(cmd('CloseCooperation', { outcome: 'DISSOLVED', comment: 'Fusion des structures' }), ctx('2025-05-01'))
      .then([{ type: 'CooperationClosed', occurredAt: at('2025-05-01'), data: { stage: 'OPERATION', outcome: 'DISSOLVED', comment: 'Fusion des structures' } }]);
  });
  it('rejects closing before OPERATION (abandon instead)', () => {
    spec.given(gesReady()).when(cmd('CloseCooperation', { outcome: 'CONTRACT_ENDED' })).thenThrows(DomainErrorCode.INVALID_TRANSITION);
  });
  it('rejects COMPLETED outside CAPITALISATION', () => {
    spec.given(inOperation()).when(cmd('CloseCooperation', { outcome: 'COMPLETED' }), ctx('2025-05-01')).thenThrows(DomainErrorCode.INVALID_TRANSITION);
  });
  it('rejects COMPLETED while the capitalisation gate is missing', () => {
    spec
      .given([...inOperation(), E.advanced('OPERATION', 'CAPITALISATION', '2025-05-01')])
      .when(cmd('CloseCooperation', { outcome: 'COMPLETED' }), ctx('2025-06-01'))
      .thenThrows(DomainErrorCode.GATE_NOT_SATISFIED, { missing: ['evaluation-done', 'lessons-recorded', 'essaimage-potential-stated'] });
  });
  it('rejects TENDER_LOST (recorded through the market outcome)', () => {
    spec.given(inOperation()).when(cmd('CloseCooperation', { outcome: 'TENDER_LOST' }), ctx('2025-05-01')).thenThrows(DomainErrorCode.INVALID_TRANSITION);
  });
});

describe('closed and abandoned cooperations', () => {
  const closed = () => [...inOperation(), E.closed('OPERATION', 'CONTRACT_ENDED', '2025-05-01')];
  const abandoned = (): CooperationEvent[] => [...gesReady(), { type: 'CooperationAbandoned', occurredAt: at('2025-02-01'), data: { stage: 'DECISION', reason: 'TIME', reasonText: null } }];
  it.each([
    cmd('AddMember', { organisation: ORGS.aci }),
    cmd('AdvanceStage', {}),
    cmd('ReopenStage', { reason: 'on reprend' }),
    cmd('RecordDeliverable', { kind: 'BILAN_3_ANS', deliverableId: 'd1' }),
    cmd('AbandonCooperation', { reason: 'TIME' }),
    cmd('CloseCooperation', { outcome: 'DISSOLVED' }),
    cmd('GrantFunding', { fundingId: 'f1', funder: ORGS.funder, programme: 'AAP', amount: 10, period: { start: '2025-01-01' } }),
  ])('rejects %j once closed or abandoned', (command) => {
    spec.given(closed()).when(command, ctx('2025-06-01')).thenThrows(DomainErrorCode.COOPERATION_CLOSED, { status: 'CLOSED' });
    spec.given(abandoned()).when(command, ctx('2025-06-01')).thenThrows(DomainErrorCode.COOPERATION_CLOSED, { status: 'ABANDONED' });
  });

  it('renews a closed cooperation', () => {
    spec
      .given(closed())
      .when(cmd('RenewCooperation', { successorId: 'coop-2' }), ctx('2025-06-01'))
      .then([{ type: 'CooperationRenewed', occurredAt: at('2025-06-01'), data: { successorId: 'coop-2' } }]);
  });
  it('rejects renewing an abandoned, active or already renewed cooperation', () => {
    spec.given(abandoned()).when(cmd('RenewCooperation', { successorId: 'coop-2' })).thenThrows(DomainErrorCode.RENEWAL_NOT_ALLOWED);
    spec.given(gesReady()).when(cmd('RenewCooperation', { successorId: 'coop-2' })).thenThrows(DomainErrorCode.RENEWAL_NOT_ALLOWED);
    const renewed: CooperationEvent = { type: 'CooperationRenewed', occurredAt: at('2025-06-01'), data: { successorId: 'coop-2' } };
    spec.given([...closed(), renewed]).when(cmd('RenewCooperation', { successorId: 'coop-3' })).thenThrows(DomainErrorCode.RENEWAL_NOT_ALLOWED);
  });
});

describe('decideRenewal', () => {
  it('returns the events of both streams', () => {
    const predecessor = foldCooperation([...gmeInDecision(), E.deliverable('NOTE_DE_SYNTHESE'), E.advanced('DECISION', 'FEASIBILITY', '2025-02-01'), E.closed('FEASIBILITY', 'TENDER_LOST', '2025-03-01')]);
    const decision = decideRenewal(cmd('RenewCooperation', { successorId: 'coop-2', name: 'Coopération test (2e marché)' }), predecessor, ctx('2025-06-01'));
    expect(decision.predecessor).toEqual({ streamId: 'cooperation-coop-1', events: [expect.objectContaining({ type: 'CooperationRenewed', data: { successorId: 'coop-2' } })] });
    expect(decision.successor.streamId).toBe('cooperation-coop-2');
    expect(decision.successor.events.map((e) => e.type)).toEqual([
      'CooperationProposed',
      'CooperationMemberAdded',
      'CooperationMemberAdded',
      'CooperationMandataireDesignated',
    ]);
    expect(decision.successor.events[0].data).toMatchObject({ cooperationId: 'coop-2', renewedFrom: 'coop-1', kind: 'GME', name: 'Coopération test (2e marché)' });
    const successor = foldCooperation(decision.successor.events) as Cooperation;
    expect(successor).toMatchObject({ status: 'ACTIVE', stage: 'DECISION', renewedFrom: 'coop-1', mandataireId: ORGS.ai1.id });
  });
  it('can start the successor with the lead only', () => {
    const predecessor = foldCooperation([...inOperation(), E.closed('OPERATION', 'CONTRACT_ENDED', '2025-05-01')]);
    const decision = decideRenewal(cmd('RenewCooperation', { successorId: 'coop-2', carryOverMembers: false }), predecessor, ctx('2025-06-01'));
    expect(decision.successor.events.filter((e) => e.type === 'CooperationMemberAdded')).toHaveLength(1);
  });
  it('rejects an active predecessor', () => {
    expect(() => decideRenewal(cmd('RenewCooperation', { successorId: 'coop-2' }), foldCooperation(gesReady()), ctx())).toThrow(
      expect.objectContaining({ code: DomainErrorCode.RENEWAL_NOT_ALLOWED }),
    );
  });
});
