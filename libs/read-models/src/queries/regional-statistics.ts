import {
  STAGES,
  abandonReasonLabelsFr,
  nextStage,
  standardIndicatorLabelsFr,
  type AbandonReason,
  type StandardIndicator,
} from '@maillage/domain';
import { intervalValidAt, num, resolveInstant, sequence, type Queryable } from './common';

export interface RegionalStatisticsInput {
  /** INSEE region code. */
  region: string;
  /** Occurred-time instant or `YYYY-MM-DD` (end of that day, Europe/Paris); default now. */
  asOf?: Date | string;
  /** Recorded-time instant: only what the platform knew then; default now (everything known). */
  knownAt?: Date | string;
  /** A cooperation is stalled when it had no event for this many days before asOf (default 90). */
  stalledDays?: number;
}

export interface RegionalStatistics {
  region: string;
  asOf: string;
  knownAt: string;
  /** Cooperations that existed at asOf, by status. */
  byStatus: { status: string; count: number }[];
  /** Active cooperations by kind and stage. */
  byKindStage: { kind: string; stage: string; count: number }[];
  byDepartement: { departement: string; count: number }[];
  bySector: { sector: string; count: number }[];
  /** Of the cooperations that entered a stage by asOf, how many entered the next one. */
  conversion: { stage: string; next: string; entered: number; reachedNext: number; rate: number | null }[];
  /** Median days spent in a stage over visits finished by asOf. */
  medianDaysPerStage: { stage: string; visits: number; medianDays: number }[];
  abandonmentReasons: { reason: string; label: string; count: number }[];
  stalled: { days: number; count: number; cooperationIds: string[] };
  /** Standard IAE indicators summed per period year (measurements recorded by asOf). */
  insertion: { standard: string; label: string; year: number; total: number; cooperations: number }[];
  funding: { fundings: number; funders: number; cooperations: number; granted: number; disbursed: number };
}

const NEXT = STAGES.filter((s) => nextStage(s)).map((s) => `('${s}','${nextStage(s)}')`).join(',');
const STALLED_LIST_LIMIT = 200;

/**
 * Regional dashboard figures as of a date. Stage and status come from the validity intervals
 * (cooperation_stage_interval); the region and territory are a cooperation's current ones.
 *
 * Without knownAt, and with an asOf at or after the région's horizon (the latest instant any of its
 * figures depends on: normally "now" or any later date), the figures are read from the
 * pre-aggregated tables (a few small rows); otherwise they are computed from the intervals. Both
 * give the same answer (test/regional-statistics-preaggregated.int.spec.ts).
 */
export async function regionalStatistics(db: Queryable, input: RegionalStatisticsInput): Promise<RegionalStatistics> {
  if (input.knownAt === undefined) {
    const fast = await preAggregatedStatistics(db, input.region, resolveInstant(input.asOf), input.stalledDays ?? 90);
    if (fast) return fast;
  }
  return regionalStatisticsFromIntervals(db, input);
}

/** The figures computed from the validity intervals and the activity tables (any asOf, knownAt). */
export async function regionalStatisticsFromIntervals(db: Queryable, input: RegionalStatisticsInput): Promise<RegionalStatistics> {
  const t = resolveInstant(input.asOf);
  const k = resolveInstant(input.knownAt);
  const stalledDays = input.stalledDays ?? 90;
  const p = [input.region, t, k];
  const valid = `from cooperation_stage_interval i where i.region_code = $1 and ${intervalValidAt('i', '$2', '$3')}`;

  const [status, kindStage, departements, sectors, conversion, median, reasons, stalled, insertion, funding] = await sequence([
    () => db.query<{ status: string; count: string }>(`select i.status, count(*) as count ${valid} group by 1 order by 1`, p),
    () => db.query<{ kind: string; stage: string; count: string }>(
      `select i.kind, i.stage, count(*) as count ${valid} and i.status = 'ACTIVE' group by 1, 2 order by 1, 2`,
      p,
    ),
    () => db.query<{ departement: string; count: string }>(
      `select d as departement, count(*) as count
         from cooperation_stage_interval i cross join unnest(i.departement_codes) d
        where i.region_code = $1 and ${intervalValidAt('i', '$2', '$3')} and i.status = 'ACTIVE' group by 1 order by 1`,
      p,
    ),
    () => db.query<{ sector: string; count: string }>(
      `select x as sector, count(*) as count
         from cooperation_stage_interval i join cooperation_summary s on s.id = i.cooperation_id cross join unnest(s.sectors) x
        where i.region_code = $1 and ${intervalValidAt('i', '$2', '$3')} and i.status = 'ACTIVE' group by 1 order by 1`,
      p,
    ),
    () => db.query<{ stage: string; next: string; entered: string; reached: string }>(
      `with v as (
         select distinct cooperation_id, stage from cooperation_stage_visit
          where region_code = $1 and entered_at <= $2 and entered_recorded_at <= $3),
       n(stage, next) as (values ${NEXT})
       select n.stage, n.next, count(a.cooperation_id) as entered, count(b.cooperation_id) as reached
         from n left join v a on a.stage = n.stage
         left join v b on b.cooperation_id = a.cooperation_id and b.stage = n.next
        group by n.stage, n.next`,
      p,
    ),
    () => db.query<{ stage: string; visits: string; median: string }>(
      `select stage, count(*) as visits, percentile_cont(0.5) within group (order by days_spent) as median
         from cooperation_stage_visit
        where region_code = $1 and exited_at <= $2 and exited_recorded_at <= $3
        group by stage`,
      p,
    ),
    () => db.query<{ reason: AbandonReason; count: string }>(
      `select s.abandon_reason as reason, count(*) as count
         from cooperation_stage_interval i join cooperation_summary s on s.id = i.cooperation_id
        where i.region_code = $1 and i.status = 'ABANDONED' and i.valid_from <= $2 and i.recorded_from <= $3
        group by 1 order by 2 desc, 1`,
      p,
    ),
    () => db.query<{ id: string; total: string }>(
      `select s.id, count(*) over () as total
         from cooperation_stage_interval i join cooperation_summary s on s.id = i.cooperation_id
        where i.region_code = $1 and ${intervalValidAt('i', '$2', '$3')} and i.status = 'ACTIVE'
          and not exists (select 1 from unnest(s.activity_days) d
                           where d > ($2::timestamptz - make_interval(days => $4::int))::date and d <= $2::timestamptz::date)
        -- The longest stalled first: by the latest day with an event as of $2.
        order by (select max(d) from unnest(s.activity_days) d where d <= $2::timestamptz::date) nulls first, s.id
        limit ${STALLED_LIST_LIMIT}`,
      [...p, stalledDays],
    ),
    () => db.query<{ standard: StandardIndicator; year: number; total: string; cooperations: string }>(
      `select ind.standard, extract(year from m.period_start)::int as year, sum(m.value_number) as total,
              count(distinct m.cooperation_id) as cooperations
         from cooperation_measurement m
         join cooperation_indicator ind on ind.cooperation_id = m.cooperation_id and ind.indicator_id = m.indicator_id
         join cooperation_summary s on s.id = m.cooperation_id
        where s.region_code = $1 and ind.standard is not null and m.value_number is not null
          and m.occurred_at <= $2 and m.recorded_at <= $3
        group by 1, 2 order by 1, 2`,
      p,
    ),
    () => db.query<{ fundings: string; funders: string; cooperations: string; granted: string | null; disbursed: string | null }>(
      `select count(*) as fundings, count(distinct f.funder_organisation_id) as funders,
              count(distinct f.cooperation_id) as cooperations, sum(f.amount) as granted,
              (select sum(d.amount) from cooperation_disbursement d join cooperation_summary s2 on s2.id = d.cooperation_id
                where s2.region_code = $1 and d.disbursed_on <= $2::timestamptz::date and d.recorded_at <= $3) as disbursed
         from cooperation_funding f join cooperation_summary s on s.id = f.cooperation_id
        where s.region_code = $1 and f.granted_at <= $2 and f.recorded_at <= $3`,
      p,
    ),
  ] as const);

  const order = (stage: string) => STAGES.indexOf(stage as (typeof STAGES)[number]);
  return {
    region: input.region,
    asOf: t.toISOString(),
    knownAt: k.toISOString(),
    byStatus: status.rows.map((r) => ({ status: r.status, count: num(r.count) })),
    byKindStage: kindStage.rows
      .map((r) => ({ kind: r.kind, stage: r.stage, count: num(r.count) }))
      .sort((a, b) => a.kind.localeCompare(b.kind) || order(a.stage) - order(b.stage)),
    byDepartement: departements.rows.map((r) => ({ departement: r.departement, count: num(r.count) })),
    bySector: sectors.rows.map((r) => ({ sector: r.sector, count: num(r.count) })),
    conversion: conversion.rows
      .map((r) => ({
        stage: r.stage,
        next: r.next,
        entered: num(r.entered),
        reachedNext: num(r.reached),
        rate: num(r.entered) ? Math.round((num(r.reached) / num(r.entered)) * 10_000) / 10_000 : null,
      }))
      .sort((a, b) => order(a.stage) - order(b.stage)),
    medianDaysPerStage: median.rows
      .map((r) => ({ stage: r.stage, visits: num(r.visits), medianDays: Math.round(num(r.median) * 100) / 100 }))
      .sort((a, b) => order(a.stage) - order(b.stage)),
    abandonmentReasons: reasons.rows.map((r) => ({ reason: r.reason, label: abandonReasonLabelsFr[r.reason] ?? r.reason, count: num(r.count) })),
    stalled: { days: stalledDays, count: num(stalled.rows[0]?.total), cooperationIds: stalled.rows.map((r) => r.id) },
    insertion: insertion.rows.map((r) => ({
      standard: r.standard,
      label: standardIndicatorLabelsFr[r.standard] ?? r.standard,
      year: r.year,
      total: num(r.total),
      cooperations: num(r.cooperations),
    })),
    funding: {
      fundings: num(funding.rows[0]?.fundings),
      funders: num(funding.rows[0]?.funders),
      cooperations: num(funding.rows[0]?.cooperations),
      granted: num(funding.rows[0]?.granted),
      disbursed: num(funding.rows[0]?.disbursed),
    },
  };
}

const stageOrder = (stage: string) => STAGES.indexOf(stage as (typeof STAGES)[number]);

/**
 * The pre-aggregated answer (see regional-statistics projection helpers), or null when asOf is
 * before the région's horizon (then only the interval method is exact). One statement reads the
 * horizons and every aggregate row, the stage medians included (one snapshot); the stalled list
 * is one more indexed statement.
 */
export async function preAggregatedStatistics(
  db: Queryable,
  region: string,
  t: Date,
  stalledDays: number,
): Promise<RegionalStatistics | null> {
  const now = new Date();
  const { rows } = await db.query<{ src: string; metric: string; k1: string; k2: string; n: string }>(
    `select 'h' as src, 'horizon' as metric, '' as k1, '' as k2,
            case when coalesce((select max(last_event_at) from cooperation_summary where region_code = $1) <= $2::timestamptz, true)
                  and coalesce((select max(horizon) from cooperation_activity_region where region_code = $1) <= $2::timestamptz, true)
                 then '1' else '0' end as n
     union all
     select 'c', metric, k1, k2, n::text from regional_cooperation_statistic
      where region_code = $1 and metric = any('{status,kind_stage,departement,sector,abandon,entered,reached,dated_active,median}'::text[])
     union all
     select 'a', metric, k1, k2, n::text from regional_activity_statistic where region_code = $1
     union all
     -- Stalled: active with the latest event on or before the day N days before asOf (the same
     -- instant bound as the list below): every dated active cooperation less those whose latest
     -- day is later, a few histogram rows (one per day of the window) instead of counting rows.
     select 's', 'recent', '', '', coalesce(sum(n), 0)::text from regional_cooperation_statistic
      where region_code = $1 and metric = 'last_day'
        and k1 > to_char(($2::timestamptz - make_interval(days => $3::int))::date, 'YYYY-MM-DD')
     order by 1, 2, 3, 4`,
    [region, t, stalledDays],
  );
  if (rows.find((r) => r.src === 'h')?.n !== '1') return null;
  const of = (src: string, metric: string) => rows.filter((r) => r.src === src && r.metric === metric);
  const total = (src: string, metric: string) => of(src, metric).reduce((sum, r) => sum + num(r.n), 0);

  // The longest stalled first, by the day of their latest event (UTC, the days the interval method
  // keeps), then id, as the interval method orders them; read from cooperation_summary_stalled_idx
  // alone. The count comes from the histogram above, not from counting every stalled row.
  const stalled = await db.query<{ id: string }>(
    `select id from cooperation_summary
      where region_code = $1 and status = 'ACTIVE'
        and last_event_at < ((($2::timestamptz - make_interval(days => $3::int))::date + 1)::timestamp at time zone 'UTC')
      order by (last_event_at at time zone 'UTC')::date, id limit ${STALLED_LIST_LIMIT}`,
    [region, t, stalledDays],
  );

  const conversionCount = (metric: string, stage: string) => num(of('c', metric).find((r) => r.k1 === stage)?.n);
  const reasons = of('c', 'abandon')
    .map((r) => ({ reason: (r.k1 === '' ? null : r.k1) as AbandonReason, count: num(r.n) }))
    .sort((a, b) => b.count - a.count); // stable: ties keep the SQL order of the reasons
  return {
    region,
    asOf: t.toISOString(),
    knownAt: now.toISOString(),
    byStatus: of('c', 'status').map((r) => ({ status: r.k1, count: num(r.n) })),
    byKindStage: of('c', 'kind_stage')
      .map((r) => ({ kind: r.k1, stage: r.k2, count: num(r.n) }))
      .sort((a, b) => a.kind.localeCompare(b.kind) || stageOrder(a.stage) - stageOrder(b.stage)),
    byDepartement: of('c', 'departement').map((r) => ({ departement: r.k1, count: num(r.n) })),
    bySector: of('c', 'sector').map((r) => ({ sector: r.k1, count: num(r.n) })),
    conversion: STAGES.filter((s) => nextStage(s)).map((stage) => {
      const entered = conversionCount('entered', stage);
      const reachedNext = conversionCount('reached', stage);
      return {
        stage,
        next: nextStage(stage)!,
        entered,
        reachedNext,
        rate: entered ? Math.round((reachedNext / entered) * 10_000) / 10_000 : null,
      };
    }),
    // Kept by the projection (stageMediansSql): the two middle visits' days, and the visit count.
    medianDaysPerStage: of('c', 'median')
      .map((r) => {
        // percentile_cont(0.5): the middle value, or the interpolation of the two middle ones.
        const [lo, hi] = r.k2.split(' ').map(Number);
        const median = num(r.n) % 2 === 1 ? lo : lo + (hi - lo) * 0.5;
        return { stage: r.k1, visits: num(r.n), medianDays: Math.round(median * 100) / 100 };
      })
      .sort((a, b) => stageOrder(a.stage) - stageOrder(b.stage)),
    abandonmentReasons: reasons.map((r) => ({ reason: r.reason, label: abandonReasonLabelsFr[r.reason] ?? r.reason, count: r.count })),
    stalled: { days: stalledDays, count: total('c', 'dated_active') - total('s', 'recent'), cooperationIds: stalled.rows.map((r) => r.id) },
    insertion: of('a', 'ins_total').map((r) => ({
      standard: r.k1,
      label: standardIndicatorLabelsFr[r.k1 as StandardIndicator] ?? r.k1,
      year: Number(r.k2),
      total: num(r.n),
      cooperations: num(of('a', 'ins_coops').find((c) => c.k1 === r.k1 && c.k2 === r.k2)?.n),
    })),
    funding: {
      fundings: total('a', 'fundings'),
      funders: of('a', 'funder').length,
      cooperations: total('a', 'funded'),
      granted: total('a', 'granted'),
      disbursed: total('a', 'disbursed'),
    },
  };
}
