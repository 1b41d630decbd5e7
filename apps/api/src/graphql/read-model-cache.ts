import { LRUCache } from 'lru-cache';
import type { Pool } from 'pg';

/** Where a computed answer goes: the key, and the version and instant it was looked up at. */
export interface CacheTicket {
  key: string;
  version: string;
  at: number;
  /** Set when other lookups of the same key and version wait for this computation (see `lookupShared`). */
  flight?: Flight;
}

/** One answer being computed, that lookups of the same key and version wait for. */
interface Flight {
  version: string;
  at: number;
  /** The answer, or undefined when the computation kept nothing (it failed or gave errors). */
  answer: Promise<unknown>;
  settle(value: unknown): void;
}

/** What `lookup` found: the answer, an answer another request is computing, or nothing (compute it). */
export type CacheLookup<T> =
  | { hit: true; value: T }
  | { hit: false; inFlight: Promise<T | undefined> }
  | { hit: false; ticket: CacheTicket; inFlight?: undefined };

/** Nest injection token of the process's one ReadModelCache. */
export const READ_MODEL_CACHE = Symbol('READ_MODEL_CACHE');

const REQUEST_VERSION = Symbol('readModelVersion');

/**
 * The read models' version for one request (its GraphQL context): read once, after the request
 * arrived, and shared by every cache the request goes through (whole answer, dashboard,
 * organisation directory). Without a context, a fresh read.
 */
export function requestVersion(cache: ReadModelCache, context?: object): Promise<string> {
  if (!context) return cache.version();
  const memo = context as { [REQUEST_VERSION]?: Promise<string> };
  return (memo[REQUEST_VERSION] ??= cache.version());
}

/**
 * Answers computed from the read models, kept until the read models change.
 *
 * Every write to a read-model table commits together with its projection's checkpoint row: a live
 * batch (or a dead-letter retry) adds the events it applied to `events_applied`, a rebuild's swap
 * sets `rebuilt_at`. So those two columns of the projections behind an answer are its version: an
 * answer computed at one version is exactly what the same query returns while that version holds.
 * A dashboard requested 50 times a second is then computed once per projection batch.
 *
 * Freshness: the version is read from the database after the request arrived (requests that
 * arrive while a version read is under way share the next one), so an answer is never older than
 * the read models were when its request came in, whichever process runs the projectors. Answers
 * that depend on the clock ("now": stalled windows, the default asOf) are kept at most `nowMaxAgeMs`
 * on top of that. One request reads the version once, whatever number of caches it uses
 * (`requestVersion`).
 */
export class ReadModelCache {
  private readonly entries: LRUCache<string, { version: string; at: number; value: unknown }>;
  private reading: Promise<string> | null = null;
  private queued: Promise<string> | null = null;
  /** Version reads made (for tests and diagnostics). */
  versionReads = 0;
  /** Answers computed (cache misses of `get`). */
  computed = 0;
  /** Lookups answered from the cache, and lookups that were not (any caller: `get` or `lookup`). */
  hits = 0;
  misses = 0;
  /** Lookups that waited for the same answer being computed for another request. */
  shared = 0;
  /**
   * Answers being computed, apart from `entries` on purpose: a completed answer stays the entry of
   * its version while the next version's is computed, so requests that read the version just
   * before it moved still hit. Keeping the pending answer as the entry instead (as `get` keeps its
   * promise) was measured slower under bench:api (566-581 commands/s and 862-884 queries/s against
   * 627-653 and 961-1,011 back to back): around each version change the requests of the two
   * versions kept replacing each other's entry and computing again.
   */
  private readonly flights = new Map<string, Flight>();

  constructor(
    private readonly pool: Pool,
    private readonly projections: readonly string[],
    private readonly options: { maxEntries?: number; nowMaxAgeMs?: number; flightTimeoutMs?: number; clock?: () => number } = {},
  ) {
    this.entries = new LRUCache({ max: options.maxEntries ?? 500 });
  }

  /**
   * The cached answer for `key` at the current version, else `compute()` (shared by concurrent
   * callers of the same key and version). `clockDependent`: the answer also depends on the time
   * of day (kept at most `nowMaxAgeMs`). A failed computation is not kept. `context`: the
   * request's, so that it reads the version once (see requestVersion).
   */
  async get<T>(key: string, compute: () => Promise<T>, clockDependent: boolean, context?: object): Promise<T> {
    const found = await this.lookup<Promise<T>>(key, clockDependent, context);
    if (found.hit) return found.value;
    this.computed++;
    const value = compute();
    this.remember(found.ticket, value);
    value.catch(() => this.forget(found.ticket));
    return value;
  }

  /**
   * Reads the version (after the call) and looks `key` up. On a miss, the ticket lets the caller
   * `remember` what it computes under the version it read.
   */
  async lookup<T>(
    key: string,
    clockDependent: boolean,
    context?: object,
  ): Promise<{ hit: true; value: T } | { hit: false; ticket: CacheTicket }> {
    const version = await requestVersion(this, context);
    const now = (this.options.clock ?? Date.now)();
    const entry = this.entries.get(key);
    if (entry && entry.version === version && (!clockDependent || now - entry.at <= this.nowMaxAgeMs)) {
      this.hits++;
      return { hit: true, value: entry.value as T };
    }
    this.misses++;
    return { hit: false, ticket: { key, version, at: now } };
  }

  /**
   * `lookup`, where a miss of a key whose answer another request is computing at the same version
   * (within the same age limit) gets that computation (`inFlight`) instead of a ticket: a version
   * change under load then costs one computation per key, not one per request waiting (single
   * flight). A ticket from here must end in `remember` or `release`; a computation that ends in
   * neither is not waited for after `flightTimeoutMs`.
   */
  async lookupShared<T>(key: string, clockDependent: boolean, context?: object): Promise<CacheLookup<T>> {
    const found = await this.lookup<T>(key, clockDependent, context);
    if (found.hit) return found;
    const { version, at } = found.ticket;
    const flight = this.flights.get(key);
    if (
      flight &&
      flight.version === version &&
      at - flight.at <= this.flightTimeoutMs &&
      (!clockDependent || at - flight.at <= this.nowMaxAgeMs)
    ) {
      this.shared++;
      return { hit: false, inFlight: flight.answer as Promise<T | undefined> };
    }
    let settle!: (value: unknown) => void;
    const answer = new Promise<unknown>((resolve) => (settle = resolve));
    const started: Flight = { version, at, answer, settle };
    this.flights.set(key, started);
    return { hit: false, ticket: { ...found.ticket, flight: started } };
  }

  /** Keeps an answer computed after a miss, under the version and instant of its lookup. */
  remember(ticket: CacheTicket, value: unknown): void {
    this.entries.set(ticket.key, { version: ticket.version, at: ticket.at, value });
    this.land(ticket, value);
  }

  /** A computation that keeps nothing (it failed): the requests waiting for it compute their own. */
  release(ticket: CacheTicket): void {
    this.land(ticket, undefined);
  }

  private land(ticket: CacheTicket, value: unknown): void {
    const flight = ticket.flight;
    if (!flight) return;
    if (this.flights.get(ticket.key) === flight) this.flights.delete(ticket.key);
    flight.settle(value);
  }

  private get nowMaxAgeMs(): number {
    return this.options.nowMaxAgeMs ?? 1000;
  }

  private get flightTimeoutMs(): number {
    return this.options.flightTimeoutMs ?? 10_000;
  }

  private forget(ticket: CacheTicket): void {
    const entry = this.entries.get(ticket.key);
    if (entry && entry.version === ticket.version && entry.at === ticket.at) this.entries.delete(ticket.key);
  }

  /** One projection's part of a version (`name@events@rebuilt`), or '' when it has no checkpoint row. */
  static versionOf(version: string, projection: string): string {
    return version.split(',').find((part) => part.startsWith(`${projection}@`)) ?? '';
  }

  /** The projections' checkpoints, read after the call (one read in flight; later callers share the next). */
  version(): Promise<string> {
    if (!this.reading) {
      this.reading = this.readVersion().finally(() => {
        this.reading = null;
      });
      return this.reading;
    }
    this.queued ??= this.reading
      .catch(() => undefined)
      .then(() => {
        this.queued = null;
        return this.version();
      });
    return this.queued;
  }

  private async readVersion(): Promise<string> {
    this.versionReads++;
    // events_applied moves only when a batch applied events of the projection's types (a batch of
    // other events still moves the position, but not the tables); rebuilt_at moves with every swap.
    const { rows } = await this.pool.query<{ v: string | null }>(
      `select string_agg(name || '@' || events_applied || '@' || coalesce((extract(epoch from rebuilt_at) * 1000000)::bigint::text, ''), ',' order by name) as v
         from projection_checkpoints where name = any($1::text[])`,
      [this.projections],
    );
    return rows[0]?.v ?? '';
  }
}
