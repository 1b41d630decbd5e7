import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CommandIdempotency1732360000000 implements MigrationInterface {
  name = 'CommandIdempotency1732360000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      create table command_idempotency (
        idempotency_key text primary key,
        command_type text not null,
        aggregate_id text not null,
        request_hash text not null,
        result jsonb not null,
        actor_user_id text,
        created_at timestamptz not null default now()
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('drop table command_idempotency');
  }
}
