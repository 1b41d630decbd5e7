import type { OrganisationKind } from '../organisation/organisation.types';

/** Identifiers of every cooperation enum. French labels live in labels/labels.fr.ts. */
export const COOPERATION_KINDS = ['GME', 'GIE', 'GES', 'PTCE', 'JVS', 'ESSAIMAGE'] as const;
export type CooperationKind = (typeof COOPERATION_KINDS)[number];

export const STAGES = ['DECISION', 'FEASIBILITY', 'LAUNCH', 'OPERATION', 'CAPITALISATION'] as const;
export type Stage = (typeof STAGES)[number];
export const stageIndex = (stage: Stage): number => STAGES.indexOf(stage);
export const nextStage = (stage: Stage): Stage | null => STAGES[stageIndex(stage) + 1] ?? null;
export const previousStage = (stage: Stage): Stage | null => (stageIndex(stage) > 0 ? STAGES[stageIndex(stage) - 1] : null);

export const COOPERATION_STATUSES = ['NONE', 'ACTIVE', 'CLOSED', 'ABANDONED'] as const;
export type CooperationStatus = (typeof COOPERATION_STATUSES)[number];

export const OBJECTIVES = ['ECONOMIC_DEVELOPMENT', 'POOLING', 'SOCIAL_IMPACT'] as const;
export type Objective = (typeof OBJECTIVES)[number];

export const SECTORS = [
  'CLEANING',
  'GREEN_SPACES',
  'WASTE_RECYCLING',
  'CATERING',
  'LOGISTICS',
  'DIGITAL_SERVICES',
  'BUILDING',
  'PERSONAL_SERVICES',
  'STAFFING',
  'MOBILITY',
  'TEXTILE',
  'AGRICULTURE',
  'OTHER',
] as const;
export type Sector = (typeof SECTORS)[number];

export const MEMBER_ROLES = [
  'COTRAITANT',
  'ASSOCIE',
  'ESS_ENTERPRISE',
  'COMPANY',
  'LOCAL_AUTHORITY',
  'RESEARCH',
  'TRAINING',
  'PARENT',
  'NEW_SITE',
  'MEMBER',
  /** PTCE: any other person (law of 2014, art. 9: « toute autre personne physique ou morale »). */
  'OTHER_PARTNER',
] as const;
export type MemberRole = (typeof MEMBER_ROLES)[number];

/** Roles a member may hold, per kind (the GME mandataire is a designation among cotraitants). */
export const ROLES_BY_KIND: Record<CooperationKind, readonly MemberRole[]> = {
  GME: ['COTRAITANT'],
  GIE: ['MEMBER'],
  GES: ['MEMBER'],
  PTCE: ['ESS_ENTERPRISE', 'COMPANY', 'LOCAL_AUTHORITY', 'RESEARCH', 'TRAINING', 'OTHER_PARTNER'],
  JVS: ['ASSOCIE'],
  ESSAIMAGE: ['PARENT', 'NEW_SITE', 'MEMBER'],
};

/**
 * PTCE roles are tied to the organisation's kind or ESS status (checked against the lookup);
 * OTHER_PARTNER is open to any kind.
 */
export const PTCE_ROLE_ORGANISATION_KINDS: Partial<Record<MemberRole, readonly OrganisationKind[]>> = {
  LOCAL_AUTHORITY: ['LOCAL_AUTHORITY'],
  RESEARCH: ['RESEARCH'],
  TRAINING: ['TRAINING'],
  COMPANY: ['COMPANY'],
};

export const GME_FORMS = ['CONJOINT', 'SOLIDAIRE'] as const;
export type GmeForm = (typeof GME_FORMS)[number];

export const MARKET_PROCEDURES = [
  'RESERVED_SIAE',
  'RESERVED_ESS',
  'RESERVED_EA_ESAT',
  'SOCIAL_CLAUSE',
  'ADAPTED_PROCEDURE',
  'OPEN_PROCEDURE',
  'PRIVATE_CONTRACT',
] as const;
export type MarketProcedure = (typeof MARKET_PROCEDURES)[number];

export const MARKET_OUTCOMES = ['AWARDED', 'LOST'] as const;
export type MarketOutcome = (typeof MARKET_OUTCOMES)[number];

export const SHAREHOLDING_PHASES = ['PLANNED', 'FINAL'] as const;
export type ShareholdingPhase = (typeof SHAREHOLDING_PHASES)[number];

export const ESSAIMAGE_STRATEGIES = [
  'DUPLICATION_SOUPLE',
  'FRANCHISE_SOUPLE',
  'FRANCHISE_INTEGREE',
  'DUPLICATION_CENTRALISEE',
] as const;
export type EssaimageStrategy = (typeof ESSAIMAGE_STRATEGIES)[number];

export const DELIVERABLE_KINDS = [
  'ACCORD_DE_PRINCIPE',
  'NOTE_DE_SYNTHESE',
  'BUSINESS_PLAN',
  'LETTRE_INTENTION',
  'PROJET_STATUTS',
  'STATUTS',
  'PACTE_ASSOCIES',
  'CONVENTION_GME',
  'CONVENTION_PARTENARIAT',
  'NOTE_ORGANISATION_GOUVERNANCE',
  'COMPTE_RENDU_GOUVERNANCE',
  'BILAN_3_ANS',
  'RAPPORT_EVALUATION',
  'FICHE_CAPITALISATION',
] as const;
export type DeliverableKind = (typeof DELIVERABLE_KINDS)[number];

export const ABANDON_REASONS = [
  'TIME',
  'COST',
  'NO_PARTNER',
  'LEGAL_COMPLEXITY',
  'GOVERNANCE_REFUSAL',
  'LOW_POTENTIAL',
  /** Seed 002's brakes: « La compatibilité des modèles économiques avec les partenaires potentiels (fiscalité, tarifs...) ». */
  'ECONOMIC_MODEL_MISMATCH',
  'OTHER',
] as const;
export type AbandonReason = (typeof ABANDON_REASONS)[number];

export const CLOSE_OUTCOMES = ['COMPLETED', 'CONTRACT_ENDED', 'TENDER_LOST', 'DISSOLVED'] as const;
export type CloseOutcome = (typeof CLOSE_OUTCOMES)[number];

/**
 * What became of a request to a funder (« sollicitation »): LAPSED when the cooperation was
 * abandoned or closed while it was open (no one may answer it any more).
 */
export const FUNDING_REQUEST_STATUSES = ['OPEN', 'WITHDRAWN', 'DECLINED', 'GRANTED', 'LAPSED'] as const;
export type FundingRequestStatus = (typeof FUNDING_REQUEST_STATUSES)[number];

/**
 * Kinds that create no structure of their own: a GME is no legal person (seed 002, « Le GME n'est
 * pas une personne morale »), so it never registers a SIREN nor closes as DISSOLVED.
 */
export const KINDS_WITHOUT_STRUCTURE: readonly CooperationKind[] = ['GME'];

/** Reserved market procedures and who may answer them (seed 000: « Les marchés réservés par secteur excluent donc de fait toute cotraitance entre différents secteurs »). */
export const RESERVED_PROCEDURES = ['RESERVED_SIAE', 'RESERVED_EA_ESAT', 'RESERVED_ESS'] as const satisfies readonly MarketProcedure[];
export type ReservedProcedure = (typeof RESERVED_PROCEDURES)[number];

export const SUPPORT_KINDS = ['NETWORK', 'DLA', 'FABRIQUE_A_INITIATIVES', 'OTHER'] as const;
export type SupportKind = (typeof SUPPORT_KINDS)[number];

export const INDICATOR_NATURES = ['QUANTITATIVE', 'QUALITATIVE'] as const;
export type IndicatorNature = (typeof INDICATOR_NATURES)[number];

/** Standard IAE indicators (brief, "Around the lifecycle"). */
export const STANDARD_INDICATORS = [
  'INSERTION_FTE',
  'PEOPLE_IN_INSERTION',
  'DYNAMIC_EXITS_DURABLE_JOB',
  'DYNAMIC_EXITS_TRANSITION_JOB',
  'DYNAMIC_EXITS_POSITIVE',
  'TURNOVER',
  'SOCIAL_CLAUSE_HOURS',
  'PERMANENT_JOBS_CREATED',
  'POOLING_COST_SAVINGS',
] as const;
export type StandardIndicator = (typeof STANDARD_INDICATORS)[number];

/** Default unit of each standard indicator. */
export const STANDARD_INDICATOR_UNITS: Record<StandardIndicator, string> = {
  INSERTION_FTE: 'ETP',
  PEOPLE_IN_INSERTION: 'personnes',
  DYNAMIC_EXITS_DURABLE_JOB: 'personnes',
  DYNAMIC_EXITS_TRANSITION_JOB: 'personnes',
  DYNAMIC_EXITS_POSITIVE: 'personnes',
  TURNOVER: 'EUR',
  SOCIAL_CLAUSE_HOURS: 'heures',
  PERMANENT_JOBS_CREATED: 'emplois',
  POOLING_COST_SAVINGS: 'EUR',
};

/** Partnership evaluation steps after Le Rameau (seed 001). */
export const EVALUATION_STEPS = ['FRAMEWORK', 'CONTENT', 'RESULTS', 'OUTLOOK'] as const;
export type EvaluationStep = (typeof EVALUATION_STEPS)[number];

export const ESSAIMAGE_POTENTIALS = ['YES', 'NO', 'UNCERTAIN'] as const;
export type EssaimagePotential = (typeof ESSAIMAGE_POTENTIALS)[number];

/** Motivation intensity per kind, 1 to 4 "+" (seed 002 recap), for the console and docs. */
export const OBJECTIVE_INTENSITY: Record<CooperationKind, Record<Objective, 1 | 2 | 3 | 4>> = {
  GME: { ECONOMIC_DEVELOPMENT: 4, POOLING: 2, SOCIAL_IMPACT: 1 },
  GIE: { ECONOMIC_DEVELOPMENT: 2, POOLING: 4, SOCIAL_IMPACT: 1 },
  GES: { ECONOMIC_DEVELOPMENT: 3, POOLING: 4, SOCIAL_IMPACT: 3 },
  PTCE: { ECONOMIC_DEVELOPMENT: 2, POOLING: 3, SOCIAL_IMPACT: 4 },
  JVS: { ECONOMIC_DEVELOPMENT: 3, POOLING: 3, SOCIAL_IMPACT: 4 },
  ESSAIMAGE: { ECONOMIC_DEVELOPMENT: 2, POOLING: 2, SOCIAL_IMPACT: 4 },
};
