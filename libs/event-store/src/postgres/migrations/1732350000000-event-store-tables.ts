import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Event store table, in its own schema so read models never collide with it.
 *
 * - `transaction_id` is the writing transaction's id (xid8). Sequence values (global_position) are
 *   handed out before commit and so commit out of order; readers order by (transaction_id,
 *   global_position) and only read below the oldest transaction still running, which makes the
 *   order commit-safe (see PostgresEventStore.readAll). That pair is the primary key, so the index
 *   readAll walks is the table's only non-unique-constraint index: three btrees per event in all.
 * - `unique (stream_id, stream_version)` gives optimistic concurrency its last line of defence and
 *   serves stream reads and the "current version" lookup (max version, an index-only probe);
 *   `unique (event_id)` makes retries idempotent.
 * - There is no `streams` table: writers of a stream serialise on a transaction-scoped advisory
 *   lock (see append_batch), so a version check costs no row write.
 * - `recorded_at` is the server clock when the row is written (after the stream lock, so it never
 *   goes backwards within a stream), cut to milliseconds so that a JavaScript Date read back and
 *   used as `untilRecordedAt` includes that very event.
 */
export class EventStoreTables1732350000000 implements MigrationInterface {
  name = 'EventStoreTables1732350000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`create schema if not exists event_store`);
    await queryRunner.query(`
      create table event_store.events (
        global_position bigserial,
        transaction_id xid8 not null default pg_current_xact_id(),
        stream_id text not null,
        stream_version bigint not null check (stream_version >= 1),
        event_id uuid not null,
        type text not null,
        schema_version integer not null default 1,
        data jsonb not null,
        actor jsonb,
        correlation_id text,
        causation_id text,
        occurred_at timestamptz not null,
        recorded_at timestamptz not null default date_trunc('milliseconds', clock_timestamp()),
        constraint events_pkey primary key (transaction_id, global_position),
        constraint events_event_id_key unique (event_id),
        constraint events_stream_version_key unique (stream_id, stream_version)
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`drop table event_store.events`);
    await queryRunner.query(`drop schema event_store`);
  }
}
