import { createHash } from 'node:crypto';
import type { Pool } from 'pg';
import type { Clock } from './request-user';

export interface ThrottlePolicy {
  /** Attempts allowed in a window before the key is locked. */
  maxAttempts: number;
  windowSeconds: number;
  /** First lock; each further lock of the same key doubles it, up to maxLockSeconds. */
  lockSeconds: number;
  maxLockSeconds: number;
}

/** 5 failures on one account within 15 min lock it for 15 min (then 30, 60... up to 4 h). */
export const DEFAULT_ACCOUNT_POLICY: ThrottlePolicy = {
  maxAttempts: 5,
  windowSeconds: 900,
  lockSeconds: 900,
  maxLockSeconds: 14_400,
};
/** Higher for an IP address: many people may share one (offices, NAT). */
export const DEFAULT_IP_POLICY: ThrottlePolicy = {
  maxAttempts: 50,
  windowSeconds: 900,
  lockSeconds: 900,
  maxLockSeconds: 14_400,
};

export interface ThrottleKey {
  key: string;
  policy: ThrottlePolicy;
}

/** The account key is a hash of the normalised e-mail: unknown e-mails lock the same way, and no address is stored. */
export const accountKey = (normalisedEmail: string, policy: ThrottlePolicy): ThrottleKey => ({
  key: `account:${createHash('sha256').update(normalisedEmail).digest('hex')}`,
  policy,
});
export const ipKey = (ip: string, policy: ThrottlePolicy): ThrottleKey => ({ key: `ip:${ip}`, policy });

export type ThrottleDecision = { allowed: true } | { allowed: false; retryAfterSeconds: number };

/**
 * Failed sign-ins per account and per IP, in PostgreSQL so that a lock survives a restart and holds
 * across API instances. Every attempt is counted *before* the password is checked (one atomic
 * upsert), so a burst of parallel attempts cannot slip past the limit while the first hashes run;
 * a success then gives the attempt back. A locked key is refused without hashing anything.
 */
export class LoginThrottle {
  constructor(
    private readonly pool: Pool,
    private readonly clock: Clock,
  ) {}

  async acquire(keys: ThrottleKey[]): Promise<ThrottleDecision> {
    const now = this.clock();
    let refusedFor = 0;
    for (const { key, policy } of keys) {
      const { rows } = await this.pool.query<{
        attempts: number;
        locked_until: Date | null;
        window_started_at: Date;
      }>(
        `insert into auth_login_throttle as t (key, attempts, window_started_at, locked_until, lockouts, updated_at)
         values ($1, 1, $2, null, 0, $2)
         on conflict (key) do update set
           attempts = case
             when t.locked_until > $2 then t.attempts
             when t.locked_until is not null or t.window_started_at <= $2 - make_interval(secs => $3) then 1
             else t.attempts + 1 end,
           window_started_at = case
             when t.locked_until > $2 then t.window_started_at
             when t.locked_until is not null or t.window_started_at <= $2 - make_interval(secs => $3) then $2
             else t.window_started_at end,
           locked_until = case when t.locked_until > $2 then t.locked_until else null end,
           updated_at = $2
         returning attempts, locked_until, window_started_at`,
        [key, now, policy.windowSeconds],
      );
      const row = rows[0];
      if (row.locked_until && row.locked_until > now) {
        refusedFor = Math.max(refusedFor, (row.locked_until.getTime() - now.getTime()) / 1000);
      } else if (row.attempts > policy.maxAttempts) {
        // Attempts still in flight fill the window: refuse now; their failures will set the lock.
        refusedFor = Math.max(refusedFor, policy.lockSeconds);
      }
    }
    return refusedFor > 0 ? { allowed: false, retryAfterSeconds: refusedFor } : { allowed: true };
  }

  /** A failed check: locks each key whose window is full (for lockSeconds * 2^previous locks). */
  async recordFailure(keys: ThrottleKey[]): Promise<void> {
    const now = this.clock();
    for (const { key, policy } of keys) {
      await this.pool.query(
        `update auth_login_throttle set
           locked_until = $2 + make_interval(secs => least($5::float8, $4::float8 * power(2, lockouts))),
           lockouts = lockouts + 1,
           updated_at = $2
         where key = $1 and attempts >= $3 and (locked_until is null or locked_until <= $2)`,
        [key, now, policy.maxAttempts, policy.lockSeconds, policy.maxLockSeconds],
      );
    }
  }

  /** A successful sign-in clears its account's record and gives the IP its attempt back. */
  async recordSuccess(account: ThrottleKey, ip: ThrottleKey | null): Promise<void> {
    await this.pool.query('delete from auth_login_throttle where key = $1', [account.key]);
    if (ip) {
      await this.pool.query(
        `update auth_login_throttle set attempts = greatest(attempts - 1, 0), updated_at = $2
         where key = $1 and (locked_until is null or locked_until <= $2)`,
        [ip.key, this.clock()],
      );
    }
  }
}
