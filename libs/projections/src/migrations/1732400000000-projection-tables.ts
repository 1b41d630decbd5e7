import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Projector bookkeeping, next to the read models it guards (same database, so one transaction
 * commits a batch's read-model writes and its checkpoint together).
 *
 * - `projection_checkpoints.position` is the global position of the last event applied (null: none
 *   yet). It only moves inside a batch transaction, compare-and-set on its previous value.
 * - `projection_leases` holds one row per projection: `owner` is active until `expires_at` (renewed
 *   by heartbeat). Every batch re-locks the row before committing (fencing). `handover_to` lets a
 *   rebuild ask the live holder to step aside without racing other standbys.
 * - `projection_dead_letters`: poison events, kept forever with the decision taken about them. At
 *   most one pending row per (projection, event).
 */
export class ProjectionTables1732400000000 implements MigrationInterface {
  name = 'ProjectionTables1732400000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      create table projection_checkpoints (
        name text primary key,
        position text,
        events_applied bigint not null default 0,
        updated_at timestamptz not null default now(),
        rebuilt_at timestamptz
      )`);
    await queryRunner.query(`
      create table projection_leases (
        name text primary key,
        owner text not null,
        expires_at timestamptz not null,
        acquired_at timestamptz not null default now(),
        handover_to text,
        handover_requested_at timestamptz
      )`);
    await queryRunner.query(`
      create table projection_dead_letters (
        id bigserial primary key,
        projection text not null,
        position text not null,
        event_id uuid not null,
        stream_id text not null,
        type text not null,
        error text not null,
        created_at timestamptz not null default now(),
        status text not null default 'pending'
          constraint projection_dead_letters_status_check check (status in ('pending', 'skipped', 'retried')),
        decided_by text,
        decided_at timestamptz,
        constraint projection_dead_letters_decision_check
          check ((status = 'pending') = (decided_at is null))
      )`);
    await queryRunner.query(`
      create unique index projection_dead_letters_pending_key
        on projection_dead_letters (projection, event_id) where status = 'pending'`);
    await queryRunner.query(
      `create index projection_dead_letters_projection_idx on projection_dead_letters (projection, status)`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`drop table projection_dead_letters`);
    await queryRunner.query(`drop table projection_leases`);
    await queryRunner.query(`drop table projection_checkpoints`);
  }
}
