import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * Read-model rows are JSON-shaped (the projection runtime loads them with `to_jsonb` and writes
 * them with `jsonb_to_recordset`), so timestamps and dates are typed as ISO strings here. These
 * classes describe tables for migrations only: they are not GraphQL types and are never `save()`d.
 */
@Entity({ name: 'organisation' })
@Index('organisation_region_idx', ['region_code'])
export class OrganisationEntity {
  @PrimaryColumn({ type: 'text' })
  id!: string;

  @Column({ type: 'text' })
  name!: string;

  @Column({ type: 'text', nullable: true })
  siret!: string | null;

  @Column({ type: 'text' })
  kind!: string;

  @Column({ type: 'boolean' })
  ess!: boolean;

  @Column({ type: 'text' })
  region_code!: string;

  @Column({ type: 'text' })
  departement_code!: string;

  /** Networks (têtes de réseau) it belongs to, by organisation id. */
  @Column({ type: 'text', array: true })
  network_ids!: string[];

  @Column({ type: 'timestamptz' })
  registered_at!: string;

  @Column({ type: 'timestamptz' })
  updated_at!: string;

  @Column({ type: 'timestamptz' })
  last_recorded_at!: string;

  @Column({ type: 'integer' })
  version!: number;
}
