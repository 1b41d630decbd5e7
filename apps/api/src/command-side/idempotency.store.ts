import { createHash } from 'node:crypto';
import type { Pool } from 'pg';
import { v5 as uuidv5 } from 'uuid';
import type { CommandResult } from './command-envelope';

// Namespace for event ids derived from idempotency keys (a fixed random UUID).
const EVENT_ID_NAMESPACE = '0b6f6c3e-4a8e-4d47-9d1c-7a1f3e2b5c90';

export class IdempotencyKeyReusedError extends Error {
  constructor(readonly key: string) {
    super(`The idempotency key "${key}" was already used for a different command`);
    this.name = 'IdempotencyKeyReusedError';
  }
}

/** Stable hash of what a command asks, so a key reused for another request is refused. */
export function requestHash(aggregateId: string, commandType: string, data: unknown): string {
  return createHash('sha256').update(JSON.stringify([aggregateId, commandType, data])).digest('hex');
}

/**
 * Event ids derived from the idempotency key: if a first attempt committed but its result row was
 * never written (crash in between), the retry appends events with the same ids and the event store
 * recognises it as a replay instead of appending twice.
 */
export function eventIdFor(key: string, aggregateId: string, index: number): string {
  return uuidv5(`${aggregateId}:${key}:${index}`, EVENT_ID_NAMESPACE);
}

/** First results of idempotent commands, kept in PostgreSQL so they survive restarts. */
export class IdempotencyStore {
  constructor(private readonly pool: Pool) {}

  /**
   * The stored result of an earlier call with this key, or null. A key belongs to the user who first
   * used it: the same key from another user is refused like a reused key, so nobody can read the
   * result of someone else's command by guessing its key.
   */
  async find(key: string, hash: string, userId: string | null = null): Promise<CommandResult | null> {
    const { rows } = await this.pool.query<{ request_hash: string; result: CommandResult; actor_user_id: string | null }>(
      'select request_hash, result, actor_user_id from command_idempotency where idempotency_key = $1',
      [key],
    );
    if (!rows.length) return null;
    if (rows[0].request_hash !== hash) throw new IdempotencyKeyReusedError(key);
    if (rows[0].actor_user_id !== null && userId !== null && rows[0].actor_user_id !== userId) throw new IdempotencyKeyReusedError(key);
    return { ...rows[0].result, replayed: true };
  }

  async remember(key: string, hash: string, commandType: string, result: CommandResult, userId: string | null): Promise<void> {
    await this.pool.query(
      `insert into command_idempotency (idempotency_key, command_type, aggregate_id, request_hash, result, actor_user_id)
       values ($1, $2, $3, $4, $5, $6) on conflict (idempotency_key) do nothing`,
      [key, commandType, result.aggregateId, hash, JSON.stringify({ ...result, replayed: false }), userId],
    );
  }
}
