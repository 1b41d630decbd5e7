import {
  decideCooperation,
  decideRenewal,
  evolveCooperation,
  foldCooperation,
  gateStatus,
  initialCooperationState,
  type Cooperation,
  type CooperationCommand,
  type CooperationEvent,
  type CooperationState,
  type DeliverableKind,
  type OrganisationRef,
} from '@maillage/domain';
import { NOW, at } from './fixtures';

/**
 * One real cooperation per kind from the sources, walked from DECISION to CAPITALISATION through
 * the public decider. Dates come from the seeds where they give them (marked "source"); where the
 * sources give only a year or nothing, dates are illustrative and marked so.
 */
type Step = [date: string, command: CooperationCommand];
let n = 0; // ids generated across calls, as a real id generator would

const run = (steps: Step[], from: CooperationState = initialCooperationState()) => {
  let state = from;
  const events: CooperationEvent[] = [];
  for (const [date, command] of steps) {
    const produced = decideCooperation(command, state, { now: NOW, occurredAt: at(date), newId: () => `id-${++n}` });
    for (const e of produced) state = evolveCooperation(state, e);
    events.push(...produced);
  }
  expect(foldCooperation(events, from)).toEqual(state);
  return { state: state as Cooperation, events };
};

const o = (id: string, kind: OrganisationRef['kind'], ess?: boolean): OrganisationRef => (ess === undefined ? { id, kind } : { id, kind, ess });
const propose = (data: Extract<CooperationCommand, { type: 'ProposeCooperation' }>['data']): CooperationCommand => ({ type: 'ProposeCooperation', data });
const add = (organisation: OrganisationRef, role?: Extract<CooperationCommand, { type: 'AddMember' }>['data']['role']): CooperationCommand => ({
  type: 'AddMember',
  data: role ? { organisation, role } : { organisation },
});
const deliver = (kind: DeliverableKind, title?: string): CooperationCommand => ({ type: 'RecordDeliverable', data: title ? { kind, title } : { kind } });
const advance: CooperationCommand = { type: 'AdvanceStage', data: {} };
const indicators = (code: string, standard: 'PEOPLE_IN_INSERTION' | 'INSERTION_FTE' | 'DYNAMIC_EXITS_DURABLE_JOB' | 'POOLING_COST_SAVINGS', target: number): CooperationCommand => ({
  type: 'DefineIndicator',
  data: { criterionId: `crit-${code}`, code, label: 'Emploi d’insertion sur le territoire', indicators: [{ indicatorId: `ind-${code}`, code: `${code}-I1`, standard, target }] },
});
const measure = (code: string, year: number, value: number): CooperationCommand => ({
  type: 'RecordMeasurement',
  data: { indicatorId: `ind-${code}`, period: { start: `${year}-01-01`, end: `${year}-12-31` }, value },
});
const capitalise = (date: string, potential: 'YES' | 'NO' | 'UNCERTAIN'): Step[] => [
  ...(['FRAMEWORK', 'CONTENT', 'RESULTS', 'OUTLOOK'] as const).map((step): Step => [date, { type: 'RecordEvaluation', data: { step, summary: `Évaluation : ${step}` } }]),
  [date, { type: 'RecordLesson', data: { text: 'La confiance se construit dans la durée', essaimagePotential: potential } }],
  [date, deliver('FICHE_CAPITALISATION')],
];
const stages = (coop: Cooperation) => coop.stageHistory.map((h) => [h.stage, h.enteredAt.slice(0, 10)]);

describe('GME: Le Petit Plus and the régies de quartier of Plaine Commune (seed 000)', () => {
  const petitPlus = o('le-petit-plus', 'EA');
  const regies = ['aubervilliers', 'pierrefitte', 'saint-denis', 'stains'].map((c) => o(`regie-${c}`, 'REGIE'));

  it('walks from DECISION to CAPITALISATION with the dates of the interview', () => {
    const { state } = run([
      // source: market launched "fin 2015" by Plaine Commune; the day is illustrative
      ['2015-11-15', propose({ cooperationId: 'gme-plaine-commune', kind: 'GME', name: 'Collecte de cartons Plaine Commune', objectives: ['ECONOMIC_DEVELOPMENT', 'SOCIAL_IMPACT'], territory: { regionCode: '11', departementCodes: ['93'] }, sectors: ['WASTE_RECYCLING'], leadOrganisation: petitPlus })],
      ...regies.map((r): Step => ['2015-11-20', add(r)]),
      ['2015-11-20', { type: 'DesignateMandataire', data: { organisationId: petitPlus.id } }],
      ['2015-11-25', deliver('NOTE_DE_SYNTHESE')],
      ['2015-12-01', advance],
      ['2015-12-01', { type: 'RecordMarket', data: { buyerName: 'Communauté d’agglomération Plaine Commune', cpvCode: '90511000', amountExclVat: 0, durationMonths: 72, procedures: ['ADAPTED_PROCEDURE'], bidDeadline: '2016-01-15T12:00:00.000Z' } }], // an insertion market (art. 30), not reserved: the EA could not join a market reserved to SIAE
      ['2015-12-01', { type: 'SetGmeForm', data: { form: 'CONJOINT' } }],
      ['2015-12-10', deliver('LETTRE_INTENTION')],
      ['2015-12-15', advance],
      ['2016-02-20', { type: 'RecordMarketOutcome', data: { outcome: 'AWARDED', startDate: '2016-03-01' } }], // source: start 1 March 2016, 6 years
      ['2016-02-26', deliver('CONVENTION_GME', 'Convention de GME signée le 26 février 2016')], // source
      ['2016-02-26', deliver('NOTE_ORGANISATION_GOUVERNANCE', 'Gouvernance partagée, pouvoir égalitaire des 5 membres')],
      ['2016-03-01', advance], // source: contract started 1 March 2016
      ['2016-03-01', indicators('C1', 'PEOPLE_IN_INSERTION', 14)],
      ['2016-12-31', measure('C1', 2016, 14)], // source: 14 équipiers de collecte
      ['2017-01-15', deliver('COMPTE_RENDU_GOUVERNANCE')],
      ['2017-02-01', advance],
      ...capitalise('2017-06-01', 'YES'),
      ['2017-06-30', { type: 'CloseCooperation', data: { outcome: 'COMPLETED' } }],
    ]);
    expect(stages(state)).toEqual([
      ['DECISION', '2015-11-15'],
      ['FEASIBILITY', '2015-12-01'],
      ['LAUNCH', '2015-12-15'],
      ['OPERATION', '2016-03-01'],
      ['CAPITALISATION', '2017-02-01'],
    ]);
    expect(state).toMatchObject({ status: 'CLOSED', mandataireId: petitPlus.id, gmeForm: 'CONJOINT', closure: { outcome: 'COMPLETED' } });
    expect(state.members).toHaveLength(5);
  });
});

describe('GME solidaire: the 14 associations intermédiaires of Maine-et-Loire (seed 004)', () => {
  const tremplin = o('tremplin-travail', 'AI');
  const others = Array.from({ length: 13 }, (_, i) => o(`ai-49-${String(i + 1).padStart(2, '0')}`, 'AI'));
  const coorace = o('coorace-pays-de-la-loire', 'NETWORK');
  // Dates are illustrative: the source gives the market (170 000 EUR HT, 12 months, adapted procedure) but no dates.
  const walk: Step[] = [
    ['2022-09-01', propose({ cooperationId: 'gme-ai-49', kind: 'GME', name: 'Remplacements dans les collèges de Maine-et-Loire', objectives: ['ECONOMIC_DEVELOPMENT', 'SOCIAL_IMPACT'], territory: { regionCode: '52', departementCodes: ['49'] }, sectors: ['STAFFING'], leadOrganisation: tremplin })],
    ...others.map((a): Step => ['2022-09-05', add(a)]),
    ['2022-09-05', { type: 'RecordSupport', data: { kind: 'NETWORK', providerOrganisationId: coorace.id, period: { start: '2022-09-01', end: '2023-03-31' }, description: 'Convention de cotraitance et construction de l’offre' } }],
    ['2022-09-10', { type: 'DesignateMandataire', data: { organisationId: tremplin.id } }],
    ['2022-09-15', deliver('NOTE_DE_SYNTHESE')],
    ['2022-09-20', advance],
    ['2022-09-20', { type: 'RecordMarket', data: { buyerName: 'Département de Maine-et-Loire', cpvCode: '75231240-8', amountExclVat: 170000, durationMonths: 12, procedures: ['ADAPTED_PROCEDURE'], lots: [{ number: 1, label: 'Mise à disposition de personnel dans les collèges publics' }], bidDeadline: '2022-10-31T12:00:00.000Z' } }],
    ['2022-09-20', { type: 'SetGmeForm', data: { form: 'SOLIDAIRE' } }],
    ['2022-09-25', deliver('ACCORD_DE_PRINCIPE')],
    ['2022-10-01', advance],
    ['2022-10-10', deliver('CONVENTION_GME', 'Convention de cotraitance')],
    ['2022-10-10', deliver('NOTE_ORGANISATION_GOUVERNANCE')],
  ];

  it('freezes the membership between the bid deadline and the award, then runs to capitalisation', () => {
    const { state: beforeAward } = run(walk);
    expect(() => decideCooperation(add(o('ai-extra', 'AI')), beforeAward, { now: NOW, occurredAt: at('2022-11-15') })).toThrow(
      expect.objectContaining({ code: 'MEMBERSHIP_FROZEN' }),
    );
    const { state } = run(
      [
        ['2022-12-01', { type: 'RecordMarketOutcome', data: { outcome: 'AWARDED', startDate: '2023-01-02' } }],
        ['2023-01-02', advance],
      ],
      beforeAward,
    );
    const { state: done } = run(
      [
        ['2023-01-02', { type: 'DefineIndicator', data: { criterionId: 'c1', code: 'C1', label: 'Parcours proposés', indicators: [{ indicatorId: 'i1', code: 'C1-I1', standard: 'INSERTION_FTE', target: 10 }, { indicatorId: 'i2', code: 'C1-I2', label: 'Montée en compétence sur la commande publique', nature: 'QUALITATIVE' }] } }],
        ['2023-07-01', { type: 'RecordMeasurement', data: { indicatorId: 'i2', period: { start: '2023-01-02', end: '2023-06-30' }, value: 'Réponse collective réussie' } }],
        ['2023-07-05', deliver('COMPTE_RENDU_GOUVERNANCE')],
        ['2024-01-10', advance],
        ...capitalise('2024-02-01', 'YES'),
        ['2024-02-15', { type: 'CloseCooperation', data: { outcome: 'CONTRACT_ENDED' } }],
      ],
      state,
    );
    expect(done).toMatchObject({ status: 'CLOSED', stage: 'CAPITALISATION', gmeForm: 'SOLIDAIRE', mandataireId: tremplin.id, closure: { outcome: 'CONTRACT_ENDED' } });
    expect(done.members).toHaveLength(14);
    expect(done.supports).toEqual([expect.objectContaining({ kind: 'NETWORK', providerOrganisationId: coorace.id })]);
  });

  it('would be closed with outcome TENDER_LOST had the tender been lost', () => {
    const { state } = run([...walk, ['2022-12-01', { type: 'RecordMarketOutcome', data: { outcome: 'LOST' } }]]);
    expect(state).toMatchObject({ status: 'CLOSED', stage: 'LAUNCH', closure: { outcome: 'TENDER_LOST' } });
  });
});

describe('GME renewed: EI HEP and ACI Confluences, Parc du Petit Leroy (seed 002)', () => {
  it('renews the closed GME as a new cooperation linked to it (dates illustrative)', () => {
    const hep = o('ei-hep', 'EI');
    const confluences = o('aci-confluences', 'ACI');
    const { state: first } = run([
      ['2016-01-10', propose({ cooperationId: 'gme-petit-leroy-1', kind: 'GME', name: 'Espaces verts du Parc du Petit Leroy', objectives: ['ECONOMIC_DEVELOPMENT'], territory: { regionCode: '11', departementCodes: ['94'] }, sectors: ['GREEN_SPACES'], leadOrganisation: confluences })],
      ['2016-01-10', add(hep)],
      ['2016-01-10', { type: 'DesignateMandataire', data: { organisationId: confluences.id } }],
      ['2016-01-12', { type: 'WaiveGateItem', data: { itemId: 'structuring-elements', justification: 'Réponse rapide à un marché déjà identifié' } }],
      ['2016-01-15', advance],
      ['2016-01-15', { type: 'RecordMarket', data: { buyerName: 'Département du Val-de-Marne', cpvCode: '77310000', amountExclVat: 120000, durationMonths: 36, procedures: ['SOCIAL_CLAUSE'] } }],
      ['2016-01-15', { type: 'SetGmeForm', data: { form: 'CONJOINT' } }],
      ['2016-01-16', deliver('ACCORD_DE_PRINCIPE')],
      ['2016-01-20', advance],
      ['2016-03-01', { type: 'RecordMarketOutcome', data: { outcome: 'AWARDED', startDate: '2016-04-01' } }],
      ['2016-03-05', deliver('CONVENTION_GME')],
      ['2016-03-05', deliver('NOTE_ORGANISATION_GOUVERNANCE')],
      ['2016-04-01', advance],
      ['2019-03-31', { type: 'CloseCooperation', data: { outcome: 'CONTRACT_ENDED' } }],
    ]);
    expect(gateStatus(first, 'DECISION').items.find((i) => i.id === 'structuring-elements')?.status).toBe('WAIVED');
    const renewal = decideRenewal({ type: 'RenewCooperation', data: { successorId: 'gme-petit-leroy-2' } }, first, { now: NOW, occurredAt: at('2019-04-01') });
    const predecessor = foldCooperation(renewal.predecessor.events, first) as Cooperation;
    const successor = foldCooperation(renewal.successor.events) as Cooperation;
    expect(predecessor.successorId).toBe('gme-petit-leroy-2');
    expect(successor).toMatchObject({ status: 'ACTIVE', stage: 'DECISION', renewedFrom: 'gme-petit-leroy-1', mandataireId: confluences.id, gmeForm: 'CONJOINT' });
    expect(successor.members.map((m) => m.organisationId)).toEqual([confluences.id, hep.id]);
  });
});

describe('GIE: La Table de Cana Gennevilliers (seed 002, dates illustrative)', () => {
  it('walks from DECISION to CAPITALISATION', () => {
    const { state } = run([
      ['2012-03-01', propose({ cooperationId: 'gie-table-de-cana', kind: 'GIE', name: 'La Table de Cana Gennevilliers', objectives: ['POOLING'], territory: { regionCode: '11', departementCodes: ['92'] }, sectors: ['CATERING'], leadOrganisation: o('cana-event', 'EI') })],
      ['2012-03-01', add(o('cocktelles', 'ACI'))],
      ['2012-03-01', add(o('traiteur-boucles-de-seine', 'EI'))],
      ['2012-03-15', deliver('NOTE_DE_SYNTHESE')],
      ['2012-04-01', advance],
      ['2012-04-10', deliver('ACCORD_DE_PRINCIPE')],
      ['2012-05-01', deliver('PROJET_STATUTS', 'Projet de contrat constitutif')],
      ['2012-05-15', advance],
      ['2012-07-01', deliver('STATUTS')],
      ['2012-07-01', deliver('NOTE_ORGANISATION_GOUVERNANCE', 'Fonctions mutualisées : administratif, accompagnement social, commercial')],
      ['2012-08-01', { type: 'RecordStructureRegistration', data: { siren: '732829320', legalForm: 'GIE' } }],
      ['2012-09-01', advance],
      ['2012-09-01', indicators('C1', 'POOLING_COST_SAVINGS', 20000)],
      ['2013-12-31', measure('C1', 2013, 18000)],
      ['2014-01-15', deliver('COMPTE_RENDU_GOUVERNANCE')],
      ['2014-02-01', advance],
      ...capitalise('2014-03-01', 'YES'),
    ]);
    expect(state).toMatchObject({ status: 'ACTIVE', stage: 'CAPITALISATION', structure: { siren: '732829320' } });
    expect(gateStatus(state).satisfied).toBe(true);
  });
});

describe('GES: Initiative Emploi (seed 002, dates illustrative)', () => {
  it('walks from DECISION to CAPITALISATION and is closed as completed', () => {
    const { state } = run([
      ['2010-01-05', propose({ cooperationId: 'ges-initiative-emploi', kind: 'GES', name: 'Initiative Emploi', objectives: ['POOLING', 'SOCIAL_IMPACT'], territory: { regionCode: '11', departementCodes: [] }, sectors: ['PERSONAL_SERVICES', 'CLEANING'], leadOrganisation: o('ai-capelia', 'AI') })],
      ['2010-01-05', add(o('ei-laveo', 'EI'))],
      ['2010-01-05', add(o('ei-conciergerie-solidaire', 'EI'))],
      ['2010-02-01', deliver('NOTE_DE_SYNTHESE', 'Parcours progressif AI puis EI ; mutualisation direction, commercial, comptabilité')],
      ['2010-02-15', advance],
      ['2010-03-01', deliver('ACCORD_DE_PRINCIPE')],
      ['2010-03-15', advance],
      ['2010-06-01', deliver('STATUTS', 'Statuts de l’association de groupe')],
      ['2010-06-01', deliver('NOTE_ORGANISATION_GOUVERNANCE')],
      ['2010-07-01', { type: 'RecordStructureRegistration', data: { siren: '732829320' } }],
      ['2010-09-01', advance],
      ['2010-09-01', indicators('C1', 'DYNAMIC_EXITS_DURABLE_JOB', 10)],
      ['2011-12-31', measure('C1', 2011, 8)],
      ['2012-01-10', deliver('COMPTE_RENDU_GOUVERNANCE')],
      ['2012-02-01', advance],
      ...capitalise('2012-03-01', 'UNCERTAIN'),
      ['2012-03-15', { type: 'CloseCooperation', data: { outcome: 'COMPLETED' } }],
    ]);
    expect(state).toMatchObject({ status: 'CLOSED', closure: { outcome: 'COMPLETED', stage: 'CAPITALISATION' }, essaimagePotential: 'UNCERTAIN' });
  });
});

describe('PTCE: cité PHARES, L’Île-Saint-Denis, constituted as a SCIC (seed 002, dates illustrative)', () => {
  it('needs the territory and a local authority before LAUNCH, then walks to CAPITALISATION', () => {
    const town = o('ville-ile-saint-denis', 'LOCAL_AUTHORITY');
    const steps: Step[] = [
      ['2013-01-10', propose({ cooperationId: 'ptce-cite-phares', kind: 'PTCE', name: 'Cité PHARES', objectives: ['SOCIAL_IMPACT', 'POOLING'], territory: { regionCode: '11', departementCodes: [] }, sectors: ['WASTE_RECYCLING', 'OTHER'], leadOrganisation: o('aci-ile-saint-denis', 'ACI') })],
      ['2013-01-10', add(o('chantier-ecole', 'NETWORK'))],
      ['2013-01-10', add(o('agence-presse-ecologie', 'COMPANY', true), 'ESS_ENTERPRISE')],
      ['2013-01-10', add(o('association-consommateurs-bio', 'ASSOCIATION'))],
      ['2013-02-01', deliver('NOTE_DE_SYNTHESE')],
      ['2013-02-15', advance],
      ['2013-03-01', deliver('ACCORD_DE_PRINCIPE')],
    ];
    const { state: feasibility } = run(steps);
    expect(() => decideCooperation(advance, feasibility, { now: NOW, occurredAt: at('2013-04-01') })).toThrow(expect.objectContaining({ code: 'PTCE_TERRITORY_REQUIRED' }));
    const { state } = run(
      [
        ['2013-03-10', { type: 'SetTerritory', data: { territory: { regionCode: '11', departementCodes: ['93'] } } }],
        ['2013-03-15', add(town)],
        ['2013-04-01', advance],
        ['2014-01-01', deliver('STATUTS', 'Statuts de la SCIC')],
        ['2014-01-01', deliver('NOTE_ORGANISATION_GOUVERNANCE')],
        ['2014-02-01', advance],
      ],
      feasibility,
    );
    const { state: done } = run(
      [
        ['2014-02-01', { type: 'DefineIndicator', data: { code: 'C1', label: 'Mutualiser fonctions et locaux', indicators: [{ indicatorId: 'phares-c1-i1', code: 'C1-I1', standard: 'POOLING_COST_SAVINGS', target: 30000 }] } }],
        ['2015-01-15', { type: 'RecordMeasurement', data: { indicatorId: 'phares-c1-i1', period: { start: '2014-01-01', end: '2014-12-31' }, value: 25000 } }],
        ['2015-01-20', deliver('COMPTE_RENDU_GOUVERNANCE')],
        ['2015-02-01', advance],
        ...capitalise('2015-06-01', 'YES'),
      ],
      state,
    );
    expect(done).toMatchObject({ status: 'ACTIVE', stage: 'CAPITALISATION' });
    expect(done.members.find((m) => m.role === 'LOCAL_AUTHORITY')?.organisationId).toBe(town.id);
  });
});

describe('JVS: Lemon Aide (FACE, Fonds Danone pour l’Écosystème, Lemon Tri), created 2016 (seeds 000 and 002)', () => {
  it('walks from DECISION to CAPITALISATION with an ESS majority (shares illustrative)', () => {
    const face = o('fondation-face', 'ASSOCIATION');
    const danone = o('fonds-danone-ecosysteme', 'FUNDER', false);
    const lemonTri = o('lemon-tri', 'COMPANY');
    const shares = (phase: 'PLANNED' | 'FINAL', f: number, d: number, l: number): CooperationCommand => ({
      type: 'SetShareholding',
      data: { phase, shares: [{ organisationId: face.id, percent: f }, { organisationId: danone.id, percent: d }, { organisationId: lemonTri.id, percent: l }] },
    });
    const { state: launch } = run([
      ['2015-03-01', propose({ cooperationId: 'jvs-lemon-aide', kind: 'JVS', name: 'Lemon Aide', objectives: ['SOCIAL_IMPACT', 'ECONOMIC_DEVELOPMENT'], territory: { regionCode: '11', departementCodes: ['75'] }, sectors: ['WASTE_RECYCLING', 'LOGISTICS'], leadOrganisation: lemonTri })],
      ['2015-03-01', add(face)],
      ['2015-03-01', add(danone)],
      ['2015-03-15', deliver('NOTE_DE_SYNTHESE', 'Pérenniser et développer le modèle d’insertion de Lemon Tri')],
      ['2015-04-01', advance],
      ['2015-05-01', deliver('LETTRE_INTENTION')],
      ['2015-06-01', deliver('BUSINESS_PLAN')],
      ['2015-06-01', deliver('PROJET_STATUTS')],
      ['2015-06-01', shares('PLANNED', 51, 25, 24)],
      ['2015-07-01', advance],
      ['2016-01-15', deliver('STATUTS')],
      ['2016-01-15', deliver('PACTE_ASSOCIES')],
      ['2016-01-15', deliver('NOTE_ORGANISATION_GOUVERNANCE')],
      ['2016-02-01', { type: 'RecordStructureRegistration', data: { siren: '732829320', legalForm: 'SAS' } }],
      ['2016-02-01', { type: 'GrantFunding', data: { fundingId: 'danone-2016', funder: danone, programme: 'Fonds Danone pour l’Écosystème', amount: 100000, period: { start: '2016-01-01', end: '2018-12-31' } } }],
    ]);
    // Lemon Tri holding the majority would break the convention: rejected.
    const { state: wrong } = run([['2016-02-10', shares('FINAL', 30, 10, 60)]], launch);
    expect(() => decideCooperation(advance, wrong, { now: NOW, occurredAt: at('2016-03-01') })).toThrow(expect.objectContaining({ code: 'JVS_ESS_MAJORITY_REQUIRED' }));
    const { state } = run(
      [
        ['2016-02-15', shares('FINAL', 51, 25, 24)],
        ['2016-03-01', advance], // source: created in 2016
        ['2016-03-01', indicators('C1', 'PEOPLE_IN_INSERTION', 20)],
        ['2016-12-31', measure('C1', 2016, 12)],
        ['2016-12-31', { type: 'RecordDisbursement', data: { fundingId: 'danone-2016', amount: 50000, disbursedOn: '2016-12-31' } }],
        ['2017-01-15', deliver('COMPTE_RENDU_GOUVERNANCE')],
        ['2019-03-01', deliver('BILAN_3_ANS')],
        ['2019-03-15', advance],
        ...capitalise('2019-06-01', 'YES'),
      ],
      launch,
    );
    expect(stages(state).map(([s]) => s)).toEqual(['DECISION', 'FEASIBILITY', 'LAUNCH', 'OPERATION', 'CAPITALISATION']);
    expect(state.fundings).toEqual([expect.objectContaining({ funderOrganisationId: danone.id, amount: 100000, disbursed: 50000 })]);
  });
});

describe('Essaimage: SoliCycle by Études et Chantiers Île-de-France (seed 002)', () => {
  it('opens its first workshop in Les Ulis in 2007 and reaches 10 sites by end 2019', () => {
    const parent = o('etudes-et-chantiers-idf', 'ASSOCIATION');
    const more = ['93', '93', '75', '94', '92', '95', '78', '77', '91'];
    const { state } = run([
      ['2006-09-01', propose({ cooperationId: 'essaimage-solicycle', kind: 'ESSAIMAGE', name: 'SoliCycle', objectives: ['SOCIAL_IMPACT'], territory: { regionCode: '11', departementCodes: ['91'] }, sectors: ['MOBILITY'], leadOrganisation: parent, parentOrganisation: parent })],
      ['2006-10-01', deliver('NOTE_DE_SYNTHESE', 'Ateliers participatifs de réparation de vélos')],
      ['2006-11-01', advance],
      ['2006-11-15', deliver('ACCORD_DE_PRINCIPE')],
      ['2006-12-01', { type: 'ChooseEssaimageStrategy', data: { strategy: 'DUPLICATION_CENTRALISEE', targetTerritories: [{ regionCode: '11', departementCode: '91' }] } }],
      ['2007-01-02', advance],
      ['2007-03-01', deliver('CONVENTION_PARTENARIAT')],
      ['2007-03-01', deliver('NOTE_ORGANISATION_GOUVERNANCE')],
      ['2007-06-01', { type: 'OpenSite', data: { name: 'Atelier SoliCycle des Ulis', location: { regionCode: '11', departementCode: '91' }, openedOn: '2007-06-01' } }], // source: 2007, Les Ulis
      ['2007-06-01', advance],
      ...more.map((d, i): Step => [`${2009 + i}-09-01`, { type: 'OpenSite', data: { name: `Atelier ou antenne ${i + 2}`, location: { regionCode: '11', departementCode: d }, openedOn: `${2009 + i}-09-01` } }]),
      ['2018-01-01', indicators('C1', 'PEOPLE_IN_INSERTION', 100)],
      ['2018-12-31', measure('C1', 2018, 90)],
      ['2019-01-10', deliver('COMPTE_RENDU_GOUVERNANCE')],
      ['2019-12-31', advance],
      ...capitalise('2020-01-15', 'YES'),
    ]);
    expect(state.sites).toHaveLength(10); // source: 10 ateliers et antennes by end 2019
    expect(state).toMatchObject({ stage: 'CAPITALISATION', essaimageStrategy: 'DUPLICATION_CENTRALISEE' });
    expect(state.members).toEqual([expect.objectContaining({ organisationId: parent.id, role: 'PARENT' })]);
  });
});
