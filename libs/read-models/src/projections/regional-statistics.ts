import { COOPERATION_EVENT_TYPES, STAGES, cooperationIdFromStream, nextStage } from '@maillage/domain';
import type { RecordedEvent } from '@maillage/event-store';
import type { KeyedTable, ProjectionContext } from '@maillage/projections';
import type { CooperationActivityRegionEntity } from '../entities';
import type { KeyedFold } from './cooperation-details';
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

type Parts = (ctx: ProjectionContext, only: string) => string;

/** Contributions of the cooperations selected by `only` (a predicate on `cooperation_id`). */
export const cooperationParts: Parts = (ctx, only) => {
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
     where days_spent is not null and ${only}
    union all
    select s.region_code, 'last_day', to_char(s.last_event_at at time zone 'UTC', 'YYYY-MM-DD'), '', 1 from ${s} s
     where s.status = 'ACTIVE' and s.last_event_at is not null and ${only.replace(/cooperation_id/g, 's.id')}
    union all
    select s.region_code, 'dated_active', '', '', 1 from ${s} s
     where s.status = 'ACTIVE' and s.last_event_at is not null and ${only.replace(/cooperation_id/g, 's.id')}`;
};

/**
 * Contributions to the funding and insertion figures (région from cooperation_activity_region).
 * Each source is summed per cooperation before the région is joined: one région lookup per
 * cooperation and figure, not per disbursement or measurement row.
 */
export const activityParts: Parts = (ctx, only) => {
  const f = ctx.table('cooperation_funding');
  const d = ctx.table('cooperation_disbursement');
  const m = ctx.table('cooperation_measurement');
  const ind = ctx.table('cooperation_indicator');
  const r = ctx.table('cooperation_activity_region');
  const measured = `from ${m} m join ${ind} ind on ind.cooperation_id = m.cooperation_id and ind.indicator_id = m.indicator_id
     where ind.standard is not null and m.value_number is not null and ${only.replace(/cooperation_id/g, 'm.cooperation_id')}
       and ${only.replace(/cooperation_id/g, 'ind.cooperation_id')}`; // both sides restricted: index lookups, not a hash of every indicator
  return `
    select r.region_code, p.metric, p.k1, p.k2, p.n from (
      select g.cooperation_id, x.metric, '' as k1, '' as k2, x.n
        from (select cooperation_id, count(*)::numeric as c, sum(coalesce(amount, 0)) as granted from ${f} where ${only}
               group by cooperation_id) g
        cross join lateral (values ('fundings', g.c), ('granted', g.granted), ('funded', 1::numeric)) as x(metric, n)
      union all select distinct cooperation_id, 'funder', funder_organisation_id, '', 1::numeric from ${f}
                 where funder_organisation_id is not null and ${only}
      union all select cooperation_id, 'disbursed', '', '', sum(coalesce(amount, 0)) from ${d} where ${only} group by cooperation_id
      union all select i.cooperation_id, x.metric, i.standard, i.year, x.n
        from (select m.cooperation_id, ind.standard, extract(year from m.period_start)::int::text as year, sum(m.value_number) as total
              ${measured} group by 1, 2, 3) i
        cross join lateral (values ('ins_total', i.total), ('ins_coops', 1::numeric)) as x(metric, n)
    ) p join ${r} r on r.cooperation_id = p.cooperation_id
    where r.region_code is not null and ${only.replace(/cooperation_id/g, 'r.cooperation_id')}`;
};

/**
 * `flushFirst`: the keyed tables whose rows `parts` reads (the summary stands for the stage
 * intervals and visits expanded from it). Live, only cooperations with an event of one of their
 * types in the batch can change their contributions; the others are left alone.
 */
function aggregate(table: string, parts: Parts, flushFirst: () => readonly KeyedTable<object>[], medians = false) {
  let types: ReadonlySet<string> | null = null; // read on first use: the tables are defined later
  const affecting = (): ReadonlySet<string> =>
    (types ??= new Set(flushFirst().flatMap((t) => t.options.eventTypes ?? COOPERATION_EVENT_TYPES)));
  /** Adds sign x the contributions selected by `only` (params: $1 = ids when `only` uses it). */
  async function apply(ctx: ProjectionContext, sign: 1 | -1, only: string, params: unknown[]): Promise<void> {
    const t = ctx.table(table);
    // trim_scale: a total's numeric scale must not depend on its history (20 + 12.5 - 12.5 + 19
    // is 39.0, a sum of 20 and 19 is 39), or a rebuild would differ from the live table in form.
    await ctx.client.query(
      `insert into ${t} (region_code, metric, k1, k2, n)
       select region_code, metric, k1, k2, trim_scale(${sign === 1 ? '' : '-'}sum(n)) from (${parts(ctx, only)}) x
        group by 1, 2, 3, 4 having sum(n) <> 0
       on conflict (region_code, metric, k1, k2) do update set n = trim_scale(${t}.n + excluded.n)`,
      params,
    );
  }
  return {
    table,
    /** Live, before the batch's writes: the touched cooperations' contributions leave. */
    async before(events: readonly RecordedEvent[], ctx: ProjectionContext): Promise<string[]> {
      const ids = new Set<string>();
      const only = affecting();
      for (const e of events) {
        if (!only.has(e.type)) continue;
        const id = cooperationIdFromStream(e.streamId);
        if (id !== null) ids.add(id);
      }
      const list = [...ids];
      if (!ctx.rebuilding && list.length) await apply(ctx, -1, 'cooperation_id = any($1::text[])', [list]);
      return list;
    },
    /**
     * Live, after the batch's writes: they come back, then the medians of `visitRegions` (the
     * régions whose stage visits the batch replaced); rebuild: computed once at the swap.
     */
    async after(ids: string[], ctx: ProjectionContext, visitRegions: readonly string[] = []): Promise<void> {
      if (ctx.rebuilding && ctx.session) {
        ctx.session.beforeSwap(apply, async (swapCtx) => {
          // The tables it reads may still hold rows in memory: write them first.
          for (const keyed of flushFirst()) await keyed.flush(swapCtx);
          await swapCtx.client.query(`delete from ${swapCtx.table(table)}`);
          await apply(swapCtx, 1, 'true', []);
          if (medians) await swapCtx.client.query(stageMediansSql(swapCtx, 'true'));
        });
        return;
      }
      if (ids.length) {
        await apply(ctx, 1, 'cooperation_id = any($1::text[])', [ids]);
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
