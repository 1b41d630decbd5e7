import { Inject } from '@nestjs/common';
import { Args, ID, Query, Resolver } from '@nestjs/graphql';
import type { Pool } from 'pg';
import {
  closeOutcomeLabelsFr,
  cooperationKindLabelsFr,
  cooperationStatusLabelsFr,
  findDepartement,
  findRegion,
  sectorLabelsFr,
  stageLabelsFr,
  type CloseOutcome,
  type CooperationKind,
  type CooperationStatus,
  type Sector,
  type Stage,
} from '@maillage/domain';
import { funderPortfolio, regionalStatistics, visibleCooperationIds } from '@maillage/read-models';
import type { ProjectionRunner } from '@maillage/projections';
import { PG_POOL } from '../database/database.module';
import { AS_OF_DESCRIPTION, badInput, parseAsOf } from '../graphql/api-errors';
import { PROJECTION_RUNNER } from '../projections/projections.module';
import { FunderPortfolio, ProjectionStatusEntry, RegionalDashboard } from './dashboard.types';
import { READ_MODEL_CACHE, ReadModelCache } from '../graphql/read-model-cache';
import { Ctx, type RequestContext } from '../graphql/request-context';
import { loaders } from '../graphql/loaders';
import { requireCaller } from '../authorization/caller';
import { AccessDeniedError, canReadFunderPortfolio, canReadRegionalAggregates, enforce, listScope } from '../authorization/access-policy';

const label = <T extends string>(labels: Record<T, string>, key: string): string => labels[key as T] ?? key;

@Resolver()
export class DashboardResolver {
  constructor(
    @Inject(PG_POOL) private readonly pool: Pool,
    @Inject(PROJECTION_RUNNER) private readonly runner: ProjectionRunner,
    // Dashboards and portfolios, computed once per read-model version for every caller of one scope.
    @Inject(READ_MODEL_CACHE) private readonly cache: ReadModelCache,
  ) {}

  @Query(() => RegionalDashboard, {
    description:
      'Statistics of a région as of a date (default now): "the situation on 31 December". Networks: their régions only. Funders and members see the aggregates of any région, and among the stalled cooperations only those they may read.',
  })
  async regionalDashboard(
    @Ctx() ctx: RequestContext,
    @Args('region', { description: 'INSEE code of the région.' }) region: string,
    @Args('asOf', { nullable: true, description: AS_OF_DESCRIPTION }) asOf?: string,
  ): Promise<RegionalDashboard> {
    const caller = requireCaller(ctx);
    const found = findRegion(region);
    if (!found) throw badInput(`Région inconnue : « ${region} ».`);
    enforce(canReadRegionalAggregates(caller, region), 'Région');
    const t = asOf ? parseAsOf(asOf) : undefined;
    const scope = listScope(caller);
    // Keyed by what the answer depends on: the région, the instant (or "now") and the caller's
    // scope (the stalled ids it may read).
    const key = `dashboard|${region}|${t?.toISOString() ?? 'now'}|${JSON.stringify(scope)}`;
    return this.cache.get(key, () => this.computeDashboard(region, found.name, t, scope), t === undefined, ctx);
  }

  private async computeDashboard(region: string, regionName: string, t: Date | undefined, scope: ReturnType<typeof listScope>): Promise<RegionalDashboard> {
    const s = await regionalStatistics(this.pool, { region, asOf: t ?? new Date() });
    // The count of stalled cooperations is an aggregate; their ids are only listed when readable.
    const stalledIds = await visibleCooperationIds(this.pool, s.stalled.cooperationIds, scope);
    return {
      region,
      regionName,
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
    @Args('asOf', { nullable: true, description: AS_OF_DESCRIPTION }) asOf?: string,
  ): Promise<FunderPortfolio> {
    enforce(canReadFunderPortfolio(requireCaller(ctx), funderId), 'Financeur');
    const t = asOf ? parseAsOf(asOf) : undefined;
    // An id no organisation has is no funder with nothing funded (an operator's typo said so).
    if (!(await loaders(ctx, this.pool).organisation.load(funderId))) throw new AccessDeniedError('NOT_FOUND', 'Financeur');
    return this.cache.get(`portfolio|${funderId}|${t?.toISOString() ?? 'now'}`, () => this.computePortfolio(funderId, t), t === undefined, ctx);
  }

  private async computePortfolio(funderId: string, t: Date | undefined): Promise<FunderPortfolio> {
    const p = await funderPortfolio(this.pool, { funderId, asOf: t ?? new Date() });
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
        closeOutcome: (c.closeOutcome as CloseOutcome | null) ?? undefined,
        closeOutcomeLabel: c.closeOutcome ? label<CloseOutcome>(closeOutcomeLabelsFr, c.closeOutcome) : undefined,
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
        .map((l) => ({ position: l.position, eventId: l.eventId, streamId: l.streamId, type: l.type, error: withoutStack(l.error), status: l.status, createdAt: l.createdAt })),
    }));
  }
}

/**
 * A dead letter's error as operators read it over the API: the message without its stack frames
 * (no stack trace leaves the server; the dead-letter table keeps the whole text).
 */
export function withoutStack(error: string): string {
  return error
    .split('\n')
    .filter((line) => !/^\s+at /.test(line))
    .join('\n')
    .trim();
}
