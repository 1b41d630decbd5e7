import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Small operational facts of an installation (e.g. when the demo data was seeded). */
export class AppSettings1732360000001 implements MigrationInterface {
  name = 'AppSettings1732360000001';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      create table app_settings (
        key text primary key,
        value jsonb not null,
        updated_at timestamptz not null default now()
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('drop table app_settings');
  }
}
