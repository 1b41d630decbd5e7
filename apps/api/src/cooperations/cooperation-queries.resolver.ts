import { Inject } from '@nestjs/common';
import { Args, Field, ID, InputType, Int, ObjectType, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import type { Pool } from 'pg';
import {
  cooperationEventDetailsFr,
  cooperationKindLabelsFr,
  cooperationStatusLabelsFr,
  organisationIdsOfEvent,
  type CooperationEvent,
  stageLabelsFr,
  findRegion,
  findDepartement,
  type CooperationKind,
  type CooperationStatus,
  type CloseOutcome,
  type Stage,
} from '@maillage/domain';
import { InvalidCursorError, listCooperations, MAX_PAGE_SIZE } from '@maillage/read-models';
import { PG_POOL } from '../database/database.module';
import { AS_OF_DESCRIPTION, badInput, parseAsOf } from '../graphql/api-errors';
import { CloseOutcomeEnum, CooperationKindEnum, CooperationStatusEnum, StageEnum } from '../graphql/enums';
import { loaders } from '../graphql/loaders';
import { Ctx, type RequestContext } from '../graphql/request-context';
import { CooperationQueryService } from './cooperation-query.service';
import { GATE_ITEM_LABELS } from './cooperation-view';
import { requireCaller } from '../authorization/caller';
import { listScope } from '../authorization/access-policy';
import { Cooperation, Funding, FundingRequest, HISTORY_DETAILS_DESCRIPTION, HistoryActor, HistoryEntry, Member, OrganisationSummary, Support } from './cooperation.types';

@InputType()
export class CooperationFilterInput {
  @Field({ nullable: true, description: 'INSEE code of the région.' })
  region?: string;

  @Field({ nullable: true, description: 'INSEE code of a département.' })
  departement?: string;

  @Field(() => CooperationKindEnum, { nullable: true })
  kind?: CooperationKind;

  @Field(() => StageEnum, { nullable: true })
  stage?: Stage;

  @Field(() => CooperationStatusEnum, { nullable: true })
  status?: CooperationStatus;

  @Field(() => ID, { nullable: true, description: 'Only cooperations funded by this organisation.' })
  funderId?: string;

  @Field(() => ID, { nullable: true, description: 'Only cooperations with an open request to this funder (« sollicitations en attente »).' })
  solicitedFunderId?: string;

  @Field(() => Int, { nullable: true, description: 'Active cooperations with no event for at least this many days.' })
  stalledForDays?: number;
}

@ObjectType()
export class CooperationListItem {
  @Field(() => ID)
  id!: string;

  @Field()
  name!: string;

  @Field(() => CooperationKindEnum)
  kind!: CooperationKind;

  @Field()
  kindLabel!: string;

  @Field(() => StageEnum)
  stage!: Stage;

  @Field()
  stageLabel!: string;

  @Field(() => CooperationStatusEnum)
  status!: CooperationStatus;

  @Field()
  statusLabel!: string;

  @Field(() => CloseOutcomeEnum, { nullable: true, description: 'How a closed cooperation ended (null unless CLOSED).' })
  closeOutcome?: CloseOutcome | null;

  @Field()
  regionCode!: string;

  @Field(() => [String])
  departementCodes!: string[];

  @Field(() => Int)
  memberCount!: number;

  @Field()
  gateSatisfied!: boolean;

  @Field()
  proposedAt!: string;

  @Field({ description: 'When the last fact occurred.' })
  lastEventAt!: string;

  @Field(() => [Member], { description: 'Members and roles (read with the page).' })
  members!: Member[];
}

@ObjectType()
export class CooperationEdge {
  @Field()
  cursor!: string;

  @Field(() => CooperationListItem)
  node!: CooperationListItem;
}

@ObjectType()
export class PageInfo {
  @Field()
  hasNextPage!: boolean;

  @Field(() => String, { nullable: true })
  endCursor!: string | null;
}

@ObjectType({ description: 'A page of cooperations (Relay-style, keyset pagination).' })
export class CooperationConnection {
  @Field(() => [CooperationEdge])
  edges!: CooperationEdge[];

  @Field(() => PageInfo)
  pageInfo!: PageInfo;
}

function validateFilter(filter: CooperationFilterInput): void {
  if (filter.region !== undefined && filter.region !== null && !findRegion(filter.region)) throw badInput(`Région inconnue : « ${filter.region} ».`);
  if (filter.departement !== undefined && filter.departement !== null && !findDepartement(filter.departement)) {
    throw badInput(`Département inconnu : « ${filter.departement} ».`);
  }
  if (filter.stalledForDays !== undefined && filter.stalledForDays !== null && (filter.stalledForDays < 0 || filter.stalledForDays > 36_500)) {
    throw badInput('stalledForDays doit être compris entre 0 et 36500.');
  }
}

@Resolver(() => Cooperation)
export class CooperationQueriesResolver {
  constructor(
    private readonly queries: CooperationQueryService,
    @Inject(PG_POOL) private readonly pool: Pool,
  ) {}

  @Query(() => Cooperation, { description: 'A cooperation as it was at `asOf` (default now): gate checklist, members, market, shares, funding, indicators, stage history.' })
  cooperation(
    @Args('id', { type: () => ID }) id: string,
    @Ctx() ctx: RequestContext,
    @Args('asOf', { nullable: true, description: AS_OF_DESCRIPTION }) asOf?: string,
  ): Promise<Cooperation> {
    return this.queries.cooperation(id, parseAsOf(asOf), requireCaller(ctx));
  }

  @Query(() => [HistoryEntry], { description: 'Every recorded fact of a cooperation, oldest first: what, when it happened, when recorded, by whom.' })
  history(@Args('cooperationId', { type: () => ID }) cooperationId: string, @Ctx() ctx: RequestContext): Promise<HistoryEntry[]> {
    return this.queries.history(cooperationId, requireCaller(ctx));
  }

  @Query(() => CooperationConnection, {
    description: `Cooperations matching a filter that the caller may read (networks: their régions; funders: what they fund or were asked to fund and have not answered; members: their own), newest first. Page size capped at ${MAX_PAGE_SIZE}.`,
  })
  async cooperations(
    @Ctx() ctx: RequestContext,
    @Args('filter', { nullable: true }) filter: CooperationFilterInput = {},
    @Args('first', { type: () => Int, nullable: true }) first?: number,
    @Args('after', { nullable: true }) after?: string,
  ): Promise<CooperationConnection> {
    const caller = requireCaller(ctx);
    validateFilter(filter ?? {});
    if (first !== undefined && first !== null && (first < 1 || first > MAX_PAGE_SIZE)) {
      throw badInput(`first doit être compris entre 1 et ${MAX_PAGE_SIZE}.`);
    }
    try {
      const page = await listCooperations(this.pool, { ...(filter ?? {}), scope: listScope(caller) }, { first: first ?? undefined, after: after ?? null });
      return {
        edges: page.items.map(({ cursor, ...item }) => ({
          cursor,
          node: {
            ...item,
            kind: item.kind as CooperationKind,
            kindLabel: cooperationKindLabelsFr[item.kind as CooperationKind],
            stage: item.stage as Stage,
            stageLabel: stageLabelsFr[item.stage as Stage],
            status: item.status as CooperationStatus,
            statusLabel: cooperationStatusLabelsFr[item.status as CooperationStatus],
            closeOutcome: item.closeOutcome as CloseOutcome | null,
            // The summary's members carry their French role label and mandataire flag already (the
            // projection writes only MemberRole values): passed as stored, not copied.
            members: item.members as Member[],
          },
        })),
        pageInfo: page.pageInfo,
      };
    } catch (error) {
      if (error instanceof InvalidCursorError) throw badInput("Curseur de pagination invalide : passez l'endCursor d'une page reçue, ou le cursor de l'un de ses éléments.");
      throw error;
    }
  }
}

@Resolver(() => Member)
export class MemberResolver {
  constructor(@Inject(PG_POOL) private readonly pool: Pool) {}

  @ResolveField(() => OrganisationSummary, { nullable: true })
  organisation(@Parent() member: Member, @Ctx() ctx: RequestContext): Promise<OrganisationSummary | null> {
    return loaders(ctx, this.pool).organisation.load(member.organisationId);
  }
}

@Resolver(() => Funding)
export class FundingResolver {
  constructor(@Inject(PG_POOL) private readonly pool: Pool) {}

  @ResolveField(() => OrganisationSummary, { nullable: true, description: 'The funder (name, kind) from the organisation directory.' })
  funder(@Parent() funding: Funding, @Ctx() ctx: RequestContext): Promise<OrganisationSummary | null> {
    return loaders(ctx, this.pool).organisation.load(funding.funderOrganisationId);
  }
}

@Resolver(() => CooperationListItem)
export class CooperationListItemResolver {
  constructor(@Inject(PG_POOL) private readonly pool: Pool) {}

  @ResolveField(() => [FundingRequest], {
    description: 'Funders solicited, oldest first (one query per page, only when asked: a funder lists its pending solicitations with what they ask).',
  })
  fundingRequests(@Parent() item: CooperationListItem, @Ctx() ctx: RequestContext): Promise<FundingRequest[]> {
    return loaders(ctx, this.pool).fundingRequests.load(item.id);
  }
}

@Resolver(() => FundingRequest)
export class FundingRequestResolver {
  constructor(@Inject(PG_POOL) private readonly pool: Pool) {}

  @ResolveField(() => OrganisationSummary, { nullable: true, description: 'The funder solicited (name, kind) from the organisation directory.' })
  funder(@Parent() request: FundingRequest, @Ctx() ctx: RequestContext): Promise<OrganisationSummary | null> {
    return loaders(ctx, this.pool).organisation.load(request.funderOrganisationId);
  }
}

@Resolver(() => Support)
export class SupportResolver {
  constructor(@Inject(PG_POOL) private readonly pool: Pool) {}

  @ResolveField(() => OrganisationSummary, { nullable: true, description: 'The organisation that gave it (name, kind), from the organisation directory.' })
  provider(@Parent() support: Support, @Ctx() ctx: RequestContext): Promise<OrganisationSummary | null> {
    return support.providerOrganisationId ? loaders(ctx, this.pool).organisation.load(support.providerOrganisationId) : Promise.resolve(null);
  }
}

/**
 * The French sentence of a history entry or of a live notification (the same field on both): the
 * organisations it names are looked up in one batch per request, a measured indicator's label in
 * the indicator read model.
 */
export async function historyEntryDetails(entry: HistoryEntry, ctx: RequestContext, pool: Pool): Promise<string> {
  const event = { type: entry.type, data: entry.eventData } as CooperationEvent;
  const batch = loaders(ctx, pool);
  const ids = organisationIdsOfEvent(event);
  const organisations = await batch.organisation.loadMany(ids);
  const names = new Map(ids.map((id, i) => [id, organisations[i]]));
  const indicator = event.type === 'CooperationMeasurementRecorded' ? await batch.indicatorLabel.load([entry.cooperationId, event.data.indicatorId]) : null;
  return cooperationEventDetailsFr(event, {
    organisationName: (id) => {
      const found = names.get(id);
      return found && !(found instanceof Error) ? found.name : undefined;
    },
    indicatorLabel: () => indicator ?? undefined,
    gateItemLabel: (id) => GATE_ITEM_LABELS.get(id),
  });
}

@Resolver(() => HistoryEntry)
export class HistoryEntryResolver {
  constructor(@Inject(PG_POOL) private readonly pool: Pool) {}

  @ResolveField(() => String, { description: HISTORY_DETAILS_DESCRIPTION })
  details(@Parent() entry: HistoryEntry, @Ctx() ctx: RequestContext): Promise<string> {
    return historyEntryDetails(entry, ctx, this.pool);
  }
}

@Resolver(() => HistoryActor)
export class HistoryActorResolver {
  constructor(@Inject(PG_POOL) private readonly pool: Pool) {}

  @ResolveField(() => OrganisationSummary, { nullable: true, description: 'The organisation the author acted for (null for platform operators).' })
  organisation(@Parent() actor: HistoryActor, @Ctx() ctx: RequestContext): Promise<OrganisationSummary | null> {
    return actor.organisationId ? loaders(ctx, this.pool).organisation.load(actor.organisationId) : Promise.resolve(null);
  }
}
