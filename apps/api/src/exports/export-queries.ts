import { scopeCondition, type Queryable } from '@maillage/read-models';
import type { ExportFilter } from './export-filter';

/**
 * Read-only SQL over the read-model tables (libs/read-models, see its README for the "as of"
 * method). Every export pages through `cooperation_summary` with keyset pagination, newest
 * proposal first (index `cooperation_summary_proposed_idx`), then loads the rows of each page.
 *
 * "As of" `t` (the `asOf` parameter, default now), as known today:
 * - a cooperation is exported if it existed at `t`; its stage and status are those of the status
 *   interval valid at `t` (`cooperation_stage_interval`), and the `stage` / `status` filters apply
 *   to them (the stage-history export filters the visits on `stage` instead);
 * - stage visits entered by `t` (an exit after `t` is not shown), indicators defined by `t`,
 *   measurements, grants and waivers dated by `t`, disbursements paid by `t`;
 * - name, kind, territory, members, lead and mandataire are the current ones (the read model keeps
 *   no history of them).
 */

export interface CooperationRow {
  id: string;
  name: string;
  kind: string;
  stage: string;
  status: string;
  region_code: string;
  departement_codes: string[];
  sectors: string[];
  member_count: number;
  proposed_at: Date;
  /** When the current visit (as of t) was entered. */
  stage_entered_at: Date | null;
  /** Last day with an event (occurred time) by t, 'YYYY-MM-DD'. */
  last_activity: string | null;
  /** When the closing or abandoning took effect, if the status as of t is CLOSED or ABANDONED. */
  ended_at: Date | null;
  abandon_reason: string | null;
  close_outcome: string | null;
  lead_name: string | null;
  mandataire_name: string | null;
  member_names: string | null;
  funder_names: string | null;
  granted: string | null;
  disbursed: string | null;
  waivers: string;
  cursor_at: string;
}

export interface StageVisitRow {
  cooperation: CooperationRow;
  visit: number;
  stage: string;
  entered_at: Date;
  entered_via: string;
  exited_at: Date | null;
  exited_via: string | null;
  days_spent: string | null;
}

export interface IndicatorRow {
  cooperation: CooperationRow;
  criterion_code: string;
  criterion_label: string;
  code: string;
  label: string;
  nature: string;
  unit: string | null;
  target: number | string | null;
  standard: string | null;
  period_start: string | null;
  period_end: string | null;
  value_number: string | null;
  value_text: string | null;
  measured_at: Date | null;
}

export interface ExportQueryOptions {
  /** Cooperations per page (each page is one query, plus one for its visits or indicators). */
  pageSize: number;
  /** The instant `t` of the export. */
  asOf: Date;
  /** Apply the stage filter to the cooperation's stage (false: the caller applies it elsewhere). */
  stageOnCooperation: boolean;
}

/** One page of cooperations (with every column of the cooperations export). */
function cooperationPageQuery(
  filter: ExportFilter,
  options: ExportQueryOptions,
  after: { at: string; id: string } | null,
  limit: number,
) {
  const params: unknown[] = [options.asOf, filter.funderId ?? null];
  const where: string[] = [];
  const add = (sql: (p: string) => string, value: unknown) => {
    params.push(value);
    where.push(sql(`$${params.length}`));
  };
  if (filter.region) add((p) => `s.region_code = ${p}`, filter.region);
  if (filter.departement) add((p) => `s.departement_codes @> array[${p}::text]`, filter.departement);
  if (filter.kind) add((p) => `s.kind = ${p}`, filter.kind);
  if (filter.status) add((p) => `a.status = ${p}`, filter.status);
  if (filter.stage && options.stageOnCooperation) add((p) => `a.stage = ${p}`, filter.stage);
  if (filter.funderId) {
    where.push(
      `exists (select 1 from cooperation_funding f where f.cooperation_id = s.id and f.funder_organisation_id = $2 and f.granted_at <= $1)`,
    );
  }
  const scoped = scopeCondition(filter.scope, 's', (value) => {
    params.push(value);
    return `$${params.length}`;
  });
  if (scoped) where.push(scoped);
  if (after) {
    params.push(after.at, after.id);
    where.push(`(s.proposed_at, s.id) < ($${params.length - 1}::timestamptz, $${params.length})`);
  }
  params.push(limit);
  const text = `
    select s.id, s.name, s.kind, a.stage, a.status, s.region_code, s.departement_codes, s.sectors, s.member_count, s.proposed_at,
           s.proposed_at::text as cursor_at,
           (select max(v.entered_at) from cooperation_stage_visit v where v.cooperation_id = s.id and v.entered_at <= $1) as stage_entered_at,
           (select to_char(max(d), 'YYYY-MM-DD') from unnest(s.activity_days) d where d <= $1::timestamptz::date) as last_activity,
           case when a.status in ('CLOSED', 'ABANDONED') then a.valid_from end as ended_at,
           case when a.status = 'ABANDONED' then s.abandon_reason end as abandon_reason,
           case when a.status = 'CLOSED' then s.close_outcome end as close_outcome,
           (select o.name from organisation o where o.id = s.lead_organisation_id) as lead_name,
           (select o.name from organisation o where o.id = s.mandataire_id) as mandataire_name,
           (select string_agg(coalesce(o.name, m->>'organisationId'), ', ' order by coalesce(o.name, m->>'organisationId'))
              from jsonb_array_elements(s.members) m left join organisation o on o.id = m->>'organisationId') as member_names,
           (select string_agg(distinct coalesce(o.name, f.funder_organisation_id), ', ')
              from cooperation_funding f left join organisation o on o.id = f.funder_organisation_id
             where f.cooperation_id = s.id and f.granted_at <= $1) as funder_names,
           (select sum(f.amount) from cooperation_funding f
             where f.cooperation_id = s.id and f.granted_at <= $1 and ($2::text is null or f.funder_organisation_id = $2)) as granted,
           (select sum(d.amount) from cooperation_disbursement d
             where d.cooperation_id = s.id and d.disbursed_on <= $1::timestamptz::date and ($2::text is null or d.funder_organisation_id = $2)) as disbursed,
           (select count(*) from cooperation_waiver w where w.cooperation_id = s.id and w.waived_at <= $1) as waivers
      from cooperation_summary s
      join lateral (
        select i.stage, i.status, i.valid_from from cooperation_stage_interval i
         where i.cooperation_id = s.id and i.valid_from <= $1 and (i.valid_to is null or i.valid_to > $1)
         order by i.seq desc limit 1
      ) a on true
     ${where.length ? `where ${where.join(' and ')}` : ''}
     order by s.proposed_at desc, s.id desc
     limit $${params.length}`;
  return { text, params };
}

/** Pages of cooperations matching the filter, read one page at a time (keyset pagination). */
export async function* cooperationPages(
  db: Queryable,
  filter: ExportFilter,
  options: ExportQueryOptions,
): AsyncGenerator<CooperationRow[]> {
  let after: { at: string; id: string } | null = null;
  for (;;) {
    const { text, params } = cooperationPageQuery(filter, options, after, options.pageSize);
    const { rows } = await db.query<CooperationRow>(text, params);
    if (rows.length) yield rows;
    if (rows.length < options.pageSize) return;
    const last = rows[rows.length - 1];
    after = { at: last.cursor_at, id: last.id };
  }
}

/** Stage visits of each page of cooperations, in the cooperations' order then visit order. */
export async function* stageVisitPages(
  db: Queryable,
  filter: ExportFilter,
  options: ExportQueryOptions,
): AsyncGenerator<StageVisitRow[]> {
  for await (const cooperations of cooperationPages(db, filter, { ...options, stageOnCooperation: false })) {
    const { rows } = await db.query<Omit<StageVisitRow, 'cooperation'> & { cooperation_id: string }>(
      `select v.cooperation_id, v.visit, v.stage, v.entered_at, v.entered_via,
              case when v.exited_at <= $2 then v.exited_at end as exited_at,
              case when v.exited_at <= $2 then v.exited_via end as exited_via,
              case when v.exited_at <= $2 then v.days_spent end as days_spent
         from cooperation_stage_visit v
        where v.cooperation_id = any($1::text[]) and v.entered_at <= $2 and ($3::text is null or v.stage = $3)
        order by v.cooperation_id, v.visit`,
      [cooperations.map((c) => c.id), options.asOf, filter.stage ?? null],
    );
    const page = inPageOrder(cooperations, rows);
    if (page.length) yield page;
  }
}

/** Indicators (with one row per measurement, or one without a measurement) of each page. */
export async function* indicatorPages(
  db: Queryable,
  filter: ExportFilter,
  options: ExportQueryOptions,
): AsyncGenerator<IndicatorRow[]> {
  for await (const cooperations of cooperationPages(db, filter, options)) {
    const { rows } = await db.query<Omit<IndicatorRow, 'cooperation'> & { cooperation_id: string }>(
      `select i.cooperation_id, i.criterion_code, i.criterion_label, i.code, i.label, i.nature, i.unit, i.target, i.standard,
              to_char(m.period_start, 'YYYY-MM-DD') as period_start, to_char(m.period_end, 'YYYY-MM-DD') as period_end,
              m.value_number, m.value_text, m.occurred_at as measured_at
         from cooperation_indicator i
         left join cooperation_measurement m
           on m.cooperation_id = i.cooperation_id and m.indicator_id = i.indicator_id and m.occurred_at <= $2
        where i.cooperation_id = any($1::text[]) and i.defined_at <= $2
        order by i.cooperation_id, i.criterion_code, i.code, i.indicator_id, m.period_start nulls first, m.period_key`,
      [cooperations.map((c) => c.id), options.asOf],
    );
    const page = inPageOrder(cooperations, rows);
    if (page.length) yield page;
  }
}

/** Attaches each detail row to its cooperation, keeping the page's order (detail order within). */
function inPageOrder<D extends { cooperation_id: string }>(
  cooperations: CooperationRow[],
  rows: D[],
): (Omit<D, 'cooperation_id'> & { cooperation: CooperationRow })[] {
  const byId = new Map<string, D[]>();
  for (const row of rows) {
    const list = byId.get(row.cooperation_id) ?? [];
    list.push(row);
    byId.set(row.cooperation_id, list);
  }
  return cooperations.flatMap((cooperation) =>
    (byId.get(cooperation.id) ?? []).map(({ cooperation_id: _id, ...rest }) => ({ ...rest, cooperation })),
  );
}
