import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * Pre-aggregated regional dashboard figures "as of the latest known event" (see
 * libs/read-models/README.md, "Pre-aggregated dashboard"): one row per (région, metric, key),
 * `n` being a count or a sum. Maintained per batch by subtracting the contributions of the
 * cooperations the batch touches (computed in SQL from the projection's own tables) before the
 * batch is applied and adding them back after, so it always equals a GROUP BY over those tables.
 * Rows whose value falls to zero are deleted.
 *
 * Filled by `read_model_cooperations` from the stage intervals, visits and summaries: status,
 * kind_stage, departement, sector, abandon, entered, reached, days (visit histogram per 10 days),
 * last_day (active cooperations by the UTC day of their latest event) and dated_active (their total):
 * the stalled count is the total less the days within the window.
 */
@Entity({ name: 'regional_cooperation_statistic' })
export class RegionalCooperationStatisticEntity {
  @PrimaryColumn({ type: 'text' })
  region_code!: string;

  @PrimaryColumn({ type: 'text' })
  metric!: string;

  @PrimaryColumn({ type: 'text' })
  k1!: string;

  @PrimaryColumn({ type: 'text' })
  k2!: string;

  @Column({ type: 'numeric' })
  n!: number;
}

/**
 * Same shape, filled by `read_model_cooperation_activity` from funding, disbursements, indicators
 * and measurements: fundings, granted, funder, funded, disbursed, ins_total, ins_coops.
 */
@Entity({ name: 'regional_activity_statistic' })
export class RegionalActivityStatisticEntity {
  @PrimaryColumn({ type: 'text' })
  region_code!: string;

  @PrimaryColumn({ type: 'text' })
  metric!: string;

  @PrimaryColumn({ type: 'text' })
  k1!: string;

  @PrimaryColumn({ type: 'text' })
  k2!: string;

  @Column({ type: 'numeric' })
  n!: number;
}

/**
 * The région of each cooperation as `read_model_cooperation_activity` knows it (from
 * CooperationProposed / CooperationTerritorySet), and its horizon: the latest instant any of its
 * activity figures depends on (occurredAt of its activity events, start of a disbursement's day,
 * UTC). The dashboard uses the pre-aggregated figures only for an asOf at or after the horizon of
 * every cooperation of the région.
 */
@Entity({ name: 'cooperation_activity_region' })
@Index('cooperation_activity_region_horizon_idx', ['region_code', 'horizon'])
export class CooperationActivityRegionEntity {
  @PrimaryColumn({ type: 'text' })
  cooperation_id!: string;

  @Column({ type: 'text', nullable: true })
  region_code!: string | null;

  @Column({ type: 'timestamptz', nullable: true })
  horizon!: string | null;
}
