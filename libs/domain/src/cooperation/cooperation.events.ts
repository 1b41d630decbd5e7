import type { DomainEvent } from '../shared/messages';
import type { Location, Territory } from '../territory/territory';
import type { OrganisationKind } from '../organisation/organisation.types';
import type {
  AbandonReason,
  CloseOutcome,
  CooperationKind,
  DeliverableKind,
  EssaimagePotential,
  EssaimageStrategy,
  EvaluationStep,
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
} from './cooperation.types';

/**
 * Events of the cooperation aggregate (stream `cooperation-<uuid>`). Data is plain JSON; dates are
 * ISO strings. People never appear here: organisations and documents are referenced by id, and
 * free texts (justifications, lessons) must not name people.
 */
export interface MarketLot {
  number: number;
  label: string;
}
export interface Market {
  buyerName: string;
  buyerOrganisationId: string | null;
  /** null only for a private contract (no public procurement classification). */
  cpvCode: string | null;
  amountExclVat: number;
  durationMonths: number;
  procedures: MarketProcedure[];
  lots: MarketLot[];
  /** Deadline for bids (ISO); membership is frozen from then until the award (R2142-26). */
  bidDeadline: string | null;
}
export interface Share {
  organisationId: string;
  percent: number;
}
export interface IndicatorDefinition {
  indicatorId: string;
  code: string;
  label: string;
  nature: IndicatorNature;
  unit: string | null;
  /** Number for a quantitative indicator, text for a qualitative one. */
  target: number | string | null;
  standard: StandardIndicator | null;
}
export interface Period {
  start: string;
  end: string | null;
}

export type CooperationProposed = DomainEvent<
  'CooperationProposed',
  {
    cooperationId: string;
    kind: CooperationKind;
    name: string;
    objectives: Objective[];
    territory: Territory;
    sectors: Sector[];
    leadOrganisationId: string;
    renewedFrom: string | null;
  }
>;
export type CooperationTerritorySet = DomainEvent<
  'CooperationTerritorySet',
  { territory: Territory; sectors: Sector[] }
>;
export type CooperationMemberAdded = DomainEvent<
  'CooperationMemberAdded',
  { organisationId: string; organisationKind: OrganisationKind; ess: boolean; role: MemberRole }
>;
export type CooperationMemberRemoved = DomainEvent<
  'CooperationMemberRemoved',
  { organisationId: string; reason: string | null }
>;
/** The lead organisation hands the steering over to another member, which stays a member too. */
export type CooperationLeadHandedOver = DomainEvent<'CooperationLeadHandedOver', { from: string; to: string; reason: string | null }>;
export type CooperationMandataireDesignated = DomainEvent<'CooperationMandataireDesignated', { organisationId: string }>;
export type CooperationGmeFormSet = DomainEvent<'CooperationGmeFormSet', { form: GmeForm }>;
export type CooperationMarketRecorded = DomainEvent<'CooperationMarketRecorded', { market: Market }>;
export type CooperationMarketOutcomeRecorded = DomainEvent<
  'CooperationMarketOutcomeRecorded',
  { outcome: MarketOutcome; startDate: string | null }
>;
export type CooperationShareholdingSet = DomainEvent<
  'CooperationShareholdingSet',
  { phase: ShareholdingPhase; shares: Share[] }
>;
export type CooperationEssaimageStrategyChosen = DomainEvent<
  'CooperationEssaimageStrategyChosen',
  { strategy: EssaimageStrategy; targetTerritories: Location[] }
>;
export type CooperationSiteOpened = DomainEvent<
  'CooperationSiteOpened',
  { siteId: string; name: string; location: Location; operatorOrganisationId: string | null; openedOn: string }
>;
export type CooperationStructureRegistered = DomainEvent<
  'CooperationStructureRegistered',
  { siren: string; legalForm: string | null }
>;
export type CooperationDeliverableRecorded = DomainEvent<
  'CooperationDeliverableRecorded',
  { deliverableId: string; kind: DeliverableKind; stage: Stage; documentRef: string | null; title: string | null }
>;
export type CooperationGateItemWaived = DomainEvent<
  'CooperationGateItemWaived',
  { stage: Stage; itemId: string; justification: string }
>;
export type CooperationStageAdvanced = DomainEvent<'CooperationStageAdvanced', { from: Stage; to: Stage }>;
export type CooperationStageReopened = DomainEvent<
  'CooperationStageReopened',
  { from: Stage; to: Stage; reason: string }
>;
export type CooperationAbandoned = DomainEvent<
  'CooperationAbandoned',
  { stage: Stage; reason: AbandonReason; reasonText: string | null }
>;
export type CooperationClosed = DomainEvent<
  'CooperationClosed',
  { stage: Stage; outcome: CloseOutcome; comment: string | null }
>;
export type CooperationRenewed = DomainEvent<'CooperationRenewed', { successorId: string }>;
/**
 * A member of the cooperation solicits a funder (« Solliciter un financeur »). While the request is
 * open the funder may read the cooperation and grant it; it ends when withdrawn, declined or
 * answered by a grant of that funder.
 */
export type CooperationFundingRequested = DomainEvent<
  'CooperationFundingRequested',
  { requestId: string; funderOrganisationId: string; programme: string | null; amount: number | null; note: string | null }
>;
export type CooperationFundingRequestWithdrawn = DomainEvent<
  'CooperationFundingRequestWithdrawn',
  { requestId: string; funderOrganisationId: string; reason: string | null }
>;
export type CooperationFundingRequestDeclined = DomainEvent<
  'CooperationFundingRequestDeclined',
  { requestId: string; funderOrganisationId: string; reason: string | null }
>;
export type CooperationFundingGranted = DomainEvent<
  'CooperationFundingGranted',
  {
    fundingId: string;
    funderOrganisationId: string;
    programme: string;
    amount: number;
    period: Period;
    /** The request this grant answers (absent from grants recorded before requests existed). */
    requestId?: string | null;
  }
>;
export type CooperationFundingDisbursed = DomainEvent<
  'CooperationFundingDisbursed',
  { fundingId: string; funderOrganisationId: string; amount: number; disbursedOn: string }
>;
export type CooperationFundingEnded = DomainEvent<
  'CooperationFundingEnded',
  { fundingId: string; funderOrganisationId: string; endedOn: string; reason: string | null }
>;
export type CooperationSupportRecorded = DomainEvent<
  'CooperationSupportRecorded',
  {
    supportId: string;
    kind: SupportKind;
    providerOrganisationId: string | null;
    period: Period;
    description: string | null;
  }
>;
export type CooperationEvaluationCriterionDefined = DomainEvent<
  'CooperationEvaluationCriterionDefined',
  { criterionId: string; code: string; label: string; indicators: IndicatorDefinition[] }
>;
export type CooperationMeasurementRecorded = DomainEvent<
  'CooperationMeasurementRecorded',
  { indicatorId: string; criterionId: string; period: Period; value: number | string }
>;
export type CooperationEvaluationRecorded = DomainEvent<
  'CooperationEvaluationRecorded',
  { step: EvaluationStep; summary: string; deliverableId: string | null }
>;
export type CooperationLessonRecorded = DomainEvent<
  'CooperationLessonRecorded',
  { lessonId: string; text: string; essaimagePotential: EssaimagePotential | null }
>;

export type CooperationEvent =
  | CooperationProposed
  | CooperationTerritorySet
  | CooperationMemberAdded
  | CooperationMemberRemoved
  | CooperationLeadHandedOver
  | CooperationMandataireDesignated
  | CooperationGmeFormSet
  | CooperationMarketRecorded
  | CooperationMarketOutcomeRecorded
  | CooperationShareholdingSet
  | CooperationEssaimageStrategyChosen
  | CooperationSiteOpened
  | CooperationStructureRegistered
  | CooperationDeliverableRecorded
  | CooperationGateItemWaived
  | CooperationStageAdvanced
  | CooperationStageReopened
  | CooperationAbandoned
  | CooperationClosed
  | CooperationRenewed
  | CooperationFundingRequested
  | CooperationFundingRequestWithdrawn
  | CooperationFundingRequestDeclined
  | CooperationFundingGranted
  | CooperationFundingDisbursed
  | CooperationFundingEnded
  | CooperationSupportRecorded
  | CooperationEvaluationCriterionDefined
  | CooperationMeasurementRecorded
  | CooperationEvaluationRecorded
  | CooperationLessonRecorded;

export type CooperationEventType = CooperationEvent['type'];

/** Every persisted cooperation event type; `satisfies` keeps the list and the union in sync. */
export const COOPERATION_EVENT_TYPES = [
  'CooperationProposed',
  'CooperationTerritorySet',
  'CooperationMemberAdded',
  'CooperationMemberRemoved',
  'CooperationLeadHandedOver',
  'CooperationMandataireDesignated',
  'CooperationGmeFormSet',
  'CooperationMarketRecorded',
  'CooperationMarketOutcomeRecorded',
  'CooperationShareholdingSet',
  'CooperationEssaimageStrategyChosen',
  'CooperationSiteOpened',
  'CooperationStructureRegistered',
  'CooperationDeliverableRecorded',
  'CooperationGateItemWaived',
  'CooperationStageAdvanced',
  'CooperationStageReopened',
  'CooperationAbandoned',
  'CooperationClosed',
  'CooperationRenewed',
  'CooperationFundingRequested',
  'CooperationFundingRequestWithdrawn',
  'CooperationFundingRequestDeclined',
  'CooperationFundingGranted',
  'CooperationFundingDisbursed',
  'CooperationFundingEnded',
  'CooperationSupportRecorded',
  'CooperationEvaluationCriterionDefined',
  'CooperationMeasurementRecorded',
  'CooperationEvaluationRecorded',
  'CooperationLessonRecorded',
] as const satisfies readonly CooperationEventType[];

type MissingEventType = Exclude<CooperationEventType, (typeof COOPERATION_EVENT_TYPES)[number]>;
// Compile-time check that the list is exhaustive.
const _exhaustive: MissingEventType extends never ? true : false = true;
void _exhaustive;
