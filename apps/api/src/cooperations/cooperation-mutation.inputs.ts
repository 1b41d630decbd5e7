import { Field, Float, ID, InputType, Int } from '@nestjs/graphql';
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
} from '@maillage/domain';
import {
  AbandonReasonEnum,
  CloseOutcomeEnum,
  CooperationKindEnum,
  DeliverableKindEnum,
  EssaimagePotentialEnum,
  EssaimageStrategyEnum,
  EvaluationStepEnum,
  GmeFormEnum,
  IndicatorNatureEnum,
  MarketOutcomeEnum,
  MarketProcedureEnum,
  MemberRoleEnum,
  ObjectiveEnum,
  SectorEnum,
  ShareholdingPhaseEnum,
  StageEnum,
  StandardIndicatorEnum,
  SupportKindEnum,
} from '../graphql/enums';

const DATE = 'Calendar date, YYYY-MM-DD.';

/** Options every mutation accepts. */
@InputType({ isAbstract: true })
export abstract class CommandOptionsInput {
  @Field(() => Int, { nullable: true, description: 'Version the caller last saw (0 or more; 0: the cooperation must not exist yet); a mismatch fails with CONCURRENCY_CONFLICT and the current version.' })
  expectedVersion?: number;

  @Field({ nullable: true, description: 'A retry with the same key (1 to 200 characters) returns the first result and changes nothing; the same key with another request fails with IDEMPOTENCY_KEY_REUSED. Without a client-chosen id, a new cooperation or organisation gets an id derived from the key.' })
  idempotencyKey?: string;

  @Field(() => Date, { nullable: true, description: 'When the fact happened in reality (default: now), as an RFC 3339 date-time with its offset (2025-03-01T09:00:00Z); may be in the past, never in the future.' })
  occurredAt?: Date;
}

@InputType({ isAbstract: true })
export abstract class CooperationTargetInput extends CommandOptionsInput {
  @Field(() => ID)
  cooperationId!: string;
}

@InputType()
export class TerritoryInput {
  @Field({ description: 'INSEE code of the région, e.g. "11" for Île-de-France.' })
  regionCode!: string;

  @Field(() => [String], { description: 'INSEE codes of départements of that région, e.g. ["93"].' })
  departementCodes!: string[];
}

@InputType()
export class LocationInput {
  @Field()
  regionCode!: string;

  @Field()
  departementCode!: string;
}

@InputType()
export class PeriodInput {
  @Field({ description: DATE })
  start!: string;

  @Field({ nullable: true, description: DATE })
  end?: string;
}

@InputType()
export class ProposeCooperationInput extends CommandOptionsInput {
  @Field(() => ID, { nullable: true, description: 'Client-chosen UUID; generated when omitted.' })
  cooperationId?: string;

  @Field(() => CooperationKindEnum)
  kind!: CooperationKind;

  @Field()
  name!: string;

  @Field(() => [ObjectiveEnum])
  objectives!: Objective[];

  @Field(() => TerritoryInput)
  territory!: TerritoryInput;

  @Field(() => [SectorEnum], { nullable: true })
  sectors?: Sector[];

  @Field(() => ID)
  leadOrganisationId!: string;

  @Field(() => MemberRoleEnum, { nullable: true })
  leadRole?: MemberRole;

  @Field(() => ID, { nullable: true, description: 'Essaimage: the structure essaimante.' })
  parentOrganisationId?: string;
}

@InputType()
export class AddMemberInput extends CooperationTargetInput {
  @Field(() => ID)
  organisationId!: string;

  @Field(() => MemberRoleEnum, { nullable: true })
  role?: MemberRole;
}

@InputType()
export class RemoveMemberInput extends CooperationTargetInput {
  @Field(() => ID)
  organisationId!: string;

  @Field({ nullable: true })
  reason?: string;
}

@InputType()
export class HandOverLeadInput extends CooperationTargetInput {
  @Field(() => ID, { description: 'The member that takes the lead.' })
  organisationId!: string;

  @Field({ nullable: true })
  reason?: string;
}

@InputType()
export class DesignateMandataireInput extends CooperationTargetInput {
  @Field(() => ID)
  organisationId!: string;
}

@InputType()
export class SetGmeFormInput extends CooperationTargetInput {
  @Field(() => GmeFormEnum)
  form!: GmeForm;
}

@InputType()
export class MarketLotInput {
  @Field(() => Int)
  number!: number;

  @Field()
  label!: string;
}

@InputType()
export class RecordMarketInput extends CooperationTargetInput {
  @Field()
  buyerName!: string;

  @Field(() => ID, { nullable: true })
  buyerOrganisationId?: string;

  @Field(() => String, {
    nullable: true,
    description: 'CPV code of the contract, e.g. "90511000". Required unless the only procedure is PRIVATE_CONTRACT.',
  })
  cpvCode?: string | null;

  @Field(() => Float, { description: 'Amount excluding VAT, in euros.' })
  amountExclVat!: number;

  @Field(() => Int)
  durationMonths!: number;

  @Field(() => [MarketProcedureEnum])
  procedures!: MarketProcedure[];

  @Field(() => [MarketLotInput], { nullable: true })
  lots?: MarketLotInput[];

  @Field({ nullable: true, description: `Bid deadline; membership is frozen from then until the award (R2142-26). ${DATE}` })
  bidDeadline?: string;
}

@InputType()
export class RecordMarketOutcomeInput extends CooperationTargetInput {
  @Field(() => MarketOutcomeEnum)
  outcome!: MarketOutcome;

  @Field({ nullable: true, description: `Start of the contract when awarded. ${DATE}` })
  startDate?: string;

  @Field({ nullable: true })
  comment?: string;
}

@InputType()
export class ShareInput {
  @Field(() => ID)
  organisationId!: string;

  @Field(() => Float)
  percent!: number;
}

@InputType()
export class SetShareholdingInput extends CooperationTargetInput {
  @Field(() => ShareholdingPhaseEnum)
  phase!: ShareholdingPhase;

  @Field(() => [ShareInput])
  shares!: ShareInput[];
}

@InputType()
export class ChooseEssaimageStrategyInput extends CooperationTargetInput {
  @Field(() => EssaimageStrategyEnum)
  strategy!: EssaimageStrategy;

  @Field(() => [LocationInput], { nullable: true })
  targetTerritories?: LocationInput[];
}

@InputType()
export class OpenSiteInput extends CooperationTargetInput {
  @Field(() => ID, { nullable: true })
  siteId?: string;

  @Field()
  name!: string;

  @Field(() => LocationInput)
  location!: LocationInput;

  @Field(() => ID, { nullable: true })
  operatorOrganisationId?: string;

  @Field({ description: DATE })
  openedOn!: string;
}

@InputType()
export class RecordStructureRegistrationInput extends CooperationTargetInput {
  @Field({ description: 'SIREN of the structure created (9 digits).' })
  siren!: string;

  @Field({ nullable: true })
  legalForm?: string;
}

@InputType()
export class RecordDeliverableInput extends CooperationTargetInput {
  @Field(() => ID, { nullable: true })
  deliverableId?: string;

  @Field(() => DeliverableKindEnum)
  kind!: DeliverableKind;

  @Field({ nullable: true, description: 'Where the document is kept (a reference, not the document).' })
  documentRef?: string;

  @Field({ nullable: true })
  title?: string;
}

@InputType()
export class WaiveGateItemInput extends CooperationTargetInput {
  @Field()
  itemId!: string;

  @Field()
  justification!: string;

  @Field(() => StageEnum, { nullable: true })
  stage?: Stage;
}

@InputType()
export class AdvanceStageInput extends CooperationTargetInput {
  @Field(() => StageEnum, { nullable: true, description: 'The next stage (checked: stages never skip).' })
  to?: Stage;
}

@InputType()
export class ReopenStageInput extends CooperationTargetInput {
  @Field()
  reason!: string;

  @Field(() => StageEnum, { nullable: true })
  to?: Stage;
}

@InputType()
export class AbandonCooperationInput extends CooperationTargetInput {
  @Field(() => AbandonReasonEnum)
  reason!: AbandonReason;

  @Field({ nullable: true })
  reasonText?: string;
}

@InputType()
export class CloseCooperationInput extends CooperationTargetInput {
  @Field(() => CloseOutcomeEnum)
  outcome!: CloseOutcome;

  @Field({ nullable: true })
  comment?: string;
}

@InputType()
export class RenewCooperationInput extends CooperationTargetInput {
  @Field(() => ID, { nullable: true, description: 'UUID of the new cooperation; generated when omitted.' })
  successorId?: string;

  @Field({ nullable: true })
  name?: string;

  @Field({ nullable: true })
  carryOverMembers?: boolean;
}

@InputType()
export class RequestFundingInput extends CooperationTargetInput {
  @Field(() => ID, { nullable: true })
  requestId?: string;

  @Field(() => ID, { description: 'The funder solicited: an organisation of kind FUNDER or LOCAL_AUTHORITY.' })
  funderOrganisationId!: string;

  @Field({ nullable: true })
  programme?: string;

  @Field(() => Float, { nullable: true, description: 'Amount asked, in euros.' })
  amount?: number;

  @Field({ nullable: true, description: 'A message to the funder.' })
  note?: string;
}

@InputType({ isAbstract: true })
abstract class FundingRequestAnswerInput extends CooperationTargetInput {
  @Field(() => ID)
  requestId!: string;

  @Field({ nullable: true })
  reason?: string;
}

@InputType()
export class WithdrawFundingRequestInput extends FundingRequestAnswerInput {}

@InputType()
export class DeclineFundingRequestInput extends FundingRequestAnswerInput {}

@InputType()
export class GrantFundingInput extends CooperationTargetInput {
  @Field(() => ID, { nullable: true })
  fundingId?: string;

  @Field(() => ID, { nullable: true, description: "The request this grant answers; by default the funder's oldest open request, if any." })
  requestId?: string;

  @Field(() => ID)
  funderOrganisationId!: string;

  @Field()
  programme!: string;

  @Field(() => Float, { description: 'Amount in euros.' })
  amount!: number;

  @Field(() => PeriodInput)
  period!: PeriodInput;
}

@InputType()
export class RecordDisbursementInput extends CooperationTargetInput {
  @Field(() => ID)
  fundingId!: string;

  @Field(() => Float)
  amount!: number;

  @Field({ description: DATE })
  disbursedOn!: string;
}

@InputType()
export class EndFundingInput extends CooperationTargetInput {
  @Field(() => ID)
  fundingId!: string;

  @Field({ description: DATE })
  endedOn!: string;

  @Field({ nullable: true })
  reason?: string;
}

@InputType()
export class RecordSupportInput extends CooperationTargetInput {
  @Field(() => ID, { nullable: true })
  supportId?: string;

  @Field(() => SupportKindEnum)
  kind!: SupportKind;

  @Field(() => ID, { nullable: true })
  providerOrganisationId?: string;

  @Field(() => PeriodInput)
  period!: PeriodInput;

  @Field({ nullable: true })
  description?: string;
}

@InputType()
export class IndicatorInput {
  @Field(() => ID, { nullable: true })
  indicatorId?: string;

  @Field({ description: 'Code after Le Rameau, e.g. "C1-I1".' })
  code!: string;

  @Field({ nullable: true })
  label?: string;

  @Field(() => IndicatorNatureEnum, { nullable: true })
  nature?: IndicatorNature;

  @Field({ nullable: true })
  unit?: string;

  @Field({ nullable: true, description: 'Target: a number for a quantitative indicator, text otherwise.' })
  target?: string;

  @Field(() => StandardIndicatorEnum, { nullable: true })
  standard?: StandardIndicator;
}

@InputType()
export class DefineIndicatorInput extends CooperationTargetInput {
  @Field(() => ID, { nullable: true })
  criterionId?: string;

  @Field({ description: 'Criterion code, e.g. "C1".' })
  code!: string;

  @Field()
  label!: string;

  @Field(() => [IndicatorInput])
  indicators!: IndicatorInput[];
}

@InputType()
export class RecordMeasurementInput extends CooperationTargetInput {
  @Field(() => ID)
  indicatorId!: string;

  @Field(() => PeriodInput)
  period!: PeriodInput;

  @Field({ description: 'A number for a quantitative indicator, text otherwise.' })
  value!: string;
}

@InputType()
export class RecordEvaluationInput extends CooperationTargetInput {
  @Field(() => EvaluationStepEnum)
  step!: EvaluationStep;

  @Field()
  summary!: string;

  @Field(() => ID, { nullable: true })
  deliverableId?: string;
}

@InputType()
export class RecordLessonInput extends CooperationTargetInput {
  @Field(() => ID, { nullable: true })
  lessonId?: string;

  @Field()
  text!: string;

  @Field(() => EssaimagePotentialEnum, { nullable: true })
  essaimagePotential?: EssaimagePotential;
}

@InputType()
export class SetTerritoryInput extends CooperationTargetInput {
  @Field(() => TerritoryInput)
  territory!: TerritoryInput;

  @Field(() => [SectorEnum], { nullable: true })
  sectors?: Sector[];
}
