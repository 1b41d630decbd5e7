import {
  DomainErrorCode,
  closeOutcomesAt,
  cooperationEventDetailsFr,
  cooperationInvariantViolations,
  foldCooperation,
  gateItemLabelFr,
  gateStatus,
  lowerFirstFr,
  organisationKindLabelsFr,
  type Cooperation,
  type CooperationEvent,
  type CooperationKind,
} from '@maillage/domain';
import { E, ORGS, at, cmd, ctx, gmeInDecision, org, spec } from './fixtures';

/** Rules from the audit of the domain against the seeds (docs/lifecycle.md, docs/decisions.md). */

const waived = (stage: Extract<CooperationEvent, { type: 'CooperationGateItemWaived' }>['data']['stage'], itemId: string, occurredAt: string, justification = 'Justification écrite et argumentée'): CooperationEvent => ({
  type: 'CooperationGateItemWaived',
  occurredAt: at(occurredAt),
  data: { stage, itemId, justification },
});
const shares = (phase: 'PLANNED' | 'FINAL', split: [string, number][], occurredAt: string): CooperationEvent => ({
  type: 'CooperationShareholdingSet',
  occurredAt: at(occurredAt),
  data: { phase, shares: split.map(([organisationId, percent]) => ({ organisationId, percent })) },
});
const marketWith = (procedures: string[], occurredAt = '2025-01-12'): CooperationEvent => {
  const e = E.market(null, occurredAt) as Extract<CooperationEvent, { type: 'CooperationMarketRecorded' }>;
  return { ...e, data: { market: { ...e.data.market, procedures: procedures as never } } };
};
const recordMarket = (procedures: string[]) =>
  cmd('RecordMarket', { buyerName: 'Ville de Montreuil', cpvCode: '90911200', amountExclVat: 80000, durationMonths: 24, procedures: procedures as never });

// ---------------------------------------------------------------------------------------------
describe('JVS: the ESS majority may be waived (seed 001, Brise de Terre at 50/50)', () => {
  const capdife = org('org-capdife', 'ACI');
  const criee = org('org-criee', 'COMPANY');
  const inLaunch = (final: [number, number] | null): CooperationEvent[] => [
    E.proposed('JVS', '2016-01-10', { leadOrganisationId: capdife.id }),
    E.member(capdife, 'ASSOCIE', '2016-01-10'),
    E.member(criee, 'ASSOCIE', '2016-01-10'),
    ...['NOTE_DE_SYNTHESE', 'ACCORD_DE_PRINCIPE', 'BUSINESS_PLAN', 'PROJET_STATUTS', 'STATUTS', 'PACTE_ASSOCIES', 'NOTE_ORGANISATION_GOUVERNANCE'].map((k) => E.deliverable(k as never, 'DECISION', '2016-02-01')),
    shares('PLANNED', [[capdife.id, 51], [criee.id, 49]], '2016-02-01'),
    { type: 'CooperationStructureRegistered', occurredAt: at('2016-02-01'), data: { siren: '732829320', legalForm: 'SAS' } },
    E.advanced('DECISION', 'FEASIBILITY', '2016-03-01'),
    E.advanced('FEASIBILITY', 'LAUNCH', '2016-06-01'),
    ...(final ? [shares('FINAL', [[capdife.id, final[0]], [criee.id, final[1]]], '2017-06-01')] : []),
  ];
  const majorityWaived = waived('LAUNCH', 'final-shares-ess-majority', '2017-06-15', 'Gouvernance paritaire : chaque fondateur détient 50 % et trois administrateurs');

  it('takes a written waiver of the final ESS majority', () => {
    spec
      .given(inLaunch([50, 50]))
      .when(cmd('WaiveGateItem', { itemId: 'final-shares-ess-majority', justification: 'Gouvernance paritaire : chaque fondateur détient 50 %' }), ctx('2017-06-15'))
      .then([waived('LAUNCH', 'final-shares-ess-majority', '2017-06-15', 'Gouvernance paritaire : chaque fondateur détient 50 %')]);
  });
  it('enters OPERATION at 50/50 once the majority is waived, and not before', () => {
    spec.given(inLaunch([50, 50])).when(cmd('AdvanceStage', {}), ctx('2018-01-02')).thenThrows(DomainErrorCode.JVS_ESS_MAJORITY_REQUIRED);
    spec.given([...inLaunch([50, 50]), majorityWaived]).when(cmd('AdvanceStage', {}), ctx('2018-01-02')).then([E.advanced('LAUNCH', 'OPERATION', '2018-01-02')]);
  });
  it('still needs the whole capital: 100 % of final shares, even when the majority is waived', () => {
    spec.given([...inLaunch(null), majorityWaived]).when(cmd('AdvanceStage', {}), ctx('2018-01-02')).thenThrows(DomainErrorCode.SHARES_NOT_100, { defined: false });
    const left: CooperationEvent = { type: 'CooperationMemberAdded', occurredAt: at('2017-05-01'), data: { organisationId: ORGS.ei.id, organisationKind: 'EI', ess: true, role: 'ASSOCIE' } };
    const withThird = [...inLaunch(null), left, shares('FINAL', [[capdife.id, 40], [criee.id, 40], [ORGS.ei.id, 20]], '2017-06-01'), majorityWaived];
    const removed: CooperationEvent = { type: 'CooperationMemberRemoved', occurredAt: at('2017-07-01'), data: { organisationId: ORGS.ei.id, reason: null } };
    spec.given([...withThird, removed]).when(cmd('AdvanceStage', {}), ctx('2018-01-02')).thenThrows(DomainErrorCode.SHARES_NOT_100, { total: 80 });
  });
  it('keeps the waiver in OPERATION: a 50/50 final split may be set again, a total other than 100 % may not', () => {
    const inOperation = [...inLaunch([50, 50]), majorityWaived, E.advanced('LAUNCH', 'OPERATION', '2018-01-02')];
    spec.given(inOperation).when(cmd('SetShareholding', { phase: 'FINAL', shares: [{ organisationId: capdife.id, percent: 50 }, { organisationId: criee.id, percent: 50 }] }), ctx('2019-01-02')).events();
    spec.given(inOperation).when(cmd('SetShareholding', { phase: 'FINAL', shares: [{ organisationId: capdife.id, percent: 50 }, { organisationId: criee.id, percent: 40 }] }), ctx('2019-01-02')).thenThrows(DomainErrorCode.SHARES_NOT_100);
    expect(cooperationInvariantViolations(foldCooperation(inOperation))).toEqual([]);
    // Without the waiver, the same state breaks the permanent majority.
    expect(cooperationInvariantViolations(foldCooperation([...inLaunch([50, 50]), E.advanced('LAUNCH', 'OPERATION', '2018-01-02')]))).toEqual(['JVS_ESS_MAJORITY_REQUIRED']);
  });
});

// ---------------------------------------------------------------------------------------------
describe('GME: a reserved market admits only eligible cotraitants (seeds 000 and 001)', () => {
  const ea = org('org-ea', 'EA');
  const esat = org('org-esat', 'ESAT');
  const gme = (...others: ReturnType<typeof org>[]): CooperationEvent[] => [...gmeInDecision(), ...others.map((o) => E.member(o, 'COTRAITANT'))];

  it('refuses a market reserved to SIAE while an EA is a member, naming the member and the reservation', () => {
    const error = spec.given(gme(ea)).when(recordMarket(['RESERVED_SIAE', 'ADAPTED_PROCEDURE'])).thenThrows(DomainErrorCode.RESERVED_MARKET_MEMBER_NOT_ELIGIBLE, {
      organisationId: ea.id,
      organisationKind: 'EA',
      reservations: ['RESERVED_SIAE'],
    });
    expect(error.message).toContain(`La structure ${ea.id} (${organisationKindLabelsFr.EA}, ESS)`);
    expect(error.message).toContain('le marché est réservé aux SIAE');
  });
  it('takes the union of the reservations given together', () => {
    spec.given(gme(ea, esat)).when(recordMarket(['RESERVED_SIAE', 'RESERVED_EA_ESAT'])).events();
    spec.given(gme(ea)).when(recordMarket(['RESERVED_EA_ESAT'])).thenThrows(DomainErrorCode.RESERVED_MARKET_MEMBER_NOT_ELIGIBLE, { organisationId: ORGS.ai1.id });
  });
  it('admits ESS members only to a market reserved to the ESS, an ESUS company included', () => {
    spec.given(gme(ORGS.company)).when(recordMarket(['RESERVED_ESS'])).thenThrows(DomainErrorCode.RESERVED_MARKET_MEMBER_NOT_ELIGIBLE, { organisationId: ORGS.company.id, ess: false });
    spec.given(gme(ORGS.companyEss, ea)).when(recordMarket(['RESERVED_ESS'])).events();
  });
  it('admits anyone to a market that is not reserved', () => {
    spec.given(gme(ORGS.company, ea)).when(recordMarket(['SOCIAL_CLAUSE', 'OPEN_PROCEDURE'])).events();
  });
  it('refuses to add an ineligible member once a reserved market is recorded, by name when the lookup gives it', () => {
    const withMarket = [...gmeInDecision(), marketWith(['RESERVED_EA_ESAT', 'RESERVED_SIAE'])];
    const error = spec
      .given(withMarket)
      .when(cmd('AddMember', { organisation: { ...ORGS.company, name: 'Nettoyage Durand SAS' } }), ctx('2025-02-01'))
      .thenThrows(DomainErrorCode.RESERVED_MARKET_MEMBER_NOT_ELIGIBLE, { reservations: ['RESERVED_SIAE', 'RESERVED_EA_ESAT'] });
    expect(error.message).toBe(
      `Nettoyage Durand SAS (${organisationKindLabelsFr.COMPANY}, hors ESS) ne peut pas être membre du groupement : le marché est réservé aux SIAE ou aux EA et ESAT, et seules les structures habilitées à y répondre peuvent être cotraitantes.`,
    );
    spec.given(withMarket).when(cmd('AddMember', { organisation: esat }), ctx('2025-02-01')).then([E.member(esat, 'COTRAITANT', '2025-02-01')]);
  });
});

// ---------------------------------------------------------------------------------------------
describe('PTCE: the local authority link may be waived (law of 2014, art. 9: « en lien avec »)', () => {
  const ptce = (): CooperationEvent[] => [
    E.proposed('PTCE', '2013-01-10', { territory: { regionCode: '11', departementCodes: ['93'] }, leadOrganisationId: ORGS.aci.id }),
    E.member(ORGS.aci, 'ESS_ENTERPRISE', '2013-01-10'),
    E.member(ORGS.network, 'ESS_ENTERPRISE', '2013-01-10'),
    E.deliverable('NOTE_DE_SYNTHESE', 'DECISION', '2013-02-01'),
    E.advanced('DECISION', 'FEASIBILITY', '2013-02-15'),
    E.deliverable('ACCORD_DE_PRINCIPE', 'FEASIBILITY', '2013-03-01'),
  ];
  const linkWaived = waived('FEASIBILITY', 'local-authority-involved', '2013-03-10', 'Lien avec la commune sans adhésion au pôle');

  it('takes a written waiver, then leaves FEASIBILITY without a local authority member', () => {
    spec
      .given(ptce())
      .when(cmd('WaiveGateItem', { itemId: 'local-authority-involved', justification: 'Lien avec la commune sans adhésion au pôle' }), ctx('2013-03-10'))
      .then([linkWaived]);
    spec.given(ptce()).when(cmd('AdvanceStage', {}), ctx('2013-04-01')).thenThrows(DomainErrorCode.PTCE_LOCAL_AUTHORITY_REQUIRED);
    spec.given([...ptce(), linkWaived]).when(cmd('AdvanceStage', {}), ctx('2013-04-01')).then([E.advanced('FEASIBILITY', 'LAUNCH', '2013-04-01')]);
  });
  it('lets the last local authority leave after LAUNCH only when the link was waived', () => {
    const withTown = [...ptce(), E.member(ORGS.town, 'LOCAL_AUTHORITY', '2013-03-05')];
    const launched = (history: CooperationEvent[]) => [...history, E.advanced('FEASIBILITY', 'LAUNCH', '2013-04-01')];
    spec.given(launched(withTown)).when(cmd('RemoveMember', { organisationId: ORGS.town.id }), ctx('2014-01-01')).thenThrows(DomainErrorCode.PTCE_LOCAL_AUTHORITY_REQUIRED);
    spec.given(launched([...withTown, linkWaived])).when(cmd('RemoveMember', { organisationId: ORGS.town.id }), ctx('2014-01-01')).events();
    expect(cooperationInvariantViolations(foldCooperation(launched([...ptce(), linkWaived])))).toEqual([]);
    expect(cooperationInvariantViolations(foldCooperation(launched(ptce())))).toEqual(['PTCE_LOCAL_AUTHORITY_REQUIRED']);
  });
});

// ---------------------------------------------------------------------------------------------
describe('PTCE: a role for any other partner (law of 2014, art. 9: « toute autre personne physique ou morale »)', () => {
  it.each([ORGS.funder, ORGS.company, ORGS.ai1, ORGS.town])('admits %j as OTHER_PARTNER', (o) => {
    spec.given([E.proposed('PTCE')]).when(cmd('AddMember', { organisation: o, role: 'OTHER_PARTNER' }), ctx('2025-02-01')).then([E.member(o, 'OTHER_PARTNER', '2025-02-01')]);
  });
  it('is a PTCE role only', () => {
    spec.given([E.proposed('GIE')]).when(cmd('AddMember', { organisation: ORGS.funder, role: 'OTHER_PARTNER' })).thenThrows(DomainErrorCode.ROLE_NOT_ALLOWED);
  });
});

// ---------------------------------------------------------------------------------------------
describe('GME, GIE, GES and JVS bring at least two structures together', () => {
  const role = (kind: CooperationKind) => (kind === 'GME' ? 'COTRAITANT' : kind === 'JVS' ? 'ASSOCIE' : 'MEMBER');
  const two = (kind: CooperationKind): CooperationEvent[] => [
    E.proposed(kind),
    E.member(ORGS.ai1, role(kind)),
    E.member(ORGS.ei, role(kind)),
    ...(kind === 'GME' ? [E.mandataire(ORGS.ai1)] : []),
    E.deliverable('NOTE_DE_SYNTHESE'),
  ];
  const kinds: CooperationKind[] = ['GME', 'GIE', 'GES', 'JVS'];

  it.each(kinds)('%s: the two-members item cannot be waived', (kind) => {
    spec
      .given([E.proposed(kind), E.member(ORGS.ai1, role(kind))])
      .when(cmd('WaiveGateItem', { itemId: 'two-members', justification: 'Le second partenaire arrive plus tard' }))
      .thenThrows(DomainErrorCode.GATE_ITEM_NOT_WAIVABLE);
  });
  it('a PTCE may still waive it', () => {
    spec.given([E.proposed('PTCE'), E.member(ORGS.aci, 'ESS_ENTERPRISE')]).when(cmd('WaiveGateItem', { itemId: 'two-members', justification: 'Le second partenaire arrive plus tard' })).events();
  });
  it.each(kinds)('%s: leaving DECISION with one member says TWO_MEMBERS_REQUIRED', (kind) => {
    spec.given([E.proposed(kind), E.member(ORGS.ai1, role(kind)), E.deliverable('NOTE_DE_SYNTHESE')]).when(cmd('AdvanceStage', {}), ctx('2025-02-01')).thenThrows(DomainErrorCode.TWO_MEMBERS_REQUIRED);
  });
  it.each(kinds)('%s: from FEASIBILITY on, a removal may not leave fewer than two members', (kind) => {
    const inFeasibility = [...two(kind), E.advanced('DECISION', 'FEASIBILITY', '2025-02-01')];
    spec.given(inFeasibility).when(cmd('RemoveMember', { organisationId: ORGS.ei.id }), ctx('2025-03-01')).thenThrows(DomainErrorCode.TWO_MEMBERS_REQUIRED, { membersLeft: 1 });
    // With a third member, one may leave; in DECISION the partners may still part.
    spec.given([...inFeasibility, E.member(ORGS.aci, role(kind), '2025-02-10')]).when(cmd('RemoveMember', { organisationId: ORGS.ei.id }), ctx('2025-03-01')).events();
    spec.given(two(kind)).when(cmd('RemoveMember', { organisationId: ORGS.ei.id }), ctx('2025-01-20')).events();
  });
});

// ---------------------------------------------------------------------------------------------
describe('a GME is no legal person: no DISSOLVED outcome (seed 002)', () => {
  const gmeInOperation = (): CooperationEvent[] => [
    ...gmeInDecision(),
    E.market(),
    { type: 'CooperationMarketOutcomeRecorded', occurredAt: at('2025-03-01'), data: { outcome: 'AWARDED', startDate: '2025-04-01' } },
    E.advanced('DECISION', 'FEASIBILITY', '2025-02-01'),
    E.advanced('FEASIBILITY', 'LAUNCH', '2025-03-01'),
    E.advanced('LAUNCH', 'OPERATION', '2025-04-01'),
  ];
  it('refuses DISSOLVED for a GME and takes CONTRACT_ENDED', () => {
    spec.given(gmeInOperation()).when(cmd('CloseCooperation', { outcome: 'DISSOLVED' }), ctx('2025-06-01')).thenThrows(DomainErrorCode.CLOSE_OUTCOME_NOT_APPLICABLE, { kind: 'GME' });
    spec.given(gmeInOperation()).when(cmd('CloseCooperation', { outcome: 'CONTRACT_ENDED' }), ctx('2025-06-01')).events();
  });
  it('offers DISSOLVED to the kinds that create a structure only', () => {
    expect(closeOutcomesAt('GME', 'OPERATION')).not.toContain('DISSOLVED');
    for (const kind of ['GIE', 'GES', 'PTCE', 'JVS', 'ESSAIMAGE'] as const) expect(closeOutcomesAt(kind, 'OPERATION')).toContain('DISSOLVED');
  });
});

// ---------------------------------------------------------------------------------------------
describe('abandon for incompatible economic models (seed 002, brakes)', () => {
  it('records ECONOMIC_MODEL_MISMATCH', () => {
    spec
      .given([E.proposed('GIE'), E.member(ORGS.ai1, 'MEMBER')])
      .when(cmd('AbandonCooperation', { reason: 'ECONOMIC_MODEL_MISMATCH' }), ctx('2025-02-01'))
      .then([{ type: 'CooperationAbandoned', occurredAt: at('2025-02-01'), data: { stage: 'DECISION', reason: 'ECONOMIC_MODEL_MISMATCH', reasonText: null } }]);
  });
});

// ---------------------------------------------------------------------------------------------
describe('French labels', () => {
  const ctxNames = { organisationName: () => 'Capdife', indicatorLabel: () => undefined, gateItemLabel: () => undefined };
  it('agrees the participle with the kind', () => {
    const proposed = (kind: CooperationKind) =>
      cooperationEventDetailsFr({ type: 'CooperationProposed', data: { cooperationId: 'c', kind, name: 'Brise de Terre', objectives: [], territory: { regionCode: '76', departementCodes: ['34'] }, sectors: [], leadOrganisationId: 'x', renewedFrom: null } }, ctxNames);
    expect(proposed('JVS')).toBe('Joint-venture sociale (JVS) « Brise de Terre » proposée par Capdife');
    for (const kind of ['GME', 'GIE', 'GES', 'PTCE', 'ESSAIMAGE'] as const) expect(proposed(kind)).toMatch(/ proposé par Capdife$/);
  });
  it('keeps acronyms in capitals inside a sentence', () => {
    expect(cooperationEventDetailsFr({ type: 'CooperationMemberAdded', data: { organisationId: 'x', organisationKind: 'SCOP', ess: true, role: 'ESS_ENTERPRISE' } }, ctxNames)).toBe("Capdife rejoint la coopération (entreprise de l'ESS)");
    expect(lowerFirstFr("ESAT et EA")).toBe('ESAT et EA');
    expect(lowerFirstFr('Autre partenaire')).toBe('autre partenaire');
  });
  it('names the GIE’s founding act a constitutive contract, the other kinds’ statutes', () => {
    expect(gateItemLabelFr('statutes-signed', 'GIE')).toBe('Contrat constitutif du GIE signé');
    expect(gateItemLabelFr('statutes-signed', 'JVS')).toBe('Statuts signés');
    expect(gateItemLabelFr('draft-statutes', 'JVS')).toBe('Projet de statuts (objectif social inscrit)');
    expect(organisationKindLabelsFr.ESAT).toBe("Établissement ou service d'aide par le travail (ESAT)");
    expect(organisationKindLabelsFr.LOCAL_AUTHORITY).toBe('Collectivité territoriale ou groupement');
  });
});

// ---------------------------------------------------------------------------------------------
describe('histories stored under the former rules still fold (validation is decide’s, never evolve’s)', () => {
  it('folds a waiver of an item now imperative, a GME closed as DISSOLVED and a reserved market with ineligible members', () => {
    const history: CooperationEvent[] = [
      E.proposed('GME'),
      E.member(ORGS.ai1, 'COTRAITANT'),
      E.member(ORGS.company, 'COTRAITANT'),
      E.mandataire(ORGS.ai1),
      marketWith(['RESERVED_SIAE']),
      waived('DECISION', 'two-members', '2025-01-15', 'Le second cotraitant rejoint plus tard'),
      E.advanced('DECISION', 'FEASIBILITY', '2025-02-01'),
      { type: 'CooperationMemberRemoved', occurredAt: at('2025-02-10'), data: { organisationId: ORGS.company.id, reason: null } },
      { type: 'CooperationMarketOutcomeRecorded', occurredAt: at('2025-03-01'), data: { outcome: 'AWARDED', startDate: '2025-04-01' } },
      E.advanced('FEASIBILITY', 'LAUNCH', '2025-03-01'),
      E.advanced('LAUNCH', 'OPERATION', '2025-04-01'),
      E.closed('OPERATION', 'DISSOLVED', '2025-06-01'),
    ];
    const state = foldCooperation(history) as Cooperation;
    expect(state).toMatchObject({ status: 'CLOSED', closure: { outcome: 'DISSOLVED' }, members: [{ organisationId: ORGS.ai1.id }] });
    // The stored waiver of a now-imperative item is shown as missing, never as an error.
    expect(gateStatus(state, 'DECISION').items.find((i) => i.id === 'two-members')).toMatchObject({ status: 'MISSING', waivable: false });
    for (const e of history) expect(cooperationEventDetailsFr(e, { organisationName: () => undefined, indicatorLabel: () => undefined, gateItemLabel: (id) => gateItemLabelFr(id, 'GME') })).toMatch(/\S/);
    // The invariant checker reports the broken rule; it does not throw.
    expect(cooperationInvariantViolations(state)).toEqual(['TWO_MEMBERS_REQUIRED']);

    const ptce: CooperationEvent[] = [
      E.proposed('PTCE', '2025-01-10', { territory: { regionCode: '11', departementCodes: ['93'] }, leadOrganisationId: ORGS.lab.id }),
      E.member(ORGS.lab, 'RESEARCH'),
      E.member(ORGS.town, 'LOCAL_AUTHORITY'),
      E.advanced('DECISION', 'FEASIBILITY', '2025-02-01'),
      waived('FEASIBILITY', 'ess-enterprise-member', '2025-02-10'),
      E.advanced('FEASIBILITY', 'LAUNCH', '2025-03-01'),
    ];
    expect(() => gateStatus(foldCooperation(ptce), 'FEASIBILITY')).not.toThrow();
    expect(cooperationInvariantViolations(foldCooperation(ptce))).toEqual(['PTCE_ESS_ENTERPRISE_REQUIRED']);
  });
});
