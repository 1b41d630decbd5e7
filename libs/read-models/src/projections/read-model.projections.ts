import { COOPERATION_EVENT_TYPES } from '@maillage/domain';
import type { RecordedEvent } from '@maillage/event-store';
import { keyedTable, type KeyedTable, type KeyedTableOptions, type Projection, type ProjectionContext } from '@maillage/projections';
import type { CooperationSummaryEntity } from '../entities';
import {
  deliverableFold,
  disbursementFold,
  fundingFold,
  indicatorFold,
  marketFold,
  measurementFold,
  organisationFold,
  supportFold,
  waiverFold,
  type KeyedFold,
} from './cooperation-details';
import {
  SHAREHOLDING_EVENT_TYPES,
  TIMELINE_EVENT_TYPES,
  deriveCooperationSummary,
  foldCooperationSummary,
} from './cooperation-summary';
import { cooperationIdOf } from './events';
import { activityRegionFold, activityStatistics, cooperationStatistics, type Recomputed } from './regional-statistics';

/** Table names (migrations own them; projections name them through ctx.table()). */
export const T = {
  organisation: 'organisation',
  summary: 'cooperation_summary',
  interval: 'cooperation_stage_interval',
  visit: 'cooperation_stage_visit',
  shareholding: 'cooperation_shareholding',
  market: 'cooperation_market',
  deliverable: 'cooperation_deliverable',
  waiver: 'cooperation_waiver',
  support: 'cooperation_support',
  funding: 'cooperation_funding',
  disbursement: 'cooperation_disbursement',
  indicator: 'cooperation_indicator',
  measurement: 'cooperation_measurement',
  cooperationStatistic: 'regional_cooperation_statistic',
  activityStatistic: 'regional_activity_statistic',
  activityRegion: 'cooperation_activity_region',
} as const;

function tableOf<Row extends object>(
  table: string,
  primaryKey: readonly (keyof Row & string)[],
  columns: readonly (keyof Row & string)[],
  fold: KeyedFold<Row> & Pick<KeyedTableOptions<Row>, 'finalize' | 'rebuildAfterWrite'>,
): KeyedTable<object> {
  return keyedTable<Row>({ table, primaryKey, columns, ...fold }) as unknown as KeyedTable<object>;
}

const cols = <Row>(...names: (keyof Row & string)[]) => names;

const SUMMARY_COLUMNS = cols<CooperationSummaryEntity>(
  'id', 'kind', 'stage', 'status', 'name', 'objectives', 'lead_organisation_id', 'members', 'member_count',
  'mandataire_id', 'region_code', 'departement_codes', 'sectors', 'gate', 'gate_satisfied', 'waivers', 'version',
  'proposed_at', 'proposed_recorded_at', 'stage_entered_at', 'closed_at', 'abandoned_at', 'last_event_at',
  'last_recorded_at', 'activity_days', 'renewed_from', 'successor_id', 'abandon_reason', 'abandon_reason_text',
  'close_outcome', 'funder_ids', 'solicited_funder_ids', 'timeline', 'shareholding', 'state',
);

export const organisationTable = tableOf(T.organisation, ['id'], cols('id', 'name', 'siret', 'kind', 'ess', 'region_code', 'departement_code', 'network_ids', 'registered_at', 'updated_at', 'last_recorded_at', 'version'), organisationFold);

export const cooperationSummaryTable = tableOf<CooperationSummaryEntity>(T.summary, ['id'], SUMMARY_COLUMNS, {
  eventTypes: COOPERATION_EVENT_TYPES,
  keysOf: (event) => [cooperationIdOf(event)],
  evolve: (row, event) => foldCooperationSummary(row, event),
  // Gate, members, labels, shareholding...: once per written row, not after every event.
  finalize: deriveCooperationSummary,
  // During a rebuild the stage intervals, visits and shareholding follow each bulk write of summary
  // rows (live batches expand in deriveFromSummary).
  rebuildAfterWrite: async (ctx, written) => {
    const ids = written.map((row) => row.id);
    await expandSummary(ctx, ids, ids);
  },
});

export const marketTable = tableOf(T.market, ['cooperation_id'], cols('cooperation_id', 'buyer_name', 'buyer_organisation_id', 'cpv_code', 'amount_excl_vat', 'duration_months', 'procedures', 'lots', 'bid_deadline', 'form', 'mandataire_id', 'outcome', 'start_date', 'outcome_at', 'updated_at'), marketFold);
export const deliverableTable = tableOf(T.deliverable, ['cooperation_id', 'deliverable_id'], cols('cooperation_id', 'deliverable_id', 'kind', 'kind_label', 'stage', 'document_ref', 'title', 'occurred_at', 'recorded_at'), deliverableFold);
export const waiverTable = tableOf(T.waiver, ['cooperation_id', 'stage', 'item_id'], cols('cooperation_id', 'stage', 'item_id', 'stage_label', 'item_label', 'justification', 'waived_at', 'recorded_at'), waiverFold);
export const supportTable = tableOf(T.support, ['cooperation_id', 'support_id'], cols('cooperation_id', 'support_id', 'kind', 'kind_label', 'provider_organisation_id', 'period_start', 'period_end', 'description', 'recorded_at'), supportFold);
export const fundingTable = tableOf(T.funding, ['cooperation_id', 'funding_id'], cols('cooperation_id', 'funding_id', 'funder_organisation_id', 'programme', 'amount', 'period_start', 'period_end', 'disbursed', 'ended_on', 'end_reason', 'granted_at', 'recorded_at'), fundingFold);
export const disbursementTable = tableOf(T.disbursement, ['cooperation_id', 'version'], cols('cooperation_id', 'version', 'funding_id', 'funder_organisation_id', 'amount', 'disbursed_on', 'recorded_at'), disbursementFold);
export const indicatorTable = tableOf(T.indicator, ['cooperation_id', 'indicator_id'], cols('cooperation_id', 'indicator_id', 'criterion_id', 'criterion_code', 'criterion_label', 'code', 'label', 'nature', 'unit', 'target', 'standard', 'defined_at'), indicatorFold);
export const activityRegionTable = tableOf(T.activityRegion, ['cooperation_id'], cols('cooperation_id', 'region_code', 'horizon'), activityRegionFold);
export const measurementTable = tableOf(T.measurement, ['cooperation_id', 'indicator_id', 'period_key'], cols('cooperation_id', 'indicator_id', 'period_key', 'criterion_id', 'period_start', 'period_end', 'value_number', 'value_text', 'occurred_at', 'recorded_at'), measurementFold);

function idsOf(events: readonly RecordedEvent[], types: ReadonlySet<string>): string[] {
  const ids = new Set<string>();
  for (const e of events) if (types.has(e.type)) ids.add(cooperationIdOf(e));
  return [...ids];
}

/**
 * Stage intervals, stage visits and JVS shareholding are expanded in SQL from the summary row just
 * written (its `timeline` and `shareholding` jsonb), for the cooperations whose lifecycle, territory
 * or shares changed in the batch: one delete and one insert per table per batch. During a rebuild
 * the summary rows stay in memory until written in bulk, and each bulk write expands its rows
 * (the summary table's rebuildAfterWrite), on the shadow tables.
 */
async function deriveFromSummary(events: readonly RecordedEvent[], ctx: ProjectionContext): Promise<string[]> {
  if (ctx.rebuilding) return [];
  const timelineIds = idsOf(events, TIMELINE_EVENT_TYPES);
  const shareIds = idsOf(events, SHAREHOLDING_EVENT_TYPES);
  return expandSummary(ctx, timelineIds, shareIds);
}

/**
 * Expands the given cooperations' summary rows (their earlier expansions are replaced). Returns
 * the régions whose stage visits were replaced (those the visits were in, and are in now).
 */
async function expandSummary(ctx: ProjectionContext, timelineIds: string[], shareIds: string[]): Promise<string[]> {
  const visitRegions = new Set<string>();
  const summary = ctx.table(T.summary);
  if (timelineIds.length) {
    const interval = ctx.table(T.interval);
    const visit = ctx.table(T.visit);
    const timeline = `from ${summary} s cross join jsonb_to_recordset(s.timeline) as t(seq integer, stage text, status text,
        "validFrom" timestamptz, "validTo" timestamptz, "recordedFrom" timestamptz, "recordedTo" timestamptz,
        "enteredVia" text, "exitedVia" text)
      where s.id = any($1::text[])`;
    await ctx.client.query(`delete from ${interval} where cooperation_id = any($1::text[])`, [timelineIds]);
    await ctx.client.query(
      `insert into ${interval} (cooperation_id, seq, kind, region_code, departement_codes, stage, status, valid_from,
          valid_to, recorded_from, recorded_to, entered_via, exited_via)
       select s.id, t.seq, s.kind, s.region_code, s.departement_codes, t.stage, t.status, t."validFrom", t."validTo",
          t."recordedFrom", t."recordedTo", t."enteredVia", t."exitedVia" ${timeline}`,
      [timelineIds],
    );
    const gone = await ctx.client.query<{ region_code: string }>(
      `with d as (delete from ${visit} where cooperation_id = any($1::text[]) returning region_code)
       select distinct region_code from d where region_code is not null`,
      [timelineIds],
    );
    const added = await ctx.client.query<{ region_code: string }>(
      `with i as (
         insert into ${visit} (cooperation_id, visit, kind, region_code, stage, entered_at, entered_recorded_at, entered_via,
            exited_at, exited_recorded_at, exited_via, days_spent)
         select s.id, t.seq, s.kind, s.region_code, t.stage, t."validFrom", t."recordedFrom", t."enteredVia", t."validTo",
            t."recordedTo", t."exitedVia", round((extract(epoch from t."validTo" - t."validFrom") / 86400)::numeric, 2)
         ${timeline} and t.status = 'ACTIVE'
         returning region_code)
       select distinct region_code from i where region_code is not null`,
      [timelineIds],
    );
    for (const { region_code } of [...gone.rows, ...added.rows]) visitRegions.add(region_code);
  }
  if (shareIds.length) {
    const shareholding = ctx.table(T.shareholding);
    await ctx.client.query(`delete from ${shareholding} where cooperation_id = any($1::text[])`, [shareIds]);
    await ctx.client.query(
      `insert into ${shareholding} (cooperation_id, phase, shares, total_percent, ess_percent, ess_majority)
       select s.id, t.phase, t.shares, t."totalPercent", t."essPercent", t."essMajority"
         from ${summary} s cross join jsonb_to_recordset(s.shareholding)
           as t(phase text, shares jsonb, "totalPercent" numeric, "essPercent" numeric, "essMajority" boolean)
        where s.id = any($1::text[]) and s.kind = 'JVS'`,
      [shareIds],
    );
  }
  return [...visitRegions];
}

interface Aggregate {
  before(events: readonly RecordedEvent[], ctx: ProjectionContext): Promise<Recomputed>;
  after(recomputed: Recomputed, ctx: ProjectionContext, visitRegions?: readonly string[]): Promise<void>;
}

function composite(
  name: string,
  tables: readonly KeyedTable<object>[],
  derived: readonly string[],
  after?: typeof deriveFromSummary,
  aggregate?: Aggregate,
): Projection {
  const eventTypes = [...new Set(tables.flatMap((t) => t.options.eventTypes ?? []))];
  return {
    name,
    tables: [...tables.map((t) => t.table), ...derived],
    eventTypes,
    async applyBatch(events, ctx) {
      const recomputed = aggregate ? await aggregate.before(events, ctx) : [];
      for (const table of tables) await table.applyBatch(events, ctx);
      const visitRegions = after ? await after(events, ctx) : [];
      if (aggregate) await aggregate.after(recomputed, ctx, visitRegions);
    },
  };
}

export const organisationsProjection: Projection = composite('read_model_organisations', [organisationTable], []);

/** Summary, stage history, "as of" intervals, GME market and JVS shareholding. */
export const cooperationsProjection: Projection = composite(
  'read_model_cooperations',
  [cooperationSummaryTable, marketTable],
  [T.interval, T.visit, T.shareholding, T.cooperationStatistic],
  deriveFromSummary,
  cooperationStatistics(() => [cooperationSummaryTable]),
);

/** Deliverables, waivers, support, funding and disbursements, indicators and measurements. */
// (The amount disbursed is read from the fundings' running totals: see activityParts.)
const activityStatisticSources = [fundingTable, indicatorTable, measurementTable, activityRegionTable];
export const cooperationActivityProjection: Projection = composite(
  'read_model_cooperation_activity',
  [deliverableTable, waiverTable, supportTable, fundingTable, disbursementTable, indicatorTable, measurementTable, activityRegionTable],
  [T.activityStatistic],
  undefined,
  activityStatistics(() => activityStatisticSources),
);

export const READ_MODEL_PROJECTIONS: Projection[] = [organisationsProjection, cooperationsProjection, cooperationActivityProjection];
