import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Every change to an account (users row) or its credential (password version) notifies
 * `maillage_users` with the user's id, whoever writes it (an API instance, the CLI, plain SQL), so
 * API instances that keep the active users in memory (ActiveUserCache) drop them at once.
 */
export class UserChangeNotify1732370000003 implements MigrationInterface {
  name = 'UserChangeNotify1732370000003';

  async up(q: QueryRunner): Promise<void> {
    // One function per table: a PL/pgSQL expression naming a column the other table lacks fails.
    for (const [table, column] of [
      ['users', 'id'],
      ['user_credentials', 'user_id'],
    ]) {
      await q.query(`
        create function auth_notify_${table}_changed() returns trigger language plpgsql as $$
        begin
          if tg_op = 'DELETE' then
            perform pg_notify('maillage_users', old.${column}::text);
          else
            perform pg_notify('maillage_users', new.${column}::text);
          end if;
          return null;
        end $$`);
      await q.query(`create trigger ${table}_changed after insert or update or delete on ${table}
                     for each row execute function auth_notify_${table}_changed()`);
    }
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of ['users', 'user_credentials']) {
      await q.query(`drop trigger ${table}_changed on ${table}`);
      await q.query(`drop function auth_notify_${table}_changed()`);
    }
  }
}
