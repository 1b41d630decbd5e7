import { DomainErrorCode, foldCooperation, type Cooperation, type CooperationEvent } from '@maillage/domain';
import { E, ORGS, at, cmd, ctx, gmeInDecision, spec } from './fixtures';

describe('AddMember', () => {
  it('adds a member with the default role of the kind, recording the organisation snapshot', () => {
    spec
      .given([E.proposed('GME')])
      .when(cmd('AddMember', { organisation: ORGS.ei }), ctx('2025-02-01'))
      .then([E.member(ORGS.ei, 'COTRAITANT', '2025-02-01')]);
  });

  it('takes the ESS status from the lookup when given', () => {
    const [event] = spec.given([E.proposed('JVS')]).when(cmd('AddMember', { organisation: ORGS.companyEss })).events();
    expect(event.data).toMatchObject({ organisationId: ORGS.companyEss.id, ess: true, role: 'ASSOCIE' });
  });

  it('rejects a member already present', () => {
    spec.given(gmeInDecision()).when(cmd('AddMember', { organisation: ORGS.ai2 })).thenThrows(DomainErrorCode.MEMBER_ALREADY_PRESENT);
  });

  it('rejects a role that does not exist for the kind', () => {
    spec.given([E.proposed('GME')]).when(cmd('AddMember', { organisation: ORGS.ei, role: 'ASSOCIE' })).thenThrows(DomainErrorCode.ROLE_NOT_ALLOWED);
  });

  it('rejects a PTCE local-authority role for an organisation that is not one', () => {
    spec
      .given([E.proposed('PTCE')])
      .when(cmd('AddMember', { organisation: ORGS.ei, role: 'LOCAL_AUTHORITY' }))
      .thenThrows(DomainErrorCode.ROLE_NOT_ALLOWED);
  });

  it('rejects a PTCE ESS-enterprise role for a non-ESS company', () => {
    spec
      .given([E.proposed('PTCE')])
      .when(cmd('AddMember', { organisation: ORGS.company, role: 'ESS_ENTERPRISE' }))
      .thenThrows(DomainErrorCode.ROLE_NOT_ALLOWED);
  });

  it('rejects a second parent structure in an essaimage', () => {
    spec
      .given([E.proposed('ESSAIMAGE'), E.member(ORGS.aci, 'PARENT')])
      .when(cmd('AddMember', { organisation: ORGS.ei, role: 'PARENT' }))
      .thenThrows(DomainErrorCode.ROLE_NOT_ALLOWED);
  });

  it('rejects a malformed organisation lookup', () => {
    spec.given([E.proposed('GME')]).when(cmd('AddMember', { organisation: { id: '', kind: 'AI' } })).thenThrows(DomainErrorCode.VALIDATION_FAILED);
  });

  it('rejects a fact dated before the proposal', () => {
    spec.given([E.proposed('GME', '2025-01-10')]).when(cmd('AddMember', { organisation: ORGS.ei }), ctx('2024-12-31')).thenThrows(DomainErrorCode.OCCURRED_AT_BEFORE_STAGE_ENTERED, { reason: 'before the proposal' });
  });

  it('rejects on an unknown cooperation', () => {
    spec.given([]).when(cmd('AddMember', { organisation: ORGS.ei })).thenThrows(DomainErrorCode.NOT_FOUND);
  });
});

describe('RemoveMember', () => {
  it('removes a member', () => {
    spec
      .given(gmeInDecision())
      .when(cmd('RemoveMember', { organisationId: ORGS.ai2.id, reason: 'quitte la phase d’étude' }), ctx('2025-02-01'))
      .then([{ type: 'CooperationMemberRemoved', occurredAt: ctx('2025-02-01').occurredAt, data: { organisationId: ORGS.ai2.id, reason: 'quitte la phase d’étude' } }]);
  });

  it('rejects an unknown member', () => {
    spec.given(gmeInDecision()).when(cmd('RemoveMember', { organisationId: 'nobody' })).thenThrows(DomainErrorCode.MEMBER_NOT_FOUND);
  });

  it('lets the mandataire leave during DECISION (designation cleared)', () => {
    // ai1 leads this GME: the mandataire that leaves is ai2, designated instead.
    const [event] = spec.given([...gmeInDecision(), E.mandataire(ORGS.ai2)]).when(cmd('RemoveMember', { organisationId: ORGS.ai2.id })).events();
    expect(event).toMatchObject({ type: 'CooperationMemberRemoved', data: { organisationId: ORGS.ai2.id } });
  });

  it('keeps the lead organisation, which steers the cooperation, and dates a removal or a designation after the joining', () => {
    spec.given(gmeInDecision()).when(cmd('RemoveMember', { organisationId: ORGS.ai1.id })).thenThrows(DomainErrorCode.LEAD_MEMBER_REQUIRED, { organisationId: ORGS.ai1.id });
    const joinedLater = [...gmeInDecision(), E.member(ORGS.ei, 'COTRAITANT', '2025-01-20')];
    spec.given(joinedLater).when(cmd('RemoveMember', { organisationId: ORGS.ei.id }), ctx('2025-01-19')).thenThrows(DomainErrorCode.OCCURRED_AT_BEFORE_STAGE_ENTERED, { joinedAt: at('2025-01-20') });
    spec.given(joinedLater).when(cmd('DesignateMandataire', { organisationId: ORGS.ei.id }), ctx('2025-01-19')).thenThrows(DomainErrorCode.OCCURRED_AT_BEFORE_STAGE_ENTERED);
    expect(spec.given(joinedLater).when(cmd('RemoveMember', { organisationId: ORGS.ei.id }), ctx('2025-01-20')).events()).toHaveLength(1);
  });

  it('keeps the GME mandataire from FEASIBILITY on', () => {
    spec
      .given([...gmeInDecision(), E.deliverable('NOTE_DE_SYNTHESE'), E.advanced('DECISION', 'FEASIBILITY', '2025-02-01')])
      .when(cmd('RemoveMember', { organisationId: ORGS.ai1.id }), ctx('2025-03-01'))
      .thenThrows(DomainErrorCode.MANDATAIRE_REQUIRED);
  });

  it('keeps the parent structure of an essaimage', () => {
    spec
      .given([E.proposed('ESSAIMAGE'), E.member(ORGS.aci, 'PARENT')])
      .when(cmd('RemoveMember', { organisationId: ORGS.aci.id }))
      .thenThrows(DomainErrorCode.ESSAIMAGE_PARENT_REQUIRED);
  });
});

describe('GME membership freeze (R2142-26)', () => {
  const withBid = [...gmeInDecision(), E.market('2025-03-15T12:00:00.000Z')];

  it('accepts changes before the bid deadline', () => {
    expect(() => spec.given(withBid).when(cmd('AddMember', { organisation: ORGS.ei }), ctx('2025-03-14')).events()).not.toThrow();
  });

  it('rejects adding a member between the bid deadline and the award', () => {
    spec.given(withBid).when(cmd('AddMember', { organisation: ORGS.ei }), ctx('2025-03-20')).thenThrows(DomainErrorCode.MEMBERSHIP_FROZEN);
  });

  it('rejects removing a member between the bid deadline and the award', () => {
    spec.given(withBid).when(cmd('RemoveMember', { organisationId: ORGS.ai2.id }), ctx('2025-03-20')).thenThrows(DomainErrorCode.MEMBERSHIP_FROZEN);
  });

  it('accepts changes once the award is recorded', () => {
    const awarded = [...withBid, { type: 'CooperationMarketOutcomeRecorded', occurredAt: ctx('2025-04-01').occurredAt, data: { outcome: 'AWARDED', startDate: '2025-05-01' } } as const];
    expect(() => spec.given(awarded).when(cmd('AddMember', { organisation: ORGS.ei }), ctx('2025-04-02')).events()).not.toThrow();
  });
});

describe('DesignateMandataire', () => {
  it('designates a member', () => {
    spec
      .given([E.proposed('GME'), E.member(ORGS.ai1, 'COTRAITANT')])
      .when(cmd('DesignateMandataire', { organisationId: ORGS.ai1.id }), ctx('2025-01-11'))
      .then([E.mandataire(ORGS.ai1, '2025-01-11')]);
  });

  it('rejects a mandataire who is not a member', () => {
    spec.given([E.proposed('GME')]).when(cmd('DesignateMandataire', { organisationId: ORGS.ei.id })).thenThrows(DomainErrorCode.MANDATAIRE_NOT_MEMBER);
  });

  it('is not applicable to other kinds', () => {
    spec
      .given([E.proposed('GIE'), E.member(ORGS.ai1, 'MEMBER')])
      .when(cmd('DesignateMandataire', { organisationId: ORGS.ai1.id }))
      .thenThrows(DomainErrorCode.NOT_APPLICABLE_TO_KIND);
  });
});

describe('SetTerritory', () => {
  it('sets territory and sectors', () => {
    const [e] = spec.given([E.proposed('GES')]).when(cmd('SetTerritory', { territory: { regionCode: '11', departementCodes: ['93', '92'] }, sectors: ['CLEANING'] })).events();
    expect(e).toMatchObject({ type: 'CooperationTerritorySet', data: { territory: { regionCode: '11', departementCodes: ['93', '92'] }, sectors: ['CLEANING'] } });
  });
  it('rejects a département outside the région', () => {
    spec.given([E.proposed('GES')]).when(cmd('SetTerritory', { territory: { regionCode: '11', departementCodes: ['49'] } })).thenThrows(DomainErrorCode.INVALID_TERRITORY);
  });
});

describe('handing the lead over', () => {
  const gie = (): CooperationEvent[] => [E.proposed('GIE', '2025-01-10'), E.member(ORGS.ai1, 'MEMBER', '2025-01-10'), E.member(ORGS.ei, 'MEMBER', '2025-02-01')];

  it('makes another member the lead, which the former lead stays, and may then leave', () => {
    const events = spec.given(gie()).when(cmd('HandOverLead', { organisationId: ORGS.ei.id, reason: 'Fusion des deux structures' }), ctx('2025-03-01')).events();
    expect(events).toEqual([{ type: 'CooperationLeadHandedOver', occurredAt: at('2025-03-01'), data: { from: ORGS.ai1.id, to: ORGS.ei.id, reason: 'Fusion des deux structures' } }]);
    const state = foldCooperation([...gie(), ...events]) as Cooperation;
    expect(state.leadOrganisationId).toBe(ORGS.ei.id);
    expect(state.members.map((m) => m.organisationId)).toEqual([ORGS.ai1.id, ORGS.ei.id]);
    // The former lead may now leave (at DECISION a GIE may fall to one member); the new one may not.
    expect(spec.given([...gie(), ...events]).when(cmd('RemoveMember', { organisationId: ORGS.ai1.id }), ctx('2025-03-02')).events()).toHaveLength(1);
    spec.given([...gie(), ...events]).when(cmd('RemoveMember', { organisationId: ORGS.ei.id }), ctx('2025-03-02')).thenThrows(DomainErrorCode.LEAD_MEMBER_REQUIRED);
  });

  it('is refused to a non-member, to the lead itself, and before the new lead joined', () => {
    spec.given(gie()).when(cmd('HandOverLead', { organisationId: ORGS.company.id })).thenThrows(DomainErrorCode.MEMBER_NOT_FOUND);
    spec.given(gie()).when(cmd('HandOverLead', { organisationId: ORGS.ai1.id })).thenThrows(DomainErrorCode.VALIDATION_FAILED, { field: 'organisationId' });
    spec.given(gie()).when(cmd('HandOverLead', { organisationId: ORGS.ei.id }), ctx('2025-01-20')).thenThrows(DomainErrorCode.OCCURRED_AT_BEFORE_STAGE_ENTERED, { joinedAt: at('2025-02-01') });
  });
});

describe('handing the lead over: who and when', () => {
  const withFunder = (): CooperationEvent[] => [
    E.proposed('GIE', '2025-01-10'),
    E.member(ORGS.ai1, 'MEMBER', '2025-01-10'),
    E.member(ORGS.ei, 'MEMBER', '2025-01-10'),
    E.member(ORGS.funder, 'MEMBER', '2025-01-10'),
    E.member(ORGS.network, 'MEMBER', '2025-01-10'),
  ];
  const handedOver: CooperationEvent = { type: 'CooperationLeadHandedOver', occurredAt: at('2025-04-01'), data: { from: ORGS.ai1.id, to: ORGS.ei.id, reason: null } };

  it('is refused to a funder or a network member, which take part without steering', () => {
    for (const o of [ORGS.funder, ORGS.network])
      spec.given(withFunder()).when(cmd('HandOverLead', { organisationId: o.id })).thenThrows(DomainErrorCode.ROLE_NOT_ALLOWED, { organisationKind: o.kind });
  });

  it('is dated no earlier than the latest fact, and the former lead leaves no earlier than it handed over', () => {
    const later: CooperationEvent = { ...E.member(ORGS.aci, 'MEMBER', '2025-03-01') };
    const error = spec.given([...withFunder(), later]).when(cmd('HandOverLead', { organisationId: ORGS.ei.id }), ctx('2025-02-15')).thenThrows(DomainErrorCode.OCCURRED_AT_BEFORE_STAGE_ENTERED, { lastEventAt: at('2025-03-01') });
    expect(error.message).toBe('La transmission du pilotage ne peut pas être datée avant le dernier fait enregistré (2025-03-01). Datez-la de ce jour ou d’après.');
    // Removing the former lead dated before the hand-over would show it leaving while it led.
    const removal = spec.given([...withFunder(), handedOver]).when(cmd('RemoveMember', { organisationId: ORGS.ai1.id }), ctx('2025-02-01'));
    expect(removal.thenThrows(DomainErrorCode.OCCURRED_AT_BEFORE_STAGE_ENTERED, { leadUntil: at('2025-04-01') }).message).toBe(
      'Le retrait ne peut pas être daté avant que cette structure ait transmis le pilotage (2025-04-01) : elle portait alors la coopération.',
    );
    expect(spec.given([...withFunder(), handedOver]).when(cmd('RemoveMember', { organisationId: ORGS.ai1.id }), ctx('2025-04-01')).events()).toHaveLength(1);
    // Other members' removals are not concerned.
    expect(spec.given([...withFunder(), handedOver]).when(cmd('RemoveMember', { organisationId: ORGS.network.id }), ctx('2025-02-01')).events()).toHaveLength(1);
  });

  it('says « datée » of a feminine fact', () => {
    const joinedLater = E.member(ORGS.aci, 'MEMBER', '2025-02-01');
    const error = spec.given([...withFunder(), joinedLater]).when(cmd('HandOverLead', { organisationId: ORGS.aci.id }), ctx('2025-01-20')).thenThrows(DomainErrorCode.OCCURRED_AT_BEFORE_STAGE_ENTERED);
    expect(error.message).toMatch(/^La transmission du pilotage ne peut pas être datée avant /);
  });
});
