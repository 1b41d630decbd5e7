import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * Status intervals for "as of" questions, one row per (cooperation, seq): the stage and status a
 * cooperation was in, over occurred time [valid_from, valid_to) and over recorded time
 * [recorded_from, recorded_to). A visit to a stage is an ACTIVE interval; closing or abandoning
 * opens a last, never-ending CLOSED/ABANDONED interval. kind and territory are the current ones.
 */
@Entity({ name: 'cooperation_stage_interval' })
@Index('cooperation_stage_interval_region_idx', ['region_code', 'valid_from'])
export class CooperationStageIntervalEntity {
  @PrimaryColumn({ type: 'text' })
  cooperation_id!: string;

  @PrimaryColumn({ type: 'integer' })
  seq!: number;

  @Column({ type: 'text' })
  kind!: string;

  @Column({ type: 'text' })
  region_code!: string;

  @Column({ type: 'text', array: true })
  departement_codes!: string[];

  @Column({ type: 'text' })
  stage!: string;

  @Column({ type: 'text' })
  status!: string;

  @Column({ type: 'timestamptz' })
  valid_from!: string;

  @Column({ type: 'timestamptz', nullable: true })
  valid_to!: string | null;

  @Column({ type: 'timestamptz' })
  recorded_from!: string;

  @Column({ type: 'timestamptz', nullable: true })
  recorded_to!: string | null;

  @Column({ type: 'text' })
  entered_via!: string;

  @Column({ type: 'text', nullable: true })
  exited_via!: string | null;
}

/** Stage history: one row per visit to a stage (a reopen starts a new visit). */
@Entity({ name: 'cooperation_stage_visit' })
@Index('cooperation_stage_visit_region_idx', ['region_code', 'stage'])
// Dashboard median: the few visits of one 10-day bucket, in order.
@Index('cooperation_stage_visit_days_idx', ['region_code', 'stage', 'days_spent'])
export class CooperationStageVisitEntity {
  @PrimaryColumn({ type: 'text' })
  cooperation_id!: string;

  @PrimaryColumn({ type: 'integer' })
  visit!: number;

  @Column({ type: 'text' })
  kind!: string;

  @Column({ type: 'text' })
  region_code!: string;

  @Column({ type: 'text' })
  stage!: string;

  @Column({ type: 'timestamptz' })
  entered_at!: string;

  @Column({ type: 'timestamptz' })
  entered_recorded_at!: string;

  @Column({ type: 'text' })
  entered_via!: string;

  @Column({ type: 'timestamptz', nullable: true })
  exited_at!: string | null;

  @Column({ type: 'timestamptz', nullable: true })
  exited_recorded_at!: string | null;

  @Column({ type: 'text', nullable: true })
  exited_via!: string | null;

  /** (exited_at - entered_at) in days, null while the visit is open. */
  @Column({ type: 'numeric', precision: 10, scale: 2, nullable: true })
  days_spent!: number | null;
}

/** JVS shareholding per phase (PLANNED, FINAL). */
@Entity({ name: 'cooperation_shareholding' })
export class CooperationShareholdingEntity {
  @PrimaryColumn({ type: 'text' })
  cooperation_id!: string;

  @PrimaryColumn({ type: 'text' })
  phase!: string;

  /** [{ organisationId, percent, ess }] for current members. */
  @Column({ type: 'jsonb' })
  shares!: unknown[];

  @Column({ type: 'numeric', precision: 7, scale: 3 })
  total_percent!: number;

  @Column({ type: 'numeric', precision: 7, scale: 3 })
  ess_percent!: number;

  @Column({ type: 'boolean' })
  ess_majority!: boolean;
}
