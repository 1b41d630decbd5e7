import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Accounts and sign-in. `users` holds no personal data (events reference users by this id only);
 * e-mail and name live in `user_profiles` and the password hash in `user_credentials`, both erased
 * when a user is deleted. `auth_login_throttle` keeps failed sign-ins per account and per IP so
 * lock-outs survive restarts and hold across API instances.
 */
export class AuthTables1732370000000 implements MigrationInterface {
  name = 'AuthTables1732370000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      create table auth_settings (
        key text primary key,
        value text not null,
        created_at timestamptz not null default now()
      )`);
    await q.query(`
      create table users (
        id uuid primary key,
        organisation_id text,
        role text not null check (role in ('ADMIN', 'NETWORK', 'FUNDER', 'MEMBER')),
        regions text[] not null default '{}',
        status text not null default 'ACTIVE' check (status in ('ACTIVE', 'DISABLED', 'DELETED')),
        created_at timestamptz not null,
        created_by uuid,
        disabled_at timestamptz,
        deleted_at timestamptz,
        check (role = 'ADMIN' or organisation_id is not null)
      )`);
    await q.query(`
      create table user_profiles (
        user_id uuid primary key references users (id) on delete cascade,
        email text not null,
        name text not null
      )`);
    await q.query('create unique index user_profiles_email_key on user_profiles (lower(email))');
    await q.query(`
      create table user_credentials (
        user_id uuid primary key references users (id) on delete cascade,
        password_hash text not null,
        updated_at timestamptz not null
      )`);
    await q.query(`
      create table api_tokens (
        id uuid primary key,
        user_id uuid not null references users (id) on delete cascade,
        name text not null,
        token_hash bytea not null unique,
        display_prefix text not null,
        created_at timestamptz not null,
        expires_at timestamptz,
        revoked_at timestamptz,
        last_used_at timestamptz
      )`);
    await q.query('create index api_tokens_user_idx on api_tokens (user_id, created_at)');
    await q.query(`
      create table auth_login_throttle (
        key text primary key,
        attempts integer not null,
        window_started_at timestamptz not null,
        locked_until timestamptz,
        lockouts integer not null default 0,
        updated_at timestamptz not null
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('drop table auth_login_throttle');
    await q.query('drop table api_tokens');
    await q.query('drop table user_credentials');
    await q.query('drop table user_profiles');
    await q.query('drop table users');
    await q.query('drop table auth_settings');
  }
}
