import { cooperationIdOf } from './ids';
import { advance, capitalise, defineCriterion, deliver, measure, support, waive } from './helpers';
import { CHANTIER_ECOLE_IDF, cooraceSlug, feiSlug, type OrganisationRegistry } from './organisations';
import { CooperationScript, type DemoCooperation } from './plan';

/**
 * The real cooperations of the sources (docs brief, "Real cooperations in the sources"), with the
 * dates and figures the seeds give. Every date or figure the sources do not give is marked
 * "choice" in a comment; those marked "source" come from the seed named in the block.
 */

/** Organisations of the sources. No SIRET: we are not sure of theirs. Kinds and départements marked "choice" are ours. */
export const addSourceOrganisations = (reg: OrganisationRegistry): void => {
  // Seed 000: Le Petit Plus (EA) and the régies de quartier of Plaine Commune (93).
  reg.add({ slug: 'le-petit-plus', name: 'Le Petit Plus', kind: 'EA', regionCode: '11', departementCode: '93' }); // département: choice (the contract is in Seine-Saint-Denis)
  for (const [slug, town] of [
    ['regie-aubervilliers', "Régie de quartier d'Aubervilliers"],
    ['regie-pierrefitte', 'Régie de quartier de Pierrefitte-sur-Seine'],
    ['regie-saint-denis', 'Régie de quartier de Saint-Denis'],
    ['regie-stains', 'Régie de quartier de Stains'],
  ] as const)
    reg.add({ slug, name: town, kind: 'REGIE', regionCode: '11', departementCode: '93' });
  reg.add({ slug: 'plaine-commune', name: 'Plaine Commune', kind: 'LOCAL_AUTHORITY', regionCode: '11', departementCode: '93' });

  // Seed 004: the 14 associations intermédiaires of Maine-et-Loire, Tremplin Travail as mandataire.
  reg.add({ slug: 'tremplin-travail', name: 'Tremplin Travail', kind: 'AI', regionCode: '52', departementCode: '49', networkSlugs: [cooraceSlug('52')] });
  // Choice: the source names only Tremplin Travail among "l'ensemble des AI du département"; the 13
  // others are given neutral placeholder names rather than guessed ones.
  for (let i = 2; i <= 14; i++)
    reg.add({
      slug: `ai-49-${String(i).padStart(2, '0')}`,
      name: `Association intermédiaire de Maine-et-Loire n° ${i} (nom non cité par la source)`,
      kind: 'AI',
      regionCode: '52',
      departementCode: '49',
      networkSlugs: [cooraceSlug('52')],
    });
  reg.add({ slug: 'departement-49', name: 'Département de Maine-et-Loire', kind: 'LOCAL_AUTHORITY', regionCode: '52', departementCode: '49' });

  // Seed 002: EI HEP and ACI Confluences (Val-de-Marne, source).
  reg.add({ slug: 'ei-hep', name: 'HEP (Habitants Emploi Proximité)', kind: 'EI', regionCode: '11', departementCode: '94', networkSlugs: [feiSlug('11')] });
  reg.add({ slug: 'aci-confluences', name: 'Confluences', kind: 'ACI', regionCode: '11', departementCode: '94', networkSlugs: [CHANTIER_ECOLE_IDF] });
  reg.add({ slug: 'departement-94', name: 'Département du Val-de-Marne', kind: 'LOCAL_AUTHORITY', regionCode: '11', departementCode: '94' });

  // Seed 002: GIE La Table de Cana Gennevilliers (92). Kinds of the three members: choice (as in the domain's walk).
  reg.add({ slug: 'cana-event', name: 'Cana Event', kind: 'EI', regionCode: '11', departementCode: '92' });
  reg.add({ slug: 'cocktelles', name: "Cockt'elles", kind: 'ACI', regionCode: '11', departementCode: '92' });
  reg.add({ slug: 'traiteur-boucles-de-seine', name: 'Traiteur des Boucles de Seine', kind: 'EI', regionCode: '11', departementCode: '92' });

  // Seed 002: GES Initiative Emploi (AI Capélia, EI Lavéo, EI Conciergerie Solidaire). Département: choice (not in the source).
  reg.add({ slug: 'ai-capelia', name: 'Capélia', kind: 'AI', regionCode: '11', departementCode: '78', networkSlugs: [cooraceSlug('11')] });
  reg.add({ slug: 'ei-laveo', name: 'Lavéo', kind: 'EI', regionCode: '11', departementCode: '78', networkSlugs: [feiSlug('11')] });
  reg.add({ slug: 'ei-conciergerie-solidaire', name: 'La Conciergerie Solidaire', kind: 'EI', regionCode: '11', departementCode: '78', networkSlugs: [feiSlug('11')] });

  // Seed 002: cité PHARES, L'Île-Saint-Denis (93). The source lists member types, not names: neutral names (choice).
  reg.add({ slug: 'phares-aci', name: "Chantier d'insertion de la cité PHARES", kind: 'ACI', regionCode: '11', departementCode: '93', networkSlugs: [CHANTIER_ECOLE_IDF] });
  reg.add({ slug: 'phares-agence-presse', name: 'Agence de presse spécialisée en écologie (cité PHARES)', kind: 'COMPANY', ess: true, regionCode: '11', departementCode: '93' });
  reg.add({ slug: 'phares-consommateurs-bio', name: 'Association de consommateurs de produits biologiques (cité PHARES)', kind: 'ASSOCIATION', regionCode: '11', departementCode: '93' });
  // The source names no local authority among the members of cité PHARES: none is invented (the link is waived, see citePhares).

  // Seeds 000 and 002: Lemon Aide. Kinds as in the domain's walk; départements: choice.
  reg.add({ slug: 'face', name: "FACE (Fondation Agir Contre l'Exclusion)", kind: 'ASSOCIATION', regionCode: '11', departementCode: '75' });
  reg.add({ slug: 'fonds-danone-ecosysteme', name: "Fonds Danone pour l'Écosystème", kind: 'FUNDER', ess: false, regionCode: '11', departementCode: '75' });
  reg.add({ slug: 'lemon-tri', name: 'Lemon Tri', kind: 'COMPANY', regionCode: '11', departementCode: '75' });

  // Seeds 000 and 001: Acces Inclusive Tech (Ares, Fondation Accenture, Investir&+). Kinds and départements of the partners: choice
  // (the JVS itself is in Saint-Denis, 93: source).
  reg.add({ slug: 'groupe-ares', name: 'Groupe Ares', kind: 'ASSOCIATION', regionCode: '11', departementCode: '75' });
  reg.add({ slug: 'fondation-accenture', name: 'Fondation Accenture', kind: 'FUNDER', ess: false, regionCode: '11', departementCode: '75' });
  reg.add({ slug: 'investir-et-plus', name: 'Investir&+', kind: 'COMPANY', regionCode: '11', departementCode: '75' });

  // Seed 001: Brise de Terre, JVS of the SIAE Capdife (Croix-Rouge insertion) and the criée du Grau d'Agde, Agde (34).
  // source: Capdife, « SIAE dans l'Hérault ayant notamment une activité de maraichage biologique en ACI »; the criée,
  // « société anonyme d'économie mixte locale, détenue à 49 % par les pêcheurs et à 51 % par la ville d'Agde » (a company outside the ESS).
  reg.add({ slug: 'capdife', name: 'Capdife (Croix-Rouge insertion)', kind: 'ACI', regionCode: '76', departementCode: '34' });
  reg.add({ slug: 'criee-grau-d-agde', name: "Criée du Grau d'Agde", kind: 'COMPANY', ess: false, regionCode: '76', departementCode: '34' });

  // Seed 002: Études et Chantiers Île-de-France, structure essaimante of SoliCycle. Département: choice (first workshop in Les Ulis, 91).
  reg.add({ slug: 'etudes-et-chantiers-idf', name: 'Études et Chantiers Île-de-France', kind: 'ASSOCIATION', regionCode: '11', departementCode: '91', networkSlugs: [CHANTIER_ECOLE_IDF] });
};

const script = (reg: OrganisationRegistry, slug: string, lead: string) => new CooperationScript(slug, cooperationIdOf(slug), reg.id(lead));

const done = (s: CooperationScript, kind: DemoCooperation['kind'], name: string, regionCode: string): DemoCooperation => ({
  slug: s.slug,
  id: s.id,
  kind,
  name,
  regionCode,
  real: true,
  steps: s.steps,
  expected: s.expected,
});

/** GME Le Petit Plus + 4 régies de quartier of Plaine Commune, cardboard collection (seed 000). */
const petitPlus = (reg: OrganisationRegistry): DemoCooperation => {
  const name = 'Collecte de cartons et cagettes de Plaine Commune';
  const s = script(reg, 'real-gme-le-petit-plus', 'le-petit-plus');
  const regies = ['regie-aubervilliers', 'regie-pierrefitte', 'regie-saint-denis', 'regie-stains'];
  // source: market launched "fin 2015"; the day is a choice.
  s.run('2015-11-16', 'ProposeCooperation', {
    cooperationId: s.id,
    kind: 'GME',
    name,
    objectives: ['ECONOMIC_DEVELOPMENT', 'POOLING', 'SOCIAL_IMPACT'],
    territory: { regionCode: '11', departementCodes: ['93'] },
    sectors: ['WASTE_RECYCLING', 'LOGISTICS'],
    leadOrganisation: reg.ref('le-petit-plus'),
  });
  for (const r of regies) s.run('2015-11-20', 'AddMember', { organisation: reg.ref(r) });
  s.run('2015-11-20', 'DesignateMandataire', { organisationId: reg.id('le-petit-plus') }); // source: Le Petit Plus designated mandataire
  deliver(s, '2015-11-25', 'NOTE_DE_SYNTHESE', 'Un 5e cotraitant du secteur de la collecte pour garantir le service, parcours d’insertion par les régies');
  advance(s, '2015-12-01');
  s.run('2015-12-01', 'RecordMarket', {
    buyerName: "Communauté d'agglomération Plaine Commune",
    buyerOrganisationId: reg.id('plaine-commune'),
    cpvCode: '90511000', // choice: the source gives no CPV code (collecte des déchets)
    // choice: the amount is not in the source; 0 stands for "unknown" rather than an invented figure.
    amountExclVat: 0,
    durationMonths: 72, // source: 6 years
    // source: "marché d'insertion (Article 30)" of the 2006 code; "procédure adaptée" is a choice (our reading
    // of article 30, not said by the source). Not a reserved market: the EA could not join one reserved to SIAE.
    procedures: ['ADAPTED_PROCEDURE'],
    lots: [{ number: 1, label: 'Collecte de cartons et cagettes en bois auprès des professionnels' }],
  });
  s.run('2015-12-01', 'SetGmeForm', { form: 'CONJOINT' }); // choice: the form is not in the source
  deliver(s, '2015-12-10', 'ACCORD_DE_PRINCIPE'); // choice
  advance(s, '2015-12-15'); // choice
  s.run('2016-02-15', 'RecordMarketOutcome', { outcome: 'AWARDED', startDate: '2016-03-01' }); // source: start 1 March 2016; award day: choice
  deliver(s, '2016-02-26', 'CONVENTION_GME', 'Convention de GME signée le 26 février 2016'); // source
  deliver(s, '2016-02-26', 'NOTE_ORGANISATION_GOUVERNANCE', 'Gouvernance partagée : pouvoir de décision égalitaire des 5 membres'); // source
  advance(s, '2016-03-01'); // source
  const [people] = defineCriterion(s, '2016-03-01', 'C1', 'Insertion des habitants du territoire éloignés de l’emploi', [
    { standard: 'PEOPLE_IN_INSERTION', target: 14 },
  ]);
  measure(s, '2017-03-01', people, '2016-03-01', '2017-02-28', 14); // source: 14 équipiers de collecte portés par les régies
  deliver(s, '2017-03-15', 'COMPTE_RENDU_GOUVERNANCE'); // choice
  // choice: the contract ran its 6 years (1 March 2016 to 28 February 2022); the sources stop earlier.
  advance(s, '2022-03-01');
  capitalise(
    s,
    '2022-03-15',
    {
      framework: 'GME conjoint de 4 régies de quartier et d’une EA, mandataire Le Petit Plus, convention du 26 février 2016',
      content: 'Les régies portent les 14 emplois de production ; le mandataire recrute l’encadrant technique et le chef d’équipe',
      results: 'Montée en compétence des régies sur une nouvelle activité ; passerelles vers l’EA pour les salariés en situation de handicap',
      outlook: 'Ouvrir des perspectives sur d’autres réponses communes',
    },
    'S’appuyer sur une structure dont la collecte est le métier principal sécurise l’exploitation et professionnalise les parcours',
    'YES',
  );
  s.run('2022-03-31', 'CloseCooperation', { outcome: 'CONTRACT_ENDED', comment: 'Fin du marché de 6 ans démarré le 1er mars 2016' });
  s.expect(s.id, 'CAPITALISATION', 'CLOSED');
  return done(s, 'GME', name, '11');
};

/** GME solidaire of the 14 AI of Maine-et-Loire, mandataire Tremplin Travail (seed 004). Dates: choice (the source gives none). */
const aiMaineEtLoire = (reg: OrganisationRegistry): DemoCooperation => {
  const name = 'Remplacements d’agents dans les collèges publics de Maine-et-Loire';
  const s = script(reg, 'real-gme-ai-maine-et-loire', 'tremplin-travail');
  // choice: after the two-year pilot with the AI of Angers and Cholet that followed the health crisis (source), autumn 2022.
  s.run('2022-09-01', 'ProposeCooperation', {
    cooperationId: s.id,
    kind: 'GME',
    name,
    objectives: ['ECONOMIC_DEVELOPMENT', 'SOCIAL_IMPACT'],
    territory: { regionCode: '52', departementCodes: ['49'] },
    sectors: ['STAFFING'],
    leadOrganisation: reg.ref('tremplin-travail'),
  });
  for (let i = 2; i <= 14; i++) s.run('2022-09-05', 'AddMember', { organisation: reg.ref(`ai-49-${String(i).padStart(2, '0')}`) });
  support(s, '2022-09-05', 'NETWORK', reg.id(cooraceSlug('52')), '2022-09-01', '2023-03-31', 'Organisation du GME par une convention de cotraitance et construction d’une offre précise (source)');
  s.run('2022-09-10', 'DesignateMandataire', { organisationId: reg.id('tremplin-travail') }); // source
  deliver(s, '2022-09-15', 'NOTE_DE_SYNTHESE', 'Étendre à tout le département les remplacements assurés par les AI d’Angers et de Cholet');
  advance(s, '2022-09-20');
  s.run('2022-09-20', 'RecordMarket', {
    buyerName: 'Département de Maine-et-Loire',
    buyerOrganisationId: reg.id('departement-49'),
    cpvCode: '75231240-8', // source: "752 312 408"
    amountExclVat: 170000, // source
    durationMonths: 12, // source: durée ferme 12 mois
    procedures: ['ADAPTED_PROCEDURE'], // source
    lots: [{ number: 1, label: 'Mise à disposition de personnel pour les remplacements dans les collèges publics' }],
    bidDeadline: '2022-10-31T12:00:00.000Z', // choice
  });
  s.run('2022-09-20', 'SetGmeForm', { form: 'SOLIDAIRE' }); // source
  deliver(s, '2022-09-25', 'ACCORD_DE_PRINCIPE');
  advance(s, '2022-10-01');
  deliver(s, '2022-10-10', 'CONVENTION_GME', 'Convention de cotraitance'); // source
  deliver(s, '2022-10-10', 'NOTE_ORGANISATION_GOUVERNANCE', 'Le mandataire, interlocuteur unique du Conseil départemental 49'); // source
  s.run('2022-12-01', 'RecordMarketOutcome', { outcome: 'AWARDED', startDate: '2023-01-02' });
  advance(s, '2023-01-02');
  const [skills, paths] = defineCriterion(s, '2023-01-02', 'C1', 'Montée en compétence et parcours (source)', [
    { label: 'Montée en compétence sur la commande publique', nature: 'QUALITATIVE' },
    { label: 'Parcours attractifs vers un emploi durable', nature: 'QUALITATIVE' },
  ]);
  measure(s, '2023-07-01', skills, '2023-01-02', '2023-06-30', 'Réponse collective à un marché public réussie');
  measure(s, '2023-07-01', paths, '2023-01-02', '2023-06-30', 'Missions en collège pouvant mener à la base d’agents contractuels');
  deliver(s, '2023-07-05', 'COMPTE_RENDU_GOUVERNANCE');
  advance(s, '2024-01-10');
  capitalise(
    s,
    '2024-02-01',
    {
      framework: 'GME solidaire des 14 AI du département, mandataire Tremplin Travail, accompagné par Coorace Pays de la Loire',
      content: 'Remplacements d’agents dans les collèges publics, 170 000 € HT, 12 mois, procédure adaptée',
      results: 'Montée en compétence sur la commande publique ; parcours attractifs pour les personnes éloignées de l’emploi',
      outlook: 'Partenariat stratégique avec le Conseil départemental de Maine-et-Loire',
    },
    'Une réponse collective de toutes les AI d’un département ouvre des marchés qu’aucune ne pouvait tenir seule',
    'YES',
  );
  s.run('2024-02-15', 'CloseCooperation', { outcome: 'CONTRACT_ENDED', comment: 'Fin de la durée ferme de 12 mois' });
  s.expect(s.id, 'CAPITALISATION', 'CLOSED');
  return done(s, 'GME', name, '52');
};

/** GME EI HEP + ACI Confluences, Parc du Petit Leroy, won twice: a closed GME renewed (seed 002). Dates and amounts: choice. */
const petitLeroy = (reg: OrganisationRegistry): DemoCooperation => {
  const name = 'Entretien des espaces verts du Parc départemental du Petit Leroy';
  const s = script(reg, 'real-gme-petit-leroy-1', 'aci-confluences');
  const successorId = cooperationIdOf('real-gme-petit-leroy-2');
  s.run('2015-09-01', 'ProposeCooperation', {
    cooperationId: s.id,
    kind: 'GME',
    name,
    objectives: ['ECONOMIC_DEVELOPMENT', 'POOLING'],
    territory: { regionCode: '11', departementCodes: ['94'] },
    sectors: ['GREEN_SPACES'],
    leadOrganisation: reg.ref('aci-confluences'),
  });
  s.run('2015-09-01', 'AddMember', { organisation: reg.ref('ei-hep') });
  s.run('2015-09-01', 'DesignateMandataire', { organisationId: reg.id('aci-confluences') }); // choice: Confluences called on HEP (source)
  deliver(s, '2015-09-10', 'NOTE_DE_SYNTHESE', 'Confluences a les compétences mais pas la taille ; HEP développe son activité espaces verts (source)');
  advance(s, '2015-09-15');
  const market = {
    // choice: the source says « Parc départemental du Petit Leroy », not who bought the service.
    buyerName: 'Département du Val-de-Marne',
    buyerOrganisationId: reg.id('departement-94'),
    cpvCode: '77310000', // choice: not in the source (entretien d'espaces verts)
    amountExclVat: 0, // choice: not in the source (0 = unknown)
    durationMonths: 36, // choice
    procedures: ['SOCIAL_CLAUSE'] as const, // choice: the source says « un marché public », not its procedure
    lots: [{ number: 1, label: 'Entretien des espaces verts du Parc départemental du Petit Leroy, Chevilly-Larue' }],
  };
  s.run('2015-09-15', 'RecordMarket', { ...market, procedures: [...market.procedures] });
  s.run('2015-09-15', 'SetGmeForm', { form: 'CONJOINT' }); // choice
  deliver(s, '2015-09-20', 'ACCORD_DE_PRINCIPE');
  advance(s, '2015-10-01');
  s.run('2015-12-01', 'RecordMarketOutcome', { outcome: 'AWARDED', startDate: '2016-01-01' });
  deliver(s, '2015-12-10', 'CONVENTION_GME');
  deliver(s, '2015-12-10', 'NOTE_ORGANISATION_GOUVERNANCE', 'Les encadrants techniques de Confluences font monter en compétence les équipes de HEP (source)');
  advance(s, '2016-01-01');
  const [skills] = defineCriterion(s, '2016-01-01', 'C1', 'Complémentarité des deux structures', [
    { label: 'Montée en compétence des équipes de HEP sur les espaces verts', nature: 'QUALITATIVE' },
  ]);
  measure(s, '2017-01-10', skills, '2016-01-01', '2016-12-31', 'Chaque partenaire pallie le point faible de l’autre ; marché honoré (source)');
  deliver(s, '2017-01-15', 'COMPTE_RENDU_GOUVERNANCE');
  s.run('2018-12-31', 'CloseCooperation', { outcome: 'CONTRACT_ENDED', comment: 'Marché arrivé à son terme' });
  s.expect(s.id, 'OPERATION', 'CLOSED');
  // source: "lorsque le marché est arrivé à son terme ils ont soumissionné à nouveau ensemble et remporté le marché une seconde fois"
  s.run('2019-01-07', 'RenewCooperation', { successorId, name: `${name} (2e marché)` });
  deliver(s, '2019-01-10', 'NOTE_DE_SYNTHESE', 'Nouvelle soumission commune au renouvellement du marché', successorId);
  advance(s, '2019-01-15', successorId);
  s.run('2019-01-15', 'RecordMarket', { ...market, procedures: [...market.procedures] }, successorId);
  deliver(s, '2019-01-20', 'ACCORD_DE_PRINCIPE', undefined, successorId);
  advance(s, '2019-02-01', successorId);
  s.run('2019-03-01', 'RecordMarketOutcome', { outcome: 'AWARDED', startDate: '2019-04-01' }, successorId);
  deliver(s, '2019-03-10', 'CONVENTION_GME', undefined, successorId);
  deliver(s, '2019-03-10', 'NOTE_ORGANISATION_GOUVERNANCE', undefined, successorId);
  advance(s, '2019-04-01', successorId);
  s.expect(successorId, 'OPERATION', 'ACTIVE');
  return done(s, 'GME', name, '11');
};

/** GIE La Table de Cana Gennevilliers (seed 002). Dates: choice. */
const tableDeCana = (reg: OrganisationRegistry): DemoCooperation => {
  const name = 'La Table de Cana Gennevilliers';
  const s = script(reg, 'real-gie-table-de-cana', 'cana-event');
  s.run('2012-03-01', 'ProposeCooperation', {
    cooperationId: s.id,
    kind: 'GIE',
    name,
    objectives: ['POOLING', 'ECONOMIC_DEVELOPMENT'],
    territory: { regionCode: '11', departementCodes: ['92'] },
    sectors: ['CATERING'],
    leadOrganisation: reg.ref('cana-event'),
  });
  s.run('2012-03-01', 'AddMember', { organisation: reg.ref('cocktelles') });
  s.run('2012-03-01', 'AddMember', { organisation: reg.ref('traiteur-boucles-de-seine') });
  deliver(s, '2012-03-15', 'NOTE_DE_SYNTHESE', 'Mutualiser l’administratif, l’accompagnement social et le commercial (source)');
  advance(s, '2012-04-01');
  deliver(s, '2012-04-10', 'ACCORD_DE_PRINCIPE');
  deliver(s, '2012-05-01', 'PROJET_STATUTS', 'Projet de contrat constitutif du GIE');
  advance(s, '2012-05-15');
  deliver(s, '2012-07-01', 'STATUTS', 'Contrat constitutif du GIE');
  deliver(s, '2012-07-01', 'NOTE_ORGANISATION_GOUVERNANCE', 'Fonctions mutualisées : administratif, accompagnement social, commercial (source)');
  waive(s, '2012-08-01', 'structure-registered', 'GIE constitué (source) ; son SIREN n’est pas repris dans les données de démonstration');
  advance(s, '2012-09-01');
  const [pooled] = defineCriterion(s, '2012-09-01', 'C1', 'Mutualisation des fonctions support', [
    { label: 'Fonctions internalisées grâce au GIE', nature: 'QUALITATIVE' },
  ]);
  measure(s, '2014-01-10', pooled, '2013-01-01', '2013-12-31', 'Fonctions qu’aucune structure n’aurait pu assumer seule, sans externalisation coûteuse (source)');
  deliver(s, '2014-01-15', 'COMPTE_RENDU_GOUVERNANCE');
  s.expect(s.id, 'OPERATION', 'ACTIVE');
  return done(s, 'GIE', name, '11');
};

/** GES Initiative Emploi (seed 002). Dates and département: choice. */
const initiativeEmploi = (reg: OrganisationRegistry): DemoCooperation => {
  const name = 'Initiative Emploi';
  const s = script(reg, 'real-ges-initiative-emploi', 'ai-capelia');
  s.run('2010-01-05', 'ProposeCooperation', {
    cooperationId: s.id,
    kind: 'GES',
    name,
    objectives: ['POOLING', 'SOCIAL_IMPACT'],
    territory: { regionCode: '11', departementCodes: ['78'] },
    sectors: ['PERSONAL_SERVICES', 'CLEANING'],
    leadOrganisation: reg.ref('ai-capelia'),
  });
  s.run('2010-01-05', 'AddMember', { organisation: reg.ref('ei-laveo') });
  s.run('2010-01-05', 'AddMember', { organisation: reg.ref('ei-conciergerie-solidaire') });
  deliver(s, '2010-02-01', 'NOTE_DE_SYNTHESE', 'Parcours progressif de l’AI vers les EI ; mutualisation de la direction, du commercial et de la comptabilité (source)');
  advance(s, '2010-02-15');
  deliver(s, '2010-03-01', 'ACCORD_DE_PRINCIPE');
  advance(s, '2010-03-15');
  deliver(s, '2010-06-01', 'CONVENTION_PARTENARIAT', 'Convention de groupe');
  deliver(s, '2010-06-01', 'NOTE_ORGANISATION_GOUVERNANCE', 'Une directrice, un chargé de développement commercial et une comptabilité communs (source)');
  waive(s, '2010-07-01', 'structure-registered', 'Groupe constitué (source) ; immatriculation de la structure de groupe non reprise dans les données de démonstration');
  advance(s, '2010-09-01');
  const [paths] = defineCriterion(s, '2010-09-01', 'C1', 'Logique de parcours entre les structures du groupe', [
    { label: 'Parcours progressifs de l’AI vers un temps plein en EI', nature: 'QUALITATIVE' },
  ]);
  measure(s, '2012-01-05', paths, '2011-01-01', '2011-12-31', 'Des salariés commencent en AI sur des missions courtes puis passent en EI (source)');
  deliver(s, '2012-01-10', 'COMPTE_RENDU_GOUVERNANCE');
  s.expect(s.id, 'OPERATION', 'ACTIVE');
  return done(s, 'GES', name, '11');
};

/** PTCE cité PHARES, L'Île-Saint-Denis, constituted as a SCIC (seed 002). Dates: choice. */
const citePhares = (reg: OrganisationRegistry): DemoCooperation => {
  const name = 'Cité PHARES (Pôle d’Hospitalité aux Activités à Rayonnement Écologique et Solidaire)';
  const s = script(reg, 'real-ptce-cite-phares', 'phares-aci');
  s.run('2013-01-10', 'ProposeCooperation', {
    cooperationId: s.id,
    kind: 'PTCE',
    name,
    objectives: ['SOCIAL_IMPACT', 'POOLING', 'ECONOMIC_DEVELOPMENT'],
    territory: { regionCode: '11', departementCodes: ['93'] },
    sectors: ['WASTE_RECYCLING', 'OTHER'],
    leadOrganisation: reg.ref('phares-aci'),
  });
  s.run('2013-01-10', 'AddMember', { organisation: reg.ref(CHANTIER_ECOLE_IDF) }); // source: Chantier École, a GRAFIE network
  s.run('2013-01-10', 'AddMember', { organisation: reg.ref('phares-agence-presse'), role: 'ESS_ENTERPRISE' });
  s.run('2013-01-10', 'AddMember', { organisation: reg.ref('phares-consommateurs-bio') });
  deliver(s, '2013-02-01', 'NOTE_DE_SYNTHESE', 'Défendre et développer des valeurs solidaires et écologiques sur l’île Saint-Denis (source)');
  advance(s, '2013-02-15');
  deliver(s, '2013-03-01', 'ACCORD_DE_PRINCIPE');
  // source: seed 002 lists the members (insertion workshops, a press agency, a consumers' association, Chantier École)
  // and no local authority; the law asks for a link (« en lien avec des collectivités territoriales »), waived here.
  waive(
    s,
    '2013-03-15',
    'local-authority-involved',
    'Aucune collectivité parmi les membres que cite la source (seed 002 : « des chantiers d’insertion, une agence de presse spécialisée sur les questions écologiques, une association de consommateurs de produits biologiques et même l’un des réseaux du GRAFIE, Chantier Ecole »). Le lien au territoire est celui qu’elle décrit : « une même volonté de défendre et développer des valeurs solidaires et écologiques sur un même territoire, l’île Saint Denis », pour « répondre ensemble, et plus efficacement, aux enjeux de développement local » (loi du 31 juillet 2014, art. 9 : « en lien avec des collectivités territoriales et leurs groupements »).',
  );
  advance(s, '2013-04-01');
  deliver(s, '2014-01-01', 'STATUTS', 'Statuts de la SCIC cité PHARES'); // source: constituted as a SCIC
  deliver(s, '2014-01-01', 'NOTE_ORGANISATION_GOUVERNANCE', 'Gouvernance multi-sociétariat de la SCIC');
  advance(s, '2014-02-01');
  const [pooled] = defineCriterion(s, '2014-02-01', 'C1', 'Mutualiser fonctions et locaux', [
    { label: 'Fonctions et locaux mutualisés', nature: 'QUALITATIVE' },
  ]);
  measure(s, '2015-01-15', pooled, '2014-01-01', '2014-12-31', 'Rationalisation des coûts par la mutualisation de fonctions et de locaux (source)');
  deliver(s, '2015-01-20', 'COMPTE_RENDU_GOUVERNANCE');
  s.expect(s.id, 'OPERATION', 'ACTIVE');
  return done(s, 'PTCE', name, '11');
};

/** JVS: shares planned then final, with the ESS majority (our convention; the sources give no split). */
const jvsShares = (s: CooperationScript, date: string, phase: 'PLANNED' | 'FINAL', shares: [string, number][]) =>
  s.run(date, 'SetShareholding', { phase, shares: shares.map(([organisationId, percent]) => ({ organisationId, percent })) });

/** JVS Lemon Aide (FACE, Fonds Danone pour l'Écosystème, Lemon Tri), created 2016 (seed 000). */
const lemonAide = (reg: OrganisationRegistry): DemoCooperation => {
  const name = 'Lemon Aide';
  const s = script(reg, 'real-jvs-lemon-aide', 'lemon-tri');
  const split: [string, number][] = [
    [reg.id('face'), 51], // choice: the ESS partner holds the majority, by convention
    [reg.id('fonds-danone-ecosysteme'), 25],
    [reg.id('lemon-tri'), 24],
  ];
  s.run('2015-03-02', 'ProposeCooperation', {
    cooperationId: s.id,
    kind: 'JVS',
    name,
    objectives: ['SOCIAL_IMPACT', 'ECONOMIC_DEVELOPMENT'],
    territory: { regionCode: '11', departementCodes: ['75'] },
    sectors: ['WASTE_RECYCLING', 'LOGISTICS'],
    leadOrganisation: reg.ref('lemon-tri'),
  });
  s.run('2015-03-02', 'AddMember', { organisation: reg.ref('face') });
  s.run('2015-03-02', 'AddMember', { organisation: reg.ref('fonds-danone-ecosysteme') });
  deliver(s, '2015-03-16', 'NOTE_DE_SYNTHESE', 'Pérenniser et développer le modèle d’insertion de Lemon Tri (source)');
  advance(s, '2015-04-01');
  deliver(s, '2015-05-04', 'LETTRE_INTENTION');
  deliver(s, '2015-06-01', 'BUSINESS_PLAN', 'Sous-traitant d’exploitation logistique de la collecte des matières recyclables (source)');
  deliver(s, '2015-06-01', 'PROJET_STATUTS');
  jvsShares(s, '2015-06-01', 'PLANNED', split);
  advance(s, '2015-07-01');
  deliver(s, '2016-01-15', 'STATUTS');
  deliver(s, '2016-01-15', 'PACTE_ASSOCIES');
  deliver(s, '2016-01-15', 'NOTE_ORGANISATION_GOUVERNANCE', 'Réseau d’une fondation, capacité d’investissement d’un grand groupe, agilité d’une start-up (source)');
  waive(s, '2016-02-01', 'structure-registered', 'Société créée en 2016 (source) ; son SIREN n’est pas repris dans les données de démonstration');
  jvsShares(s, '2016-02-01', 'FINAL', split);
  advance(s, '2016-03-01'); // source: created in 2016; the month is a choice
  support(s, '2016-03-01', 'OTHER', reg.id('fonds-danone-ecosysteme'), '2016-03-01', null, 'Outils de mesure d’impact du Fonds pour l’Écosystème (source)');
  const [impact] = defineCriterion(s, '2016-03-01', 'C1', 'Impact social de Lemon Aide', [
    { label: 'Objectifs d’impact social évalués puis rectifiés', nature: 'QUALITATIVE' },
  ]);
  measure(s, '2017-01-10', impact, '2016-03-01', '2016-12-31', 'Les salariés en parcours (Lemon Aiders) assurent la collecte et la valorisation (source)');
  deliver(s, '2017-01-15', 'COMPTE_RENDU_GOUVERNANCE');
  deliver(s, '2019-03-01', 'BILAN_3_ANS'); // choice
  s.expect(s.id, 'OPERATION', 'ACTIVE');
  return done(s, 'JVS', name, '11');
};

/** JVS Acces Inclusive Tech (Ares, Fondation Accenture, Investir&+), created 2016; 52 people in 2019, 71% exits (seeds 000, 001). */
const accesInclusiveTech = (reg: OrganisationRegistry): DemoCooperation => {
  const name = 'Acces Inclusive Tech';
  const s = script(reg, 'real-jvs-acces-inclusive-tech', 'groupe-ares');
  const split: [string, number][] = [
    [reg.id('groupe-ares'), 51], // choice: the ESS partner holds the majority, by convention
    [reg.id('fondation-accenture'), 25],
    [reg.id('investir-et-plus'), 24],
  ];
  // source: « une étude d'opportunité puis une phase de lancement d'environ quinze mois », the company created in 2016.
  // choice: the days, and LAUNCH from 1 December 2014 to 1 March 2016 (15 months); the study in 2014.
  s.run('2014-05-05', 'ProposeCooperation', {
    cooperationId: s.id,
    kind: 'JVS',
    name,
    objectives: ['SOCIAL_IMPACT', 'ECONOMIC_DEVELOPMENT', 'POOLING'],
    territory: { regionCode: '11', departementCodes: ['93'] }, // source: « Localisation : Saint-Denis (93) »
    sectors: ['DIGITAL_SERVICES'],
    leadOrganisation: reg.ref('groupe-ares'),
  });
  s.run('2014-05-05', 'AddMember', { organisation: reg.ref('fondation-accenture') });
  s.run('2014-05-05', 'AddMember', { organisation: reg.ref('investir-et-plus') });
  deliver(s, '2014-05-19', 'NOTE_DE_SYNTHESE', 'L’IAE offre peu de débouchés vers les métiers du numérique, en tension (source)');
  advance(s, '2014-06-02');
  deliver(s, '2014-07-01', 'LETTRE_INTENTION');
  deliver(s, '2014-11-03', 'BUSINESS_PLAN', 'Tests informatiques, support niveau 1, gestion déléguée de services administratifs (source)');
  deliver(s, '2014-11-03', 'PROJET_STATUTS');
  jvsShares(s, '2014-11-03', 'PLANNED', split);
  advance(s, '2014-12-01'); // start of the « phase de lancement d'environ quinze mois » (source)
  deliver(s, '2016-01-11', 'STATUTS');
  deliver(s, '2016-01-11', 'PACTE_ASSOCIES');
  deliver(s, '2016-01-11', 'NOTE_ORGANISATION_GOUVERNANCE', 'Ares : recrutement et accompagnement social ; Accenture : expertise numérique et appui commercial (source)');
  waive(s, '2016-02-01', 'structure-registered', 'Entreprise d’insertion créée en 2016 (source) ; son SIREN n’est pas repris dans les données de démonstration');
  jvsShares(s, '2016-02-01', 'FINAL', split);
  advance(s, '2016-03-01'); // source: created in 2016, about fifteen months after the launch began; the month is a choice
  support(s, '2016-03-01', 'OTHER', reg.id('fondation-accenture'), '2016-03-01', null, 'Formation pro bono des salariés en insertion et appui au développement commercial (source)');
  const [people, exits] = defineCriterion(s, '2016-03-01', 'C1', 'Parcours d’insertion vers les métiers du numérique', [
    { standard: 'PEOPLE_IN_INSERTION' },
    { label: 'Taux de sortie en emploi ou en formation', nature: 'QUANTITATIVE', unit: '%' },
  ]);
  deliver(s, '2017-01-16', 'COMPTE_RENDU_GOUVERNANCE'); // choice
  deliver(s, '2019-03-01', 'BILAN_3_ANS'); // choice
  measure(s, '2020-01-15', people, '2019-01-01', '2019-12-31', 52); // source
  measure(s, '2020-01-15', exits, '2019-01-01', '2019-12-31', 71); // source
  s.expect(s.id, 'OPERATION', 'ACTIVE');
  return done(s, 'JVS', name, '11');
};

/**
 * JVS Brise de Terre: the SIAE Capdife (Croix-Rouge insertion) and the criée du Grau d'Agde, a SAS created in 2018,
 * held 50/50 (seed 001, « Faire corps en créant une joint-venture sociale : Brise de Terre »). The ESS majority is
 * waived with the source's own words. Days and months: choice.
 */
const briseDeTerre = (reg: OrganisationRegistry): DemoCooperation => {
  const name = 'Brise de Terre';
  const s = script(reg, 'real-jvs-brise-de-terre', 'capdife');
  const split: [string, number][] = [
    [reg.id('capdife'), 50], // source: « Capdife et la criée détiennent chacun 50 % de la SAS »
    [reg.id('criee-grau-d-agde'), 50],
  ];
  const parity =
    'Source (seed 001) : « Capdife et la criée détiennent chacun 50 % de la SAS, les postes de direction sont répartis entre les membres des deux structures », avec « trois administrateurs pour chacune des structures fondatrices » : un « partage clair et équilibré des rôles et des responsabilités ». La SAS est conventionnée entreprise d’insertion.';
  // choice: the criée surveys its activities « dès 2012 » and Capdife joins Croix-Rouge insertion in 2013 (source); the
  // meeting that led to Brise de Terre is dated 2016 here.
  s.run('2016-03-07', 'ProposeCooperation', {
    cooperationId: s.id,
    kind: 'JVS',
    name,
    objectives: ['SOCIAL_IMPACT', 'ECONOMIC_DEVELOPMENT'],
    territory: { regionCode: '76', departementCodes: ['34'] }, // source: « Localisation : Agde (34) », Occitanie
    sectors: ['AGRICULTURE', 'OTHER'], // source: « transformation agricole et de ressources halieutiques »
    leadOrganisation: reg.ref('capdife'), // choice: the source names no lead
  });
  s.run('2016-03-07', 'AddMember', { organisation: reg.ref('criee-grau-d-agde') });
  deliver(s, '2016-04-04', 'NOTE_DE_SYNTHESE', 'Atelier de transformation sur site : valoriser les espèces mal vendues et limiter le gaspillage de la criée ; diversification de Capdife vers les protéines animales (source)');
  advance(s, '2016-05-02');
  deliver(s, '2016-06-06', 'ACCORD_DE_PRINCIPE');
  deliver(s, '2016-10-03', 'BUSINESS_PLAN', 'Transformation et vente en circuit court de produits de la mer puis de la terre (source)');
  deliver(s, '2016-10-03', 'PROJET_STATUTS', 'SAS conventionnée entreprise d’insertion (source)');
  jvsShares(s, '2016-10-03', 'PLANNED', split); // choice: the planned split is not in the source; the final one is
  waive(s, '2016-10-10', 'planned-shares-ess-majority', parity);
  advance(s, '2016-11-07');
  deliver(s, '2017-10-02', 'STATUTS', 'Statuts de la SAS Brise de Terre');
  deliver(s, '2017-10-02', 'PACTE_ASSOCIES'); // choice
  deliver(s, '2017-10-02', 'NOTE_ORGANISATION_GOUVERNANCE', 'Direction partagée entre les deux structures ; trois administrateurs pour chacune (source)');
  waive(s, '2017-12-01', 'structure-registered', 'SAS créée en 2018 (source) ; son SIREN n’est pas repris dans les données de démonstration');
  jvsShares(s, '2017-12-01', 'FINAL', split);
  waive(s, '2017-12-01', 'final-shares-ess-majority', parity);
  advance(s, '2018-01-08'); // source: created in 2018; the day is a choice
  const [permanent, insertion] = defineCriterion(s, '2018-01-08', 'C1', 'Emplois créés par l’activité de transformation', [
    { standard: 'PERMANENT_JOBS_CREATED' },
    { standard: 'PEOPLE_IN_INSERTION' },
  ]);
  // source: « l'embauche de deux salariés permanents et de quatre salariés en parcours d'insertion »; the period is a choice.
  measure(s, '2019-01-14', permanent, '2018-01-08', '2018-12-31', 2);
  measure(s, '2019-01-14', insertion, '2018-01-08', '2018-12-31', 4);
  deliver(s, '2019-01-21', 'COMPTE_RENDU_GOUVERNANCE'); // choice
  s.expect(s.id, 'OPERATION', 'ACTIVE');
  return done(s, 'JVS', name, '76');
};

/** Essaimage SoliCycle by Études et Chantiers Île-de-France: Les Ulis 2007, 10 sites by end 2019 (seed 002). */
const soliCycle = (reg: OrganisationRegistry): DemoCooperation => {
  const name = 'SoliCycle';
  const s = script(reg, 'real-essaimage-solicycle', 'etudes-et-chantiers-idf');
  s.run('2006-09-01', 'ProposeCooperation', {
    cooperationId: s.id,
    kind: 'ESSAIMAGE',
    name,
    objectives: ['SOCIAL_IMPACT', 'ECONOMIC_DEVELOPMENT'],
    territory: { regionCode: '11', departementCodes: ['91'] },
    sectors: ['MOBILITY'],
    leadOrganisation: reg.ref('etudes-et-chantiers-idf'),
    parentOrganisation: reg.ref('etudes-et-chantiers-idf'),
  });
  deliver(s, '2006-10-02', 'NOTE_DE_SYNTHESE', 'Ateliers participatifs de réparation de vélos avec des salariés en parcours d’insertion (source)');
  advance(s, '2006-11-02');
  deliver(s, '2006-11-15', 'ACCORD_DE_PRINCIPE');
  // choice: the sources do not name the strategy; the association runs the workshops itself.
  s.run('2006-12-01', 'ChooseEssaimageStrategy', { strategy: 'DUPLICATION_CENTRALISEE', targetTerritories: [{ regionCode: '11', departementCode: '91' }] });
  advance(s, '2007-01-02');
  deliver(s, '2007-03-01', 'CONVENTION_PARTENARIAT');
  deliver(s, '2007-03-01', 'NOTE_ORGANISATION_GOUVERNANCE');
  // source: first workshop in Les Ulis (91) in 2007; the day is a choice.
  s.run('2007-06-01', 'OpenSite', { siteId: s.sub('site-1'), name: 'Atelier SoliCycle des Ulis', location: { regionCode: '11', departementCode: '91' }, openedOn: '2007-06-01' });
  advance(s, '2007-06-01');
  const [sites] = defineCriterion(s, '2007-06-01', 'C1', 'Duplication de la solution', [{ label: 'Ateliers et antennes ouverts', nature: 'QUANTITATIVE', unit: 'sites', target: 10 }]);
  measure(s, '2008-01-10', sites, '2007-01-01', '2007-12-31', 1); // source
  deliver(s, '2008-01-15', 'COMPTE_RENDU_GOUVERNANCE');
  // choice: the sources give 10 workshops and antennas by end 2019, not where and when the 9 others opened.
  const more: [string, string][] = [
    ['2009-09-01', '93'], ['2011-03-01', '75'], ['2012-09-03', '93'], ['2014-03-03', '94'], ['2015-09-01', '92'],
    ['2016-09-01', '95'], ['2017-09-04', '78'], ['2018-09-03', '77'], ['2019-11-04', '91'],
  ];
  more.forEach(([date, dep], i) =>
    s.run(date, 'OpenSite', { siteId: s.sub(`site-${i + 2}`), name: `Atelier ou antenne SoliCycle n° ${i + 2}`, location: { regionCode: '11', departementCode: dep }, openedOn: date }),
  );
  measure(s, '2020-01-10', sites, '2019-01-01', '2019-12-31', 10); // source
  s.expect(s.id, 'OPERATION', 'ACTIVE');
  return done(s, 'ESSAIMAGE', name, '11');
};

export const REAL_COOPERATION_SLUGS = [
  'real-gme-le-petit-plus',
  'real-gme-ai-maine-et-loire',
  'real-gme-petit-leroy-1',
  'real-gie-table-de-cana',
  'real-ges-initiative-emploi',
  'real-ptce-cite-phares',
  'real-jvs-lemon-aide',
  'real-jvs-acces-inclusive-tech',
  'real-essaimage-solicycle',
  'real-jvs-brise-de-terre',
] as const;

export const buildRealCooperations = (reg: OrganisationRegistry): DemoCooperation[] => [
  petitPlus(reg),
  aiMaineEtLoire(reg),
  petitLeroy(reg),
  tableDeCana(reg),
  initiativeEmploi(reg),
  citePhares(reg),
  lemonAide(reg),
  accesInclusiveTech(reg),
  soliCycle(reg),
  briseDeTerre(reg),
];

