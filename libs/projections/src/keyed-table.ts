import { LRUCache } from 'lru-cache';
import type { PoolClient } from 'pg';
import type { RecordedEvent } from '@maillage/event-store';
import type { Projection, ProjectionContext, RebuildSession } from './projection';
import { copyRows } from './copy';
import { assertIdentifier, assertTableName } from './sql';

export type KeyValue = string | number | boolean;
/** A row key: one value for a one-column primary key, else the values in `primaryKey` order. */
export type Key = KeyValue | readonly KeyValue[];

/**
 * Rows are JSON-shaped: they are loaded with `to_jsonb(row)` and written through
 * `jsonb_to_recordset`, so `evolve` sees and returns plain JSON values (timestamps as ISO strings,
 * bigint and numeric as numbers, jsonb as objects, arrays as arrays).
 */
export interface KeyedTableOptions<Row extends object> {
  /** Read-model table (created by a migration), e.g. `cooperation_summary`. */
  table: string;
  primaryKey: readonly (keyof Row & string)[];
  /** Columns this table writes (primary key included); others keep their defaults on insert. */
  columns: readonly (keyof Row & string)[];
  /** Only these event types reach keysOf/evolve (default: every event). */
  eventTypes?: readonly string[];
  /** Rows an event touches (none: it does not concern this table). */
  keysOf(event: RecordedEvent): readonly Key[];
  /**
   * Pure fold: the row's next state after the event, or null to delete it. Primary-key columns
   * left undefined are filled from `key`.
   */
  evolve(row: Row | null, event: RecordedEvent, key: readonly KeyValue[]): Row | null;
  /**
   * Columns derived from the folded ones (pure, idempotent: finalize(finalize(r)) = finalize(r)),
   * computed once per written row instead of after every event: per batch live, once at flush
   * time during a rebuild. `evolve` may leave them stale; only finalized rows are written.
   */
  finalize?(row: Row): Row;
  /**
   * During a rebuild (nobody else writes the shadow table) rows stay in memory between batches and
   * are written in bulk: every `flushRows` changed rows (to the shadow) and in the swap transaction
   * (straight to the live table). Past `maxRows` cached rows the cache is written and dropped (later
   * misses are loaded again). Defaults: 1,000,000 each. false: write per batch.
   */
  rebuildCache?: { maxRows?: number; flushRows?: number } | false;
  /**
   * Live, rows this table wrote stay in memory between batches while the runner's chain of commits
   * is unbroken (see LiveSession), up to `maxRows` (the least recently touched leave first): a
   * batch loads only the rows it does not hold. Default 2,000 rows: a summary row holds its folded
   * domain state, and the 2,000 largest of the bench's database take ~100 MB of heap (2,000 random
   * ones ~20 MB). false: load every touched row.
   */
  liveCache?: { maxRows?: number } | false;
  /**
   * During a rebuild: runs after each bulk write of this table's rows to its shadow (rows of
   * complete streams written during the fold, and the deferred flush), on the same connection and
   * in order, with the finalized rows written and the keys deleted. Tables derived from these rows
   * are written here, so they are built along with them instead of all at the end. Live batches
   * do not call it.
   */
  rebuildAfterWrite?(ctx: ProjectionContext, written: readonly Row[], deleted: readonly KeyValue[][]): Promise<void>;
}

export interface KeyedTable<Row extends object> {
  readonly table: string;
  readonly options: KeyedTableOptions<Row>;
  /** Applies a batch: one select of the touched rows, an in-memory fold, one upsert, one delete. */
  applyBatch(events: readonly RecordedEvent[], ctx: ProjectionContext): Promise<KeyedTableStats>;
  /**
   * During a rebuild: writes the rows kept in memory now (e.g. before a set-based step that reads
   * the table). Outside a rebuild, or with nothing pending, it does nothing.
   */
  flush(ctx: ProjectionContext): Promise<void>;
}

export interface KeyedTableStats {
  loaded: number;
  upserted: number;
  deleted: number;
}

interface Touched<Row> {
  key: KeyValue[];
  events: RecordedEvent[];
  initial: Row | null;
}

export interface FoldResult<Row> {
  upserts: Row[];
  deletes: KeyValue[][];
  /** Each touched row after the batch, in the order given (null: absent), finalized. */
  rows: (Row | null)[];
}

function normaliseKey(key: Key, width: number, table: string): KeyValue[] {
  if (width === 1 && (typeof key === 'string' || typeof key === 'number')) return [key]; // the common case
  const values = Array.isArray(key) ? [...(key as readonly KeyValue[])] : [key as KeyValue];
  if (values.length !== width || values.some((v) => v === null || v === undefined)) {
    throw new Error(`keysOf for ${table} returned ${JSON.stringify(key)}: expected ${width} non-null value(s)`);
  }
  return values;
}

/**
 * A key's identity in a Map: text and number values tagged and joined by U+0001 (cheaper than
 * JSON, which stays the fallback for anything else, e.g. a text containing U+0001).
 */
function keyId(key: readonly KeyValue[]): string {
  let id = '';
  for (let i = 0; i < key.length; i++) {
    const v = key[i];
    if (typeof v === 'string' && v.indexOf('\u0001') < 0) id += i ? `\u0001s${v}` : `s${v}`;
    else if (typeof v === 'number') id += i ? `\u0001n${v}` : `n${v}`;
    else return `j${JSON.stringify(key)}`;
  }
  return id;
}

/** Groups a batch's events by the row they touch, keeping global order within each row. */
export function collectKeys<Row extends object>(
  options: KeyedTableOptions<Row>,
  events: readonly RecordedEvent[],
): Map<string, Touched<Row>> {
  const types = options.eventTypes ? new Set(options.eventTypes) : null;
  const touched = new Map<string, Touched<Row>>();
  for (const event of events) {
    if (types && !types.has(event.type)) continue;
    const keys = options.keysOf(event);
    for (const raw of keys) {
      const key = normaliseKey(raw, options.primaryKey.length, options.table);
      const id = keyId(key);
      let entry = touched.get(id);
      if (!entry) touched.set(id, (entry = { key, events: [], initial: null }));
      // An event naming the same row twice still applies to it once.
      if (entry.events[entry.events.length - 1] !== event) entry.events.push(event);
    }
  }
  return touched;
}

function pick<Row extends object>(row: Row, columns: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const c of columns) {
    const v = (row as Record<string, unknown>)[c];
    out[c] = v === undefined ? null : v;
  }
  return out;
}

/**
 * Whether two rows would be written alike (their columns' JSON, undefined counting as null). Plain
 * values are compared first: a changed row nearly always differs in one (a version, an instant),
 * and then its large JSON columns (a summary's folded state) are not serialised at all. Two plain
 * values that differ but serialise alike (NaN and null) count as different: the row is written
 * again, which is harmless; rows called alike always serialise alike.
 */
export function sameColumns(a: object, b: object, columns: readonly string[]): boolean {
  const x = a as Record<string, unknown>;
  const y = b as Record<string, unknown>;
  let objects = false;
  for (const c of columns) {
    const u = x[c] ?? null;
    const v = y[c] ?? null;
    if (u === v) continue;
    if (typeof u !== 'object' || typeof v !== 'object' || u === null || v === null) return false;
    objects = true;
  }
  if (!objects) return true;
  for (const c of columns) {
    const u = x[c] ?? null;
    const v = y[c] ?? null;
    if (u !== v && typeof u === 'object' && JSON.stringify(u) !== JSON.stringify(v)) return false;
  }
  return true;
}

function foldEntry<Row extends object>(options: KeyedTableOptions<Row>, entry: Touched<Row>): Row | null {
  let row = entry.initial;
  for (const event of entry.events) {
    row = options.evolve(row, event, entry.key);
    if (row) {
      options.primaryKey.forEach((column, i) => {
        if ((row as Record<string, unknown>)[column] === undefined) {
          row = { ...row, [column]: entry.key[i] } as Row;
        }
      });
    }
  }
  return row;
}

/** The pure part: folds each touched row and says what to write. Unchanged rows are not written. */
export function foldTouched<Row extends object>(
  options: KeyedTableOptions<Row>,
  touched: Iterable<Touched<Row>>,
): FoldResult<Row> {
  const upserts: Row[] = [];
  const deletes: KeyValue[][] = [];
  const rows: (Row | null)[] = [];
  for (const entry of touched) {
    const folded = foldEntry(options, entry);
    const row = folded && options.finalize ? options.finalize(folded) : folded;
    rows.push(row);
    if (row === null) {
      if (entry.initial !== null) deletes.push(entry.key);
      continue;
    }
    if (entry.initial !== null && sameColumns(row, entry.initial, options.columns)) continue;
    upserts.push(row);
  }
  return { upserts, deletes, rows };
}

// Column types per (database, table): read once per process (migrations run before the runner).
const columnTypeCache = new Map<string, Map<string, string>>();

async function columnTypes(client: PoolClient, table: string): Promise<Map<string, string>> {
  const cacheKey = `${client.database ?? ''}|${table}`;
  const cached = columnTypeCache.get(cacheKey);
  if (cached) return cached;
  const { rows } = await client.query<{ name: string; type: string }>(
    `select attname as name, format_type(atttypid, atttypmod) as type
       from pg_attribute where attrelid = $1::regclass and attnum > 0 and not attisdropped`,
    [table],
  );
  if (!rows.length) throw new Error(`Table ${table} not found`);
  const types = new Map(rows.map((r) => [r.name, r.type]));
  columnTypeCache.set(cacheKey, types);
  return types;
}

/** A rebuild session that can tell complete streams (its store reports stream versions). */
type EarlyWriting = RebuildSession & { streamComplete: (streamId: string) => boolean };

/** The types of `columns`, in order (format_type text). */
function typesOf(columns: readonly string[], types: Map<string, string>, table: string): string[] {
  return columns.map((c) => {
    const type = types.get(c);
    if (!type) throw new Error(`Column ${c} not found in ${table}`);
    return type;
  });
}

function definition(columns: readonly string[], types: Map<string, string>, table: string): string {
  const list = typesOf(columns, types, table);
  return columns.map((c, i) => `"${c}" ${list[i]}`).join(', ');
}

/**
 * A read-model table folded row by row with a pure `evolve`, written in bulk. Per batch: one
 * select of every touched row, the fold in memory, one multi-row upsert
 * (`insert ... select from jsonb_to_recordset ... on conflict do update`) and one delete.
 */
export function keyedTable<Row extends object>(options: KeyedTableOptions<Row>): KeyedTable<Row> {
  assertTableName(options.table);
  if (!options.primaryKey.length) throw new Error(`${options.table}: primaryKey is empty`);
  for (const c of [...options.primaryKey, ...options.columns]) assertIdentifier(c, 'Column');
  for (const c of options.primaryKey) {
    if (!options.columns.includes(c)) throw new Error(`${options.table}: columns must include key column ${c}`);
  }
  const pk = options.primaryKey as readonly string[];
  const columns = options.columns as readonly string[];
  const nonKey = columns.filter((c) => !pk.includes(c));
  const quotedColumns = columns.map((c) => `"${c}"`).join(', ');
  const keyMatch = pk.map((c) => `t."${c}" = k."${c}"`).join(' and ');
  const conflict = pk.map((c) => `"${c}"`).join(', ');
  const onConflict = nonKey.length
    ? `do update set ${nonKey.map((c) => `"${c}" = excluded."${c}"`).join(', ')}`
    : 'do nothing';

  const cacheOptions = options.rebuildCache === false ? null : { maxRows: 1_000_000, flushRows: 1_000_000, ...options.rebuildCache };
  const liveMaxRows = options.liveCache === false ? 0 : (options.liveCache?.maxRows ?? 2_000);

  /** Rows as the live table holds them (`row` null: known absent), by key id. */
  function keptRows(ctx: ProjectionContext): LRUCache<string, { row: Row | null }> | null {
    if (ctx.rebuilding || !ctx.live || liveMaxRows <= 0) return null;
    let kept = ctx.live.state.get(handle) as LRUCache<string, { row: Row | null }> | undefined;
    if (!kept) ctx.live.state.set(handle, (kept = new LRUCache({ max: liveMaxRows })));
    return kept;
  }

  async function load(ctx: ProjectionContext, table: string, keyDef: string, entries: Touched<Row>[]): Promise<number> {
    const keysJson = JSON.stringify(
      entries.map((e, i) => {
        const k: Record<string, unknown> = { _i: i };
        pk.forEach((c, j) => (k[c] = e.key[j]));
        return k;
      }),
    );
    const loaded = await ctx.client.query<{ i: number; r: Row }>(
      `select k._i as i, to_jsonb(t) as r
         from jsonb_to_recordset($1::jsonb) as k(_i integer, ${keyDef})
         join ${table} t on ${keyMatch}`,
      [keysJson],
    );
    for (const { i, r } of loaded.rows) entries[i].initial = r;
    return loaded.rows.length;
  }

  async function write(
    ctx: ProjectionContext,
    table: string,
    types: Map<string, string>,
    upserts: readonly Row[],
    deletes: readonly KeyValue[][],
  ): Promise<void> {
    if (upserts.length) {
      await ctx.client.query(
        `insert into ${table} (${quotedColumns})
         select ${quotedColumns} from jsonb_to_recordset($1::jsonb) as r(${definition(columns, types, table)})
         on conflict (${conflict}) ${onConflict}`,
        [JSON.stringify(upserts.map((row) => pick(row, columns)))],
      );
    }
    if (deletes.length) {
      await ctx.client.query(
        `delete from ${table} t using jsonb_to_recordset($1::jsonb) as k(${definition(pk, types, table)}) where ${keyMatch}`,
        [
          JSON.stringify(
            deletes.map((key) => {
              const k: Record<string, unknown> = {};
              pk.forEach((c, j) => (k[c] = key[j]));
              return k;
            }),
          ),
        ],
      );
    }
  }

  interface CacheState {
    /**
     * Rows in memory. `stream` is the one stream whose events touched the row, or null once events
     * of several streams did (such rows stay in memory: other streams may touch them again).
     */
    rows: Map<string, { key: KeyValue[]; row: Row | null; stream: string | null }>;
    dirty: Set<string>;
    /**
     * Keys that may have a row in the shadow table (written, or loaded). A key missing from `rows`
     * is loaded from the shadow when it is here (its row was dropped from memory), else it is new.
     */
    stored: Set<string>;
    /** The last write queued on the rebuild's writer connection (settled: never rejects). */
    pending: Promise<void>;
    /** Dirty rows by the stream that last touched them, until that stream is complete. */
    waiting: Map<string, string[]>;
    /** Dirty rows of complete streams, written once there are `session.earlyWriteRows`. */
    ready: string[];
  }

  function cacheOf(ctx: ProjectionContext): CacheState | null {
    if (!ctx.rebuilding || !ctx.session || !cacheOptions) return null;
    const session = ctx.session;
    let state = session.state.get(handle) as CacheState | undefined;
    if (!state) {
      const created: CacheState = { rows: new Map(), dirty: new Set(), stored: new Set(), pending: Promise.resolve(), waiting: new Map(), ready: [] };
      state = created;
      session.state.set(handle, created);
      session.beforeSwap(handle, async (flushCtx) => {
        const t = flushCtx.table(options.table);
        await flushDirty(flushCtx, t, await columnTypes(flushCtx.client, t), created);
      });
    }
    return state;
  }

  const handle: KeyedTable<Row> = {
    table: options.table,
    options,
    async applyBatch(events, ctx) {
      const touched = collectKeys(options, events);
      if (touched.size === 0) return { loaded: 0, upserted: 0, deleted: 0 };
      const table = ctx.table(options.table);
      const types = await columnTypes(ctx.client, table);
      const keyDef = definition(pk, types, table);

      const state = cacheOf(ctx);
      if (state && cacheOptions) {
        // Rows are written during the fold only when the rebuild knows which streams are complete.
        const early = ctx.session?.streamComplete ? (ctx.session as EarlyWriting) : null;
        let loaded = 0;
        const misses: Touched<Row>[] = [];
        for (const [id, entry] of touched) if (state.stored.has(id) && !state.rows.has(id)) misses.push(entry);
        if (misses.length) {
          await state.pending; // the row may still be on its way to the shadow
          loaded = await load(ctx, table, keyDef, misses);
        }
        for (const [id, entry] of touched) {
          const cached = state.rows.get(id);
          if (cached) entry.initial = cached.row;
          const stream = entry.events[entry.events.length - 1].streamId;
          let only: string | null = cached ? cached.stream : stream;
          for (const event of entry.events) if (event.streamId !== only) only = null;
          state.rows.set(id, { key: entry.key, row: foldEntry(options, entry), stream: only });
          state.dirty.add(id);
          if (!early) continue;
          const waiting = state.waiting.get(stream);
          if (waiting) waiting.push(id);
          else state.waiting.set(stream, [id]);
        }
        if (early) writeCompleteRows(early, state);
        let written = 0;
        if (state.dirty.size >= cacheOptions.flushRows || state.rows.size > cacheOptions.maxRows) {
          written = await flushDirty(ctx, table, types, state);
          if (state.rows.size > cacheOptions.maxRows) state.rows.clear(); // reloaded from the shadow when touched
        }
        // A rebuild folds whole batches without I/O in between: let the event loop run, so the rows
        // queued on the writer connection keep flowing to PostgreSQL while the fold goes on.
        await new Promise<void>((resolve) => setImmediate(resolve));
        return { loaded, upserted: written, deleted: 0 };
      }

      const entries = [...touched.values()];
      const kept = keptRows(ctx);
      let loaded: number;
      if (kept) {
        const misses: Touched<Row>[] = [];
        for (const [id, entry] of touched) {
          const held = kept.get(id);
          if (held === undefined) misses.push(entry);
          else entry.initial = held.row;
        }
        loaded = misses.length ? await load(ctx, table, keyDef, misses) : 0;
      } else {
        loaded = await load(ctx, table, keyDef, entries);
      }
      const { upserts, deletes, rows } = foldTouched(options, entries);
      await write(ctx, table, types, upserts, deletes);
      if (kept) {
        // What the table holds once this batch commits (if it does not, the runner drops `kept`).
        let i = 0;
        for (const id of touched.keys()) kept.set(id, { row: rows[i++] });
      }
      if (ctx.rebuilding && options.rebuildAfterWrite && (upserts.length || deletes.length)) {
        await options.rebuildAfterWrite(ctx, upserts, deletes); // a rebuild without the row cache
      }
      return { loaded, upserted: upserts.length, deleted: deletes.length };
    },
    async flush(ctx) {
      const state = ctx.rebuilding && ctx.session ? (ctx.session.state.get(handle) as CacheState | undefined) : undefined;
      if (!state || !state.dirty.size) return;
      const table = ctx.table(options.table);
      await flushDirty(ctx, table, await columnTypes(ctx.client, table), state);
    },
  };

  const finalize = (row: Row): Row => (options.finalize ? options.finalize(row) : row);

  /**
   * A rebuild's bulk write to the shadow: new rows (finalized on the way) inserted with COPY (see
   * copy.ts), rows the shadow may hold upserted, deleted keys deleted; then rebuildAfterWrite.
   */
  async function writeShadow(
    ctx: ProjectionContext,
    table: string,
    types: Map<string, string>,
    inserts: readonly Row[],
    upserts: readonly Row[],
    deletes: readonly KeyValue[][],
  ): Promise<void> {
    const inserted = inserts.map(finalize);
    const upserted = upserts.map(finalize);
    await copyRows(ctx.client, table, columns, typesOf(columns, types, table), inserted);
    await write(ctx, table, types, upserted, deletes);
    if (options.rebuildAfterWrite && (inserted.length || upserted.length || deletes.length)) {
      await options.rebuildAfterWrite(ctx, inserted.concat(upserted), deletes);
    }
  }

  /**
   * During a rebuild, once `session.earlyWriteRows` dirty rows belong to complete streams (their last event is
   * folded, see RebuildSession.streamComplete), they are queued for writing on the rebuild's writer
   * connection, so PostgreSQL writes them while the next batches are folded instead of all at the
   * end. A row whose stream grows meanwhile becomes dirty again and is upserted by the deferred
   * flush; deleted rows are left to it.
   */
  function writeCompleteRows(session: EarlyWriting, state: CacheState): void {
    for (const [stream, ids] of state.waiting) {
      if (!session.streamComplete(stream)) continue;
      state.waiting.delete(stream);
      for (const id of ids) state.ready.push(id);
    }
    if (state.ready.length < session.earlyWriteRows) return;
    const inserts: Row[] = [];
    const upserts: Row[] = [];
    for (const id of state.ready) {
      if (!state.dirty.has(id)) continue; // listed twice, or written since
      const { row, stream } = state.rows.get(id)!;
      if (row === null) continue; // a delete: left to the deferred flush
      (state.stored.has(id) ? upserts : inserts).push(row);
      state.stored.add(id);
      state.dirty.delete(id);
      // Only its (complete) stream touched it: it is not expected again, so it leaves memory (a
      // stream that grows meanwhile has it loaded back from the shadow).
      if (stream !== null) state.rows.delete(id);
    }
    state.ready = [];
    // The writer runs queued work in order, so this follows the table's earlier writes.
    state.pending = session
      .background(async (ctx) => {
        const table = ctx.table(options.table);
        const types = await columnTypes(ctx.client, table);
        await writeShadow(ctx, table, types, inserts, upserts, []);
      })
      .catch(() => undefined); // the runner raises the writer's failure
  }

  /**
   * Writes the dirty cached rows: plain multi-row inserts for rows the shadow table has never held
   * (no conflict check), upserts and deletes for the others.
   */
  async function flushDirty(ctx: ProjectionContext, table: string, types: Map<string, string>, state: CacheState): Promise<number> {
    await state.pending; // after the rows queued in the background, never alongside them
    const inserts: Row[] = [];
    const upserts: Row[] = [];
    const deletes: KeyValue[][] = [];
    for (const id of state.dirty) {
      const entry = state.rows.get(id)!;
      const stored = state.stored.has(id);
      if (entry.row === null) {
        if (stored) deletes.push(entry.key);
        state.stored.delete(id);
        continue;
      }
      (stored ? upserts : inserts).push(entry.row);
      state.stored.add(id);
    }
    await writeShadow(ctx, table, types, inserts, upserts, deletes);
    state.dirty.clear();
    state.waiting.clear();
    state.ready = [];
    return inserts.length + upserts.length + deletes.length;
  }

  return handle;
}

/** A projection made of keyed tables, applied one after the other in the same transaction. */
export function keyedProjection(options: {
  name: string;
  tables: readonly KeyedTable<object>[];
  eventTypes?: readonly string[];
}): Projection {
  const eventTypes =
    options.eventTypes ??
    (options.tables.every((t) => t.options.eventTypes)
      ? [...new Set(options.tables.flatMap((t) => t.options.eventTypes ?? []))]
      : undefined);
  return {
    name: options.name,
    tables: options.tables.map((t) => t.table),
    eventTypes,
    async applyBatch(events, ctx) {
      for (const table of options.tables) await table.applyBatch(events, ctx);
    },
  };
}
