import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Idempotency keys are claimed before their command runs: a row without a result is a claim (an
 * attempt in flight, or interrupted before its result was stored).
 */
export class IdempotencyClaims1732360000002 implements MigrationInterface {
  name = 'IdempotencyClaims1732360000002';

  async up(q: QueryRunner): Promise<void> {
    await q.query('alter table command_idempotency alter column result drop not null');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('delete from command_idempotency where result is null');
    await q.query('alter table command_idempotency alter column result set not null');
  }
}
