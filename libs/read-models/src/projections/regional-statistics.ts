import { COOPERATION_EVENT_TYPES, STAGES, cooperationIdFromStream, nextStage } from '@maillage/domain';
import type { RecordedEvent } from '@maillage/event-store';
import type { KeyedTable, ProjectionContext } from '@maillage/projections';
import type { CooperationActivityRegionEntity } from '../entities';
import { fundingFold, indicatorFold, measurementFold, type KeyedFold } from './cooperation-details';
import { TIMELINE_EVENT_TYPES } from './cooperation-summary';
import { cooperationIdOf, dataOf, iso } from './events';


/**
 * Pre-aggregated regional dashboard figures (tables regional_cooperation_statistic and
 * regional_activity_statistic): the figures "as of the latest event", i.e. the interval method of
 * regionalStatistics with asOf after every instant involved and knownAt = now, as a GROUP BY over a
 * projection's own tables.
 *
 * Maintenance is exact by construction: `parts(ids)` is a SQL query giving the contribution of some
 * cooperations to each (région, metric, key). Live, before a batch is applied the contribution of
 * every cooperation the batch touches is subtracted, and after it is applied (same transaction) it
 * is added again; rows at zero are deleted. A rebuild computes the table once from every
 * cooperation, in the swap transaction, after the other deferred writes.
 */

/** Width of a bucket of the days-per-visit histogram (median lookup). */
export const DAYS_BUCKET = 10;

/**
 * The median days per stage are not a sum of contributions: they are kept as one row per région
 * and stage, metric 'median', k1 the stage, k2 the two middle visits' days ("lo hi", equal when the
 * count is odd) and n the number of visits, recomputed for the régions whose visits changed (live:
 * after the histogram rows moved, in the batch's transaction; rebuild: for every région at the
 * swap). The histogram says which bucket holds the lower middle visit; one index scan from that
 * bucket's start reads it and the next one. `regions`: a predicate on `region_code`.
 */
export function stageMediansSql(ctx: ProjectionContext, regions: string): string {
  const t = ctx.table('regional_cooperation_statistic');
  const v = ctx.table('cooperation_stage_visit');
  return `insert into ${t} (region_code, metric, k1, k2, n)
    with h as (
      select region_code, k1 as stage, k2::int as b, n::bigint as n from ${t} where metric = 'days' and ${regions}),
    c as (
      select region_code, stage, b, n, (sum(n) over (partition by region_code, stage order by b))::bigint - n as before,
             (sum(n) over (partition by region_code, stage))::bigint as total from h),
    p as (select distinct region_code, stage, total, (total - 1) / 2 as lo, total / 2 as hi from c)
    select p.region_code, 'median', p.stage, x.v[1]::text || ' ' || x.v[1 + (p.hi - p.lo)::int]::text, p.total
      from p join c on c.region_code = p.region_code and c.stage = p.stage and p.lo >= c.before and p.lo < c.before + c.n
      cross join lateral (
        select array_agg(days_spent order by days_spent) as v from (
          select days_spent from ${v}
           where region_code = c.region_code and stage = c.stage and days_spent >= c.b * ${DAYS_BUCKET}
           order by days_spent offset p.lo - c.before limit 2) y) x`;
}

/** Live: the medians of these régions again (their visits changed in the batch). */
async function refreshMedians(ctx: ProjectionContext, regions: readonly string[]): Promise<void> {
  if (!regions.length) return;
  const t = ctx.table('regional_cooperation_statistic');
  await ctx.client.query(`delete from ${t} where metric = 'median' and region_code = any($1::text[])`, [regions]);
  await ctx.client.query(stageMediansSql(ctx, 'region_code = any($1::text[])'), [regions]);
}

const NEXT_PAIRS = STAGES.filter((s) => nextStage(s))
  .map((s) => `('${s}','${nextStage(s)}')`)
  .join(',');

/**
 * One branch of an aggregate's contributions: `sql(ctx, only)` gives the rows (région, metric, k1,
 * k2, n) of the cooperations selected by `only` (a predicate on `cooperation_id`); `types` are the
 * event types that can change them (null: every type the aggregate follows). A live batch
 * recomputes each branch only for the cooperations with such an event in it: a deliverable moves a
 * cooperation's last activity day, not its stage intervals, so its intervals and visits are not
 * summed again (see `aggregate`).
 */
interface Branch {
  readonly types: ReadonlySet<string> | null;
  sql(ctx: ProjectionContext, only: string): string;
}

/** Events that move a cooperation to another région: every branch of the activity figures follows them. */
const REGION_EVENT_TYPES = ['CooperationProposed', 'CooperationTerritorySet'];
const typesOf = (...lists: (readonly string[] | undefined)[]): ReadonlySet<string> =>
  new Set([...REGION_EVENT_TYPES, ...lists.flatMap((l) => l ?? [])]);

/** Contributions to the cooperation figures: stage intervals and visits, then the last activity day. */
export const cooperationParts: readonly Branch[] = [
  {
    // Intervals and visits are expanded again only after these events (deriveFromSummary), and
    // sectors, status and abandonment change only with them (the domain's evolve).
    types: TIMELINE_EVENT_TYPES,
    sql(ctx, only) {
      const i = ctx.table('cooperation_stage_interval');
      const v = ctx.table('cooperation_stage_visit');
      const s = ctx.table('cooperation_summary');
      const open = `i.valid_to is null and ${only.replace(/cooperation_id/g, 'i.cooperation_id')}`;
      const visits = `select distinct cooperation_id, region_code, stage from ${v} where ${only}`;
      return `
    select i.region_code, 'status' as metric, i.status as k1, '' as k2, 1::numeric as n from ${i} i where ${open}
    union all
    select i.region_code, 'kind_stage', i.kind, i.stage, 1 from ${i} i where ${open} and i.status = 'ACTIVE'
    union all
    select i.region_code, 'departement', d, '', 1 from ${i} i cross join unnest(i.departement_codes) d
     where ${open} and i.status = 'ACTIVE'
    union all
    select i.region_code, 'sector', x, '', 1 from ${i} i join ${s} s on s.id = i.cooperation_id cross join unnest(s.sectors) x
     where ${open} and i.status = 'ACTIVE'
    union all
    select i.region_code, 'abandon', coalesce(s.abandon_reason, ''), '', 1 from ${i} i join ${s} s on s.id = i.cooperation_id
     where i.status = 'ABANDONED' and ${only.replace(/cooperation_id/g, 'i.cooperation_id')}
    union all
    select region_code, 'entered', stage, '', 1 from (${visits}) a
    union all
    select a.region_code, 'reached', a.stage, '', 1
      from (${visits}) a join (${visits}) b on b.cooperation_id = a.cooperation_id
      join (values ${NEXT_PAIRS}) as p(stage, next) on p.stage = a.stage and p.next = b.stage
    union all
    select region_code, 'days', stage, floor(days_spent / ${DAYS_BUCKET})::int::text, 1 from ${v}
     where days_spent is not null and ${only}`;
    },
  },
  {
    // Every event moves the last activity day.
    types: null,
    sql(ctx, only) {
      const s = ctx.table('cooperation_summary');
      const active = `s.status = 'ACTIVE' and s.last_event_at is not null and ${only.replace(/cooperation_id/g, 's.id')}`;
      return `
    select s.region_code, 'last_day' as metric, to_char(s.last_event_at at time zone 'UTC', 'YYYY-MM-DD') as k1, '' as k2, 1::numeric as n
      from ${s} s where ${active}
    union all
    select s.region_code, 'dated_active', '', '', 1 from ${s} s where ${active}`;
    },
  },
];

/** Région of a cooperation's activity figures, joined once per cooperation and figure. */
const inRegion = (ctx: ProjectionContext, only: string, perCooperation: string) => {
  const r = ctx.table('cooperation_activity_region');
  return `
    select r.region_code, p.metric, p.k1, p.k2, p.n from (${perCooperation}) p join ${r} r on r.cooperation_id = p.cooperation_id
    where r.region_code is not null and ${only.replace(/cooperation_id/g, 'r.cooperation_id')}`;
};

/**
 * Contributions to the funding and insertion figures (région from cooperation_activity_region).
 * Each source is summed per cooperation before the région is joined: one région lookup per
 * cooperation and figure, not per disbursement or measurement row. The amount disbursed is the sum
 * of the fundings' running totals (every disbursement belongs to a funding of its cooperation, and
 * the funding row adds it up), not of the disbursement rows: a busy cooperation's hundreds of
 * disbursements are not read again with each new one.
 */
export const activityParts: readonly Branch[] = [
  {
    types: typesOf(fundingFold.eventTypes),
    sql(ctx, only) {
      const f = ctx.table('cooperation_funding');
      return inRegion(
        ctx,
        only,
        `select g.cooperation_id, x.metric, '' as k1, '' as k2, x.n
          from (select cooperation_id, count(*)::numeric as c, sum(coalesce(amount, 0)) as granted, sum(disbursed) as disbursed
                  from ${f} where ${only} group by cooperation_id) g
          cross join lateral (values ('fundings', g.c), ('granted', g.granted), ('funded', 1::numeric), ('disbursed', g.disbursed)) as x(metric, n)
        union all select distinct cooperation_id, 'funder', funder_organisation_id, '', 1::numeric from ${f}
                   where funder_organisation_id is not null and ${only}`,
      );
    },
  },
  {
    types: typesOf(measurementFold.eventTypes, indicatorFold.eventTypes),
    sql(ctx, only) {
      const m = ctx.table('cooperation_measurement');
      const ind = ctx.table('cooperation_indicator');
      // Both sides restricted: index lookups, not a hash of every indicator.
      return inRegion(
        ctx,
        only,
        `select i.cooperation_id, x.metric, i.standard as k1, i.year as k2, x.n
          from (select m.cooperation_id, ind.standard, extract(year from m.period_start)::int::text as year, sum(m.value_number) as total
                  from ${m} m join ${ind} ind on ind.cooperation_id = m.cooperation_id and ind.indicator_id = m.indicator_id
                 where ind.standard is not null and m.value_number is not null and ${only.replace(/cooperation_id/g, 'm.cooperation_id')}
                   and ${only.replace(/cooperation_id/g, 'ind.cooperation_id')}
                 group by 1, 2, 3) i
          cross join lateral (values ('ins_total', i.total), ('ins_coops', 1::numeric)) as x(metric, n)`,
      );
    },
  },
];

/** The cooperations whose contributions a live batch recomputes, per branch (in the parts' order). */
export type Recomputed = readonly (readonly string[])[];

/**
 * `flushFirst`: the keyed tables whose rows the parts read (the summary stands for the stage
 * intervals and visits expanded from it); a branch without types of its own follows all of theirs.
 * Live, only cooperations with an event of such a type in the batch can change their
 * contributions; the others are left alone.
 */
function aggregate(table: string, parts: readonly Branch[], flushFirst: () => readonly KeyedTable<object>[], medians = false) {
  let types: readonly ReadonlySet<string>[] | null = null; // read on first use: the tables are defined later
  const branchTypes = (): readonly ReadonlySet<string>[] => {
    if (types) return types;
    const all = new Set(flushFirst().flatMap((t) => t.options.eventTypes ?? COOPERATION_EVENT_TYPES));
    return (types = parts.map((b) => b.types ?? all));
  };
  /**
   * Adds sign x the contributions of each branch's cooperations (`only` null: every cooperation,
   * for a rebuild). Each branch reads its own list of ids ($k); a branch with none is left out.
   */
  async function apply(ctx: ProjectionContext, sign: 1 | -1, only: Recomputed | null): Promise<void> {
    const params: (readonly string[])[] = [];
    const selects: string[] = [];
    parts.forEach((branch, k) => {
      if (only === null) return void selects.push(branch.sql(ctx, 'true'));
      if (!only[k].length) return;
      params.push(only[k]);
      selects.push(branch.sql(ctx, `cooperation_id = any($${params.length}::text[])`));
    });
    if (!selects.length) return;
    const t = ctx.table(table);
    // trim_scale: a total's numeric scale must not depend on its history (20 + 12.5 - 12.5 + 19
    // is 39.0, a sum of 20 and 19 is 39), or a rebuild would differ from the live table in form.
    await ctx.client.query(
      `insert into ${t} (region_code, metric, k1, k2, n)
       select region_code, metric, k1, k2, trim_scale(${sign === 1 ? '' : '-'}sum(n)) from (${selects.join('\n    union all')}) x
        group by 1, 2, 3, 4 having sum(n) <> 0
       on conflict (region_code, metric, k1, k2) do update set n = trim_scale(${t}.n + excluded.n)`,
      params,
    );
  }
  return {
    table,
    /** Live, before the batch's writes: the contributions it can change leave. */
    async before(events: readonly RecordedEvent[], ctx: ProjectionContext): Promise<Recomputed> {
      const perBranch = branchTypes().map((branch) => {
        const ids = new Set<string>();
        for (const e of events) {
          if (!branch.has(e.type)) continue;
          const id = cooperationIdFromStream(e.streamId);
          if (id !== null) ids.add(id);
        }
        return [...ids];
      });
      if (!ctx.rebuilding) await apply(ctx, -1, perBranch);
      return perBranch;
    },
    /**
     * Live, after the batch's writes: they come back, then the medians of `visitRegions` (the
     * régions whose stage visits the batch replaced); rebuild: computed once at the swap.
     */
    async after(recomputed: Recomputed, ctx: ProjectionContext, visitRegions: readonly string[] = []): Promise<void> {
      if (ctx.rebuilding && ctx.session) {
        ctx.session.beforeSwap(apply, async (swapCtx) => {
          // The tables it reads may still hold rows in memory: write them first.
          for (const keyed of flushFirst()) await keyed.flush(swapCtx);
          await swapCtx.client.query(`delete from ${swapCtx.table(table)}`);
          await apply(swapCtx, 1, null);
          if (medians) await swapCtx.client.query(stageMediansSql(swapCtx, 'true'));
        });
        return;
      }
      if (recomputed.some((ids) => ids.length)) {
        await apply(ctx, 1, recomputed);
        // Median rows count visits (n >= 1): never at zero.
        await ctx.client.query(`delete from ${ctx.table(table)} where n = 0`);
      }
      if (medians) await refreshMedians(ctx, visitRegions);
    },
  };
}

/** `flushFirst`: the keyed tables its parts read (flushing the summary also expands its intervals and visits). */
export const cooperationStatistics = (flushFirst: () => readonly KeyedTable<object>[]) =>
  aggregate('regional_cooperation_statistic', cooperationParts, flushFirst, true);
export const activityStatistics = (flushFirst: () => readonly KeyedTable<object>[]) =>
  aggregate('regional_activity_statistic', activityParts, flushFirst);

// `toISOString()` texts order as their instants; rows loaded back from the database carry
// PostgreSQL's timestamp text: those are parsed.
const canonical = (t: string) => t.length === 24 && t.charCodeAt(23) === 90 /* Z */ && t.charCodeAt(19) === 46; /* . */
const later = (a: string | null, b: string): string => {
  if (a === null) return b;
  return (canonical(a) && canonical(b) ? a > b : Date.parse(a) > Date.parse(b)) ? a : b;
};

/** Région and horizon per cooperation, for the activity projection (see the entity). */
export const activityRegionFold: KeyedFold<CooperationActivityRegionEntity> = {
  eventTypes: [
    'CooperationProposed',
    'CooperationTerritorySet',
    'CooperationFundingGranted',
    'CooperationFundingDisbursed',
    'CooperationMeasurementRecorded',
  ],
  keysOf: (event) => [cooperationIdOf(event)],
  evolve(row, event, key) {
    const base: CooperationActivityRegionEntity = row ?? { cooperation_id: String(key[0]), region_code: null, horizon: null };
    switch (event.type) {
      case 'CooperationProposed':
        return { ...base, region_code: dataOf(event, 'CooperationProposed').territory.regionCode };
      case 'CooperationTerritorySet':
        return { ...base, region_code: dataOf(event, 'CooperationTerritorySet').territory.regionCode };
      case 'CooperationFundingDisbursed':
        // Disbursed "as of t" compares disbursed_on with t's day: the horizon is that day's start
        // (UTC, the server's time zone); the event's own instant plays no part.
        return { ...base, horizon: later(base.horizon, `${dataOf(event, 'CooperationFundingDisbursed').disbursedOn}T00:00:00.000Z`) };
      default:
        return { ...base, horizon: later(base.horizon, iso(event.occurredAt)) };
    }
  },
};
