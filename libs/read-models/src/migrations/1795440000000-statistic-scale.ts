import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Written by hand (data only, no schema change): the regional statistic totals without trailing
 * zeros (`trim_scale`), as the projections now write them. A total kept up by additions and
 * subtractions carried the scale of every value it ever held (20 + 12.5 - 12.5 + 19 = 39.0), so
 * the same figure read "39.0" live and "39" after a rebuild. Values are unchanged; on an empty
 * database it updates nothing. Never edit once merged.
 */
export class StatisticScale1795440000000 implements MigrationInterface {
  name = 'StatisticScale1795440000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`update regional_cooperation_statistic set n = trim_scale(n) where scale(n) <> scale(trim_scale(n))`);
    await queryRunner.query(`update regional_activity_statistic set n = trim_scale(n) where scale(n) <> scale(trim_scale(n))`);
  }

  async down(): Promise<void> {
    // Nothing to undo: the values are the same.
  }
}
