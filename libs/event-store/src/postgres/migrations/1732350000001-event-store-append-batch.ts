import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `event_store.append_batch(jsonb)` runs N independent appends in one transaction: one round trip,
 * one WAL flush, and a constant number of statements per batch (not per append) on the hot path.
 * Each append has its own expected-version check and its own outcome; a conflict in one never
 * fails the others.
 *
 * Input: `[{"s": stream, "x": expected, "ev": [{"id","type","sv","data","actor","occ","corr","caus"}]}]`
 * where expected is a version number (>= 0), or -1 NO_STREAM, -2 STREAM_EXISTS, -3 ANY.
 *
 * Output, one row per input append (`idx` is its 0-based position in the input):
 * - `ok`: appended; `version` is the stream version after it, `position` its last event's position.
 * - `replay`: every event id already sits in this stream, in this order (a retry): nothing is
 *   written and the original result is returned.
 * - `conflict`: wrong expected version; `version` is the actual version.
 * - `duplicate`: some event id belongs to other events; nothing of this append is written.
 * A stream exists iff it has events; its version is its event count.
 *
 * How it stays safe with concurrent batches on other connections:
 * 1. Every stream of the batch is locked with a transaction-scoped advisory lock on
 *    (ADVISORY_CLASS, hashtext(stream)), taken in ascending hash order. Every batch takes its locks
 *    in that same global order, so batches cannot deadlock on each other; a hash collision only
 *    makes two streams share a lock. PostgreSQL releases locks after the commit is visible, and
 *    under READ COMMITTED each later statement sees what committed before it started, so the
 *    version read next (max stream_version, an index-only probe) is the committed one. No row is
 *    written to check a version. Writers bypassing this function still hit unique
 *    (stream_id, stream_version).
 *    The transaction id is assigned only after these locks (the function refuses to run in a
 *    transaction that already wrote), so for each stream a later version always carries a larger
 *    transaction id: readAll's global order never contradicts a stream's own order.
 * 2. Appends are then decided in (stream id, input order), in memory: two appends to one stream in
 *    one batch apply in input order, the second seeing the first's version.
 * 3. The replay lookup (only for a mismatch or STREAM_EXISTS/ANY) runs after the lock, so a retry
 *    racing its original waits for it and then sees its events; a retry inside the same batch is
 *    matched against the appends decided before it.
 * 4. One insert writes every accepted event with `on conflict do nothing`. Unique (stream_id,
 *    stream_version) cannot fire (we hold the stream locks); unique event_id can, if an id is
 *    reused by another stream. With a single accepted append its rows are deleted again (never
 *    visible to anyone) and it is reported `duplicate`; with several, the function raises
 *    SQLSTATE 'ES001' and the whole transaction rolls back; the client then replays each append
 *    on its own, so only the culprit fails.
 * 5. One `pg_notify` per batch; PostgreSQL delivers it at commit, never for a rolled-back batch.
 */
/** First key of the two-key advisory locks on streams (ASCII "MLGE"); the second is hashtext(stream). */
export const ADVISORY_CLASS = 0x4d4c4745;

export class EventStoreAppendBatch1732350000001 implements MigrationInterface {
  name = 'EventStoreAppendBatch1732350000001';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
create function event_store.append_batch(p_appends jsonb)
returns table (idx integer, status text, version bigint, "position" text)
language plpgsql
set plan_cache_mode = force_generic_plan
as $fn$
#variable_conflict use_column
declare
  v_xid xid8;
  v_locked jsonb;
  v_hash integer;
  a record;
  v_stream text := null;
  v_current bigint;
  v_count integer;
  v_mismatch boolean;
  v_key jsonb;
  v_match record;
  v_found integer;
  -- appends accepted earlier in this batch for the current stream (for in-batch retries)
  v_stream_evs jsonb[];
  v_stream_versions bigint[];
  -- outcomes, in processing order
  o_idx integer[] := '{}';
  o_status text[] := '{}';
  o_version bigint[] := '{}';
  o_position text[] := '{}';
  -- accepted appends, to insert
  i_stream text[] := '{}';
  i_base bigint[] := '{}';
  i_events jsonb[] := '{}';
  i_rows integer := 0;
  v_inserted integer := 0;
  v_positions jsonb := '{}';
begin
  if pg_current_xact_id_if_assigned() is not null then
    raise exception 'event_store.append_batch must be the first write of its transaction'
      using errcode = 'ES002';
  end if;

  -- 1. Lock every stream of the batch in one global order, then read the versions.
  for v_hash in
    select distinct hashtext(e.j ->> 's') from jsonb_array_elements(p_appends) as e(j) order by 1
  loop
    perform pg_advisory_xact_lock(${ADVISORY_CLASS}, v_hash);
  end loop;
  -- The transaction id is taken only now, after the stream locks: every earlier writer of these
  -- streams got its id while holding the lock, so ours is larger, and readAll's (transaction id,
  -- position) order agrees with each stream's version order. Hence the check above.
  v_xid := pg_current_xact_id();
  select jsonb_object_agg(t.s, coalesce((select max(ev.stream_version) from event_store.events ev
                                          where ev.stream_id = t.s), 0))
    into v_locked
    from (select distinct e.j ->> 's' as s from jsonb_array_elements(p_appends) as e(j)) t;

  -- 2. Decide each append in (stream, input order).
  for a in
    select (e.ord - 1)::integer as i, e.j ->> 's' as s, (e.j ->> 'x')::bigint as x, e.j -> 'ev' as ev
      from jsonb_array_elements(p_appends) with ordinality as e(j, ord)
     order by e.j ->> 's' collate "C", e.ord
  loop
    if v_stream is distinct from a.s then
      v_stream := a.s;
      v_current := (v_locked ->> a.s)::bigint;
      v_stream_evs := '{}';
      v_stream_versions := '{}';
    end if;

    v_count := jsonb_array_length(a.ev);
    v_mismatch := (a.x >= 0 and v_current <> a.x)
                  or (a.x = -1 and v_current <> 0)
                  or (a.x = -2 and v_current = 0);
    o_idx := o_idx || a.i;

    -- Exact expectations that match cannot be retries (a committed original would have moved the
    -- version on), so only mismatches and STREAM_EXISTS/ANY pay for the replay checks.
    if v_mismatch or a.x in (-2, -3) then
      v_key := jsonb_path_query_array(a.ev, '$[*].id');
      v_found := null;
      for k in 1 .. coalesce(cardinality(v_stream_evs), 0) loop
        if jsonb_path_query_array(v_stream_evs[k], '$[*].id') = v_key then v_found := k; end if;
      end loop;
      if v_found is not null then
        -- Retry of an append accepted earlier in this very batch.
        o_status := o_status || 'replay'::text; o_version := o_version || v_stream_versions[v_found];
        o_position := o_position || (a.s || ':' || v_stream_versions[v_found]);
        continue;
      end if;
      select count(*)::integer as n,
             coalesce(bool_and(ev.stream_id = a.s), false) as same_stream,
             min(ev.stream_version - ev.ord) = max(ev.stream_version - ev.ord) as consecutive,
             max(ev.stream_version) as last_version,
             (array_agg(ev.transaction_id::text || ':' || ev.global_position::text
                        order by ev.stream_version desc))[1] as last_position
        into v_match
        from (select e2.stream_id, e2.stream_version, e2.transaction_id, e2.global_position,
                     array_position(array(select jsonb_array_elements_text(v_key)::uuid), e2.event_id) as ord
                from event_store.events e2
               where e2.event_id = any(array(select jsonb_array_elements_text(v_key)::uuid))) as ev;
      if v_match.n = v_count and v_match.same_stream and v_match.consecutive then
        o_status := o_status || 'replay'::text; o_version := o_version || v_match.last_version;
        o_position := o_position || v_match.last_position;
        continue;
      elsif v_match.n > 0 then
        o_status := o_status || 'duplicate'::text; o_version := o_version || v_current;
        o_position := o_position || null::text;
        continue;
      elsif v_mismatch then
        o_status := o_status || 'conflict'::text; o_version := o_version || v_current;
        o_position := o_position || null::text;
        continue;
      end if;
    end if;

    i_stream := i_stream || a.s; i_base := i_base || v_current; i_events := i_events || a.ev;
    i_rows := i_rows + v_count;
    v_current := v_current + v_count;
    v_stream_evs := v_stream_evs || a.ev; v_stream_versions := v_stream_versions || v_current;
    -- ok/in-batch replay outcomes hold "<stream>:<version>" until the insert gives positions.
    o_status := o_status || 'ok'::text; o_version := o_version || v_current;
    o_position := o_position || (a.s || ':' || v_current);
  end loop;
  -- 3. Insert every accepted event at once.
  if i_rows > 0 then
    with ins as (
      insert into event_store.events as ev
        (transaction_id, stream_id, stream_version, event_id, type, schema_version, data, actor,
         correlation_id, causation_id, occurred_at)
      select v_xid, u.s, u.base + x.ord, (x.j ->> 'id')::uuid, x.j ->> 'type',
             coalesce((x.j ->> 'sv')::integer, 1), x.j -> 'data', nullif(x.j -> 'actor', 'null'::jsonb),
             x.j ->> 'corr', x.j ->> 'caus', (x.j ->> 'occ')::timestamptz
        from unnest(i_stream, i_base, i_events) with ordinality as u(s, base, evs, n)
        cross join lateral jsonb_array_elements(u.evs) with ordinality as x(j, ord)
       order by u.n, x.ord
      on conflict do nothing
      returning ev.stream_id, ev.stream_version, ev.global_position
    )
    select count(*)::integer,
           coalesce(jsonb_object_agg(ins.stream_id || ':' || ins.stream_version,
                                     v_xid::text || ':' || ins.global_position::text), '{}')
      into v_inserted, v_positions
      from ins;

    if v_inserted < i_rows then
      if cardinality(i_stream) > 1 then
        raise exception 'event id already used: replay these appends one by one'
          using errcode = 'ES001';
      end if;
      -- The single accepted append reuses an event id: take its rows back out.
      delete from event_store.events ev
       where ev.stream_id = i_stream[1] and ev.stream_version > i_base[1] and ev.transaction_id = v_xid;
      for k in 1 .. cardinality(o_status) loop
        if o_status[k] = 'ok' then
          o_status[k] := 'duplicate'; o_version[k] := i_base[1];
        end if;
      end loop;
      v_inserted := 0;
    end if;
  end if;

  if v_inserted > 0 then
    perform pg_notify('maillage_events', '');
  end if;

  return query
    select r.i, r.st, r.v,
           case when r.st = 'ok' or (r.st = 'replay' and v_positions ? r.p) then v_positions ->> r.p
                when r.st = 'replay' then r.p end
      from unnest(o_idx, o_status, o_version, o_position) as r(i, st, v, p);
end
$fn$`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`drop function event_store.append_batch(jsonb)`);
  }
}
