import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** One entry of `cooperation_summary.timeline`: a status interval (see cooperation_stage_interval). */
export interface TimelineEntry {
  seq: number;
  stage: string;
  status: 'ACTIVE' | 'CLOSED' | 'ABANDONED';
  /** Occurred time (when it happened in reality). */
  validFrom: string;
  validTo: string | null;
  /** Recorded time (when the platform learnt it). */
  recordedFrom: string;
  recordedTo: string | null;
  enteredVia: 'PROPOSED' | 'ADVANCED' | 'REOPENED' | 'ABANDONED' | 'CLOSED';
  exitedVia: 'ADVANCED' | 'REOPENED' | 'ABANDONED' | 'CLOSED' | null;
}

export interface ShareholdingEntry {
  phase: 'PLANNED' | 'FINAL';
  shares: { organisationId: string; percent: number; ess: boolean }[];
  totalPercent: number;
  essPercent: number;
  essMajority: boolean;
}

/**
 * One row per cooperation. `state` keeps the folded domain state (`evolveCooperation`): every other
 * column is derived from it (and from `timeline`), so gate logic lives only in the domain.
 */
@Entity({ name: 'cooperation_summary' })
@Index('cooperation_summary_region_idx', ['region_code', 'kind', 'stage'])
@Index('cooperation_summary_proposed_idx', ['proposed_at', 'id'])
// Dashboard: the région's horizon (latest event) and its stalled cooperations.
@Index('cooperation_summary_last_event_idx', ['region_code', 'last_event_at'])
// Stalled list and count read from the index alone (summary rows are large: one per page).
@Index('cooperation_summary_stalled_idx', ['region_code', 'status', 'last_event_at', 'id'])
export class CooperationSummaryEntity {
  @PrimaryColumn({ type: 'text' })
  id!: string;

  @Column({ type: 'text' })
  kind!: string;

  @Column({ type: 'text' })
  stage!: string;

  @Column({ type: 'text' })
  status!: string;

  @Column({ type: 'text' })
  name!: string;

  @Column({ type: 'text', array: true })
  objectives!: string[];

  @Column({ type: 'text' })
  lead_organisation_id!: string;

  /** [{ organisationId, organisationKind, ess, role, roleLabel, mandataire, joinedAt }] */
  @Column({ type: 'jsonb' })
  members!: unknown[];

  @Column({ type: 'integer' })
  member_count!: number;

  @Column({ type: 'text', nullable: true })
  mandataire_id!: string | null;

  @Column({ type: 'text' })
  region_code!: string;

  @Column({ type: 'text', array: true })
  departement_codes!: string[];

  @Column({ type: 'text', array: true })
  sectors!: string[];

  /** Gate of the current stage, with French labels (`gateStatus` of the domain). */
  @Column({ type: 'jsonb' })
  gate!: unknown;

  @Column({ type: 'boolean' })
  gate_satisfied!: boolean;

  /** Every waiver, with French stage and item labels. */
  @Column({ type: 'jsonb' })
  waivers!: unknown[];

  /** Stream version of the last event folded. */
  @Column({ type: 'integer' })
  version!: number;

  @Column({ type: 'timestamptz' })
  proposed_at!: string;

  @Column({ type: 'timestamptz' })
  proposed_recorded_at!: string;

  @Column({ type: 'timestamptz' })
  stage_entered_at!: string;

  @Column({ type: 'timestamptz', nullable: true })
  closed_at!: string | null;

  @Column({ type: 'timestamptz', nullable: true })
  abandoned_at!: string | null;

  /** Latest occurredAt among its events. */
  @Column({ type: 'timestamptz' })
  last_event_at!: string;

  /** recordedAt of its last event. */
  @Column({ type: 'timestamptz' })
  last_recorded_at!: string;

  /** Distinct days (occurred time) with at least one event: "stalled as of" a date. */
  @Column({ type: 'date', array: true })
  activity_days!: string[];

  @Column({ type: 'text', nullable: true })
  renewed_from!: string | null;

  @Column({ type: 'text', nullable: true })
  successor_id!: string | null;

  @Column({ type: 'text', nullable: true })
  abandon_reason!: string | null;

  @Column({ type: 'text', nullable: true })
  abandon_reason_text!: string | null;

  @Column({ type: 'text', nullable: true })
  close_outcome!: string | null;

  @Column({ type: 'text', array: true })
  funder_ids!: string[];

  /** Funders with an open request from the cooperation: they may read it (access policy's list scope). */
  @Column({ type: 'text', array: true, default: () => "'{}'" })
  solicited_funder_ids!: string[];

  @Column({ type: 'jsonb' })
  timeline!: TimelineEntry[];

  /** JVS only: planned and final shares with ESS totals. */
  @Column({ type: 'jsonb' })
  shareholding!: ShareholdingEntry[];

  /** The folded domain state (CooperationState). */
  @Column({ type: 'jsonb' })
  state!: unknown;
}
