import { DomainErrorCode, type CooperationEvent } from '@maillage/domain';
import { E, ORGS, at, cmd, ctx, gmeInDecision, spec } from './fixtures';

const market = (over: Record<string, unknown> = {}) =>
  cmd('RecordMarket', {
    buyerName: 'Département de Maine-et-Loire',
    cpvCode: '75231240-8',
    amountExclVat: 170000,
    durationMonths: 12,
    procedures: ['ADAPTED_PROCEDURE', 'RESERVED_SIAE'],
    lots: [{ number: 1, label: 'Remplacements en collèges' }],
    bidDeadline: '2025-03-15T12:00:00.000Z',
    ...over,
  } as never);

describe('GME', () => {
  it('SetGmeForm records the form', () => {
    spec
      .given(gmeInDecision())
      .when(cmd('SetGmeForm', { form: 'SOLIDAIRE' }), ctx('2025-01-20'))
      .then([{ type: 'CooperationGmeFormSet', occurredAt: at('2025-01-20'), data: { form: 'SOLIDAIRE' } }]);
  });
  it('SetGmeForm rejects an unknown form and other kinds', () => {
    spec.given(gmeInDecision()).when(cmd('SetGmeForm', { form: 'MIXTE' } as never)).thenThrows(DomainErrorCode.VALIDATION_FAILED);
    spec.given([E.proposed('GIE')]).when(cmd('SetGmeForm', { form: 'CONJOINT' })).thenThrows(DomainErrorCode.NOT_APPLICABLE_TO_KIND);
  });
  it('RecordMarket records buyer, CPV, amount, duration, procedures and lots', () => {
    const [e] = spec.given(gmeInDecision()).when(market()).events();
    expect(e.data).toEqual({
      market: {
        buyerName: 'Département de Maine-et-Loire',
        buyerOrganisationId: null,
        cpvCode: '75231240-8',
        amountExclVat: 170000,
        durationMonths: 12,
        procedures: ['ADAPTED_PROCEDURE', 'RESERVED_SIAE'],
        lots: [{ number: 1, label: 'Remplacements en collèges' }],
        bidDeadline: '2025-03-15T12:00:00.000Z',
      },
    });
  });
  it.each([
    [{ cpvCode: 'ABC' }],
    [{ amountExclVat: -1 }],
    [{ amountExclVat: 10.001 }],
    [{ durationMonths: 0 }],
    [{ procedures: [] }],
    [{ procedures: ['NEGOTIATED_BY_PHONE'] }],
    [{ lots: [{ number: 0, label: 'x' }] }],
    [{ bidDeadline: 'soon' }],
  ])('RecordMarket rejects malformed input %j', (over) => {
    spec.given(gmeInDecision()).when(market(over)).thenThrows(DomainErrorCode.VALIDATION_FAILED);
  });
  // The brief's GME answers "one public or private contract"; the CPV classifies public procurement.
  it('RecordMarket takes a private contract without a CPV code, and only a private one', () => {
    const [e] = spec.given(gmeInDecision()).when(market({ cpvCode: undefined, procedures: ['PRIVATE_CONTRACT'], bidDeadline: undefined })).events();
    expect(e.data).toMatchObject({ market: { buyerName: 'Département de Maine-et-Loire', cpvCode: null, procedures: ['PRIVATE_CONTRACT'] } });
    spec.given(gmeInDecision()).when(market({ cpvCode: null, procedures: ['PRIVATE_CONTRACT'] })).events();
    spec.given(gmeInDecision()).when(market({ cpvCode: undefined })).thenThrows(DomainErrorCode.VALIDATION_FAILED, { field: 'cpvCode', value: null });
    spec.given(gmeInDecision()).when(market({ cpvCode: null, procedures: ['PRIVATE_CONTRACT', 'SOCIAL_CLAUSE'] })).thenThrows(DomainErrorCode.VALIDATION_FAILED, { field: 'cpvCode' });
    // A private contract's CPV, when given, is still checked.
    spec.given(gmeInDecision()).when(market({ cpvCode: '123', procedures: ['PRIVATE_CONTRACT'] })).thenThrows(DomainErrorCode.VALIDATION_FAILED, { field: 'cpvCode', value: '123' });
  });
  it('RecordMarket is GME only', () => {
    spec.given([E.proposed('JVS')]).when(market()).thenThrows(DomainErrorCode.NOT_APPLICABLE_TO_KIND);
  });
  it('RecordMarketOutcome AWARDED records the start date', () => {
    spec
      .given([...gmeInDecision(), E.market()])
      .when(cmd('RecordMarketOutcome', { outcome: 'AWARDED', startDate: '2025-05-01' }), ctx('2025-04-01'))
      .then([{ type: 'CooperationMarketOutcomeRecorded', occurredAt: at('2025-04-01'), data: { outcome: 'AWARDED', startDate: '2025-05-01' } }]);
  });
  it('RecordMarketOutcome AWARDED requires a start date', () => {
    spec.given([...gmeInDecision(), E.market()]).when(cmd('RecordMarketOutcome', { outcome: 'AWARDED' })).thenThrows(DomainErrorCode.VALIDATION_FAILED, { field: 'startDate' });
  });
  it('a lost tender closes the GME with outcome TENDER_LOST', () => {
    spec
      .given([...gmeInDecision(), E.market()])
      .when(cmd('RecordMarketOutcome', { outcome: 'LOST' }), ctx('2025-04-01'))
      .then([
        { type: 'CooperationMarketOutcomeRecorded', occurredAt: at('2025-04-01'), data: { outcome: 'LOST', startDate: null } },
        { type: 'CooperationClosed', occurredAt: at('2025-04-01'), data: { stage: 'DECISION', outcome: 'TENDER_LOST', comment: null } },
      ]);
  });
  it('RecordMarketOutcome requires a market and only once', () => {
    spec.given(gmeInDecision()).when(cmd('RecordMarketOutcome', { outcome: 'LOST' })).thenThrows(DomainErrorCode.MARKET_REQUIRED);
    const awarded: CooperationEvent = { type: 'CooperationMarketOutcomeRecorded', occurredAt: at('2025-04-01'), data: { outcome: 'AWARDED', startDate: '2025-05-01' } };
    spec.given([...gmeInDecision(), E.market(), awarded]).when(cmd('RecordMarketOutcome', { outcome: 'LOST' })).thenThrows(DomainErrorCode.MARKET_OUTCOME_ALREADY_RECORDED);
    spec.given([...gmeInDecision(), E.market(), awarded]).when(market()).thenThrows(DomainErrorCode.MARKET_OUTCOME_ALREADY_RECORDED);
  });
  it('cannot leave FEASIBILITY without a market (invariant, not waivable)', () => {
    const inFeasibility = [...gmeInDecision(), E.deliverable('NOTE_DE_SYNTHESE'), E.advanced('DECISION', 'FEASIBILITY', '2025-02-01'), E.deliverable('ACCORD_DE_PRINCIPE', 'FEASIBILITY')];
    spec.given(inFeasibility).when(cmd('AdvanceStage', {}), ctx('2025-03-01')).thenThrows(DomainErrorCode.MARKET_REQUIRED);
  });
  it('cannot reach OPERATION before the award', () => {
    const inLaunch = [
      ...gmeInDecision(),
      E.market(),
      E.deliverable('NOTE_DE_SYNTHESE'),
      E.deliverable('ACCORD_DE_PRINCIPE'),
      E.deliverable('CONVENTION_GME'),
      E.deliverable('NOTE_ORGANISATION_GOUVERNANCE'),
      { type: 'CooperationGmeFormSet', occurredAt: at('2025-01-12'), data: { form: 'CONJOINT' } } as CooperationEvent,
      E.advanced('DECISION', 'FEASIBILITY', '2025-02-01'),
      E.advanced('FEASIBILITY', 'LAUNCH', '2025-03-01'),
    ];
    spec.given(inLaunch).when(cmd('AdvanceStage', {}), ctx('2025-04-01')).thenThrows(DomainErrorCode.GATE_NOT_SATISFIED, { missing: ['market-awarded'] });
  });
});

describe('JVS', () => {
  const jvs = (): CooperationEvent[] => [
    E.proposed('JVS', '2015-06-01', { leadOrganisationId: ORGS.network.id }),
    E.member(ORGS.network, 'ASSOCIE', '2015-06-01'),
    E.member(ORGS.company, 'ASSOCIE', '2015-06-01'),
    E.member(ORGS.ei, 'ASSOCIE', '2015-06-01'),
  ];
  const shares = (phase: 'PLANNED' | 'FINAL', a: number, b: number, c: number) =>
    cmd('SetShareholding', { phase, shares: [{ organisationId: ORGS.network.id, percent: a }, { organisationId: ORGS.company.id, percent: b }, { organisationId: ORGS.ei.id, percent: c }] });

  it('SetShareholding records planned shares', () => {
    const [e] = spec.given(jvs()).when(shares('PLANNED', 40, 40, 20)).events();
    expect(e).toMatchObject({ type: 'CooperationShareholdingSet', data: { phase: 'PLANNED', shares: [{ percent: 40 }, { percent: 40 }, { percent: 20 }] } });
  });
  it('rejects shares that do not total 100%', () => {
    spec.given(jvs()).when(shares('PLANNED', 40, 40, 10)).thenThrows(DomainErrorCode.SHARES_NOT_100, { total: 90 });
  });
  it('rejects shares held by a non-associé', () => {
    spec
      .given(jvs())
      .when(cmd('SetShareholding', { phase: 'PLANNED', shares: [{ organisationId: 'stranger', percent: 100 }] }))
      .thenThrows(DomainErrorCode.SHAREHOLDER_NOT_ASSOCIE);
  });
  it('is JVS only', () => {
    spec.given(gmeInDecision()).when(cmd('SetShareholding', { phase: 'PLANNED', shares: [{ organisationId: ORGS.ai1.id, percent: 100 }] })).thenThrows(DomainErrorCode.NOT_APPLICABLE_TO_KIND);
  });

  const inLaunch = (finalShares: [number, number, number] | null): CooperationEvent[] => [
    ...jvs(),
    ...['NOTE_DE_SYNTHESE', 'ACCORD_DE_PRINCIPE', 'BUSINESS_PLAN', 'PROJET_STATUTS', 'STATUTS', 'PACTE_ASSOCIES', 'NOTE_ORGANISATION_GOUVERNANCE'].map((k) =>
      E.deliverable(k as never, 'DECISION', '2015-07-01'),
    ),
    { type: 'CooperationShareholdingSet', occurredAt: at('2015-07-01'), data: { phase: 'PLANNED', shares: [{ organisationId: ORGS.network.id, percent: 51 }, { organisationId: ORGS.company.id, percent: 49 }] } },
    ...(finalShares
      ? [{ type: 'CooperationShareholdingSet', occurredAt: at('2015-07-01'), data: { phase: 'FINAL', shares: [{ organisationId: ORGS.network.id, percent: finalShares[0] }, { organisationId: ORGS.company.id, percent: finalShares[1] }, { organisationId: ORGS.ei.id, percent: finalShares[2] }] } } as CooperationEvent]
      : []),
    { type: 'CooperationStructureRegistered', occurredAt: at('2015-07-01'), data: { siren: '732829320', legalForm: 'SAS' } },
    E.advanced('DECISION', 'FEASIBILITY', '2015-08-01'),
    E.advanced('FEASIBILITY', 'LAUNCH', '2015-09-01'),
  ];

  it('cannot reach OPERATION without a final shareholding', () => {
    spec.given(inLaunch(null)).when(cmd('AdvanceStage', {}), ctx('2016-01-01')).thenThrows(DomainErrorCode.JVS_ESS_MAJORITY_REQUIRED);
  });
  it('cannot reach OPERATION when ESS associés hold 50% or less', () => {
    spec.given(inLaunch([30, 50, 20])).when(cmd('AdvanceStage', {}), ctx('2016-01-01')).thenThrows(DomainErrorCode.JVS_ESS_MAJORITY_REQUIRED);
  });
  it('cannot reach OPERATION when the final capital no longer totals 100% (an associé left)', () => {
    const left: CooperationEvent = { type: 'CooperationMemberRemoved', occurredAt: at('2015-12-01'), data: { organisationId: ORGS.ei.id, reason: null } };
    spec.given([...inLaunch([60, 29, 11]), left]).when(cmd('AdvanceStage', {}), ctx('2016-01-01')).thenThrows(DomainErrorCode.SHARES_NOT_100, { total: 89 });
  });
  it('reaches OPERATION with an ESS majority', () => {
    expect(spec.given(inLaunch([40, 49, 11])).when(cmd('AdvanceStage', {}), ctx('2016-01-01')).events()).toEqual([
      E.advanced('LAUNCH', 'OPERATION', '2016-01-01'),
    ]);
  });
  it('keeps the ESS majority in OPERATION', () => {
    const inOperation = [...inLaunch([40, 49, 11]), E.advanced('LAUNCH', 'OPERATION', '2016-01-01')];
    spec.given(inOperation).when(shares('FINAL', 20, 60, 20), ctx('2016-06-01')).thenThrows(DomainErrorCode.JVS_ESS_MAJORITY_REQUIRED);
    spec.given(inOperation).when(cmd('RemoveMember', { organisationId: ORGS.ei.id }), ctx('2016-06-01')).thenThrows(DomainErrorCode.SHARES_NOT_100);
  });
  // The brief: "an ESS structure and a mainstream company create a new social enterprise together".
  it('leaves FEASIBILITY only with an associé outside the ESS, unless that item is waived', () => {
    const inFeasibility = (associes: typeof ORGS.network[]): CooperationEvent[] => [
      E.proposed('JVS', '2015-06-01', { leadOrganisationId: ORGS.network.id }),
      ...associes.map((o) => E.member(o, 'ASSOCIE', '2015-06-01')),
      ...['NOTE_DE_SYNTHESE', 'ACCORD_DE_PRINCIPE', 'BUSINESS_PLAN', 'PROJET_STATUTS'].map((k) => E.deliverable(k as never, 'DECISION', '2015-07-01')),
      { type: 'CooperationShareholdingSet', occurredAt: at('2015-07-01'), data: { phase: 'PLANNED', shares: associes.map((o, i) => ({ organisationId: o.id, percent: i === 0 ? 60 : 40 / (associes.length - 1) })) } },
      E.advanced('DECISION', 'FEASIBILITY', '2015-08-01'),
    ];
    const essOnly = inFeasibility([ORGS.network, ORGS.ei]);
    spec.given(essOnly).when(cmd('AdvanceStage', {}), ctx('2015-09-01')).thenThrows(DomainErrorCode.GATE_NOT_SATISFIED, { missing: ['ess-and-mainstream-partners'] });
    spec.given(inFeasibility([ORGS.network, ORGS.company])).when(cmd('AdvanceStage', {}), ctx('2015-09-01')).then([E.advanced('FEASIBILITY', 'LAUNCH', '2015-09-01')]);
    const waived: CooperationEvent = {
      type: 'CooperationGateItemWaived',
      occurredAt: at('2015-08-15'),
      data: { stage: 'FEASIBILITY', itemId: 'ess-and-mainstream-partners', justification: 'Le partenaire classique entre au capital au lancement' },
    };
    spec.given([...essOnly, waived]).when(cmd('AdvanceStage', {}), ctx('2015-09-01')).then([E.advanced('FEASIBILITY', 'LAUNCH', '2015-09-01')]);
  });
  it('RecordStructureRegistration validates the SIREN and is not for a GME', () => {
    spec.given(jvs()).when(cmd('RecordStructureRegistration', { siren: '732829321' })).thenThrows(DomainErrorCode.INVALID_SIREN);
    spec
      .given(jvs())
      .when(cmd('RecordStructureRegistration', { siren: '732 829 320', legalForm: 'SAS' }), ctx('2016-01-01'))
      .then([{ type: 'CooperationStructureRegistered', occurredAt: at('2016-01-01'), data: { siren: '732829320', legalForm: 'SAS' } }]);
    spec.given(gmeInDecision()).when(cmd('RecordStructureRegistration', { siren: '732829320' })).thenThrows(DomainErrorCode.NOT_APPLICABLE_TO_KIND);
  });
});

describe('PTCE', () => {
  const ptce = (departementCodes: string[], withTown: boolean): CooperationEvent[] => [
    E.proposed('PTCE', '2025-01-10', { territory: { regionCode: '11', departementCodes }, leadOrganisationId: ORGS.aci.id }),
    E.member(ORGS.aci, 'ESS_ENTERPRISE'),
    E.member(ORGS.lab, 'RESEARCH'),
    ...(withTown ? [E.member(ORGS.town, 'LOCAL_AUTHORITY')] : []),
    E.deliverable('NOTE_DE_SYNTHESE'),
    E.deliverable('ACCORD_DE_PRINCIPE'),
    E.advanced('DECISION', 'FEASIBILITY', '2025-02-01'),
  ];
  it('needs a territory before LAUNCH', () => {
    spec.given(ptce([], true)).when(cmd('AdvanceStage', {}), ctx('2025-03-01')).thenThrows(DomainErrorCode.PTCE_TERRITORY_REQUIRED);
  });
  it('needs a local-authority member before LAUNCH', () => {
    spec.given(ptce(['93'], false)).when(cmd('AdvanceStage', {}), ctx('2025-03-01')).thenThrows(DomainErrorCode.PTCE_LOCAL_AUTHORITY_REQUIRED);
  });
  // Law of 2014, art. 9: « constitués par le regroupement [...] d'entreprises de l'ESS »: not waivable.
  it('leaves FEASIBILITY only with an ESS enterprise among its members, and that item cannot be waived', () => {
    const noEss: CooperationEvent[] = [
      E.proposed('PTCE', '2025-01-10', { territory: { regionCode: '11', departementCodes: ['93'] }, leadOrganisationId: ORGS.lab.id }),
      E.member(ORGS.lab, 'RESEARCH'),
      E.member(ORGS.company, 'COMPANY'),
      E.member(ORGS.town, 'LOCAL_AUTHORITY'),
      E.deliverable('NOTE_DE_SYNTHESE'),
      E.deliverable('ACCORD_DE_PRINCIPE'),
      E.advanced('DECISION', 'FEASIBILITY', '2025-02-01'),
    ];
    spec.given(noEss).when(cmd('AdvanceStage', {}), ctx('2025-03-01')).thenThrows(DomainErrorCode.PTCE_ESS_ENTERPRISE_REQUIRED, { missing: ['ess-enterprise-member'] });
    spec
      .given(noEss)
      .when(cmd('WaiveGateItem', { itemId: 'ess-enterprise-member', justification: 'Les structures de l’ESS adhèrent au lancement' }), ctx('2025-02-15'))
      .thenThrows(DomainErrorCode.GATE_ITEM_NOT_WAIVABLE);
    // A waiver stored while the item was waivable still folds, but no longer opens the gate.
    const waived: CooperationEvent = {
      type: 'CooperationGateItemWaived',
      occurredAt: at('2025-02-15'),
      data: { stage: 'FEASIBILITY', itemId: 'ess-enterprise-member', justification: 'Les structures de l’ESS adhèrent à l’association du pôle au lancement' },
    };
    spec.given([...noEss, waived]).when(cmd('AdvanceStage', {}), ctx('2025-03-01')).thenThrows(DomainErrorCode.PTCE_ESS_ENTERPRISE_REQUIRED);
  });
  it('keeps an ESS enterprise from LAUNCH on', () => {
    // Led by the laboratory here, so that the ESS enterprise may be the one leaving (the lead stays).
    const ledByLab = (events: CooperationEvent[]) =>
      events.map((e) => (e.type === 'CooperationProposed' ? { ...e, data: { ...e.data, leadOrganisationId: ORGS.lab.id } } : e));
    const ptceLedByLab = (departementCodes: string[], withTown: boolean) => ledByLab(ptce(departementCodes, withTown));
    const inLaunch = [...ptceLedByLab(['93'], true), E.advanced('FEASIBILITY', 'LAUNCH', '2025-03-01')];
    spec.given(inLaunch).when(cmd('RemoveMember', { organisationId: ORGS.aci.id }), ctx('2025-04-01')).thenThrows(DomainErrorCode.PTCE_ESS_ENTERPRISE_REQUIRED);
    // Another ESS enterprise may take over; before LAUNCH the last one may leave.
    spec.given([...inLaunch, E.member(ORGS.ei, 'ESS_ENTERPRISE', '2025-03-10')]).when(cmd('RemoveMember', { organisationId: ORGS.aci.id }), ctx('2025-04-01')).events();
    spec.given(ptceLedByLab(['93'], true)).when(cmd('RemoveMember', { organisationId: ORGS.aci.id }), ctx('2025-02-10')).events();
  });
  it('enters LAUNCH with both and then keeps them', () => {
    const events = [...ptce(['93'], true), E.advanced('FEASIBILITY', 'LAUNCH', '2025-03-01')];
    spec.given(ptce(['93'], true)).when(cmd('AdvanceStage', {}), ctx('2025-03-01')).then([E.advanced('FEASIBILITY', 'LAUNCH', '2025-03-01')]);
    spec.given(events).when(cmd('RemoveMember', { organisationId: ORGS.town.id }), ctx('2025-04-01')).thenThrows(DomainErrorCode.PTCE_LOCAL_AUTHORITY_REQUIRED);
    spec.given(events).when(cmd('SetTerritory', { territory: { regionCode: '11', departementCodes: [] } }), ctx('2025-04-01')).thenThrows(DomainErrorCode.PTCE_TERRITORY_REQUIRED);
  });
});

describe('Essaimage', () => {
  const essaimage = (): CooperationEvent[] => [
    E.proposed('ESSAIMAGE', '2007-01-10', { leadOrganisationId: ORGS.aci.id, territory: { regionCode: '11', departementCodes: ['91'] } }),
    E.member(ORGS.aci, 'PARENT', '2007-01-10'),
  ];
  it('ChooseEssaimageStrategy records the strategy and target territories', () => {
    spec
      .given(essaimage())
      .when(cmd('ChooseEssaimageStrategy', { strategy: 'DUPLICATION_SOUPLE', targetTerritories: [{ regionCode: '11', departementCode: '91' }] }), ctx('2007-02-01'))
      .then([{ type: 'CooperationEssaimageStrategyChosen', occurredAt: at('2007-02-01'), data: { strategy: 'DUPLICATION_SOUPLE', targetTerritories: [{ regionCode: '11', departementCode: '91' }] } }]);
  });
  it('ChooseEssaimageStrategy rejects an unknown strategy, a bad territory and other kinds', () => {
    spec.given(essaimage()).when(cmd('ChooseEssaimageStrategy', { strategy: 'CLONE' } as never)).thenThrows(DomainErrorCode.VALIDATION_FAILED);
    spec.given(essaimage()).when(cmd('ChooseEssaimageStrategy', { strategy: 'FRANCHISE_SOUPLE', targetTerritories: [{ regionCode: '11', departementCode: '49' }] })).thenThrows(DomainErrorCode.INVALID_TERRITORY);
    spec.given(gmeInDecision()).when(cmd('ChooseEssaimageStrategy', { strategy: 'FRANCHISE_SOUPLE' })).thenThrows(DomainErrorCode.NOT_APPLICABLE_TO_KIND);
  });
  it('OpenSite records a new site with its territory', () => {
    spec
      .given(essaimage())
      .when(cmd('OpenSite', { siteId: 'site-ulis', name: 'Atelier des Ulis', location: { regionCode: '11', departementCode: '91' }, openedOn: '2007-09-01' }), ctx('2007-09-01'))
      .then([{ type: 'CooperationSiteOpened', occurredAt: at('2007-09-01'), data: { siteId: 'site-ulis', name: 'Atelier des Ulis', location: { regionCode: '11', departementCode: '91' }, operatorOrganisationId: null, openedOn: '2007-09-01' } }]);
  });
  it('OpenSite rejects a missing territory, a duplicate id and other kinds', () => {
    spec.given(essaimage()).when(cmd('OpenSite', { siteId: 's', name: 'x', location: {} as never, openedOn: '2007-09-01' })).thenThrows(DomainErrorCode.INVALID_TERRITORY);
    const opened: CooperationEvent = { type: 'CooperationSiteOpened', occurredAt: at('2007-09-01'), data: { siteId: 's', name: 'x', location: { regionCode: '11', departementCode: '91' }, operatorOrganisationId: null, openedOn: '2007-09-01' } };
    spec.given([...essaimage(), opened]).when(cmd('OpenSite', { siteId: 's', name: 'y', location: { regionCode: '11', departementCode: '91' }, openedOn: '2008-09-01' })).thenThrows(DomainErrorCode.ALREADY_EXISTS);
    spec.given(gmeInDecision()).when(cmd('OpenSite', { siteId: 's', name: 'x', location: { regionCode: '11', departementCode: '91' }, openedOn: '2007-09-01' })).thenThrows(DomainErrorCode.NOT_APPLICABLE_TO_KIND);
  });
});
