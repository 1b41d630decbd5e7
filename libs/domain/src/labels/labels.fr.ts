import { DomainErrorCode, domainErrorMessagesFr } from '../shared/domain-error';
import type { OrganisationKind } from '../organisation/organisation.types';
import type { OrganisationEventType } from '../organisation/organisation.events';
import type { CooperationEventType } from '../cooperation/cooperation.events';
import type { CooperationCommandType } from '../cooperation/cooperation.commands';
import type { Fact } from '../cooperation/cooperation.playbook';
import type {
  AbandonReason,
  CloseOutcome,
  CooperationKind,
  CooperationStatus,
  DeliverableKind,
  EssaimagePotential,
  EssaimageStrategy,
  EvaluationStep,
  FundingRequestStatus,
  GmeForm,
  IndicatorNature,
  MarketOutcome,
  MarketProcedure,
  MemberRole,
  Objective,
  Sector,
  ShareholdingPhase,
  Stage,
  StandardIndicator,
  SupportKind,
} from '../cooperation/cooperation.types';

/** French labels for every English identifier (console, exports, history timeline). */
export const cooperationKindLabelsFr: Record<CooperationKind, string> = {
  GME: "Groupement momentané d'entreprises (GME)",
  GIE: "Groupement d'intérêt économique (GIE)",
  GES: 'Groupe économique solidaire (GES)',
  PTCE: 'Pôle territorial de coopération économique (PTCE)',
  JVS: 'Joint-venture sociale (JVS)',
  ESSAIMAGE: 'Essaimage',
};
/** Grammatical gender of each kind's label, for the words that agree with it (« proposée » for a JVS). */
export const cooperationKindIsFeminineFr: Record<CooperationKind, boolean> = {
  GME: false,
  GIE: false,
  GES: false,
  PTCE: false,
  JVS: true,
  ESSAIMAGE: false,
};
/**
 * A label inside a sentence: its first letter in lower case, unless the first word is an acronym
 * (« ESAT », « DLA »); acronyms further on keep their capitals (« entreprise de l'ESS »).
 */
export const lowerFirstFr = (label: string): string => {
  const firstWord = /^[^\s'’(]+/.exec(label)?.[0] ?? '';
  if (firstWord.length > 1 && firstWord === firstWord.toUpperCase()) return label;
  return label.charAt(0).toLowerCase() + label.slice(1);
};
export const stageLabelsFr: Record<Stage, string> = {
  DECISION: 'Décision',
  FEASIBILITY: 'Faisabilité',
  LAUNCH: 'Lancement',
  OPERATION: 'Fonctionnement',
  CAPITALISATION: 'Capitalisation',
};
export const cooperationStatusLabelsFr: Record<CooperationStatus, string> = {
  NONE: 'Inexistante',
  ACTIVE: 'En cours',
  CLOSED: 'Clôturée',
  ABANDONED: 'Abandonnée',
};
export const objectiveLabelsFr: Record<Objective, string> = {
  ECONOMIC_DEVELOPMENT: "Développement économique (chiffre d'affaires, activité)",
  POOLING: 'Mutualisation de coûts et de moyens',
  SOCIAL_IMPACT: "Impact social (utilité sociale, parcours d'insertion)",
};
export const sectorLabelsFr: Record<Sector, string> = {
  CLEANING: 'Propreté',
  GREEN_SPACES: 'Espaces verts',
  WASTE_RECYCLING: 'Collecte et recyclage des déchets',
  CATERING: 'Restauration, traiteur',
  LOGISTICS: 'Logistique',
  DIGITAL_SERVICES: 'Services numériques',
  BUILDING: 'Bâtiment',
  PERSONAL_SERVICES: 'Services à la personne',
  STAFFING: 'Mise à disposition de personnel',
  MOBILITY: 'Mobilité, cycles',
  TEXTILE: 'Textile',
  AGRICULTURE: 'Agriculture, maraîchage',
  OTHER: 'Autre',
};
export const memberRoleLabelsFr: Record<MemberRole, string> = {
  COTRAITANT: 'Cotraitant',
  ASSOCIE: 'Associé',
  ESS_ENTERPRISE: "Entreprise de l'ESS",
  COMPANY: 'Entreprise classique',
  LOCAL_AUTHORITY: 'Collectivité territoriale ou groupement',
  RESEARCH: 'Recherche',
  TRAINING: 'Formation',
  PARENT: 'Structure essaimante',
  NEW_SITE: 'Nouveau site',
  MEMBER: 'Membre',
  OTHER_PARTNER: 'Autre partenaire',
};
/** Shown next to the member role of the designated GME mandataire. */
export const MANDATAIRE_LABEL_FR = 'Mandataire';
export const organisationKindLabelsFr: Record<OrganisationKind, string> = {
  ACI: "Atelier et chantier d'insertion (ACI)",
  EI: "Entreprise d'insertion (EI)",
  AI: 'Association intermédiaire (AI)',
  ETTI: "Entreprise de travail temporaire d'insertion (ETTI)",
  EITI: "Entreprise d'insertion par le travail indépendant (EITI)",
  REGIE: 'Régie de quartier ou de territoire',
  EA: 'Entreprise adaptée (EA)',
  ESAT: "Établissement ou service d'aide par le travail (ESAT)",
  GEIQ: "Groupement d'employeurs pour l'insertion et la qualification (GEIQ)",
  ASSOCIATION: 'Association',
  SCOP: 'Société coopérative et participative (SCOP)',
  SCIC: "Société coopérative d'intérêt collectif (SCIC)",
  COMPANY: 'Entreprise classique',
  LOCAL_AUTHORITY: 'Collectivité territoriale ou groupement',
  RESEARCH: 'Organisme de recherche',
  TRAINING: 'Organisme de formation',
  FUNDER: 'Financeur',
  NETWORK: 'Réseau, tête de réseau',
};
export const gmeFormLabelsFr: Record<GmeForm, string> = { CONJOINT: 'Conjoint', SOLIDAIRE: 'Solidaire' };
export const marketProcedureLabelsFr: Record<MarketProcedure, string> = {
  RESERVED_SIAE: 'Marché réservé aux SIAE',
  RESERVED_ESS: "Marché réservé aux entreprises de l'ESS",
  RESERVED_EA_ESAT: 'Marché réservé aux EA et ESAT',
  SOCIAL_CLAUSE: 'Clause sociale',
  ADAPTED_PROCEDURE: 'Procédure adaptée',
  OPEN_PROCEDURE: "Appel d'offres ouvert",
  PRIVATE_CONTRACT: 'Marché privé',
};
export const marketOutcomeLabelsFr: Record<MarketOutcome, string> = { AWARDED: 'Attribué', LOST: 'Perdu' };
export const shareholdingPhaseLabelsFr: Record<ShareholdingPhase, string> = {
  PLANNED: 'Répartition prévisionnelle',
  FINAL: 'Répartition définitive',
};
export const essaimageStrategyLabelsFr: Record<EssaimageStrategy, string> = {
  DUPLICATION_SOUPLE: 'Duplication souple',
  FRANCHISE_SOUPLE: 'Franchise souple',
  FRANCHISE_INTEGREE: 'Franchise intégrée',
  DUPLICATION_CENTRALISEE: 'Duplication centralisée',
};
export const deliverableKindLabelsFr: Record<DeliverableKind, string> = {
  ACCORD_DE_PRINCIPE: 'Accord de principe',
  NOTE_DE_SYNTHESE: 'Note de synthèse',
  BUSINESS_PLAN: 'Business plan',
  LETTRE_INTENTION: "Lettre d'intention",
  PROJET_STATUTS: 'Projet de statuts ou de contrat constitutif',
  STATUTS: 'Statuts',
  PACTE_ASSOCIES: "Pacte d'associés",
  CONVENTION_GME: 'Convention de groupement (GME)',
  CONVENTION_PARTENARIAT: 'Convention de partenariat',
  NOTE_ORGANISATION_GOUVERNANCE: "Note d'organisation et de gouvernance",
  COMPTE_RENDU_GOUVERNANCE: 'Compte rendu de comité de pilotage ou de gouvernance',
  BILAN_3_ANS: 'Bilan à 3 ans',
  RAPPORT_EVALUATION: "Rapport d'évaluation",
  FICHE_CAPITALISATION: 'Fiche de capitalisation',
};
export const abandonReasonLabelsFr: Record<AbandonReason, string> = {
  TIME: 'Temps nécessaire pour créer la confiance et monter la coopération',
  COST: "Manque de financement de l'amorçage",
  NO_PARTNER: 'Pas de partenaire trouvé',
  LEGAL_COMPLEXITY: 'Complexité juridique',
  GOVERNANCE_REFUSAL: 'Refus des instances de gouvernance',
  LOW_POTENTIAL: 'Potentiel jugé insuffisant',
  ECONOMIC_MODEL_MISMATCH: 'Modèles économiques incompatibles (fiscalité, tarifs…)',
  OTHER: 'Autre raison',
};
export const closeOutcomeLabelsFr: Record<CloseOutcome, string> = {
  COMPLETED: 'Menée à terme',
  CONTRACT_ENDED: 'Marché ou contrat terminé',
  TENDER_LOST: 'Marché perdu',
  DISSOLVED: 'Structure dissoute',
};
export const fundingRequestStatusLabelsFr: Record<FundingRequestStatus, string> = {
  OPEN: 'En attente',
  WITHDRAWN: 'Retirée',
  DECLINED: 'Déclinée',
  GRANTED: 'Accordée',
  LAPSED: 'Sans suite',
};
export const supportKindLabelsFr: Record<SupportKind, string> = {
  NETWORK: 'Accompagnement par un réseau',
  DLA: "Dispositif local d'accompagnement (DLA)",
  FABRIQUE_A_INITIATIVES: 'Fabrique à initiatives',
  OTHER: 'Autre accompagnement',
};
export const indicatorNatureLabelsFr: Record<IndicatorNature, string> = {
  QUANTITATIVE: 'Quantitatif',
  QUALITATIVE: 'Qualitatif',
};
export const standardIndicatorLabelsFr: Record<StandardIndicator, string> = {
  INSERTION_FTE: "ETP d'insertion",
  PEOPLE_IN_INSERTION: 'Personnes en parcours d’insertion',
  DYNAMIC_EXITS_DURABLE_JOB: 'Sorties dynamiques : emploi durable',
  DYNAMIC_EXITS_TRANSITION_JOB: 'Sorties dynamiques : emploi de transition',
  DYNAMIC_EXITS_POSITIVE: 'Sorties dynamiques : sorties positives',
  TURNOVER: "Chiffre d'affaires",
  SOCIAL_CLAUSE_HOURS: "Heures d'insertion issues des clauses sociales",
  PERMANENT_JOBS_CREATED: 'Emplois permanents créés',
  POOLING_COST_SAVINGS: 'Économies réalisées grâce à la mutualisation',
};
/**
 * The label of an indicator: its own, except for a standard IAE indicator defined without one,
 * whose event carried the standard's code as its label before the French label was given there:
 * that one reads with the standard's French label.
 */
export const indicatorLabelFr = (indicator: { label: string; standard: StandardIndicator | null }): string =>
  indicator.standard !== null && indicator.label === indicator.standard ? standardIndicatorLabelsFr[indicator.standard] : indicator.label;
export const evaluationStepLabelsFr: Record<EvaluationStep, string> = {
  FRAMEWORK: 'Cadre',
  CONTENT: 'Contenu',
  RESULTS: 'Résultats',
  OUTLOOK: 'Perspectives',
};
export const essaimagePotentialLabelsFr: Record<EssaimagePotential, string> = {
  YES: 'Duplicable',
  NO: 'Non duplicable',
  UNCERTAIN: 'À étudier',
};
export const factLabelsFr: Record<Fact, string> = {
  OBJECTIVES_STATED: 'objectifs énoncés',
  AT_LEAST_TWO_MEMBERS: 'au moins deux membres',
  SIAE_MEMBER: 'une SIAE membre',
  PARENT_STRUCTURE_MEMBER: 'structure essaimante membre',
  MANDATAIRE_DESIGNATED: 'mandataire désigné',
  GME_FORM_CHOSEN: 'forme du GME choisie',
  MARKET_IDENTIFIED: 'marché enregistré',
  MARKET_AWARDED: 'marché attribué',
  PLANNED_SHARES_ESS_MAJORITY: "capital prévisionnel à 100 %, majorité ESS",
  FINAL_SHARES_ESS_MAJORITY: "capital définitif à 100 %, majorité ESS",
  TERRITORY_DEFINED: 'territoire défini',
  LOCAL_AUTHORITY_MEMBER: 'collectivité membre',
  ESS_ENTERPRISE_MEMBER: 'entreprise de l’ESS membre',
  ESS_AND_MAINSTREAM_PARTNERS: 'associés de l’ESS et du secteur classique',
  ESSAIMAGE_STRATEGY_AND_TARGET: 'stratégie et territoire cible choisis',
  FIRST_SITE_OPENED: 'site ouvert',
  STRUCTURE_REGISTERED: 'SIREN enregistré',
  INDICATORS_REPORTED: 'indicateurs et mesures enregistrés',
  EVALUATION_DONE: 'quatre étapes de l’évaluation enregistrées',
  LESSONS_RECORDED: 'enseignements enregistrés',
  ESSAIMAGE_POTENTIAL_STATED: "potentiel d'essaimage indiqué",
};
export const cooperationEventLabelsFr: Record<CooperationEventType, string> = {
  CooperationProposed: 'Coopération proposée',
  CooperationTerritorySet: 'Territoire et secteurs définis',
  CooperationMemberAdded: 'Membre ajouté',
  CooperationMemberRemoved: 'Membre retiré',
  CooperationLeadHandedOver: 'Pilotage transmis',
  CooperationMandataireDesignated: 'Mandataire désigné',
  CooperationGmeFormSet: 'Forme du groupement choisie',
  CooperationMarketRecorded: 'Marché visé enregistré',
  CooperationMarketOutcomeRecorded: 'Issue du marché enregistrée',
  CooperationShareholdingSet: 'Répartition du capital définie',
  CooperationEssaimageStrategyChosen: "Stratégie d'essaimage choisie",
  CooperationSiteOpened: 'Nouveau site ouvert',
  CooperationStructureRegistered: 'Structure immatriculée',
  CooperationDeliverableRecorded: 'Livrable enregistré',
  CooperationGateItemWaived: 'Dérogation accordée sur un point de passage',
  CooperationStageAdvanced: 'Passage à l’étape suivante',
  CooperationStageReopened: 'Retour à l’étape précédente',
  CooperationAbandoned: 'Coopération abandonnée',
  CooperationClosed: 'Coopération clôturée',
  CooperationRenewed: 'Coopération renouvelée',
  CooperationFundingRequested: 'Financeur sollicité',
  CooperationFundingRequestWithdrawn: 'Sollicitation retirée',
  CooperationFundingRequestDeclined: 'Sollicitation déclinée',
  CooperationFundingGranted: 'Financement accordé',
  CooperationFundingDisbursed: 'Versement effectué',
  CooperationFundingEnded: 'Financement terminé',
  CooperationSupportRecorded: 'Accompagnement enregistré',
  CooperationEvaluationCriterionDefined: "Critère d'évaluation et indicateurs définis",
  CooperationMeasurementRecorded: 'Mesure d’indicateur enregistrée',
  CooperationEvaluationRecorded: 'Évaluation du partenariat enregistrée',
  CooperationLessonRecorded: 'Enseignement capitalisé',
};
export const organisationEventLabelsFr: Record<OrganisationEventType, string> = {
  OrganisationRegistered: 'Structure enregistrée',
  OrganisationUpdated: 'Structure mise à jour',
};
export const eventTypeLabelsFr: Record<CooperationEventType | OrganisationEventType, string> = {
  ...cooperationEventLabelsFr,
  ...organisationEventLabelsFr,
};
export const commandLabelsFr: Record<CooperationCommandType | 'RegisterOrganisation' | 'UpdateOrganisation', string> = {
  ProposeCooperation: 'Proposer une coopération',
  SetTerritory: 'Définir le territoire',
  AddMember: 'Ajouter un membre',
  RemoveMember: 'Retirer un membre',
  HandOverLead: 'Transmettre le pilotage',
  DesignateMandataire: 'Désigner le mandataire',
  SetGmeForm: 'Choisir la forme du groupement',
  RecordMarket: 'Enregistrer le marché visé',
  RecordMarketOutcome: "Enregistrer l'issue du marché",
  SetShareholding: 'Définir la répartition du capital',
  ChooseEssaimageStrategy: "Choisir la stratégie d'essaimage",
  OpenSite: 'Ouvrir un nouveau site',
  RecordStructureRegistration: "Enregistrer l'immatriculation",
  RecordDeliverable: 'Enregistrer un livrable',
  WaiveGateItem: 'Accorder une dérogation',
  AdvanceStage: "Passer à l'étape suivante",
  ReopenStage: "Revenir à l'étape précédente",
  AbandonCooperation: 'Abandonner la coopération',
  CloseCooperation: 'Clôturer la coopération',
  RenewCooperation: 'Renouveler la coopération',
  RequestFunding: 'Solliciter un financeur',
  WithdrawFundingRequest: 'Retirer une sollicitation',
  DeclineFundingRequest: 'Décliner une sollicitation',
  GrantFunding: 'Accorder un financement',
  RecordDisbursement: 'Enregistrer un versement',
  EndFunding: 'Terminer un financement',
  RecordSupport: 'Enregistrer un accompagnement',
  DefineIndicator: "Définir un critère et ses indicateurs",
  RecordMeasurement: 'Enregistrer une mesure',
  RecordEvaluation: "Enregistrer une étape d'évaluation",
  RecordLesson: 'Capitaliser un enseignement',
  RegisterOrganisation: 'Enregistrer une structure',
  UpdateOrganisation: 'Mettre à jour une structure',
};
export const errorCodeLabelsFr: Record<DomainErrorCode, string> = domainErrorMessagesFr;

/** All label maps by enum name, e.g. for an export or a GraphQL enum description. */
export const labelsFr = {
  cooperationKind: cooperationKindLabelsFr,
  stage: stageLabelsFr,
  cooperationStatus: cooperationStatusLabelsFr,
  objective: objectiveLabelsFr,
  sector: sectorLabelsFr,
  memberRole: memberRoleLabelsFr,
  organisationKind: organisationKindLabelsFr,
  gmeForm: gmeFormLabelsFr,
  marketProcedure: marketProcedureLabelsFr,
  marketOutcome: marketOutcomeLabelsFr,
  shareholdingPhase: shareholdingPhaseLabelsFr,
  essaimageStrategy: essaimageStrategyLabelsFr,
  deliverableKind: deliverableKindLabelsFr,
  abandonReason: abandonReasonLabelsFr,
  closeOutcome: closeOutcomeLabelsFr,
  fundingRequestStatus: fundingRequestStatusLabelsFr,
  supportKind: supportKindLabelsFr,
  indicatorNature: indicatorNatureLabelsFr,
  standardIndicator: standardIndicatorLabelsFr,
  evaluationStep: evaluationStepLabelsFr,
  essaimagePotential: essaimagePotentialLabelsFr,
  fact: factLabelsFr,
  eventType: eventTypeLabelsFr,
  command: commandLabelsFr,
  errorCode: errorCodeLabelsFr,
} as const;
