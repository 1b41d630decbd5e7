import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `event_store.append_batch(jsonb)` runs N independent appends in one transaction (one round trip,
 * one WAL flush). Each append has its own expected-version check and its own outcome; a conflict
 * in one never fails the others.
 *
 * Input: `[{"s": stream, "x": expected, "ev": [{"id","type","sv","data","actor","occ","corr","caus"}]}]`
 * where expected is a version number (>= 0), or -1 NO_STREAM, -2 STREAM_EXISTS, -3 ANY.
 *
 * Output, one row per input append (`idx` is its 0-based position):
 * - `ok`: appended; `version` is the stream version after it, `position` the last event's position.
 * - `replay`: every event id already sits in this stream in this order (a retry): nothing is written
 *   and the original result is returned.
 * - `conflict`: wrong expected version; `version` is the actual version.
 * - `duplicate`: some event id belongs to other events; nothing is written.
 *
 * Safety with concurrent batches on other connections:
 * - Appends are processed in (stream_id, input order): two appends to one stream keep their order,
 *   and every batch takes its stream row locks in the same global order, so batches cannot deadlock
 *   on each other.
 * - The stream row is locked (`for update`, or the upsert for a stream that may be new) before the
 *   version is read, so the check and the version bump are atomic per stream.
 * - The replay lookup runs after the lock: under READ COMMITTED each statement sees what committed
 *   before it, so a retry racing its original waits for it and then sees its events.
 * - Events are inserted with `on conflict do nothing`: an event id taken by another stream (even by a
 *   transaction still in flight) is detected by the row count, this append's rows are deleted again
 *   (never visible to anyone) and it is reported as `duplicate`; no exception, so no subtransaction.
 * - One `pg_notify` per batch; PostgreSQL delivers it at commit, never for a rolled-back batch.
 */
export class EventStoreAppendBatch1732350000001 implements MigrationInterface {
  name = 'EventStoreAppendBatch1732350000001';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
create function event_store.append_batch(p_appends jsonb)
returns table (idx integer, status text, version bigint, "position" text)
language plpgsql
as $fn$
#variable_conflict use_column
declare
  a record;
  v_xid xid8 := pg_current_xact_id();
  v_expected bigint;
  v_current bigint;
  v_count integer;
  v_inserted integer;
  v_last bigint;
  v_mismatch boolean;
  v_any_written boolean := false;
  v_match record;
begin
  for a in
    select (e.ord - 1)::integer as i, e.j ->> 's' as s, (e.j ->> 'x')::bigint as x, e.j -> 'ev' as ev
    from jsonb_array_elements(p_appends) with ordinality as e(j, ord)
    order by e.j ->> 's' collate "C", e.ord
  loop
    v_expected := a.x;
    v_count := jsonb_array_length(a.ev);
    idx := a.i;

    -- Lock the stream row and read its version. Only appends that may create the stream insert a
    -- row, so a failed append on a missing stream leaves nothing behind.
    if v_expected = -1 or v_expected = -3 or v_expected = 0 then
      insert into event_store.streams as st (stream_id, version) values (a.s, 0)
      on conflict (stream_id) do update set version = st.version
      returning st.version into v_current;
    else
      select st.version into v_current from event_store.streams st where st.stream_id = a.s for update;
      v_current := coalesce(v_current, 0);
    end if;

    v_mismatch := (v_expected >= 0 and v_current <> v_expected)
                  or (v_expected = -1 and v_current <> 0)
                  or (v_expected = -2 and v_current = 0);

    -- Exact expectations that match cannot be retries (a committed original would have moved the
    -- version on), so only mismatches and STREAM_EXISTS/ANY pay for the replay lookup.
    if v_mismatch or v_expected in (-2, -3) then
      select count(*)::integer as n,
             coalesce(bool_and(ev.stream_id = a.s), false) as same_stream,
             min(ev.stream_version - k.ord) = max(ev.stream_version - k.ord) as consecutive,
             max(ev.stream_version) as last_version,
             (array_agg(ev.transaction_id::text || ':' || ev.global_position::text
                        order by ev.stream_version desc))[1] as last_position
        into v_match
        from jsonb_array_elements(a.ev) with ordinality as k(j, ord)
        join event_store.events ev on ev.event_id = (k.j ->> 'id')::uuid;
      if v_match.n = v_count and v_match.same_stream and v_match.consecutive then
        status := 'replay'; version := v_match.last_version; "position" := v_match.last_position;
        return next;
        continue;
      elsif v_match.n > 0 then
        status := 'duplicate'; version := v_current; "position" := null;
        return next;
        delete from event_store.streams st where st.stream_id = a.s and st.version = 0;
        continue;
      elsif v_mismatch then
        status := 'conflict'; version := v_current; "position" := null;
        return next;
        continue;
      end if;
    end if;

    with ins as (
      insert into event_store.events as ev
        (transaction_id, stream_id, stream_version, event_id, type, schema_version, data, actor,
         correlation_id, causation_id, occurred_at)
      select v_xid, a.s, v_current + x.ord, (x.j ->> 'id')::uuid, x.j ->> 'type',
             coalesce((x.j ->> 'sv')::integer, 1), x.j -> 'data', nullif(x.j -> 'actor', 'null'::jsonb),
             x.j ->> 'corr', x.j ->> 'caus', (x.j ->> 'occ')::timestamptz
        from jsonb_array_elements(a.ev) with ordinality as x(j, ord)
       order by x.ord
      on conflict do nothing
      returning ev.global_position
    )
    select count(*)::integer, max(ins.global_position) into v_inserted, v_last from ins;

    if v_inserted < v_count then
      -- An event id is taken elsewhere (possibly by a transaction that committed meanwhile).
      delete from event_store.events ev
       where ev.stream_id = a.s and ev.stream_version > v_current and ev.transaction_id = v_xid;
      status := 'duplicate'; version := v_current; "position" := null;
      return next;
      delete from event_store.streams st where st.stream_id = a.s and st.version = 0;
      continue;
    end if;

    update event_store.streams st set version = v_current + v_count, updated_at = now()
     where st.stream_id = a.s;
    if not found then
      -- ANY / STREAM_EXISTS never reach here without a row; kept for safety.
      insert into event_store.streams (stream_id, version) values (a.s, v_current + v_count);
    end if;
    v_any_written := true;
    status := 'ok'; version := v_current + v_count; "position" := v_xid::text || ':' || v_last::text;
    return next;
  end loop;

  if v_any_written then
    perform pg_notify('maillage_events', '');
  end if;
end
$fn$`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`drop function event_store.append_batch(jsonb)`);
  }
}
