import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Written by hand (data only, no schema change): adds the `last_day` and
 * `dated_active` rows of regional_cooperation_statistic (active cooperations by the UTC day of
 * their latest event, and their total, from which the dashboard derives its stalled count) for a database projected before the projection
 * maintained them; from their checkpoints on, the projections keep them up to date. The same
 * GROUP BY as the projection's rebuild step for that metric, frozen here. On an empty database it
 * inserts nothing. Never edit once merged.
 */
export class StalledDaysBackfill1795435735428 implements MigrationInterface {
  name = 'StalledDaysBackfill1795435735428';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`delete from regional_cooperation_statistic where metric in ('last_day', 'dated_active')`);
    await queryRunner.query(`insert into regional_cooperation_statistic (region_code, metric, k1, k2, n) select s.region_code, 'dated_active', '', '', count(*) from cooperation_summary s where s.status = 'ACTIVE' and s.last_event_at is not null group by 1, 2, 3, 4`);
    await queryRunner.query(`insert into regional_cooperation_statistic (region_code, metric, k1, k2, n) select s.region_code, 'last_day', to_char(s.last_event_at at time zone 'UTC', 'YYYY-MM-DD'), '', count(*) from cooperation_summary s where s.status = 'ACTIVE' and s.last_event_at is not null group by 1, 2, 3, 4`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`delete from regional_cooperation_statistic where metric in ('last_day', 'dated_active')`);
  }
}
