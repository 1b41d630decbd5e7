import { Field, Float, ID, Int, ObjectType } from '@nestjs/graphql';
import type { CloseOutcome } from '@maillage/domain';
import { CloseOutcomeEnum } from '../graphql/enums';

@ObjectType()
export class CountByStatus {
  @Field() status!: string;
  @Field() label!: string;
  @Field(() => Int) count!: number;
}

@ObjectType()
export class CountByKindStage {
  @Field() kind!: string;
  @Field() kindLabel!: string;
  @Field() stage!: string;
  @Field() stageLabel!: string;
  @Field(() => Int) count!: number;
}

@ObjectType()
export class CountByKey {
  @Field() key!: string;
  @Field() label!: string;
  @Field(() => Int) count!: number;
}

@ObjectType()
export class StageConversion {
  @Field() stage!: string;
  @Field() next!: string;
  @Field(() => Int) entered!: number;
  @Field(() => Int) reachedNext!: number;
  @Field(() => Float, { nullable: true, description: 'reachedNext / entered; null when none entered.' }) rate?: number | null;
}

@ObjectType()
export class StageDuration {
  @Field() stage!: string;
  @Field() stageLabel!: string;
  @Field(() => Int) visits!: number;
  @Field(() => Float) medianDays!: number;
}

@ObjectType()
export class StalledCooperations {
  @Field(() => Int) days!: number;
  @Field(() => Int) count!: number;
  @Field(() => [ID]) cooperationIds!: string[];
}

@ObjectType()
export class InsertionTotal {
  @Field() standard!: string;
  @Field() label!: string;
  @Field(() => Int) year!: number;
  @Field(() => Float) total!: number;
  @Field(() => Int) cooperations!: number;
}

@ObjectType()
export class FundingTotals {
  @Field(() => Int) fundings!: number;
  @Field(() => Int) funders!: number;
  @Field(() => Int) cooperations!: number;
  @Field(() => Float) granted!: number;
  @Field(() => Float) disbursed!: number;
}

@ObjectType({ description: 'Statistics of the cooperations of a région, as of a date.' })
export class RegionalDashboard {
  @Field() region!: string;
  @Field() regionName!: string;
  @Field({ description: 'The date described (ISO).' }) asOf!: string;
  @Field(() => [CountByStatus]) byStatus!: CountByStatus[];
  @Field(() => [CountByKindStage], { description: 'Active cooperations by kind and stage (the funnel).' }) byKindStage!: CountByKindStage[];
  @Field(() => [CountByKey]) byDepartement!: CountByKey[];
  @Field(() => [CountByKey]) bySector!: CountByKey[];
  @Field(() => [StageConversion]) conversion!: StageConversion[];
  @Field(() => [StageDuration]) medianDaysPerStage!: StageDuration[];
  @Field(() => [CountByKey]) abandonmentReasons!: CountByKey[];
  @Field(() => StalledCooperations) stalled!: StalledCooperations;
  @Field(() => [InsertionTotal]) insertion!: InsertionTotal[];
  @Field(() => FundingTotals) funding!: FundingTotals;
}

@ObjectType()
export class PortfolioFunding {
  @Field(() => ID) fundingId!: string;
  @Field() programme!: string;
  @Field(() => Float) amount!: number;
  @Field(() => Float) disbursed!: number;
  @Field() periodStart!: string;
  @Field({ nullable: true }) periodEnd?: string;
  @Field({ nullable: true }) endedOn?: string;
}

@ObjectType()
export class PortfolioCooperation {
  @Field(() => ID) id!: string;
  @Field() name!: string;
  @Field() kind!: string;
  @Field() kindLabel!: string;
  @Field() regionCode!: string;
  @Field({ nullable: true, description: 'Stage at the date (null if it did not exist yet).' }) stage?: string;
  @Field({ nullable: true }) stageLabel?: string;
  @Field({ nullable: true }) status?: string;
  @Field(() => CloseOutcomeEnum, { nullable: true, description: 'How it ended, when it is CLOSED at the date (null otherwise).' }) closeOutcome?: CloseOutcome;
  @Field({ nullable: true, description: 'French label of closeOutcome.' }) closeOutcomeLabel?: string;
  @Field(() => Int, { description: 'Gate items waived (visible to funders).' }) waivers!: number;
  @Field(() => [PortfolioFunding]) fundings!: PortfolioFunding[];
}

@ObjectType()
export class PortfolioTotals {
  @Field(() => Int) cooperations!: number;
  @Field(() => Int) fundings!: number;
  @Field(() => Float) granted!: number;
  @Field(() => Float) disbursed!: number;
}

@ObjectType({ description: 'What a funder finances, as of a date.' })
export class FunderPortfolio {
  @Field(() => ID) funderId!: string;
  @Field() asOf!: string;
  @Field(() => PortfolioTotals) totals!: PortfolioTotals;
  @Field(() => [PortfolioCooperation]) cooperations!: PortfolioCooperation[];
}

@ObjectType()
export class ProjectionStatusEntry {
  @Field() name!: string;
  @Field({ description: 'running, blocked, idle or rebuilding.' }) state!: string;
  @Field(() => String, { nullable: true }) checkpoint!: string | null;
  @Field(() => String, { nullable: true }) head!: string | null;
  @Field(() => Int, { description: 'Events after the checkpoint.' }) lag!: number;
  @Field(() => Date, { nullable: true }) lastUpdated!: Date | null;
  @Field(() => Int) pendingDeadLetters!: number;
  @Field(() => [DeadLetterEntry]) deadLetters!: DeadLetterEntry[];
}

@ObjectType()
export class DeadLetterEntry {
  @Field() position!: string;
  @Field(() => ID) eventId!: string;
  @Field() streamId!: string;
  @Field() type!: string;
  @Field({ description: 'The error that stopped the event, without its stack frames (the dead-letter table keeps them).' }) error!: string;
  @Field() status!: string;
  @Field() createdAt!: Date;
}
