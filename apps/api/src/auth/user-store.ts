import type { Pool, PoolClient } from 'pg';
import type { RequestUser, UserRole } from './request-user';

export type UserStatus = 'ACTIVE' | 'DISABLED' | 'DELETED';

/** A user as an administrator or the user itself sees it (personal data null once deleted). */
export interface UserView {
  id: string;
  email: string | null;
  name: string | null;
  role: UserRole;
  organisationId: string | null;
  regions: string[];
  status: UserStatus;
  createdAt: Date;
}

export interface ApiTokenView {
  id: string;
  name: string;
  /** First characters of the secret ("mlg_AbCd"), to recognise it in a list; never the secret. */
  displayPrefix: string;
  createdAt: Date;
  expiresAt: Date | null;
  revokedAt: Date | null;
  lastUsedAt: Date | null;
}

interface UserRow {
  id: string;
  organisation_id: string | null;
  role: UserRole;
  regions: string[];
  status: UserStatus;
  created_at: Date;
  email: string | null;
  name: string | null;
}

interface TokenRow {
  id: string;
  name: string;
  display_prefix: string;
  created_at: Date;
  expires_at: Date | null;
  revoked_at: Date | null;
  last_used_at: Date | null;
}

const USER_COLUMNS = 'u.id, u.organisation_id, u.role, u.regions, u.status, u.created_at, p.email, p.name';
const TOKEN_COLUMNS = 'id, name, display_prefix, created_at, expires_at, revoked_at, last_used_at';

export const toRequestUser = (
  row: Pick<UserRow, 'id' | 'organisation_id' | 'role' | 'regions'>,
): RequestUser => ({
  userId: row.id,
  organisationId: row.organisation_id,
  role: row.role,
  regions: row.regions,
});

const toUserView = (row: UserRow): UserView => ({
  id: row.id,
  email: row.email,
  name: row.name,
  role: row.role,
  organisationId: row.organisation_id,
  regions: row.regions,
  status: row.status,
  createdAt: row.created_at,
});

const toTokenView = (row: TokenRow): ApiTokenView => ({
  id: row.id,
  name: row.name,
  displayPrefix: row.display_prefix,
  createdAt: row.created_at,
  expiresAt: row.expires_at,
  revokedAt: row.revoked_at,
  lastUsedAt: row.last_used_at,
});

export interface NewUser {
  id: string;
  email: string;
  name: string;
  organisationId: string | null;
  role: UserRole;
  regions: string[];
  passwordHash: string;
  createdAt: Date;
  createdBy: string | null;
}

/** SQL of the accounts tables; no rule lives here (see AuthService). */
export class UserStore {
  /** @param changed called with a user's id once a change to its account or credential is committed. */
  constructor(
    private readonly pool: Pool,
    private readonly changed: (userId: string) => void = () => undefined,
  ) {}

  async loginCandidate(
    email: string,
  ): Promise<(RequestUser & { status: UserStatus; passwordHash: string | null; credentialVersion: number }) | null> {
    const { rows } = await this.pool.query<UserRow & { password_hash: string | null; version: number | null }>(
      `select u.id, u.organisation_id, u.role, u.regions, u.status, c.password_hash, c.version
         from user_profiles p join users u on u.id = p.user_id left join user_credentials c on c.user_id = u.id
        where lower(p.email) = $1`,
      [email],
    );
    return rows[0]
      ? { ...toRequestUser(rows[0]), status: rows[0].status, passwordHash: rows[0].password_hash, credentialVersion: rows[0].version ?? 0 }
      : null;
  }

  /**
   * The user behind an access token, if active and if the token's credential version (`cv`) is the
   * current one: a password change ends the sessions opened before it.
   */
  async activeUser(id: string, credentialVersion: number): Promise<RequestUser | null> {
    const { rows } = await this.pool.query<UserRow>(
      `select u.id, u.organisation_id, u.role, u.regions
         from users u left join user_credentials c on c.user_id = u.id
        where u.id = $1 and u.status = 'ACTIVE' and coalesce(c.version, 0) = $2::int`,
      [id, credentialVersion],
    );
    return rows[0] ? toRequestUser(rows[0]) : null;
  }

  /** E-mail and password hash of a user (null once deleted). */
  async credentials(id: string): Promise<{ email: string; passwordHash: string | null } | null> {
    const { rows } = await this.pool.query<{ email: string; password_hash: string | null }>(
      `select p.email, c.password_hash from user_profiles p left join user_credentials c on c.user_id = p.user_id where p.user_id = $1`,
      [id],
    );
    return rows[0] ? { email: rows[0].email, passwordHash: rows[0].password_hash } : null;
  }

  /**
   * Replaces the password hash and returns the credential's new version (older tokens stop working);
   * null when the account is deleted; 'changed' when `replacing` is given and is no longer the
   * stored hash (another change came first). The account's row is locked first, as erasure locks
   * it, so a password set while the account is being erased cannot outlive the erasure.
   */
  async setPassword(id: string, passwordHash: string, at: Date, replacing?: string | null): Promise<number | null | 'changed'> {
    return this.changing(id, this.transaction(async (c) => {
      const { rows: live } = await c.query("select 1 from users where id = $1 and status <> 'DELETED' for update", [id]);
      if (!live.length) return null;
      if (replacing !== undefined) {
        // Compare and set: the hash the caller checked the current password against must still be
        // the stored one (the row lock above orders concurrent changes).
        const { rows: current } = await c.query<{ password_hash: string | null }>('select password_hash from user_credentials where user_id = $1', [id]);
        if ((current[0]?.password_hash ?? null) !== replacing) return 'changed';
      }
      const { rows } = await c.query<{ version: number }>(
        `insert into user_credentials (user_id, password_hash, updated_at, version) values ($1, $2, $3, 1)
         on conflict (user_id) do update set password_hash = excluded.password_hash, updated_at = excluded.updated_at,
                                              version = user_credentials.version + 1
         returning version`,
        [id, passwordHash, at],
      );
      return rows[0].version;
    }));
  }

  /** Name, role, organisation and régions of an account that is not deleted. */
  async update(id: string, user: { name: string; role: UserRole; organisationId: string | null; regions: string[] }): Promise<boolean> {
    return this.changing(id, this.transaction(async (c) => {
      const { rowCount } = await c.query(
        `update users set role = $2, organisation_id = $3, regions = $4 where id = $1 and status <> 'DELETED'`,
        [id, user.role, user.organisationId, user.regions],
      );
      if (!rowCount) return false;
      await c.query('update user_profiles set name = $2 where user_id = $1', [id, user.name]);
      return true;
    }));
  }

  async view(id: string): Promise<UserView | null> {
    const { rows } = await this.pool.query<UserRow>(
      `select ${USER_COLUMNS} from users u left join user_profiles p on p.user_id = u.id where u.id = $1`,
      [id],
    );
    return rows[0] ? toUserView(rows[0]) : null;
  }

  async list(): Promise<UserView[]> {
    const { rows } = await this.pool.query<UserRow>(
      `select ${USER_COLUMNS} from users u left join user_profiles p on p.user_id = u.id where u.status <> 'DELETED' order by lower(p.email)`,
    );
    return rows.map(toUserView);
  }

  /** Inserts the user, its profile and its credentials in one transaction; false when the e-mail is taken. */
  async insert(user: NewUser): Promise<boolean> {
    return this.transaction(async (c) => {
      const { rowCount } = await c.query('select 1 from user_profiles where lower(email) = $1 for update', [
        user.email,
      ]);
      if (rowCount) return false;
      await c.query(
        `insert into users (id, organisation_id, role, regions, status, created_at, created_by) values ($1, $2, $3, $4, 'ACTIVE', $5, $6)`,
        [user.id, user.organisationId, user.role, user.regions, user.createdAt, user.createdBy],
      );
      await c.query('insert into user_profiles (user_id, email, name) values ($1, $2, $3)', [
        user.id,
        user.email,
        user.name,
      ]);
      await c.query('insert into user_credentials (user_id, password_hash, updated_at) values ($1, $2, $3)', [
        user.id,
        user.passwordHash,
        user.createdAt,
      ]);
      return true;
    }).catch((error: unknown) => {
      // Two concurrent creations with the same e-mail: the unique index decides.
      if ((error as { code?: string }).code === '23505') return false;
      throw error;
    });
  }

  /**
   * Disabling also ends the account's sessions (its credential version moves on) and revokes its
   * API tokens, in the same transaction: an account disabled because it was compromised must not
   * come back with its old tokens when it is enabled again (it signs in afresh).
   */
  async setStatus(id: string, from: UserStatus[], to: 'ACTIVE' | 'DISABLED', at: Date): Promise<boolean> {
    return this.changing(id, this.transaction(async (c) => {
      const { rowCount } = await c.query(
        `update users set status = $3, disabled_at = case when $3 = 'DISABLED' then $4::timestamptz else null end where id = $1 and status = any($2)`,
        [id, from, to, at],
      );
      if (!rowCount) return false;
      if (to === 'DISABLED') {
        await c.query('update user_credentials set version = version + 1 where user_id = $1', [id]);
        await c.query('update api_tokens set revoked_at = $2 where user_id = $1 and revoked_at is null', [id, at]);
      }
      return true;
    }));
  }

  /**
   * Erasure: the id, role and organisation stay (events reference the id), everything personal or
   * secret goes (profile, password hash, API tokens, whose names a user typed).
   */
  async erase(id: string, at: Date): Promise<boolean> {
    return this.changing(id, this.transaction(async (c) => {
      const { rowCount } = await c.query(
        `update users set status = 'DELETED', deleted_at = $2 where id = $1 and status <> 'DELETED'`,
        [id, at],
      );
      if (!rowCount) return false;
      await c.query('delete from user_profiles where user_id = $1', [id]);
      await c.query('delete from user_credentials where user_id = $1', [id]);
      await c.query('delete from api_tokens where user_id = $1', [id]);
      return true;
    }));
  }

  async insertApiToken(token: {
    id: string;
    userId: string;
    name: string;
    hash: Buffer;
    displayPrefix: string;
    createdAt: Date;
    expiresAt: Date | null;
  }): Promise<ApiTokenView> {
    const { rows } = await this.pool.query<TokenRow>(
      `insert into api_tokens (id, user_id, name, token_hash, display_prefix, created_at, expires_at)
       values ($1, $2, $3, $4, $5, $6, $7) returning ${TOKEN_COLUMNS}`,
      [token.id, token.userId, token.name, token.hash, token.displayPrefix, token.createdAt, token.expiresAt],
    );
    return toTokenView(rows[0]);
  }

  async countLiveApiTokens(userId: string, now: Date): Promise<number> {
    const { rows } = await this.pool.query<{ n: number }>(
      'select count(*)::int as n from api_tokens where user_id = $1 and revoked_at is null and (expires_at is null or expires_at > $2)',
      [userId, now],
    );
    return rows[0].n;
  }

  async apiTokens(userId: string): Promise<ApiTokenView[]> {
    const { rows } = await this.pool.query<TokenRow>(
      `select ${TOKEN_COLUMNS} from api_tokens where user_id = $1 order by created_at desc, id`,
      [userId],
    );
    return rows.map(toTokenView);
  }

  /** Revokes a token of `ownerId` (any owner when null); the token, or null when there is none. */
  async revokeApiToken(id: string, ownerId: string | null, at: Date): Promise<ApiTokenView | null> {
    const { rows } = await this.pool.query<TokenRow>(
      `update api_tokens set revoked_at = coalesce(revoked_at, $3) where id = $1 and ($2::uuid is null or user_id = $2) returning ${TOKEN_COLUMNS}`,
      [id, ownerId, at],
    );
    return rows[0] ? toTokenView(rows[0]) : null;
  }

  /** The active user owning a live token with this hash; records its use at most once a minute. */
  async userOfApiToken(hash: Buffer, now: Date): Promise<RequestUser | null> {
    const { rows } = await this.pool.query<UserRow & { token_id: string; last_used_at: Date | null }>(
      `select t.id as token_id, t.last_used_at, u.id, u.organisation_id, u.role, u.regions
         from api_tokens t join users u on u.id = t.user_id
        where t.token_hash = $1 and t.revoked_at is null and (t.expires_at is null or t.expires_at > $2) and u.status = 'ACTIVE'`,
      [hash, now],
    );
    const row = rows[0];
    if (!row) return null;
    if (!row.last_used_at || now.getTime() - row.last_used_at.getTime() > 60_000) {
      await this.pool.query('update api_tokens set last_used_at = $2 where id = $1', [row.token_id, now]);
    }
    return toRequestUser(row);
  }

  /** Waits for a write to a user's account, then tells `changed` (also when it failed: nothing is lost by it). */
  private async changing<T>(userId: string, write: Promise<T>): Promise<T> {
    try {
      return await write;
    } finally {
      this.changed(userId);
    }
  }

  private async transaction<T>(fn: (client: PoolClient) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      await client.query('begin');
      const result = await fn(client);
      await client.query('commit');
      return result;
    } catch (error) {
      await client.query('rollback').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }
}
