import { Inject } from '@nestjs/common';
import { Args, ID, Query, Resolver } from '@nestjs/graphql';
import type { Pool } from 'pg';
import {
  cooperationKindLabelsFr,
  cooperationStatusLabelsFr,
  findDepartement,
  findRegion,
  sectorLabelsFr,
  stageLabelsFr,
  type CooperationKind,
  type CooperationStatus,
  type Sector,
  type Stage,
} from '@maillage/domain';
import { funderPortfolio, regionalStatistics, visibleCooperationIds } from '@maillage/read-models';
import type { ProjectionRunner } from '@maillage/projections';
import { PG_POOL } from '../database/database.module';
import { badInput, parseAsOf } from '../graphql/api-errors';
import { PROJECTION_RUNNER } from '../projections/projections.module';
import { FunderPortfolio, ProjectionStatusEntry, RegionalDashboard } from './dashboard.types';
import { Ctx, type RequestContext } from '../graphql/request-context';
import { requireCaller } from '../authorization/caller';
import { AccessDeniedError, canReadFunderPortfolio, canReadRegionalAggregates, enforce, listScope } from '../authorization/access-policy';

const label = <T extends string>(labels: Record<T, string>, key: string): string => labels[key as T] ?? key;

@Resolver()
export class DashboardResolver {
  constructor(
    @Inject(PG_POOL) private readonly pool: Pool,
    @Inject(PROJECTION_RUNNER) private readonly runner: ProjectionRunner,
  ) {}

  @Query(() => RegionalDashboard, {
    description:
      'Statistics of a région as of a date (default now): "the situation on 31 December". Networks: their régions only. Funders and members see the aggregates of any région, and among the stalled cooperations only those they may read.',
  })
  async regionalDashboard(
    @Ctx() ctx: RequestContext,
    @Args('region', { description: 'INSEE code of the région.' }) region: string,
    @Args('asOf', { nullable: true, description: 'AAAA-MM-JJ (end of that day) or an ISO date-time.' }) asOf?: string,
  ): Promise<RegionalDashboard> {
    const caller = requireCaller(ctx);
    const found = findRegion(region);
    if (!found) throw badInput(`Région inconnue : « ${region} ».`);
    enforce(canReadRegionalAggregates(caller, region), 'Région');
    const s = await regionalStatistics(this.pool, { region, asOf: parseAsOf(asOf) });
    // The count of stalled cooperations is an aggregate; their ids are only listed when readable.
    const stalledIds = await visibleCooperationIds(this.pool, s.stalled.cooperationIds, listScope(caller));
    return {
      region,
      regionName: found.name,
      asOf: s.asOf,
      byStatus: s.byStatus.map((x) => ({ ...x, label: label(cooperationStatusLabelsFr, x.status) })),
      byKindStage: s.byKindStage.map((x) => ({
        ...x,
        kindLabel: label<CooperationKind>(cooperationKindLabelsFr, x.kind),
        stageLabel: label<Stage>(stageLabelsFr, x.stage),
      })),
      byDepartement: s.byDepartement.map((x) => ({ key: x.departement, label: findDepartement(x.departement)?.name ?? x.departement, count: x.count })),
      bySector: s.bySector.map((x) => ({ key: x.sector, label: label<Sector>(sectorLabelsFr, x.sector), count: x.count })),
      conversion: s.conversion,
      medianDaysPerStage: s.medianDaysPerStage.map((x) => ({ ...x, stageLabel: label<Stage>(stageLabelsFr, x.stage) })),
      abandonmentReasons: s.abandonmentReasons.map((x) => ({ key: x.reason, label: x.label, count: x.count })),
      stalled: { ...s.stalled, cooperationIds: stalledIds },
      insertion: s.insertion,
      funding: s.funding,
    };
  }

  @Query(() => FunderPortfolio, { description: 'The cooperations a funder finances, with progress and money as of a date (that funder and platform operators only).' })
  async funderPortfolio(
    @Ctx() ctx: RequestContext,
    @Args('funderId', { type: () => ID }) funderId: string,
    @Args('asOf', { nullable: true }) asOf?: string,
  ): Promise<FunderPortfolio> {
    enforce(canReadFunderPortfolio(requireCaller(ctx), funderId), 'Financeur');
    const p = await funderPortfolio(this.pool, { funderId, asOf: parseAsOf(asOf) });
    return {
      funderId: p.funderId,
      asOf: p.asOf,
      totals: p.totals,
      cooperations: p.cooperations.map((c) => ({
        ...c,
        kindLabel: label<CooperationKind>(cooperationKindLabelsFr, c.kind),
        stage: c.stage ?? undefined,
        stageLabel: c.stage ? label<Stage>(stageLabelsFr, c.stage) : undefined,
        status: c.status ? label<CooperationStatus>({ NONE: 'NONE', ACTIVE: 'ACTIVE', CLOSED: 'CLOSED', ABANDONED: 'ABANDONED' }, c.status) : undefined,
        fundings: c.fundings.map((f) => ({ ...f, periodEnd: f.periodEnd ?? undefined, endedOn: f.endedOn ?? undefined })),
      })),
    };
  }

  @Query(() => [ProjectionStatusEntry], { description: 'Lag and dead letters per projection (platform operators only).' })
  async projectionStatus(@Ctx() ctx: RequestContext): Promise<ProjectionStatusEntry[]> {
    if (requireCaller(ctx).role !== 'ADMIN') throw new AccessDeniedError('FORBIDDEN');
    const [statuses, letters] = await Promise.all([this.runner.status(), this.runner.deadLetters(undefined, 'pending')]);
    return statuses.map((s) => ({
      name: s.name,
      state: s.state,
      checkpoint: s.checkpoint,
      head: s.head,
      lag: s.lag,
      lastUpdated: s.lastUpdated,
      pendingDeadLetters: s.pendingDeadLetters,
      deadLetters: letters
        .filter((l) => l.projection === s.name)
        .map((l) => ({ position: l.position, eventId: l.eventId, streamId: l.streamId, type: l.type, error: l.error, status: l.status, createdAt: l.createdAt })),
    }));
  }
}
