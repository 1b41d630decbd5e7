import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** GME market, form, mandataire and outcome. */
@Entity({ name: 'cooperation_market' })
export class CooperationMarketEntity {
  @PrimaryColumn({ type: 'text' })
  cooperation_id!: string;

  @Column({ type: 'text', nullable: true })
  buyer_name!: string | null;

  @Column({ type: 'text', nullable: true })
  buyer_organisation_id!: string | null;

  @Column({ type: 'text', nullable: true })
  cpv_code!: string | null;

  @Column({ type: 'numeric', precision: 14, scale: 2, nullable: true })
  amount_excl_vat!: number | null;

  @Column({ type: 'integer', nullable: true })
  duration_months!: number | null;

  @Column({ type: 'text', array: true, nullable: true })
  procedures!: string[] | null;

  @Column({ type: 'jsonb', nullable: true })
  lots!: unknown[] | null;

  @Column({ type: 'timestamptz', nullable: true })
  bid_deadline!: string | null;

  @Column({ type: 'text', nullable: true })
  form!: string | null;

  @Column({ type: 'text', nullable: true })
  mandataire_id!: string | null;

  @Column({ type: 'text', nullable: true })
  outcome!: string | null;

  @Column({ type: 'date', nullable: true })
  start_date!: string | null;

  @Column({ type: 'timestamptz', nullable: true })
  outcome_at!: string | null;

  @Column({ type: 'timestamptz' })
  updated_at!: string;
}

@Entity({ name: 'cooperation_deliverable' })
export class CooperationDeliverableEntity {
  @PrimaryColumn({ type: 'text' })
  cooperation_id!: string;

  @PrimaryColumn({ type: 'text' })
  deliverable_id!: string;

  @Column({ type: 'text' })
  kind!: string;

  @Column({ type: 'text' })
  kind_label!: string;

  @Column({ type: 'text' })
  stage!: string;

  @Column({ type: 'text', nullable: true })
  document_ref!: string | null;

  @Column({ type: 'text', nullable: true })
  title!: string | null;

  @Column({ type: 'timestamptz' })
  occurred_at!: string;

  @Column({ type: 'timestamptz' })
  recorded_at!: string;
}

/** Gate items waived with their justification (visible to funders and networks). */
@Entity({ name: 'cooperation_waiver' })
export class CooperationWaiverEntity {
  @PrimaryColumn({ type: 'text' })
  cooperation_id!: string;

  @PrimaryColumn({ type: 'text' })
  stage!: string;

  @PrimaryColumn({ type: 'text' })
  item_id!: string;

  @Column({ type: 'text' })
  stage_label!: string;

  @Column({ type: 'text' })
  item_label!: string;

  @Column({ type: 'text' })
  justification!: string;

  @Column({ type: 'timestamptz' })
  waived_at!: string;

  @Column({ type: 'timestamptz' })
  recorded_at!: string;
}

@Entity({ name: 'cooperation_support' })
export class CooperationSupportEntity {
  @PrimaryColumn({ type: 'text' })
  cooperation_id!: string;

  @PrimaryColumn({ type: 'text' })
  support_id!: string;

  @Column({ type: 'text' })
  kind!: string;

  @Column({ type: 'text' })
  kind_label!: string;

  @Column({ type: 'text', nullable: true })
  provider_organisation_id!: string | null;

  @Column({ type: 'date' })
  period_start!: string;

  @Column({ type: 'date', nullable: true })
  period_end!: string | null;

  @Column({ type: 'text', nullable: true })
  description!: string | null;

  @Column({ type: 'timestamptz' })
  recorded_at!: string;
}

/** One grant from one funder. `disbursed` is the running total (see cooperation_disbursement). */
@Entity({ name: 'cooperation_funding' })
@Index('cooperation_funding_funder_idx', ['funder_organisation_id'])
export class CooperationFundingEntity {
  @PrimaryColumn({ type: 'text' })
  cooperation_id!: string;

  @PrimaryColumn({ type: 'text' })
  funding_id!: string;

  @Column({ type: 'text' })
  funder_organisation_id!: string;

  @Column({ type: 'text' })
  programme!: string;

  @Column({ type: 'numeric', precision: 14, scale: 2 })
  amount!: number;

  @Column({ type: 'date' })
  period_start!: string;

  @Column({ type: 'date', nullable: true })
  period_end!: string | null;

  @Column({ type: 'numeric', precision: 14, scale: 2 })
  disbursed!: number;

  @Column({ type: 'date', nullable: true })
  ended_on!: string | null;

  @Column({ type: 'text', nullable: true })
  end_reason!: string | null;

  @Column({ type: 'timestamptz' })
  granted_at!: string;

  @Column({ type: 'timestamptz' })
  recorded_at!: string;
}

/** One row per disbursement, keyed by the event's stream version ("disbursed as of"). */
@Entity({ name: 'cooperation_disbursement' })
@Index('cooperation_disbursement_funder_idx', ['funder_organisation_id'])
export class CooperationDisbursementEntity {
  @PrimaryColumn({ type: 'text' })
  cooperation_id!: string;

  @PrimaryColumn({ type: 'integer' })
  version!: number;

  @Column({ type: 'text' })
  funding_id!: string;

  @Column({ type: 'text' })
  funder_organisation_id!: string;

  @Column({ type: 'numeric', precision: 14, scale: 2 })
  amount!: number;

  @Column({ type: 'date' })
  disbursed_on!: string;

  @Column({ type: 'timestamptz' })
  recorded_at!: string;
}

/** Evaluation indicators (Le Rameau: criterion C1 -> indicators C1-I1...). */
@Entity({ name: 'cooperation_indicator' })
export class CooperationIndicatorEntity {
  @PrimaryColumn({ type: 'text' })
  cooperation_id!: string;

  @PrimaryColumn({ type: 'text' })
  indicator_id!: string;

  @Column({ type: 'text' })
  criterion_id!: string;

  @Column({ type: 'text' })
  criterion_code!: string;

  @Column({ type: 'text' })
  criterion_label!: string;

  @Column({ type: 'text' })
  code!: string;

  @Column({ type: 'text' })
  label!: string;

  @Column({ type: 'text' })
  nature!: string;

  @Column({ type: 'text', nullable: true })
  unit!: string | null;

  /** Number (quantitative) or text (qualitative). */
  @Column({ type: 'jsonb', nullable: true })
  target!: number | string | null;

  @Column({ type: 'text', nullable: true })
  standard!: string | null;

  @Column({ type: 'timestamptz' })
  defined_at!: string;
}

/**
 * Measurements per indicator and period. A measurement for the same indicator and period recorded
 * again replaces the earlier one (a correction).
 */
@Entity({ name: 'cooperation_measurement' })
export class CooperationMeasurementEntity {
  @PrimaryColumn({ type: 'text' })
  cooperation_id!: string;

  @PrimaryColumn({ type: 'text' })
  indicator_id!: string;

  /** `start/end` of the period (end may be empty). */
  @PrimaryColumn({ type: 'text' })
  period_key!: string;

  @Column({ type: 'text' })
  criterion_id!: string;

  @Column({ type: 'date' })
  period_start!: string;

  @Column({ type: 'date', nullable: true })
  period_end!: string | null;

  @Column({ type: 'numeric', nullable: true })
  value_number!: number | null;

  @Column({ type: 'text', nullable: true })
  value_text!: string | null;

  @Column({ type: 'timestamptz' })
  occurred_at!: string;

  @Column({ type: 'timestamptz' })
  recorded_at!: string;
}
