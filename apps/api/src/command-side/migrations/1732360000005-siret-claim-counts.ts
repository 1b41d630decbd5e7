import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A SIRET's row counts the commands of its organisation that claimed it and are still running
 * (`pending`), apart from whether the organisation's recorded state holds it (`held`): a refused
 * command no longer deletes a row that a concurrent command of the same organisation relies on.
 * Rows made so far are held.
 */
export class SiretClaimCounts1732360000005 implements MigrationInterface {
  name = 'SiretClaimCounts1732360000005';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      alter table organisation_sirets
        add column pending integer not null default 0 check (pending >= 0),
        add column held boolean not null default true`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('delete from organisation_sirets where not held');
    await q.query('alter table organisation_sirets drop column pending, drop column held');
  }
}
