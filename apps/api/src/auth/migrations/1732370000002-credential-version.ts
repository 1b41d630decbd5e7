import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A version per credential: each password change increments it, and access tokens carry the
 * version they were issued under (`cv`), so a change refuses every older token exactly (tokens
 * issued before this migration carry none and count as version 0).
 */
export class CredentialVersion1732370000002 implements MigrationInterface {
  name = 'CredentialVersion1732370000002';

  async up(q: QueryRunner): Promise<void> {
    await q.query('alter table user_credentials add column version integer not null default 0');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('alter table user_credentials drop column version');
  }
}
