import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Rate-limit counters of the GraphQL throttler (mutations per user, sign-ins per address), shared
 * by every API instance. Unlogged: counters are worth no WAL, and losing them in a crash only
 * gives callers a fresh minute.
 */
export class RateLimitCounters1732370000001 implements MigrationInterface {
  name = 'RateLimitCounters1732370000001';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      create unlogged table auth_rate_limit (
        throttler text not null,
        key text not null,
        hits integer not null,
        window_ends timestamptz not null,
        blocked_until timestamptz,
        primary key (throttler, key)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('drop table auth_rate_limit');
  }
}
