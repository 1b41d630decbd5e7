import { Field, Float, ID, Int, ObjectType } from '@nestjs/graphql';
import type { AbandonReason, CloseOutcome, CooperationKind, CooperationStatus, FundingRequestStatus, GmeForm, MarketOutcome, MemberRole, Objective, Sector, Stage, SupportKind } from '@maillage/domain';
import {
  AbandonReasonEnum,
  CloseOutcomeEnum,
  CooperationKindEnum,
  CooperationStatusEnum,
  FundingRequestStatusEnum,
  GmeFormEnum,
  MarketOutcomeEnum,
  MemberRoleEnum,
  ObjectiveEnum,
  SectorEnum,
  StageEnum,
  SupportKindEnum,
} from '../graphql/enums';

/*
 * GraphQL contract of a cooperation. These classes are the API's own types, separate from the
 * TypeORM entities of the read models and from the domain state (non-negotiable 6); mappers build
 * them from either.
 */

@ObjectType()
export class Label {
  @Field()
  code!: string;

  @Field({ description: 'French label.' })
  label!: string;
}

@ObjectType({ description: 'A network (tête de réseau) an organisation belongs to, as the directory names it.' })
export class OrganisationNetwork {
  @Field(() => ID)
  id!: string;

  @Field()
  name!: string;
}

@ObjectType()
export class OrganisationSummary {
  @Field(() => ID)
  id!: string;

  @Field()
  name!: string;

  @Field()
  kind!: string;

  @Field()
  kindLabel!: string;

  @Field()
  ess!: boolean;

  @Field({ nullable: true })
  siret?: string;

  @Field()
  regionCode!: string;

  @Field()
  departementCode!: string;

  @Field(() => [ID], { description: 'The networks (NETWORK organisations) it belongs to, by id, in the order recorded; updateOrganisation(networkIds) replaces them.' })
  networkIds!: string[];

  @Field(() => Int, { description: 'Version of the organisation as the directory last recorded it (a read model: it may lag a moment behind a change just made); pass it as expectedVersion to updateOrganisation.' })
  version!: number;
}

@ObjectType()
export class Member {
  @Field(() => ID)
  organisationId!: string;

  @Field(() => OrganisationSummary, { nullable: true, description: 'The organisation (null if it is not readable).' })
  organisation?: OrganisationSummary | null;

  @Field(() => MemberRoleEnum)
  role!: MemberRole;

  @Field()
  roleLabel!: string;

  @Field()
  mandataire!: boolean;

  @Field()
  ess!: boolean;

  @Field()
  joinedAt!: string;
}

@ObjectType()
export class GateItem {
  @Field()
  id!: string;

  @Field({ description: 'French label of the gate item.' })
  label!: string;

  @Field({ description: 'SATISFIED, MISSING or WAIVED.' })
  status!: string;

  @Field()
  waivable!: boolean;

  @Field({ nullable: true, description: 'Written justification when waived.' })
  justification?: string;

  @Field({ nullable: true, description: 'How it was satisfied: "fact" or the deliverable kind.' })
  satisfiedBy?: string;

  @Field(() => [String], { description: 'Deliverable kinds that satisfy it (empty when a fact does).' })
  deliverableKinds!: string[];

  @Field({ description: 'Shown on the checklist but does not block the transition.' })
  advisory!: boolean;
}

@ObjectType()
export class GateChecklist {
  @Field(() => StageEnum)
  stage!: Stage;

  @Field()
  stageLabel!: string;

  @Field()
  satisfied!: boolean;

  @Field(() => [GateItem])
  items!: GateItem[];
}

@ObjectType()
export class StageVisit {
  @Field(() => StageEnum)
  stage!: Stage;

  @Field()
  stageLabel!: string;

  @Field({ description: 'When the stage was entered (occurred time).' })
  enteredAt!: string;

  @Field({ nullable: true, description: 'When it was left; null for the current stage.' })
  exitedAt?: string;

  @Field(() => Float, { description: 'Days spent (up to the as-of date for the current stage).' })
  days!: number;

  @Field({ description: 'PROPOSED, ADVANCED or REOPENED.' })
  via!: string;
}

@ObjectType()
export class MarketLot {
  @Field(() => Int)
  number!: number;

  @Field()
  label!: string;
}

@ObjectType()
export class Market {
  @Field()
  buyerName!: string;

  @Field(() => String, { nullable: true, description: 'CPV code; null for a private contract recorded without one.' })
  cpvCode!: string | null;

  @Field(() => Float)
  amountExclVat!: number;

  @Field(() => Int)
  durationMonths!: number;

  @Field(() => [Label])
  procedures!: Label[];

  @Field(() => [MarketLot])
  lots!: MarketLot[];

  @Field({ nullable: true })
  bidDeadline?: string;

  @Field(() => MarketOutcomeEnum, { nullable: true })
  outcome?: MarketOutcome;

  @Field({ nullable: true })
  startDate?: string;
}

@ObjectType()
export class Share {
  @Field(() => ID)
  organisationId!: string;

  @Field(() => Float)
  percent!: number;

  @Field()
  ess!: boolean;
}

@ObjectType()
export class Shareholding {
  @Field(() => [Share], { nullable: true })
  planned?: Share[];

  @Field(() => [Share], { nullable: true })
  final?: Share[];

  @Field(() => Float, { description: 'Percent held by ESS members in the latest shareholding.' })
  essPercent!: number;

  @Field(() => Float)
  totalPercent!: number;
}

@ObjectType()
export class Funding {
  @Field(() => ID)
  fundingId!: string;

  @Field(() => ID)
  funderOrganisationId!: string;

  @Field()
  programme!: string;

  @Field(() => Float)
  amount!: number;

  @Field(() => Float)
  disbursed!: number;

  @Field()
  periodStart!: string;

  @Field({ nullable: true })
  periodEnd?: string;

  @Field({ nullable: true })
  endedOn?: string;
}

@ObjectType({ description: 'A funder the cooperation solicited (« sollicitation »), and what became of the request.' })
export class FundingRequest {
  @Field(() => ID)
  requestId!: string;

  @Field(() => ID)
  funderOrganisationId!: string;

  @Field({ nullable: true })
  programme?: string;

  @Field(() => Float, { nullable: true, description: 'Amount asked, in euros.' })
  amount?: number;

  @Field({ nullable: true, description: 'The message sent with the request.' })
  note?: string;

  @Field()
  requestedAt!: string;

  @Field(() => FundingRequestStatusEnum)
  status!: FundingRequestStatus;

  @Field({ description: 'French label of the status.' })
  statusLabel!: string;

  @Field({ nullable: true, description: 'When it was withdrawn, declined or granted.' })
  closedAt?: string;

  @Field({ nullable: true, description: 'Why it was withdrawn or declined.' })
  reason?: string;

  @Field(() => ID, { nullable: true, description: 'The grant that answered it.' })
  fundingId?: string;
}

@ObjectType()
export class Measurement {
  @Field()
  periodStart!: string;

  @Field({ nullable: true })
  periodEnd?: string;

  @Field({ description: 'Number for a quantitative indicator, text otherwise.' })
  value!: string;

  @Field(() => Float, { nullable: true })
  numericValue?: number;
}

@ObjectType()
export class Indicator {
  @Field(() => ID)
  indicatorId!: string;

  @Field()
  criterionCode!: string;

  @Field()
  criterionLabel!: string;

  @Field()
  code!: string;

  @Field()
  label!: string;

  @Field()
  nature!: string;

  @Field({ nullable: true })
  unit?: string;

  @Field({ nullable: true })
  target?: string;

  @Field({ nullable: true })
  standard?: string;

  @Field(() => [Measurement], { description: 'Measurements per period, oldest first.' })
  measurements!: Measurement[];
}

@ObjectType()
export class Waiver {
  @Field(() => StageEnum)
  stage!: Stage;

  @Field()
  itemId!: string;

  @Field()
  itemLabel!: string;

  @Field()
  justification!: string;

  @Field()
  waivedAt!: string;
}

@ObjectType()
export class Deliverable {
  @Field(() => ID)
  deliverableId!: string;

  @Field()
  kind!: string;

  @Field()
  kindLabel!: string;

  @Field(() => StageEnum)
  stage!: Stage;

  @Field({ nullable: true })
  title?: string;

  @Field()
  recordedAt!: string;
}

@ObjectType({ description: 'A support (accompagnement) given to the cooperation: DLA, incubator, network, consultant...' })
export class Support {
  @Field(() => ID)
  supportId!: string;

  @Field(() => SupportKindEnum)
  kind!: SupportKind;

  @Field()
  kindLabel!: string;

  @Field(() => ID, { nullable: true, description: 'The organisation that gave it, when it is registered.' })
  providerOrganisationId?: string;

  @Field()
  periodStart!: string;

  @Field({ nullable: true })
  periodEnd?: string;

  @Field({ nullable: true })
  description?: string;
}

@ObjectType({ description: 'A site opened by an essaimage.' })
export class EssaimageSite {
  @Field(() => ID) siteId!: string;
  @Field() name!: string;
  @Field() regionCode!: string;
  @Field() departementCode!: string;
  @Field(() => ID, { nullable: true }) operatorOrganisationId?: string;
  @Field() openedOn!: string;
}

@ObjectType({ description: 'Essaimage: the strategy chosen, the territories aimed at and the sites opened.' })
export class Essaimage {
  @Field({ nullable: true }) strategy?: string;
  @Field({ nullable: true }) strategyLabel?: string;
  @Field(() => [Territory]) targetTerritories!: Territory[];
  @Field(() => [EssaimageSite]) sites!: EssaimageSite[];
}

@ObjectType()
export class Territory {
  @Field() regionCode!: string;
  @Field() departementCode!: string;
}

@ObjectType({ description: 'The legal structure registered for the cooperation (GIE, GES, JVS).' })
export class RegisteredStructure {
  @Field() siren!: string;
  @Field({ nullable: true }) legalForm?: string;
}

@ObjectType({ description: 'A step of the Le Rameau evaluation.' })
export class EvaluationRecord {
  @Field() step!: string;
  @Field() stepLabel!: string;
  @Field() summary!: string;
  @Field(() => ID, { nullable: true }) deliverableId?: string;
  @Field() recordedAt!: string;
}

@ObjectType({ description: 'A lesson learned (capitalisation).' })
export class Lesson {
  @Field(() => ID) lessonId!: string;
  @Field() text!: string;
  @Field({ nullable: true }) essaimagePotential?: string;
  @Field({ nullable: true }) essaimagePotentialLabel?: string;
  @Field() recordedAt!: string;
}

@ObjectType({ description: 'A cooperation, as it was at the requested date.' })
export class Cooperation {
  @Field(() => ID)
  id!: string;

  @Field(() => Int, { description: 'Stream version at that date (pass as expectedVersion).' })
  version!: number;

  @Field(() => CooperationKindEnum)
  kind!: CooperationKind;

  @Field()
  kindLabel!: string;

  @Field()
  name!: string;

  @Field(() => CooperationStatusEnum)
  status!: CooperationStatus;

  @Field(() => StageEnum)
  stage!: Stage;

  @Field()
  stageLabel!: string;

  @Field(() => [ObjectiveEnum])
  objectives!: Objective[];

  @Field()
  regionCode!: string;

  @Field(() => [String])
  departementCodes!: string[];

  @Field(() => [SectorEnum])
  sectors!: Sector[];

  @Field(() => ID)
  leadOrganisationId!: string;

  @Field(() => ID, { nullable: true })
  mandataireId?: string;

  @Field(() => GmeFormEnum, { nullable: true })
  gmeForm?: GmeForm;

  @Field(() => [Member])
  members!: Member[];

  @Field(() => GateChecklist, { nullable: true, description: 'Gate of the current stage (null once closed or abandoned).' })
  gate?: GateChecklist | null;

  @Field(() => [Waiver])
  waivers!: Waiver[];

  @Field(() => [StageVisit])
  stageHistory!: StageVisit[];

  @Field(() => Market, { nullable: true })
  market?: Market | null;

  @Field(() => Shareholding, { nullable: true })
  shareholding?: Shareholding | null;

  @Field(() => [Funding])
  fundings!: Funding[];

  @Field(() => [FundingRequest], { description: 'Funders solicited, oldest first.' })
  fundingRequests!: FundingRequest[];

  @Field(() => [Indicator])
  indicators!: Indicator[];

  @Field(() => [Deliverable])
  deliverables!: Deliverable[];

  @Field(() => [Support], { description: 'Supports (accompagnements) recorded, oldest period first.' })
  supports!: Support[];

  @Field()
  proposedAt!: string;

  @Field({ nullable: true })
  renewedFrom?: string;

  @Field({ nullable: true })
  successorId?: string;

  @Field(() => AbandonReasonEnum, { nullable: true })
  abandonReason?: AbandonReason;

  @Field({ nullable: true })
  abandonReasonText?: string;

  @Field(() => CloseOutcomeEnum, { nullable: true })
  closeOutcome?: CloseOutcome;

  @Field(() => Essaimage, { nullable: true, description: 'ESSAIMAGE only.' })
  essaimage?: Essaimage;

  @Field(() => RegisteredStructure, { nullable: true })
  structure?: RegisteredStructure;

  @Field(() => [EvaluationRecord])
  evaluations!: EvaluationRecord[];

  @Field(() => [Lesson])
  lessons!: Lesson[];

  @Field({ description: 'The date this view describes (ISO).' })
  asOf!: string;
}

@ObjectType()
export class HistoryActor {
  @Field(() => ID)
  userId!: string;

  @Field(() => ID, { nullable: true })
  organisationId?: string;

  @Field({ nullable: true })
  role?: string;
}

/** `details` of a history entry and of a live notification (resolved by their resolvers). */
export const HISTORY_DETAILS_DESCRIPTION =
  'What the event recorded, as one French sentence (who joined and as what, from which stage to which, which amount from which funder...).';

@ObjectType({ description: 'One recorded fact of a cooperation.' })
export class HistoryEntry {
  @Field(() => ID)
  eventId!: string;

  @Field(() => ID)
  cooperationId!: string;

  @Field(() => Int)
  version!: number;

  @Field()
  type!: string;

  @Field({ description: 'French label of the event type.' })
  label!: string;

  @Field({ description: 'When it happened in reality.' })
  occurredAt!: Date;

  @Field({ description: 'When Maillage recorded it.' })
  recordedAt!: Date;

  @Field(() => HistoryActor, { nullable: true })
  actor?: HistoryActor | null;

  @Field({ nullable: true })
  correlationId?: string;

  @Field({ description: HISTORY_DETAILS_DESCRIPTION })
  details?: string;

  @Field({ description: 'The event data, as JSON text.' })
  data!: string;

  @Field({ description: 'Opaque global position.' })
  position!: string;

  /** The event's data as stored (not a GraphQL field): what `details` reads, without parsing `data` back. */
  eventData!: unknown;
}
