import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Keys expire (IdempotencyStore.prune): their rows are found by age. */
export class IdempotencyExpiry1732360000004 implements MigrationInterface {
  name = 'IdempotencyExpiry1732360000004';

  async up(q: QueryRunner): Promise<void> {
    await q.query('create index command_idempotency_created_at on command_idempotency (created_at)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('drop index command_idempotency_created_at');
  }
}
