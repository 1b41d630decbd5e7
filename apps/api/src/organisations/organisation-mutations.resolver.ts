import { Args, Field, ID, InputType, Int, Mutation, ObjectType, Resolver } from '@nestjs/graphql';
import { CommandBus } from '@nestjs/cqrs';
import { DomainError, DomainErrorCode, organisationStreamName, type OrganisationCommand, type OrganisationKind, type UpdateOrganisation } from '@maillage/domain';
import { isValidStreamName } from '@maillage/event-store';
import { organisationCommand, type CommandMeta } from '../command-side/command-envelope';
import { CommandOptionsInput } from '../cooperations/cooperation-mutation.inputs';
import { OrganisationKindEnum } from '../graphql/enums';
import { actorOf, Ctx, type RequestContext } from '../graphql/request-context';
import { requireCaller } from '../authorization/caller';
import { AccessDeniedError } from '../authorization/access-policy';
import { chosenOrNewId } from '../command-side/idempotency.store';

@InputType()
export class RegisterOrganisationInput extends CommandOptionsInput {
  @Field(() => ID, { nullable: true, description: 'Client-chosen UUID; generated when omitted.' })
  organisationId?: string;

  @Field()
  name!: string;

  @Field({ nullable: true, description: 'SIRET (14 digits, Luhn-checked).' })
  siret?: string;

  @Field(() => OrganisationKindEnum)
  kind!: OrganisationKind;

  @Field({ nullable: true, description: 'ESS status; defaults from the kind.' })
  ess?: boolean;

  @Field({ description: 'INSEE code of the région.' })
  regionCode!: string;

  @Field({ description: 'INSEE code of the département.' })
  departementCode!: string;

  @Field(() => [ID], { nullable: true, description: 'Networks the organisation belongs to.' })
  networkIds?: string[];
}

@InputType()
export class UpdateOrganisationInput extends CommandOptionsInput {
  @Field(() => ID, { description: 'The organisation to change (every other field left out stays as it is).' })
  organisationId!: string;

  @Field({ nullable: true })
  name?: string;

  @Field(() => String, {
    nullable: true,
    description: 'SIRET (14 digits, Luhn-checked); null clears it. One held by another organisation answers ALREADY_EXISTS on siret; the one replaced or cleared becomes free.',
  })
  siret?: string | null;

  @Field(() => OrganisationKindEnum, { nullable: true, description: 'The ESS status stays as it is unless ess is given too.' })
  kind?: OrganisationKind;

  @Field({ nullable: true, description: 'ESS status.' })
  ess?: boolean;

  @Field({ nullable: true, description: 'INSEE code of the région (with a département of it, unless the current one is).' })
  regionCode?: string;

  @Field({ nullable: true, description: 'INSEE code of the département (of the région given, or else of the current one).' })
  departementCode?: string;

  @Field(() => [ID], { nullable: true, description: 'Networks the organisation belongs to (replaces the list; [] for none).' })
  networkIds?: string[];
}

@ObjectType()
export class OrganisationPayload {
  @Field(() => ID)
  organisationId!: string;

  @Field(() => Int, { description: 'Version of the organisation after the command: pass it as expectedVersion next time.' })
  version!: number;

  @Field(() => [String], { description: 'Types of the events recorded (empty when nothing changed).' })
  eventTypes!: string[];

  @Field({ description: 'True when this is the stored result of an earlier call with the same idempotency key.' })
  replayed!: boolean;
}

/** The domain payload of an input: its fields without the command options. */
function fieldsOf<T extends CommandOptionsInput>(input: T): Omit<T, keyof CommandOptionsInput> {
  const { expectedVersion: _version, idempotencyKey: _key, occurredAt: _at, ...fields } = input;
  return fields;
}

/** Fields of UpdateOrganisationInput that only a value may change (siret alone may be null: cleared). */
const NOT_NULLABLE = ['name', 'kind', 'ess', 'regionCode', 'departementCode', 'networkIds'] as const;

@Resolver()
export class OrganisationMutationsResolver {
  constructor(private readonly bus: CommandBus) {}

  @Mutation(() => OrganisationPayload, { description: 'Register an organisation (member structure, funder, network, local authority...).' })
  async registerOrganisation(@Args('input') input: RegisterOrganisationInput, @Ctx() ctx: RequestContext): Promise<OrganisationPayload> {
    // Without a client-chosen id, a retry with the same idempotency key names the same organisation.
    const organisationId = chosenOrNewId(input.organisationId, input.idempotencyKey, 'organisationId');
    const command = {
      type: 'RegisterOrganisation',
      data: Object.fromEntries(Object.entries({ ...fieldsOf(input), organisationId }).filter(([, v]) => v !== undefined && v !== null)),
    } as OrganisationCommand;
    return this.run(organisationId, command, input, ctx);
  }

  @Mutation(() => OrganisationPayload, {
    description:
      'Change an organisation of the directory: only the fields given (an update that changes nothing records nothing). Platform operators, and networks for the organisations of their régions (never to a région outside them); not the organisation itself.',
  })
  async updateOrganisation(@Args('input') input: UpdateOrganisationInput, @Ctx() ctx: RequestContext): Promise<OrganisationPayload> {
    requireCaller(ctx);
    const { organisationId, ...fields } = fieldsOf(input);
    // No organisation was registered under an id that cannot name its stream.
    if (!isValidStreamName(organisationStreamName(organisationId))) throw new AccessDeniedError('NOT_FOUND', 'Organisation');
    for (const field of NOT_NULLABLE) {
      if (fields[field] === null) throw new DomainError(DomainErrorCode.VALIDATION_FAILED, { field, reason: 'leave it out to keep it; null is not a value' });
    }
    // Only the fields given: left out means unchanged, and siret: null clears it.
    const data = Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined)) as UpdateOrganisation['data'];
    return this.run(organisationId, { type: 'UpdateOrganisation', data }, input, ctx);
  }

  private async run(organisationId: string, command: OrganisationCommand, input: CommandOptionsInput, ctx: RequestContext): Promise<OrganisationPayload> {
    const meta: CommandMeta = {
      caller: requireCaller(ctx),
      expectedVersion: input.expectedVersion ?? undefined,
      idempotencyKey: input.idempotencyKey ?? undefined,
      occurredAt: input.occurredAt?.toISOString(),
      actor: actorOf(ctx),
      correlationId: ctx.correlationId,
    };
    const result = await this.bus.execute(organisationCommand(organisationId, command, meta));
    return { organisationId, version: result.version, eventTypes: result.eventTypes, replayed: result.replayed };
  }
}
