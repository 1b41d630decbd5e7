import type { DomainCommand } from '../shared/messages';
import type { Location, Territory } from '../territory/territory';
import type { OrganisationRef } from '../organisation/organisation.types';
import type { MarketLot } from './cooperation.events';

/** A period in a command: the end may be unknown yet. */
export interface PeriodInput {
  start: string;
  end?: string | null;
}
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
 * Commands of the cooperation aggregate. Facts about other aggregates (an organisation's kind and
 * ESS status) are looked up by the command handler and passed here as OrganisationRef, so the
 * decider stays pure and the events record them as snapshots.
 */
export type ProposeCooperation = DomainCommand<
  'ProposeCooperation',
  {
    cooperationId: string;
    kind: CooperationKind;
    name: string;
    objectives: Objective[];
    territory: Territory;
    sectors?: Sector[];
    leadOrganisation: OrganisationRef;
    /** Role of the lead organisation; defaults from the kind and the organisation. */
    leadRole?: MemberRole;
    /** Essaimage only: the structure essaimante (may be the lead organisation). */
    parentOrganisation?: OrganisationRef;
  }
>;
export type SetTerritory = DomainCommand<'SetTerritory', { territory: Territory; sectors?: Sector[] }>;
export type AddMember = DomainCommand<'AddMember', { organisation: OrganisationRef; role?: MemberRole }>;
export type RemoveMember = DomainCommand<'RemoveMember', { organisationId: string; reason?: string }>;
export type HandOverLead = DomainCommand<'HandOverLead', { organisationId: string; reason?: string | null }>;
export type DesignateMandataire = DomainCommand<'DesignateMandataire', { organisationId: string }>;
export type SetGmeForm = DomainCommand<'SetGmeForm', { form: GmeForm }>;
export type RecordMarket = DomainCommand<
  'RecordMarket',
  {
    buyerName: string;
    buyerOrganisationId?: string;
    /** Required unless the contract is private (procedures: PRIVATE_CONTRACT only): CPV codes classify public procurement. */
    cpvCode?: string | null;
    amountExclVat: number;
    durationMonths: number;
    procedures: MarketProcedure[];
    lots?: MarketLot[];
    bidDeadline?: string;
  }
>;
export type RecordMarketOutcome = DomainCommand<
  'RecordMarketOutcome',
  { outcome: MarketOutcome; startDate?: string; comment?: string }
>;
export type SetShareholding = DomainCommand<
  'SetShareholding',
  { phase: ShareholdingPhase; shares: { organisationId: string; percent: number }[] }
>;
export type ChooseEssaimageStrategy = DomainCommand<
  'ChooseEssaimageStrategy',
  { strategy: EssaimageStrategy; targetTerritories?: Location[] }
>;
export type OpenSite = DomainCommand<
  'OpenSite',
  { siteId?: string; name: string; location: Location; operatorOrganisationId?: string; openedOn: string }
>;
export type RecordStructureRegistration = DomainCommand<
  'RecordStructureRegistration',
  { siren: string; legalForm?: string }
>;
export type RecordDeliverable = DomainCommand<
  'RecordDeliverable',
  { deliverableId?: string; kind: DeliverableKind; documentRef?: string; title?: string }
>;
export type WaiveGateItem = DomainCommand<'WaiveGateItem', { itemId: string; justification: string; stage?: Stage }>;
export type AdvanceStage = DomainCommand<'AdvanceStage', { to?: Stage }>;
export type ReopenStage = DomainCommand<'ReopenStage', { reason: string; to?: Stage }>;
export type AbandonCooperation = DomainCommand<'AbandonCooperation', { reason: AbandonReason; reasonText?: string }>;
export type CloseCooperation = DomainCommand<'CloseCooperation', { outcome: CloseOutcome; comment?: string }>;
export type RenewCooperation = DomainCommand<
  'RenewCooperation',
  { successorId: string; name?: string; carryOverMembers?: boolean }
>;
export type RequestFunding = DomainCommand<
  'RequestFunding',
  { requestId?: string; funder: OrganisationRef; programme?: string | null; amount?: number | null; note?: string | null }
>;
export type WithdrawFundingRequest = DomainCommand<'WithdrawFundingRequest', { requestId: string; reason?: string | null }>;
export type DeclineFundingRequest = DomainCommand<'DeclineFundingRequest', { requestId: string; reason?: string | null }>;
export type GrantFunding = DomainCommand<
  'GrantFunding',
  {
    fundingId?: string;
    funder: OrganisationRef;
    programme: string;
    amount: number;
    period: PeriodInput;
    /** The open request of this funder the grant answers; by default its oldest open one, if any. */
    requestId?: string | null;
  }
>;
export type RecordDisbursement = DomainCommand<
  'RecordDisbursement',
  { fundingId: string; amount: number; disbursedOn: string }
>;
export type EndFunding = DomainCommand<'EndFunding', { fundingId: string; endedOn: string; reason?: string }>;
export type RecordSupport = DomainCommand<
  'RecordSupport',
  { supportId?: string; kind: SupportKind; providerOrganisationId?: string; period: PeriodInput; description?: string }
>;
export interface IndicatorInput {
  indicatorId?: string;
  code: string;
  label?: string;
  nature?: IndicatorNature;
  unit?: string;
  target?: number | string;
  standard?: StandardIndicator;
}
export type DefineIndicator = DomainCommand<
  'DefineIndicator',
  { criterionId?: string; code: string; label: string; indicators: IndicatorInput[] }
>;
export type RecordMeasurement = DomainCommand<
  'RecordMeasurement',
  { indicatorId: string; period: PeriodInput; value: number | string }
>;
export type RecordEvaluation = DomainCommand<
  'RecordEvaluation',
  { step: EvaluationStep; summary: string; deliverableId?: string }
>;
export type RecordLesson = DomainCommand<
  'RecordLesson',
  { lessonId?: string; text: string; essaimagePotential?: EssaimagePotential }
>;

export type CooperationCommand =
  | ProposeCooperation
  | SetTerritory
  | AddMember
  | RemoveMember
  | HandOverLead
  | DesignateMandataire
  | SetGmeForm
  | RecordMarket
  | RecordMarketOutcome
  | SetShareholding
  | ChooseEssaimageStrategy
  | OpenSite
  | RecordStructureRegistration
  | RecordDeliverable
  | WaiveGateItem
  | AdvanceStage
  | ReopenStage
  | AbandonCooperation
  | CloseCooperation
  | RenewCooperation
  | RequestFunding
  | WithdrawFundingRequest
  | DeclineFundingRequest
  | GrantFunding
  | RecordDisbursement
  | EndFunding
  | RecordSupport
  | DefineIndicator
  | RecordMeasurement
  | RecordEvaluation
  | RecordLesson;

export type CooperationCommandType = CooperationCommand['type'];

export const COOPERATION_COMMAND_TYPES = [
  'ProposeCooperation',
  'SetTerritory',
  'AddMember',
  'RemoveMember',
  'HandOverLead',
  'DesignateMandataire',
  'SetGmeForm',
  'RecordMarket',
  'RecordMarketOutcome',
  'SetShareholding',
  'ChooseEssaimageStrategy',
  'OpenSite',
  'RecordStructureRegistration',
  'RecordDeliverable',
  'WaiveGateItem',
  'AdvanceStage',
  'ReopenStage',
  'AbandonCooperation',
  'CloseCooperation',
  'RenewCooperation',
  'RequestFunding',
  'WithdrawFundingRequest',
  'DeclineFundingRequest',
  'GrantFunding',
  'RecordDisbursement',
  'EndFunding',
  'RecordSupport',
  'DefineIndicator',
  'RecordMeasurement',
  'RecordEvaluation',
  'RecordLesson',
] as const satisfies readonly CooperationCommandType[];
