import { calendarDateFr, cooperationEventDetailsFr, organisationIdsOfEvent, type CooperationEvent } from '@maillage/domain';

const names: Record<string, string> = { 'petit-plus': 'Le Petit Plus', 'regie-stains': 'Régie de quartier de Stains', region: 'Région Île-de-France' };
const context = {
  organisationName: (id: string) => names[id],
  indicatorLabel: (id: string) => (id === 'i1' ? "ETP d'insertion" : undefined),
  gateItemLabel: (id: string) => (id === 'business-plan' ? 'Business plan' : undefined),
};
const details = (type: CooperationEvent['type'], data: unknown) => cooperationEventDetailsFr({ type, data } as CooperationEvent, context);

describe('French details of cooperation events (history)', () => {
  it('names organisations, roles, stages, amounts and dates the French way', () => {
    expect(details('CooperationProposed', { cooperationId: 'c', kind: 'GME', name: 'Collecte des cartons', objectives: [], territory: { regionCode: '11', departementCodes: ['93'] }, sectors: [], leadOrganisationId: 'petit-plus', renewedFrom: null }))
      .toBe("Groupement momentané d'entreprises (GME) « Collecte des cartons » proposé par Le Petit Plus");
    expect(details('CooperationMemberAdded', { organisationId: 'regie-stains', organisationKind: 'REGIE', ess: true, role: 'COTRAITANT' })).toBe('Régie de quartier de Stains rejoint la coopération (cotraitant)');
    expect(details('CooperationMemberRemoved', { organisationId: 'regie-stains', reason: 'Fin du chantier' })).toBe('Régie de quartier de Stains quitte la coopération : Fin du chantier');
    expect(details('CooperationMandataireDesignated', { organisationId: 'petit-plus' })).toBe('Mandataire du groupement : Le Petit Plus');
    expect(details('CooperationStageAdvanced', { from: 'DECISION', to: 'FEASIBILITY' })).toBe('Décision → Faisabilité');
    expect(details('CooperationFundingGranted', { fundingId: 'f', funderOrganisationId: 'region', programme: 'FDI', amount: 12500.5, period: { start: '2025-03-01', end: null } }))
      .toBe('Région Île-de-France accorde 12\u202f500,50\u00a0€ (FDI), depuis le 1er mars 2025');
    expect(details('CooperationFundingDisbursed', { fundingId: 'f', funderOrganisationId: 'region', amount: 3000, disbursedOn: '2025-04-15' })).toBe('Versement de 3\u202f000\u00a0€ par Région Île-de-France le 15 avril 2025');
    expect(details('CooperationMeasurementRecorded', { indicatorId: 'i1', criterionId: 'k', period: { start: '2025-01-01', end: '2025-12-31' }, value: 14.4 })).toBe("ETP d'insertion : 14,4, du 1er janvier 2025 au 31 décembre 2025");
    expect(details('CooperationGateItemWaived', { stage: 'FEASIBILITY', itemId: 'business-plan', justification: 'Plan repris du projet initial' })).toBe('Dérogation pour « Business plan » : Plan repris du projet initial');
    expect(details('CooperationTerritorySet', { territory: { regionCode: '52', departementCodes: ['49'] }, sectors: ['STAFFING'] })).toMatch(/^Territoire : Pays de la Loire \(Maine-et-Loire\) ; secteurs : /);
  });

  it('falls back on the id for an organisation the directory does not know, and never shows an enum code', () => {
    expect(details('CooperationMemberAdded', { organisationId: 'inconnue', organisationKind: 'EI', ess: true, role: 'MEMBER' })).toBe('inconnue rejoint la coopération (membre)');
    const samples: [CooperationEvent['type'], unknown][] = [
      ['CooperationGmeFormSet', { form: 'SOLIDAIRE' }],
      ['CooperationMarketRecorded', { market: { buyerName: 'Plaine Commune', cpvCode: null, amountExclVat: 170000, durationMonths: 12, procedures: ['PRIVATE_CONTRACT'], lots: [], bidDeadline: '2025-06-01' } }],
      ['CooperationMarketOutcomeRecorded', { outcome: 'AWARDED', startDate: '2025-09-01' }],
      ['CooperationShareholdingSet', { phase: 'FINAL', shares: [{ organisationId: 'petit-plus', percent: 51 }, { organisationId: 'regie-stains', percent: 49 }] }],
      ['CooperationEssaimageStrategyChosen', { strategy: 'DUPLICATION_SOUPLE', targetTerritories: [{ regionCode: '11', departementCode: '91' }] }],
      ['CooperationSiteOpened', { siteId: 's', name: 'SoliCycle Évry', location: { regionCode: '11', departementCode: '91' }, operatorOrganisationId: null, openedOn: '2008-09-01' }],
      ['CooperationStructureRegistered', { siren: '732829320', legalForm: 'SAS' }],
      ['CooperationDeliverableRecorded', { deliverableId: 'd', kind: 'NOTE_DE_SYNTHESE', stage: 'DECISION', documentRef: null, title: null }],
      ['CooperationStageReopened', { from: 'FEASIBILITY', to: 'DECISION', reason: 'Partenaire retiré' }],
      ['CooperationAbandoned', { stage: 'FEASIBILITY', reason: 'NO_PARTNER', reasonText: null }],
      ['CooperationClosed', { stage: 'CAPITALISATION', outcome: 'COMPLETED', comment: null }],
      ['CooperationRenewed', { successorId: 'c2' }],
      ['CooperationFundingEnded', { fundingId: 'f', funderOrganisationId: 'region', endedOn: '2025-12-31', reason: null }],
      ['CooperationSupportRecorded', { supportId: 's', kind: 'DLA', providerOrganisationId: null, period: { start: '2024-03-01', end: null }, description: null }],
      ['CooperationEvaluationCriterionDefined', { criterionId: 'k', code: 'C1', label: 'Emploi', indicators: [{}, {}] }],
      ['CooperationEvaluationRecorded', { step: 'FRAMEWORK', summary: 'Cadre posé', deliverableId: null }],
      ['CooperationLessonRecorded', { lessonId: 'l', text: 'Associer les régies dès le début', essaimagePotential: 'YES' }],
    ];
    for (const [type, data] of samples) {
      const text = details(type, data);
      expect({ type, text }).toEqual({ type, text: expect.stringMatching(/\S/) as string });
      expect({ type, text }).toEqual({ type, text: expect.not.stringMatching(/\b[A-Z]{2,}_[A-Z_]+\b|undefined|null|NaN/) as string });
    }
  });

  it('lists the organisations an event names, and writes the first of a month 1er', () => {
    expect(organisationIdsOfEvent({ type: 'CooperationShareholdingSet', data: { phase: 'FINAL', shares: [{ organisationId: 'a', percent: 60, ess: true }, { organisationId: 'b', percent: 40, ess: false }] } } as unknown as CooperationEvent)).toEqual(['a', 'b']);
    expect(organisationIdsOfEvent({ type: 'CooperationStageAdvanced', data: { from: 'DECISION', to: 'FEASIBILITY' } } as unknown as CooperationEvent)).toEqual([]);
    expect([calendarDateFr('2025-05-01'), calendarDateFr('2025-05-02'), calendarDateFr('pas une date')]).toEqual(['1er mai 2025', '2 mai 2025', 'pas une date']);
  });
});
