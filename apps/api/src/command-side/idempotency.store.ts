import { createHash, randomUUID } from 'node:crypto';
import type { Pool } from 'pg';
import { v5 as uuidv5, validate as isUuid } from 'uuid';
import { DomainError, DomainErrorCode } from '@maillage/domain';
import { wholeNumberSetting } from '@maillage/infra';
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
 * What the event ids of a keyed command derive from: its key and the hash of its request. If a
 * first attempt committed but its result row was never written (crash in between), or the row has
 * since expired, the same request appends events with the same ids and the event store recognises
 * it as a replay instead of appending twice. The request is part of it so that a key used again
 * for another request once its row has expired names other events, instead of being taken for a
 * replay of the first one.
 */
export function eventIdSeed(key: string, hash: string): string {
  return `${key}#${hash}`;
}

/** The id of the `index`-th event a keyed command appends to `aggregateId`'s stream (see eventIdSeed). */
export function eventIdFor(seed: string, aggregateId: string, index: number): string {
  return uuidv5(`${aggregateId}:${seed}:${index}`, EVENT_ID_NAMESPACE);
}

/** How often a request polls for the answer of the same request in flight under its key. */
const IN_FLIGHT_POLL_MS = 25;

/** How long a key's row is kept (MAILLAGE_IDEMPOTENCY_RETENTION_DAYS, default 7 days). */
export function idempotencyRetentionDays(raw: string | undefined): number {
  return wholeNumberSetting('MAILLAGE_IDEMPOTENCY_RETENTION_DAYS', raw, { fallback: 7, unit: 'days', min: 1, max: 3650 });
}

// Namespace for the ids of cooperations created without a client-chosen id (a fixed random UUID).
const NEW_ID_NAMESPACE = '5d2f9a64-1c7b-4e0a-8f3d-b6e2c9174a58';

/**
 * The id of something a command creates, derived from the command's idempotency key: a retry with
 * the same key names the same new cooperation (the key belongs to one user, see `find`).
 * `purpose` separates the ids one command may create (a renewal's successor, say).
 */
export function idFromKey(key: string, purpose: string): string {
  return uuidv5(`${purpose}:${key}`, NEW_ID_NAMESPACE);
}

/** The id of something a command creates without a client-chosen one: from the key if any, else random. */
export function newIdFor(idempotencyKey: string | null | undefined, purpose: string): string {
  return idempotencyKey ? idFromKey(idempotencyKey, purpose) : randomUUID();
}

/**
 * The id of something a command creates (a cooperation, a renewal's successor, an organisation):
 * the caller's, which must be a UUID (VALIDATION_FAILED on `field` otherwise; written in lower
 * case, so that one UUID names one thing whatever its case); else newIdFor's.
 */
export function chosenOrNewId(given: string | null | undefined, idempotencyKey: string | null | undefined, field: string): string {
  if (given !== null && given !== undefined) {
    if (!isUuid(given)) throw new DomainError(DomainErrorCode.VALIDATION_FAILED, { field, reason: 'not a UUID' });
    return given.toLowerCase();
  }
  return newIdFor(idempotencyKey, field);
}

/**
 * Idempotency keys and the first results of their commands, kept in PostgreSQL so they survive
 * restarts. A key is claimed, with the hash of its request, before the command runs: of two
 * concurrent requests with one key and different payloads, the second is refused instead of being
 * answered with the first one's result. A claim without a result is an attempt in flight or
 * interrupted; the same request may run again (its event ids derive from the key and the request,
 * so nothing is appended twice).
 *
 * A key's row lives `retentionDays` from its claim; then the key is free again (`claim` takes an
 * expired row over, `prune` deletes them). An expired key no longer tells a different request
 * apart, but the same request sent again is still recognised by its event ids (see eventIdSeed):
 * its events are not appended twice.
 */
export class IdempotencyStore {
  private readonly retentionSeconds: number;

  /**
   * @param inFlightWaitMs how long a request waits for the answer of the same request in flight
   * under its key before running itself (see claim).
   */
  constructor(
    private readonly pool: Pool,
    retentionDays = idempotencyRetentionDays(undefined),
    private readonly inFlightWaitMs = 1_500,
  ) {
    this.retentionSeconds = retentionDays * 86_400;
  }

  /**
   * Claims the key for this request. Returns the stored result of an earlier call with the same
   * request (also of one in flight, once it has answered), or null when the command is to run (the
   * key is now claimed, or an attempt with the same request was interrupted). A key belongs to the
   * user who first used it: the same key from another user is refused like a reused key, so nobody
   * can read the result of someone else's command by guessing its key.
   */
  async claim(key: string, hash: string, commandType: string, aggregateId: string, userId: string | null = null): Promise<CommandResult | null> {
    // Each turn either claims the key or reads its row; a row given back in between (its request
    // was refused) is claimed again. A few turns at most: give up claiming after that and run, the
    // key-derived event ids still keep the request from being applied twice.
    for (let turn = 0; turn < 5; turn++) {
      // An expired row is taken over as if the key were new.
      const claimed = await this.pool.query(
        `insert into command_idempotency (idempotency_key, command_type, aggregate_id, request_hash, result, actor_user_id)
         values ($1, $2, $3, $4, null, $5)
         on conflict (idempotency_key) do update
           set command_type = excluded.command_type, aggregate_id = excluded.aggregate_id, request_hash = excluded.request_hash,
               result = null, actor_user_id = excluded.actor_user_id, created_at = now()
           where command_idempotency.created_at < now() - make_interval(secs => $6)`,
        [key, commandType, aggregateId, hash, userId, this.retentionSeconds],
      );
      if (claimed.rowCount === 1) return null;
      const { rows } = await this.pool.query<{ request_hash: string; result: CommandResult | null; actor_user_id: string | null }>(
        'select request_hash, result, actor_user_id from command_idempotency where idempotency_key = $1',
        [key],
      );
      if (!rows.length) continue; // released in between (its attempt was refused): claim it again
      if (rows[0].request_hash !== hash) throw new IdempotencyKeyReusedError(key);
      if (rows[0].actor_user_id !== null && userId !== null && rows[0].actor_user_id !== userId) throw new IdempotencyKeyReusedError(key);
      if (rows[0].result) return { ...rows[0].result, replayed: true };
      // The same request in flight (a double submit, a retry sent too soon): its answer, once it has
      // one, is this one's too; an attempt that stays unanswered was interrupted, and this one runs.
      const settled = await this.resultOf(key, hash);
      if (settled === 'released') continue;
      return settled && { ...settled, replayed: true };
    }
    return null;
  }

  /**
   * Waits up to `inFlightWaitMs` for the result of the key's attempt in flight: its result, or
   * 'released' when the attempt was refused and gave the key back, or null when it is still
   * unanswered (interrupted, or slower than the wait).
   */
  private async resultOf(key: string, hash: string): Promise<CommandResult | 'released' | null> {
    const deadline = Date.now() + this.inFlightWaitMs;
    while (Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, IN_FLIGHT_POLL_MS));
      const { rows } = await this.pool.query<{ result: CommandResult | null }>(
        'select result from command_idempotency where idempotency_key = $1 and request_hash = $2',
        [key, hash],
      );
      if (!rows.length) return 'released';
      if (rows[0].result) return rows[0].result;
    }
    return null;
  }

  /** Stores the first result of the key's request (kept if one is stored already). */
  async remember(key: string, hash: string, commandType: string, result: CommandResult, userId: string | null): Promise<void> {
    await this.pool.query(
      `insert into command_idempotency (idempotency_key, command_type, aggregate_id, request_hash, result, actor_user_id)
       values ($1, $2, $3, $4, $5, $6)
       on conflict (idempotency_key) do update set result = excluded.result
       where command_idempotency.result is null and command_idempotency.request_hash = excluded.request_hash`,
      [key, commandType, result.aggregateId, hash, JSON.stringify({ ...result, replayed: false }), userId],
    );
  }

  /**
   * Deletes the rows of expired keys, at most `batch` at a time, until none is left; returns how
   * many went. Each batch is its own statement, so a long backlog never holds a large transaction.
   */
  async prune(batch = 5_000): Promise<number> {
    let total = 0;
    for (;;) {
      const deleted = await this.pool.query(
        `delete from command_idempotency where idempotency_key in (
           select idempotency_key from command_idempotency
            where created_at < now() - make_interval(secs => $1) limit $2 for update skip locked)`,
        [this.retentionSeconds, batch],
      );
      total += deleted.rowCount ?? 0;
      if ((deleted.rowCount ?? 0) < batch) return total;
    }
  }

  /**
   * Gives the key back after its request was refused (nothing was written): the caller may correct
   * the request and send it again with the same key. A stored result is never released.
   */
  async release(key: string, hash: string): Promise<void> {
    await this.pool.query('delete from command_idempotency where idempotency_key = $1 and request_hash = $2 and result is null', [key, hash]);
  }
}
