import type { ThrottlerStorage } from '@nestjs/throttler';
import type { Pool } from 'pg';

/** What @nestjs/throttler expects back from a storage (its record type is not exported as a value). */
export interface RateLimitRecord {
  totalHits: number;
  /** Seconds until the counting window ends. */
  timeToExpire: number;
  isBlocked: boolean;
  /** Seconds until the block ends (0 when not blocked). */
  timeToBlockExpire: number;
}

/**
 * One statement per counted request: a fixed window of `ttl` ms per (throttler, key); past `limit`
 * hits the key is blocked for `blockDuration` ms, and once the block or the window is over the count
 * starts again. Concurrent requests of one key serialise on its row, so the count is exact across
 * every API instance.
 */
const INCREMENT = `
  insert into auth_rate_limit as r (throttler, key, hits, window_ends, blocked_until)
  values ($1, $2, 1, now() + make_interval(secs => $3::float8 / 1000),
          case when 1 > $4::int then now() + make_interval(secs => $5::float8 / 1000) end)
  on conflict (throttler, key) do update set
    hits = case when r.blocked_until > now() then r.hits
                when r.window_ends <= now() or r.blocked_until <= now() then 1
                else r.hits + 1 end,
    window_ends = case when r.blocked_until > now() then r.window_ends
                       when r.window_ends <= now() or r.blocked_until <= now() then excluded.window_ends
                       else r.window_ends end,
    blocked_until = case when r.blocked_until > now() then r.blocked_until
                         when r.window_ends <= now() or r.blocked_until <= now() then excluded.blocked_until
                         when r.hits + 1 > $4::int then now() + make_interval(secs => $5::float8 / 1000)
                         end
  returning hits,
            greatest(0, extract(epoch from r.window_ends - now()))::float8 as expires_in,
            coalesce(r.blocked_until > now(), false) as blocked,
            greatest(0, extract(epoch from coalesce(r.blocked_until, now()) - now()))::float8 as block_expires_in`;

/** Rows whose window and block are both over: nothing they say matters any more. */
const SWEEP = `delete from auth_rate_limit where window_ends < now() and (blocked_until is null or blocked_until < now())`;

/**
 * @nestjs/throttler storage in PostgreSQL (table `auth_rate_limit`, see the auth migrations), so the
 * per-user mutation limit and the per-address sign-in limit hold across API instances instead of
 * multiplying with them. The throttler's own in-memory storage counts per process. Old rows are
 * swept every `sweepEvery` increments, in the background.
 */
export class PostgresThrottlerStorage implements ThrottlerStorage {
  private increments = 0;

  constructor(
    private readonly pool: Pool,
    private readonly sweepEvery = 1000,
    private readonly onSweepError: (error: unknown) => void = () => undefined,
  ) {}

  async increment(key: string, ttl: number, limit: number, blockDuration: number, throttlerName: string): Promise<RateLimitRecord> {
    if (++this.increments % this.sweepEvery === 0) this.pool.query(SWEEP).catch(this.onSweepError);
    const { rows } = await this.pool.query<{ hits: number; expires_in: number; blocked: boolean; block_expires_in: number }>(INCREMENT, [
      throttlerName,
      key,
      ttl,
      limit,
      blockDuration,
    ]);
    const row = rows[0];
    return {
      totalHits: row.hits,
      timeToExpire: Math.ceil(row.expires_in),
      isBlocked: row.blocked,
      timeToBlockExpire: Math.ceil(row.block_expires_in),
    };
  }
}
