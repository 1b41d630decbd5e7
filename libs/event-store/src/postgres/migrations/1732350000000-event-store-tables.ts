import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Event store tables, in their own schema so read models never collide with them.
 *
 * - `events.transaction_id` is the writing transaction's id (xid8). Sequence values (global_position)
 *   are handed out before commit and so commit out of order; readers order by (transaction_id,
 *   global_position) and only read below the oldest transaction still running, which makes the
 *   order commit-safe (see PostgresEventStore.readAll).
 * - `streams.version` is the single row an append locks: it serialises writers of one stream and
 *   makes the expected-version check atomic; `unique (stream_id, stream_version)` and
 *   `unique (event_id)` stay as the last line of defence.
 * - `recorded_at` is the server clock when the row is written (after the stream lock, so it never
 *   goes backwards within a stream), cut to milliseconds so that a JavaScript Date read back and
 *   used as `untilRecordedAt` includes that very event.
 */
export class EventStoreTables1732350000000 implements MigrationInterface {
  name = 'EventStoreTables1732350000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`create schema if not exists event_store`);
    await queryRunner.query(`
      create table event_store.streams (
        stream_id text primary key,
        version bigint not null check (version >= 0),
        updated_at timestamptz not null default now()
      )`);
    await queryRunner.query(`
      create table event_store.events (
        global_position bigserial primary key,
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
        constraint events_event_id_key unique (event_id),
        constraint events_stream_version_key unique (stream_id, stream_version)
      )`);
    await queryRunner.query(
      `create index events_transaction_position_idx on event_store.events (transaction_id, global_position)`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`drop table event_store.events`);
    await queryRunner.query(`drop table event_store.streams`);
    await queryRunner.query(`drop schema event_store`);
  }
}
