import { Args, Field, ID, Int, Mutation, ObjectType, Resolver } from '@nestjs/graphql';
import { CommandBus } from '@nestjs/cqrs';
import { cooperationStreamName, type CooperationCommandType } from '@maillage/domain';
import { isValidStreamName } from '@maillage/event-store';
import { AccessDeniedError } from '../authorization/access-policy';
import { chosenOrNewId } from '../command-side/idempotency.store';
import { cooperationCommand, type CommandMeta, type CommandResult } from '../command-side/command-envelope';
import { actorOf, Ctx, type RequestContext } from '../graphql/request-context';
import { requireCaller } from '../authorization/caller';
import * as I from './cooperation-mutation.inputs';

@ObjectType({ description: 'What a mutation changed.' })
export class CommandPayload {
  @Field(() => ID)
  cooperationId!: string;

  @Field(() => Int, { description: 'Version of the cooperation after the command: pass it as expectedVersion next time.' })
  version!: number;

  @Field(() => [String], { description: 'Types of the events recorded (empty when nothing changed).' })
  eventTypes!: string[];

  @Field({ description: 'True when this is the stored result of an earlier call with the same idempotency key.' })
  replayed!: boolean;

  @Field(() => String, { nullable: true, description: 'Position of the last event; subscriptions deliver it once projected.' })
  position!: string | null;

  @Field(() => ID, { nullable: true, description: 'renewCooperation: the new cooperation.' })
  successorId?: string | null;
}

const NUMBER = /^-?\d+(\.\d+)?$/;
/** Quantitative values travel as strings in GraphQL (a value may be text); numbers become numbers. */
const numberOrText = (value: string | undefined): number | string | undefined =>
  value !== undefined && NUMBER.test(value.trim()) ? Number(value) : value;

/** Drops undefined fields and the command options, keeping only the domain payload. */
function payload<T extends I.CommandOptionsInput>(input: T, omit: readonly string[] = ['cooperationId']): Record<string, unknown> {
  const skip = new Set(['expectedVersion', 'idempotencyKey', 'occurredAt', ...omit]);
  return Object.fromEntries(Object.entries(input).filter(([k, v]) => v !== undefined && v !== null && !skip.has(k)));
}

/**
 * The member-facing mutations: each builds its domain command and sends it through the command bus.
 * Nothing here decides anything: rules live in the domain, authorisation in the command handlers
 * (the resolver only refuses anonymous callers).
 */
@Resolver()
export class CooperationMutationsResolver {
  constructor(private readonly bus: CommandBus) {}

  private async run(
    cooperationId: string,
    type: CooperationCommandType,
    data: object,
    input: I.CommandOptionsInput,
    ctx: RequestContext,
  ): Promise<CommandPayload> {
    const caller = requireCaller(ctx);
    // No cooperation has an id that cannot name its stream: answered as any missing one. (The store
    // refused it with a generic "Requête invalide.", and the idempotency key was used up.)
    if (!isValidStreamName(cooperationStreamName(cooperationId))) throw new AccessDeniedError('NOT_FOUND');
    const meta: CommandMeta = {
      caller,
      expectedVersion: input.expectedVersion ?? undefined,
      idempotencyKey: input.idempotencyKey ?? undefined,
      occurredAt: input.occurredAt ? input.occurredAt.toISOString() : undefined,
      actor: actorOf(ctx),
      correlationId: ctx.correlationId,
    };
    const result: CommandResult = await this.bus.execute(cooperationCommand(cooperationId, { type, data }, meta));
    return {
      cooperationId: result.aggregateId,
      version: result.version,
      eventTypes: result.eventTypes,
      replayed: result.replayed,
      position: result.position,
      successorId: result.successor?.aggregateId ?? null,
    };
  }

  @Mutation(() => CommandPayload, { description: 'Propose a new cooperation (stage DECISION), led by an organisation.' })
  proposeCooperation(@Args('input') input: I.ProposeCooperationInput, @Ctx() ctx: RequestContext): Promise<CommandPayload> {
    requireCaller(ctx);
    const cooperationId = chosenOrNewId(input.cooperationId, input.idempotencyKey, 'cooperationId');
    const { leadOrganisationId, parentOrganisationId, ...rest } = payload(input) as Record<string, unknown> & {
      leadOrganisationId: string;
      parentOrganisationId?: string;
    };
    return this.run(
      cooperationId,
      'ProposeCooperation',
      {
        ...rest,
        cooperationId,
        leadOrganisation: { id: leadOrganisationId },
        ...(parentOrganisationId ? { parentOrganisation: { id: parentOrganisationId } } : {}),
      },
      input,
      ctx,
    );
  }

  @Mutation(() => CommandPayload, { description: 'Set the territory (région, départements) and sectors.' })
  setTerritory(@Args('input') input: I.SetTerritoryInput, @Ctx() ctx: RequestContext): Promise<CommandPayload> {
    return this.run(input.cooperationId, 'SetTerritory', payload(input), input, ctx);
  }

  @Mutation(() => CommandPayload, { description: 'Add a member organisation with a role.' })
  addMember(@Args('input') input: I.AddMemberInput, @Ctx() ctx: RequestContext): Promise<CommandPayload> {
    return this.run(input.cooperationId, 'AddMember', { organisation: { id: input.organisationId }, role: input.role }, input, ctx);
  }

  @Mutation(() => CommandPayload, { description: 'Remove a member organisation.' })
  removeMember(@Args('input') input: I.RemoveMemberInput, @Ctx() ctx: RequestContext): Promise<CommandPayload> {
    return this.run(input.cooperationId, 'RemoveMember', payload(input), input, ctx);
  }

  @Mutation(() => CommandPayload, {
    description: 'The lead organisation hands the steering over to another member, which it stays (lead only).',
  })
  handOverLead(@Args('input') input: I.HandOverLeadInput, @Ctx() ctx: RequestContext): Promise<CommandPayload> {
    return this.run(input.cooperationId, 'HandOverLead', payload(input), input, ctx);
  }

  @Mutation(() => CommandPayload, { description: 'GME: designate the mandataire among the cotraitants.' })
  designateMandataire(@Args('input') input: I.DesignateMandataireInput, @Ctx() ctx: RequestContext): Promise<CommandPayload> {
    return this.run(input.cooperationId, 'DesignateMandataire', payload(input), input, ctx);
  }

  @Mutation(() => CommandPayload, { description: 'GME: choose the form (conjoint or solidaire).' })
  setGmeForm(@Args('input') input: I.SetGmeFormInput, @Ctx() ctx: RequestContext): Promise<CommandPayload> {
    return this.run(input.cooperationId, 'SetGmeForm', payload(input), input, ctx);
  }

  @Mutation(() => CommandPayload, { description: 'GME: record the target market.' })
  recordMarket(@Args('input') input: I.RecordMarketInput, @Ctx() ctx: RequestContext): Promise<CommandPayload> {
    return this.run(input.cooperationId, 'RecordMarket', payload(input), input, ctx);
  }

  @Mutation(() => CommandPayload, { description: 'GME: record the outcome of the tender (a lost tender closes the GME).' })
  recordMarketOutcome(@Args('input') input: I.RecordMarketOutcomeInput, @Ctx() ctx: RequestContext): Promise<CommandPayload> {
    return this.run(input.cooperationId, 'RecordMarketOutcome', payload(input), input, ctx);
  }

  @Mutation(() => CommandPayload, { description: 'JVS: set the planned or final shareholding.' })
  setShareholding(@Args('input') input: I.SetShareholdingInput, @Ctx() ctx: RequestContext): Promise<CommandPayload> {
    return this.run(input.cooperationId, 'SetShareholding', payload(input), input, ctx);
  }

  @Mutation(() => CommandPayload, { description: 'Essaimage: choose the strategy.' })
  chooseEssaimageStrategy(@Args('input') input: I.ChooseEssaimageStrategyInput, @Ctx() ctx: RequestContext): Promise<CommandPayload> {
    return this.run(input.cooperationId, 'ChooseEssaimageStrategy', payload(input), input, ctx);
  }

  @Mutation(() => CommandPayload, { description: 'Essaimage: open a new site.' })
  openSite(@Args('input') input: I.OpenSiteInput, @Ctx() ctx: RequestContext): Promise<CommandPayload> {
    return this.run(input.cooperationId, 'OpenSite', payload(input), input, ctx);
  }

  @Mutation(() => CommandPayload, { description: 'JVS, GIE, GES: record the registration (SIREN) of the structure created.' })
  recordStructureRegistration(@Args('input') input: I.RecordStructureRegistrationInput, @Ctx() ctx: RequestContext): Promise<CommandPayload> {
    return this.run(input.cooperationId, 'RecordStructureRegistration', payload(input), input, ctx);
  }

  @Mutation(() => CommandPayload, { description: 'Record a deliverable (livrable).' })
  recordDeliverable(@Args('input') input: I.RecordDeliverableInput, @Ctx() ctx: RequestContext): Promise<CommandPayload> {
    return this.run(input.cooperationId, 'RecordDeliverable', payload(input), input, ctx);
  }

  @Mutation(() => CommandPayload, { description: 'Waive a gate item with a written justification (visible to funders and networks).' })
  waiveGateItem(@Args('input') input: I.WaiveGateItemInput, @Ctx() ctx: RequestContext): Promise<CommandPayload> {
    return this.run(input.cooperationId, 'WaiveGateItem', payload(input), input, ctx);
  }

  @Mutation(() => CommandPayload, { description: 'Advance to the next stage once its gate is satisfied.' })
  advanceStage(@Args('input') input: I.AdvanceStageInput, @Ctx() ctx: RequestContext): Promise<CommandPayload> {
    return this.run(input.cooperationId, 'AdvanceStage', payload(input), input, ctx);
  }

  @Mutation(() => CommandPayload, { description: 'Go back one stage, with a reason.' })
  reopenStage(@Args('input') input: I.ReopenStageInput, @Ctx() ctx: RequestContext): Promise<CommandPayload> {
    return this.run(input.cooperationId, 'ReopenStage', payload(input), input, ctx);
  }

  @Mutation(() => CommandPayload, { description: 'Abandon the cooperation, with a reason.' })
  abandonCooperation(@Args('input') input: I.AbandonCooperationInput, @Ctx() ctx: RequestContext): Promise<CommandPayload> {
    return this.run(input.cooperationId, 'AbandonCooperation', payload(input), input, ctx);
  }

  @Mutation(() => CommandPayload, { description: 'Close the cooperation with an outcome.' })
  closeCooperation(@Args('input') input: I.CloseCooperationInput, @Ctx() ctx: RequestContext): Promise<CommandPayload> {
    return this.run(input.cooperationId, 'CloseCooperation', payload(input), input, ctx);
  }

  @Mutation(() => CommandPayload, { description: 'Renew a closed cooperation as a new one linked to it.' })
  renewCooperation(@Args('input') input: I.RenewCooperationInput, @Ctx() ctx: RequestContext): Promise<CommandPayload> {
    requireCaller(ctx);
    const successorId = chosenOrNewId(input.successorId, input.idempotencyKey, 'successorId');
    return this.run(input.cooperationId, 'RenewCooperation', { ...payload(input), successorId }, input, ctx);
  }

  @Mutation(() => CommandPayload, {
    description: 'A member solicits a funder (« Solliciter un financeur »): while the request is open, the funder may read the cooperation and grant it.',
  })
  requestFunding(@Args('input') input: I.RequestFundingInput, @Ctx() ctx: RequestContext): Promise<CommandPayload> {
    const { funderOrganisationId, ...rest } = payload(input) as Record<string, unknown> & { funderOrganisationId: string };
    return this.run(input.cooperationId, 'RequestFunding', { ...rest, funder: { id: funderOrganisationId } }, input, ctx);
  }

  @Mutation(() => CommandPayload, { description: 'A member withdraws an open request to a funder.' })
  withdrawFundingRequest(@Args('input') input: I.WithdrawFundingRequestInput, @Ctx() ctx: RequestContext): Promise<CommandPayload> {
    return this.run(input.cooperationId, 'WithdrawFundingRequest', payload(input), input, ctx);
  }

  @Mutation(() => CommandPayload, { description: 'The funder solicited declines the request.' })
  declineFundingRequest(@Args('input') input: I.DeclineFundingRequestInput, @Ctx() ctx: RequestContext): Promise<CommandPayload> {
    return this.run(input.cooperationId, 'DeclineFundingRequest', payload(input), input, ctx);
  }

  @Mutation(() => CommandPayload, { description: 'A funder grants an amount for a programme and a period (where it funds already or was solicited).' })
  grantFunding(@Args('input') input: I.GrantFundingInput, @Ctx() ctx: RequestContext): Promise<CommandPayload> {
    const { funderOrganisationId, ...rest } = payload(input) as Record<string, unknown> & { funderOrganisationId: string };
    return this.run(input.cooperationId, 'GrantFunding', { ...rest, funder: { id: funderOrganisationId } }, input, ctx);
  }

  @Mutation(() => CommandPayload, { description: 'Record a disbursement of a grant.' })
  recordDisbursement(@Args('input') input: I.RecordDisbursementInput, @Ctx() ctx: RequestContext): Promise<CommandPayload> {
    return this.run(input.cooperationId, 'RecordDisbursement', payload(input), input, ctx);
  }

  @Mutation(() => CommandPayload, { description: 'Record the end of a grant.' })
  endFunding(@Args('input') input: I.EndFundingInput, @Ctx() ctx: RequestContext): Promise<CommandPayload> {
    return this.run(input.cooperationId, 'EndFunding', payload(input), input, ctx);
  }

  @Mutation(() => CommandPayload, { description: 'Record support received (network, DLA, Fabrique à initiatives).' })
  recordSupport(@Args('input') input: I.RecordSupportInput, @Ctx() ctx: RequestContext): Promise<CommandPayload> {
    return this.run(input.cooperationId, 'RecordSupport', payload(input), input, ctx);
  }

  @Mutation(() => CommandPayload, { description: 'Define an evaluation criterion with its indicators (Le Rameau).' })
  defineIndicator(@Args('input') input: I.DefineIndicatorInput, @Ctx() ctx: RequestContext): Promise<CommandPayload> {
    const indicators = input.indicators.map((i) => ({ ...i, target: numberOrText(i.target) }));
    return this.run(input.cooperationId, 'DefineIndicator', { ...payload(input), indicators }, input, ctx);
  }

  @Mutation(() => CommandPayload, { description: 'Record the value of an indicator for a period.' })
  recordMeasurement(@Args('input') input: I.RecordMeasurementInput, @Ctx() ctx: RequestContext): Promise<CommandPayload> {
    return this.run(input.cooperationId, 'RecordMeasurement', { ...payload(input), value: numberOrText(input.value) }, input, ctx);
  }

  @Mutation(() => CommandPayload, { description: 'Record one step of the partnership evaluation.' })
  recordEvaluation(@Args('input') input: I.RecordEvaluationInput, @Ctx() ctx: RequestContext): Promise<CommandPayload> {
    return this.run(input.cooperationId, 'RecordEvaluation', payload(input), input, ctx);
  }

  @Mutation(() => CommandPayload, { description: 'Record a lesson learned (capitalisation).' })
  recordLesson(@Args('input') input: I.RecordLessonInput, @Ctx() ctx: RequestContext): Promise<CommandPayload> {
    return this.run(input.cooperationId, 'RecordLesson', payload(input), input, ctx);
  }
}
