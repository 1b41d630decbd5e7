import { Args, Field, ID, InputType, Int, Mutation, ObjectType, Resolver } from '@nestjs/graphql';
import { CommandBus } from '@nestjs/cqrs';
import type { OrganisationCommand, OrganisationKind } from '@maillage/domain';
import { organisationCommand } from '../command-side/command-envelope';
import { CommandOptionsInput } from '../cooperations/cooperation-mutation.inputs';
import { OrganisationKindEnum } from '../graphql/enums';
import { actorOf, Ctx, type RequestContext } from '../graphql/request-context';
import { requireCaller } from '../authorization/caller';
import { newIdFor } from '../command-side/idempotency.store';

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

@ObjectType()
export class OrganisationPayload {
  @Field(() => ID)
  organisationId!: string;

  @Field(() => Int)
  version!: number;

  @Field()
  replayed!: boolean;
}

@Resolver()
export class OrganisationMutationsResolver {
  constructor(private readonly bus: CommandBus) {}

  @Mutation(() => OrganisationPayload, { description: 'Register an organisation (member structure, funder, network, local authority...).' })
  async registerOrganisation(@Args('input') input: RegisterOrganisationInput, @Ctx() ctx: RequestContext): Promise<OrganisationPayload> {
    // Without a client-chosen id, a retry with the same idempotency key names the same organisation.
    const organisationId = input.organisationId ?? newIdFor(input.idempotencyKey, 'organisationId');
    const { expectedVersion, idempotencyKey, occurredAt, ...data } = input;
    const command = {
      type: 'RegisterOrganisation',
      data: Object.fromEntries(Object.entries({ ...data, organisationId }).filter(([, v]) => v !== undefined && v !== null)),
    } as OrganisationCommand;
    const result = await this.bus.execute(
      organisationCommand(organisationId, command, {
        caller: requireCaller(ctx),
        expectedVersion: expectedVersion ?? undefined,
        idempotencyKey: idempotencyKey ?? undefined,
        occurredAt: occurredAt?.toISOString(),
        actor: actorOf(ctx),
        correlationId: ctx.correlationId,
      }),
    );
    return { organisationId, version: result.version, replayed: result.replayed };
  }
}
