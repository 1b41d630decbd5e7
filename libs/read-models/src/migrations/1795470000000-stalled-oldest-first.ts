import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The stalled list is read oldest activity first (the longest stalled are the ones to look at),
 * from the index alone: its columns now run (région, status, last event, id). Written by hand:
 * TypeORM compares an index's columns as a set, so the generator sees no change in their order.
 * Never edit once merged.
 */
export class StalledOldestFirst1795470000000 implements MigrationInterface {
  name = 'StalledOldestFirst1795470000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."cooperation_summary_stalled_idx"`);
    await queryRunner.query(`CREATE INDEX "cooperation_summary_stalled_idx" ON "cooperation_summary"  ("region_code", "status", "last_event_at", "id") `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."cooperation_summary_stalled_idx"`);
    await queryRunner.query(`CREATE INDEX "cooperation_summary_stalled_idx" ON "cooperation_summary"  ("region_code", "status", "id", "last_event_at") `);
  }
}
