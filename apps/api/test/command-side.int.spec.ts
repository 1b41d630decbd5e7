import { randomUUID } from 'node:crypto';
import { CommandBus } from '@nestjs/cqrs';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { ConcurrencyError, type EventStore } from '@maillage/event-store';
import { DomainError, DomainErrorCode, type OrganisationCommand, type RenewCooperation } from '@maillage/domain';
import { createTestDatabase, type TestDatabase } from '@maillage/testing';
import { createApp } from '../src/bootstrap';
import {
  cooperationCommand,
  organisationCommand,
  type CommandMeta,
  type CommandResult,
  type CooperationCommandInput,
} from '../src/command-side/command-envelope';
import { EVENT_STORE, aggregateCacheSize } from '../src/command-side/command-side.module';
import { PG_POOL } from '../src/database/database.module';
import { CommandExecutor } from '../src/command-side/command-executor';
import { cooperationAggregate } from '../src/command-side/aggregates';
import { executeRenewal } from '../src/command-side/renewal';
import type { Pool } from 'pg';
import { IdempotencyKeyReusedError, IdempotencyStore, idempotencyRetentionDays } from '../src/command-side/idempotency.store';
import { IdempotencyPruner } from '../src/command-side/idempotency-pruner';
import { proposeGmeCommand } from './support/commands';
import { syntheticSiret } from '@maillage/demo-data';
import { migrateCommandSide } from '../src/command-side/command-migrations';
import { SiretRegistry } from '../src/command-side/siret-registry';

jest.setTimeout(60_000);

const actor = { userId: 'user-tremplin-1', organisationId: 'tremplin', role: 'MEMBER' };
const meta = (over: Partial<CommandMeta> = {}): CommandMeta => ({ caller: 'system', actor, ...over });

interface FlakyOptions {
  /** Which appends lose their connection (once, the first that matches): by stream. */
  losesAt?: (streamId: string) => boolean;
  /** false: the store offers no multi-stream append, as EventStoreDB's client (default true). */
  multiStream?: boolean;
  /** Streams that read as empty once (taken by someone else right after this process looked). */
  looksFree?: string;
}

/**
 * An executor over `store` whose database connection is lost once, at the first append (single or
 * multi-stream) touching a stream `losesAt` accepts (the append fails without writing): the crash
 * between two steps of a command.
 */
const executorLosingOnce = (store: EventStore, pool: Pool, options: FlakyOptions = {}): CommandExecutor => {
  const { losesAt = () => true, multiStream = true } = options;
  let lose = true;
  let hidden = options.looksFree;
  const loses = (streamIds: string[]) => {
    if (!lose || !streamIds.some(losesAt)) return false;
    lose = false;
    return true;
  };
  const flaky = new Proxy(store, {
    get(target, property) {
      if (property === 'appendToStream') {
        return (streamId: string, ...rest: Parameters<EventStore['appendToStream']> extends [string, ...infer R] ? R : never) =>
          loses([streamId]) ? Promise.reject(new Error('connection lost')) : target.appendToStream(streamId, ...rest);
      }
      if (property === 'appendToStreams') {
        if (!multiStream) return undefined;
        return (parts: Parameters<NonNullable<EventStore['appendToStreams']>>[0]) =>
          loses(parts.map((p) => p.streamId)) ? Promise.reject(new Error('connection lost')) : target.appendToStreams!(parts);
      }
      if (property === 'readStream') {
        return (streamId: string, ...rest: Parameters<EventStore['readStream']> extends [string, ...infer R] ? R : never) => {
          if (streamId !== hidden) return target.readStream(streamId, ...rest);
          hidden = undefined;
          return Promise.resolve([]);
        };
      }
      const value = Reflect.get(target, property) as unknown;
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
  return new CommandExecutor(flaky, new IdempotencyStore(pool));
};

describe('command side (real PostgreSQL)', () => {
  let db: TestDatabase;
  let app: NestFastifyApplication;
  let bus: CommandBus;
  let store: EventStore;

  const start = async () => {
    app = await createApp({ databaseUrl: db.url });
    bus = app.get(CommandBus);
    store = app.get<EventStore>(EVENT_STORE);
  };

  const registerOrganisation = (id: string, name: string, kind: string, dep = '49') =>
    bus.execute(
      organisationCommand(
        id,
        { type: 'RegisterOrganisation', data: { organisationId: id, name, kind, regionCode: '52', departementCode: dep } } as OrganisationCommand,
        meta({ occurredAt: '2024-09-01T09:00:00.000Z' }),
      ),
    );
  const run = (cooperationId: string, command: CooperationCommandInput, over: Partial<CommandMeta> = {}) =>
    bus.execute(cooperationCommand(cooperationId, command, meta(over)));

  beforeAll(async () => {
    db = await createTestDatabase('commands');
    await start();
    await registerOrganisation('tremplin', 'Tremplin Travail', 'AI');
    await registerOrganisation('ai-segre', 'AI du Segréen', 'AI');
    await registerOrganisation('ai-saumur', 'AI du Saumurois', 'AI');
  });

  afterAll(async () => {
    await app.close();
    await db.drop();
  });

  const proposeGme = (id: string, over: Partial<CommandMeta> = {}) =>
    run(id, proposeGmeCommand(id, 'tremplin'), { occurredAt: '2024-10-01T09:00:00.000Z', ...over });

  it('turns a command into stored events with their metadata, organisations looked up from their streams', async () => {
    const id = randomUUID();
    const result = await proposeGme(id, { correlationId: 'corr-1' });
    // Proposing records the cooperation and its lead organisation as first member.
    expect(result).toMatchObject({ aggregateId: id, streamId: `cooperation-${id}`, version: 2, replayed: false });
    expect(result.eventTypes).toEqual(['CooperationProposed', 'CooperationMemberAdded']);

    const added = await run(id, { type: 'AddMember', data: { organisation: { id: 'ai-segre' } } }, { expectedVersion: result.version });
    expect(added.version).toBe(result.version + 1);

    const events = await store.readStream(`cooperation-${id}`);
    expect(events.map((e) => e.type)).toEqual([...result.eventTypes, 'CooperationMemberAdded']);
    expect(events[0].occurredAt.toISOString()).toBe('2024-10-01T09:00:00.000Z');
    expect(events[0].recordedAt.getTime()).toBeGreaterThan(events[0].occurredAt.getTime());
    expect(events[0].actor).toEqual(actor);
    expect(events[0].correlationId).toBe('corr-1');
    // The member's kind comes from its organisation stream, recorded as a snapshot.
    expect(events[events.length - 1].data).toMatchObject({ organisationId: 'ai-segre', organisationKind: 'AI' });
  });

  it('rejects a command naming an unknown organisation and writes nothing', async () => {
    const id = randomUUID();
    const { version } = await proposeGme(id);
    await expect(run(id, { type: 'AddMember', data: { organisation: { id: 'nobody' } } })).rejects.toMatchObject({
      code: DomainErrorCode.NOT_FOUND,
    });
    expect(await store.readStream(`cooperation-${id}`)).toHaveLength(version);
  });

  it('fails a stale expected version with the current version, before deciding', async () => {
    const id = randomUUID();
    const proposed = await proposeGme(id);
    const error = await run(id, { type: 'AddMember', data: { organisation: { id: 'ai-segre' } } }, { expectedVersion: 0 }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ConcurrencyError);
    expect((error as ConcurrencyError).actualVersion).toBe(proposed.version);
  });

  it('lets exactly one of 20 concurrent commands with the same expected version win', async () => {
    const id = randomUUID();
    const { version } = await proposeGme(id);
    const outcomes = await Promise.allSettled(
      Array.from({ length: 20 }, (_, i) =>
        run(id, { type: 'RecordDeliverable', data: { kind: 'NOTE_DE_SYNTHESE', title: `note ${i}` } }, { expectedVersion: version }),
      ),
    );
    const won = outcomes.filter((o) => o.status === 'fulfilled');
    const conflicts = outcomes.filter((o) => o.status === 'rejected' && o.reason instanceof ConcurrencyError);
    expect(won).toHaveLength(1);
    expect(conflicts).toHaveLength(19);
    for (const c of conflicts) expect(((c as PromiseRejectedResult).reason as ConcurrencyError).actualVersion).toBeGreaterThanOrEqual(version);
    expect(await store.readStream(`cooperation-${id}`)).toHaveLength(version + 1);
  });

  it('returns the first result for a retried idempotency key, even after a restart, and appends nothing', async () => {
    const id = randomUUID();
    await proposeGme(id);
    const key = randomUUID();
    const command: CooperationCommandInput = { type: 'AddMember', data: { organisation: { id: 'ai-saumur' } } };
    const first = await run(id, command, { idempotencyKey: key });
    const again = await run(id, command, { idempotencyKey: key });
    expect(again).toEqual({ ...first, replayed: true });

    await app.close();
    await start(); // a new process would see the same: results live in PostgreSQL
    const afterRestart = await run(id, command, { idempotencyKey: key });
    expect(afterRestart).toEqual({ ...first, replayed: true });
    const events = await store.readStream(`cooperation-${id}`);
    expect(events.filter((e) => e.type === 'CooperationMemberAdded' && (e.data as { organisationId: string }).organisationId === 'ai-saumur')).toHaveLength(1);

    await expect(
      run(id, { type: 'AddMember', data: { organisation: { id: 'ai-segre' } } }, { idempotencyKey: key }),
    ).rejects.toBeInstanceOf(IdempotencyKeyReusedError);
    // The key belongs to its first user: the very same request from someone else is refused too.
    await expect(
      run(id, command, { idempotencyKey: key, actor: { userId: 'someone-else', organisationId: 'tremplin', role: 'MEMBER' } }),
    ).rejects.toBeInstanceOf(IdempotencyKeyReusedError);
  });

  it('recognises a first attempt that committed its events but not its result (crash in between)', async () => {
    const id = randomUUID();
    const proposed = await proposeGme(id);
    const pool = app.get<Pool>(PG_POOL);
    const key = randomUUID();
    const command: CooperationCommandInput = { type: 'AddMember', data: { organisation: { id: 'ai-segre' } } };
    const first = await run(id, command, { idempotencyKey: key, expectedVersion: proposed.version });
    const crash = () => pool.query('delete from command_idempotency where idempotency_key = $1', [key]);
    await crash();
    // Same expected version: the stream moved on (the attempt's own events), yet it is a replay.
    expect(await run(id, command, { idempotencyKey: key, expectedVersion: proposed.version })).toEqual({ ...first, replayed: true });
    await crash();
    // Later, with other events after it and no expected version: the decider would refuse a second
    // add; the key's events say the first attempt did it.
    await run(id, { type: 'AddMember', data: { organisation: { id: 'ai-saumur' } } });
    expect(await run(id, command, { idempotencyKey: key })).toEqual({ ...first, replayed: true });
    // Stored again: the next retry is answered from the result row.
    expect((await pool.query('select 1 from command_idempotency where idempotency_key = $1', [key])).rowCount).toBe(1);
    const added = (await store.readStream(`cooperation-${id}`)).filter((e) => e.type === 'CooperationMemberAdded' && (e.data as { organisationId: string }).organisationId === 'ai-segre');
    expect(added).toHaveLength(1);
    // Without that key, the same request is refused by the domain as before.
    await expect(run(id, command, { idempotencyKey: randomUUID() })).rejects.toMatchObject({ code: DomainErrorCode.MEMBER_ALREADY_PRESENT });
  });

  describe('expired idempotency keys', () => {
    const expire = (key: string) =>
      app.get<Pool>(PG_POOL).query("update command_idempotency set created_at = now() - interval '8 days' where idempotency_key = $1", [key]);

    it('frees an expired key for another request, and still recognises the same request sent again', async () => {
      const id = randomUUID();
      await proposeGme(id);
      const key = randomUUID();
      const segre: CooperationCommandInput = { type: 'AddMember', data: { organisation: { id: 'ai-segre' } } };
      const saumur: CooperationCommandInput = { type: 'AddMember', data: { organisation: { id: 'ai-saumur' } } };
      const first = await run(id, segre, { idempotencyKey: key });
      // Within the retention the key belongs to its first request.
      await expect(run(id, saumur, { idempotencyKey: key })).rejects.toBeInstanceOf(IdempotencyKeyReusedError);
      await expire(key);
      // Expired: the same request is still the first one (its events carry the key's ids)...
      expect(await run(id, segre, { idempotencyKey: key })).toEqual({ ...first, replayed: true });
      await expire(key);
      // ...and another request may use the key; its events get ids of their own.
      const second = await run(id, saumur, { idempotencyKey: key });
      expect(second).toMatchObject({ replayed: false, version: first.version + 1, eventTypes: ['CooperationMemberAdded'] });
      const events = await store.readStream(`cooperation-${id}`);
      expect(events.map((e) => (e.data as { organisationId?: string }).organisationId).slice(-2)).toEqual(['ai-segre', 'ai-saumur']);
      expect(new Set(events.map((e) => e.eventId)).size).toBe(events.length);
      // The key is now the second request's.
      expect(await run(id, saumur, { idempotencyKey: key })).toEqual({ ...second, replayed: true });
      await expect(run(id, segre, { idempotencyKey: key })).rejects.toBeInstanceOf(IdempotencyKeyReusedError);
    });

    it('does not apply twice a request the domain would accept again, sent after its key expired', async () => {
      const id = randomUUID();
      await proposeGme(id);
      const key = randomUUID();
      const note: CooperationCommandInput = { type: 'RecordDeliverable', data: { kind: 'NOTE_DE_SYNTHESE', title: 'Bilan' } };
      const first = await run(id, note, { idempotencyKey: key });
      await run(id, { type: 'AddMember', data: { organisation: { id: 'ai-segre' } } });
      await expire(key);
      const again = await run(id, note, { idempotencyKey: key });
      expect(again).toMatchObject({ replayed: true, aggregateId: id });
      const notes = (await store.readStream(`cooperation-${id}`)).filter((e) => e.type === first.eventTypes[0]);
      expect(notes).toHaveLength(1);
    });

    it('prunes the rows of expired keys only', async () => {
      const pool = app.get<Pool>(PG_POOL);
      const id = randomUUID();
      await proposeGme(id);
      const [old1, old2, fresh] = [randomUUID(), randomUUID(), randomUUID()];
      await run(id, { type: 'RecordDeliverable', data: { kind: 'NOTE_DE_SYNTHESE', title: 'a' } }, { idempotencyKey: old1 });
      await run(id, { type: 'RecordDeliverable', data: { kind: 'NOTE_DE_SYNTHESE', title: 'b' } }, { idempotencyKey: old2 });
      await run(id, { type: 'RecordDeliverable', data: { kind: 'NOTE_DE_SYNTHESE', title: 'c' } }, { idempotencyKey: fresh });
      await expire(old1);
      await expire(old2);
      // In batches of one, to go through the loop.
      const deleted = await new IdempotencyStore(pool, 7).prune(1);
      expect(deleted).toBeGreaterThanOrEqual(2);
      const { rows } = await pool.query<{ idempotency_key: string }>('select idempotency_key from command_idempotency where idempotency_key = any($1)', [
        [old1, old2, fresh],
      ]);
      expect(rows.map((r) => r.idempotency_key)).toEqual([fresh]);
      // A longer retention keeps what a shorter one would delete.
      await expire(fresh);
      expect(await new IdempotencyStore(pool, 30).prune()).toBe(0);
      expect((await pool.query('select 1 from command_idempotency where idempotency_key = $1', [fresh])).rowCount).toBe(1);
    });

    it('prunes at start-up through the API, and reads the retention from MAILLAGE_IDEMPOTENCY_RETENTION_DAYS', async () => {
      const pool = app.get<Pool>(PG_POOL);
      const key = randomUUID();
      const id = randomUUID();
      await proposeGme(id, { idempotencyKey: key });
      await expire(key);
      await app.get(IdempotencyPruner).runOnce();
      expect((await pool.query('select 1 from command_idempotency where idempotency_key = $1', [key])).rowCount).toBe(0);
      expect(idempotencyRetentionDays(undefined)).toBe(7);
      expect(idempotencyRetentionDays('30')).toBe(30);
      expect(() => idempotencyRetentionDays('0')).toThrow(/MAILLAGE_IDEMPOTENCY_RETENTION_DAYS/);
      expect(() => idempotencyRetentionDays('une semaine')).toThrow(/whole number of days/);
    });
  });

  it('runs concurrent retries of one idempotency key once', async () => {
    const id = randomUUID();
    await proposeGme(id);
    const key = randomUUID();
    const results = await Promise.allSettled(
      Array.from({ length: 5 }, () => run(id, { type: 'AddMember', data: { organisation: { id: 'ai-segre' } } }, { idempotencyKey: key })),
    );
    const events = await store.readStream(`cooperation-${id}`);
    expect(events.filter((e) => e.type === 'CooperationMemberAdded' && (e.data as { organisationId: string }).organisationId === 'ai-segre')).toHaveLength(1);
    // One runs; the others wait for its answer and give it, as a replay.
    const fulfilled = results.filter((r): r is PromiseFulfilledResult<CommandResult> => r.status === 'fulfilled');
    expect(fulfilled).toHaveLength(5);
    for (const r of fulfilled) expect(r.value.version).toBe(events.length);
    expect(fulfilled.map((r) => r.value.replayed).sort()).toEqual([false, true, true, true, true]);
  });

  it('tells an attempt whose events an attempt beside it already wrote that it was a replay', async () => {
    // Two attempts under one key that both ran (the first still unanswered after the wait) decide
    // the same events, with the same key-derived ids, at the same version: the store writes them
    // once, and the second is told so rather than answering replayed: false like the first.
    const id = randomUUID();
    const proposed = await proposeGme(id);
    const executor = app.get(CommandExecutor);
    const seeded = meta({ eventIdSeed: `${randomUUID()}#hash` });
    const events = [
      { type: 'CooperationDeliverableRecorded', data: { kind: 'NOTE_DE_SYNTHESE', title: 'Bilan' }, occurredAt: '2024-03-01T09:00:00.000Z' },
    ] as unknown as Parameters<CommandExecutor['append']>[3];
    const first = await executor.append(`cooperation-${id}`, id, proposed.version, events, seeded);
    const second = await executor.append(`cooperation-${id}`, id, proposed.version, events, seeded);
    expect(first).toMatchObject({ replayed: false, version: proposed.version + 1 });
    expect(second).toEqual({ ...first, replayed: true });
    // Both parts of an atomic append, likewise.
    const other = randomUUID();
    const parts = [{ streamId: `cooperation-${other}`, aggregateId: other, version: 0, events }];
    const together = await executor.appendTogether(parts, seeded);
    expect(together.map((r) => r.replayed)).toEqual([false]);
    expect(await executor.appendTogether(parts, seeded)).toEqual(together.map((r) => ({ ...r, replayed: true })));
    expect(await store.readStream(`cooperation-${id}`)).toHaveLength(proposed.version + 1);
  });

  it('has a request wait for the answer of the same request in flight under its key, and run when that one was interrupted', async () => {
    const keys = new IdempotencyStore(app.get<Pool>(PG_POOL), 7, 2_000);
    const key = randomUUID();
    const result: CommandResult = { aggregateId: 'a', streamId: 'cooperation-a', version: 3, position: '1:1', eventTypes: ['CooperationDeliverableRecorded'], replayed: false };
    expect(await keys.claim(key, 'h', 'RecordDeliverable', 'a', 'u')).toBeNull(); // claimed: this one runs
    const second = keys.claim(key, 'h', 'RecordDeliverable', 'a', 'u');
    let answered = false;
    void second.then(() => (answered = true));
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(answered).toBe(false); // waiting for the first one's answer
    await keys.remember(key, 'h', 'RecordDeliverable', result, 'u');
    expect(await second).toEqual({ ...result, replayed: true });
    // A claim left unanswered (its attempt interrupted): after the wait, the request runs.
    const stuck = randomUUID();
    expect(await new IdempotencyStore(app.get<Pool>(PG_POOL), 7, 100).claim(stuck, 'h', 'RecordDeliverable', 'a', 'u')).toBeNull();
    expect(await new IdempotencyStore(app.get<Pool>(PG_POOL), 7, 100).claim(stuck, 'h', 'RecordDeliverable', 'a', 'u')).toBeNull();
    // An attempt refused meanwhile gives the key back: the waiting request claims it and runs.
    const refused = randomUUID();
    expect(await keys.claim(refused, 'h', 'RecordDeliverable', 'a', 'u')).toBeNull();
    const waiting = keys.claim(refused, 'h', 'RecordDeliverable', 'a', 'u');
    await new Promise((resolve) => setTimeout(resolve, 100));
    await keys.release(refused, 'h');
    expect(await waiting).toBeNull();
    expect((await app.get<Pool>(PG_POOL).query('select result from command_idempotency where idempotency_key = $1', [refused])).rows).toEqual([{ result: null }]);
  });

  it('refuses the second of two concurrent requests with one key and different payloads, and keeps the first', async () => {
    for (let round = 0; round < 5; round++) {
      const id = randomUUID();
      await proposeGme(id);
      const key = randomUUID();
      const members = ['ai-segre', 'ai-saumur'];
      const outcomes = await Promise.allSettled(members.map((m) => run(id, { type: 'AddMember', data: { organisation: { id: m } } }, { idempotencyKey: key })));
      const won = outcomes.findIndex((o) => o.status === 'fulfilled');
      const lost = outcomes.find((o): o is PromiseRejectedResult => o.status === 'rejected');
      expect(won).toBeGreaterThanOrEqual(0);
      expect(lost?.reason).toBeInstanceOf(IdempotencyKeyReusedError);
      const added = (await store.readStream(`cooperation-${id}`)).filter((e) => e.type === 'CooperationMemberAdded').map((e) => (e.data as { organisationId: string }).organisationId);
      expect(added).toEqual(['tremplin', members[won]]);
      // The key stays with the request that won: a retry of it is answered from its result.
      const retried = await run(id, { type: 'AddMember', data: { organisation: { id: members[won] } } }, { idempotencyKey: key });
      expect(retried).toEqual({ ...(outcomes[won] as PromiseFulfilledResult<CommandResult>).value, replayed: true });
    }
  });

  it('gives back the key of a refused request, and keeps the key of an interrupted one for that request only', async () => {
    const id = randomUUID();
    const { version } = await proposeGme(id);
    const key = randomUUID();
    const future = new Date(Date.now() + 86_400_000).toISOString();
    await expect(run(id, { type: 'RecordDeliverable', data: { kind: 'NOTE_DE_SYNTHESE' } }, { idempotencyKey: key, occurredAt: future })).rejects.toMatchObject({
      code: DomainErrorCode.OCCURRED_AT_IN_FUTURE,
    });
    // Corrected and sent again with the same key: it runs.
    const corrected = await run(id, { type: 'RecordDeliverable', data: { kind: 'NOTE_DE_SYNTHESE' } }, { idempotencyKey: key });
    expect(corrected).toMatchObject({ version: version + 1, replayed: false });

    // The database connection fails as the events are appended: whether they were written is unknown.
    const executor = executorLosingOnce(store, app.get<Pool>(PG_POOL));
    const other = randomUUID();
    const exec = (kind: string) =>
      executor.execute(cooperationAggregate, id, { type: 'RecordDeliverable', data: { kind } }, meta({ idempotencyKey: other }));
    await expect(exec('BUSINESS_PLAN')).rejects.toThrow('connection lost');
    await expect(exec('STATUTS')).rejects.toBeInstanceOf(IdempotencyKeyReusedError);
    expect(await exec('BUSINESS_PLAN')).toMatchObject({ version: version + 2, replayed: false });
  });

  it('keeps domain rejections typed and writes nothing for them', async () => {
    const id = randomUUID();
    await proposeGme(id);
    // A second cotraitant: a GME brings at least two structures together (TWO_MEMBERS_REQUIRED otherwise).
    const { version } = await run(id, { type: 'AddMember', data: { organisation: { id: 'ai-segre' } } });
    const error = await run(id, { type: 'AdvanceStage', data: {} }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DomainError);
    // A GME cannot leave DECISION without its mandataire (a non-waivable gate item with its own code).
    expect((error as DomainError).code).toBe(DomainErrorCode.MANDATAIRE_REQUIRED);
    const future = await run(
      id,
      { type: 'RecordDeliverable', data: { kind: 'NOTE_DE_SYNTHESE' } },
      { occurredAt: new Date(Date.now() + 86_400_000).toISOString() },
    ).catch((e: unknown) => e);
    expect((future as DomainError).code).toBe(DomainErrorCode.OCCURRED_AT_IN_FUTURE);
    expect(await store.readStream(`cooperation-${id}`)).toHaveLength(version);
  });

  /** A GME walked through the commands, as a member would, to where it may be renewed. */
  const renewableGme = async (): Promise<string> => {
    const id = randomUUID();
    await proposeGme(id);
    await run(id, { type: 'AddMember', data: { organisation: { id: 'ai-segre' } } });
    await run(id, { type: 'DesignateMandataire', data: { organisationId: 'tremplin' } });
    await run(id, { type: 'RecordDeliverable', data: { kind: 'NOTE_DE_SYNTHESE' } });
    await run(id, { type: 'AdvanceStage', data: {} });
    await run(id, {
      type: 'RecordMarket',
      data: { buyerName: 'Département de Maine-et-Loire', cpvCode: '79620000', amountExclVat: 170000, durationMonths: 12, procedures: ['RESERVED_SIAE'] },
    });
    await run(id, { type: 'RecordMarketOutcome', data: { outcome: 'LOST' } });
    return id;
  };

  it('completes a renewal whose first attempt stopped between the predecessor and the successor', async () => {
    const predecessorId = await renewableGme();
    const successorId = randomUUID();
    const successorStream = `cooperation-${successorId}`;
    // On a store without multi-stream appends (EventStoreDB), the connection is lost once, right
    // when the successor stream is written.
    const executor = executorLosingOnce(store, app.get<Pool>(PG_POOL), { losesAt: (streamId) => streamId === successorStream, multiStream: false });
    const renew = { type: 'RenewCooperation', data: { successorId } } as RenewCooperation;
    const at = new Date().toISOString(); // the renewal's own date, which the successor must carry
    const m = meta({ idempotencyKey: randomUUID(), occurredAt: at });
    await expect(executeRenewal(executor, predecessorId, renew, m)).rejects.toThrow('connection lost');
    const renewed = await store.readStream(`cooperation-${predecessorId}`);
    expect(renewed[renewed.length - 1].type).toBe('CooperationRenewed');
    expect(await store.readStream(successorStream)).toEqual([]);

    // The retry writes the successor the first attempt would have written, once.
    const retried = await executeRenewal(executor, predecessorId, renew, m);
    const successor = await store.readStream(successorStream);
    expect(retried).toMatchObject({ replayed: true, version: renewed.length, successor: { aggregateId: successorId, version: successor.length } });
    expect(successor.map((e) => e.type)).toEqual(['CooperationProposed', 'CooperationMemberAdded', 'CooperationMemberAdded', 'CooperationMandataireDesignated']);
    expect(successor[0].data).toMatchObject({ renewedFrom: predecessorId, kind: 'GME' });
    expect(successor.map((e) => e.occurredAt.toISOString())).toEqual(successor.map(() => at));
    // And a further retry is answered from the stored result, writing nothing.
    expect(await executeRenewal(executor, predecessorId, renew, m)).toEqual({ ...retried, replayed: true });
    expect(await store.readStream(successorStream)).toHaveLength(successor.length);
    expect(await store.readStream(`cooperation-${predecessorId}`)).toHaveLength(renewed.length);
  });

  it('writes a renewal as one transaction: a crash or a successor id taken since the check writes nothing at all', async () => {
    const predecessorId = await renewableGme();
    const predecessorStream = `cooperation-${predecessorId}`;
    const before = await store.readStream(predecessorStream);
    const pool = app.get<Pool>(PG_POOL);
    const renew = (successorId: string) => ({ type: 'RenewCooperation', data: { successorId } }) as RenewCooperation;

    // Someone else creates the successor id right after the check: ALREADY_EXISTS, and the
    // predecessor is not marked renewed (with two writes it was, pointing at someone else's cooperation).
    const taken = randomUUID();
    await proposeGme(taken);
    const racing = executorLosingOnce(store, pool, { losesAt: () => false, looksFree: `cooperation-${taken}` });
    await expect(executeRenewal(racing, predecessorId, renew(taken), meta())).rejects.toMatchObject({
      code: DomainErrorCode.ALREADY_EXISTS,
      details: { field: 'successorId' },
    });
    expect(await store.readStream(predecessorStream)).toHaveLength(before.length);

    // The connection is lost during the renewal's append: neither stream is written.
    const successorId = randomUUID();
    const crashing = executorLosingOnce(store, pool, { losesAt: (streamId) => streamId === predecessorStream });
    const m = meta({ idempotencyKey: randomUUID() });
    await expect(executeRenewal(crashing, predecessorId, renew(successorId), m)).rejects.toThrow('connection lost');
    expect(await store.readStream(predecessorStream)).toHaveLength(before.length);
    expect(await store.readStream(`cooperation-${successorId}`)).toEqual([]);
    // The retry writes both, in one transaction (the same transaction id in both positions).
    const done = await executeRenewal(crashing, predecessorId, renew(successorId), m);
    const renewed = await store.readStream(predecessorStream);
    const successor = await store.readStream(`cooperation-${successorId}`);
    expect(done).toMatchObject({ version: renewed.length, successor: { aggregateId: successorId, version: successor.length } });
    expect(renewed[renewed.length - 1].type).toBe('CooperationRenewed');
    expect(successor[0].data).toMatchObject({ renewedFrom: predecessorId });
    expect(renewed[renewed.length - 1].globalPosition.split(':')[0]).toBe(successor[0].globalPosition.split(':')[0]);
  });

  it('renews a closed GME as a new cooperation linked to its predecessor', async () => {
    const id = randomUUID();
    await proposeGme(id);
    await run(id, { type: 'AbandonCooperation', data: { reason: 'NO_PARTNER' } });
    const refused = await run(id, { type: 'RenewCooperation', data: { successorId: randomUUID() } }).catch((e: unknown) => e);
    expect((refused as DomainError).code).toBe(DomainErrorCode.RENEWAL_NOT_ALLOWED); // only a closed one is

    const closedId = await renewableGme();
    {
      const successorId = randomUUID();
      const renewed = await run(closedId, { type: 'RenewCooperation', data: { successorId } });
      expect(renewed.successor).toEqual({ aggregateId: successorId, version: expect.any(Number) as number });
      const successor = await store.readStream(`cooperation-${successorId}`);
      expect(successor[0].type).toBe('CooperationProposed');
      expect(successor[0].data).toMatchObject({ renewedFrom: closedId });
      const predecessor = await store.readStream(`cooperation-${closedId}`);
      expect(predecessor[predecessor.length - 1].type).toBe('CooperationRenewed');
      // Renewing twice is refused: the predecessor already has its successor.
      const twice = await run(closedId, { type: 'RenewCooperation', data: { successorId: randomUUID() } }).catch((e: unknown) => e);
      expect((twice as DomainError).code).toBe(DomainErrorCode.RENEWAL_NOT_ALLOWED);
    }
  });

  it('refuses a renewal whose successor id is taken or malformed before writing anything', async () => {
    const predecessorId = await renewableGme();
    const before = await store.readStream(`cooperation-${predecessorId}`);
    const taken = randomUUID();
    await proposeGme(taken);
    const takenLength = (await store.readStream(`cooperation-${taken}`)).length;
    const refused = await run(predecessorId, { type: 'RenewCooperation', data: { successorId: taken } }, { idempotencyKey: randomUUID() }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(DomainError);
    expect(refused).toMatchObject({ code: DomainErrorCode.ALREADY_EXISTS, details: { field: 'successorId' } });
    // Nothing about that other cooperation is told (its version, say).
    expect(JSON.stringify((refused as DomainError).details)).not.toContain(String(takenLength));
    const malformed = await run(predecessorId, { type: 'RenewCooperation', data: { successorId: 'not valid!' } }).catch((e: unknown) => e);
    expect(malformed).toBeInstanceOf(Error);
    expect(await store.readStream(`cooperation-${predecessorId}`)).toHaveLength(before.length);
    expect(await store.readStream(`cooperation-${taken}`)).toHaveLength(takenLength);
    // The predecessor can still be renewed.
    const successorId = randomUUID();
    const renewed = await run(predecessorId, { type: 'RenewCooperation', data: { successorId } });
    expect(renewed.successor).toMatchObject({ aggregateId: successorId });
  });

  it('does not complete an interrupted renewal towards another successor than the one it recorded', async () => {
    const predecessorId = await renewableGme();
    const first = randomUUID();
    const key = randomUUID();
    const pool = app.get<Pool>(PG_POOL);
    const executor = executorLosingOnce(store, pool, { losesAt: (streamId) => streamId === `cooperation-${first}`, multiStream: false });
    const renew = (successorId: string) => ({ type: 'RenewCooperation', data: { successorId } }) as RenewCooperation;
    await expect(executeRenewal(executor, predecessorId, renew(first), meta({ idempotencyKey: key }))).rejects.toThrow('connection lost');
    // The same key with another successor: refused while the claim is there, and also once it is lost.
    await expect(executeRenewal(executor, predecessorId, renew(randomUUID()), meta({ idempotencyKey: key }))).rejects.toBeInstanceOf(IdempotencyKeyReusedError);
    await pool.query('delete from command_idempotency where idempotency_key = $1', [key]);
    const other = randomUUID();
    await expect(executeRenewal(executor, predecessorId, renew(other), meta({ idempotencyKey: key }))).rejects.toMatchObject({ code: DomainErrorCode.RENEWAL_NOT_ALLOWED });
    expect(await store.readStream(`cooperation-${other}`)).toEqual([]);
    // The request itself completes.
    expect(await executeRenewal(executor, predecessorId, renew(first), meta({ idempotencyKey: key }))).toMatchObject({ successor: { aggregateId: first } });
  });

  it('catches a stream kept folded in memory up with events another writer appended, before deciding', async () => {
    const id = randomUUID();
    await proposeGme(id);
    // This load folds and keeps the stream (version 3 after the append).
    const added = await run(id, { type: 'AddMember', data: { organisation: { id: 'ai-segre' } } });
    expect(added.version).toBe(3);
    // Another API instance (or any other writer) appends behind this process's back.
    const [segre] = (await store.readStream(`cooperation-${id}`, { from: 3 })).map((e) => e.data as Record<string, unknown>);
    await store.appendToStream(
      `cooperation-${id}`,
      [{ eventId: randomUUID(), type: 'CooperationMemberAdded', data: { ...segre, organisationId: 'ai-saumur', organisationName: 'AI du Saumurois' }, occurredAt: new Date(), actor, correlationId: 'other-writer', causationId: null }],
      { expectedVersion: 3 },
    );
    // The decision sees that member (caught up from the store), not the version kept in memory.
    await expect(run(id, { type: 'AddMember', data: { organisation: { id: 'ai-saumur' } } })).rejects.toMatchObject({ code: DomainErrorCode.MEMBER_ALREADY_PRESENT });
    const stale = await run(id, { type: 'RemoveMember', data: { organisationId: 'ai-saumur', reason: 'test' } }, { expectedVersion: 3 }).catch((e: unknown) => e);
    expect(stale).toBeInstanceOf(ConcurrencyError);
    expect((stale as ConcurrencyError).actualVersion).toBe(4);
    const removed = await run(id, { type: 'RemoveMember', data: { organisationId: 'ai-saumur', reason: 'test' } }, { expectedVersion: 4 });
    expect(removed).toMatchObject({ version: 5, eventTypes: ['CooperationMemberRemoved'] });
  });

  it('frees a SIRET an organisation gives up, and fills the SIRET registry from the events it was created over', async () => {
    const [a, b] = [randomUUID(), randomUUID()];
    const [s1, s2] = [syntheticSiret(`registry-1-${a}`), syntheticSiret(`registry-2-${a}`)];
    const register = (id: string, siret: string) =>
      bus.execute(organisationCommand(id, { type: 'RegisterOrganisation', data: { organisationId: id, name: id, kind: 'EI', regionCode: '52', departementCode: '49', siret } }, meta()));
    const update = (id: string, siret: string | null) => bus.execute(organisationCommand(id, { type: 'UpdateOrganisation', data: { siret } }, meta()));
    await register(a, s1);
    await expect(register(b, s1)).rejects.toMatchObject({ code: DomainErrorCode.ALREADY_EXISTS, details: { field: 'siret' } });
    await update(a, s2); // s1 is given up
    await register(b, s1);
    // An update that leaves the SIRET out keeps it: another organisation still cannot take it.
    await bus.execute(organisationCommand(b, { type: 'UpdateOrganisation', data: { name: `${b} renamed` } }, meta()));
    await expect(register(randomUUID(), s1)).rejects.toMatchObject({ code: DomainErrorCode.ALREADY_EXISTS, details: { field: 'siret' } });
    await expect(update(b, s2)).rejects.toMatchObject({ code: DomainErrorCode.ALREADY_EXISTS });
    await update(a, null); // cleared: s2 is free
    await update(b, s2);
    expect((await store.readStream(`organisation-${b}`)).map((e) => e.type)).toEqual(['OrganisationRegistered', 'OrganisationUpdated', 'OrganisationUpdated']);

    // An installation upgraded to the registry: the migration fills it from the organisation events.
    const pool = app.get<Pool>(PG_POOL);
    const before = (await pool.query<{ siret: string; organisation_id: string }>('select siret, organisation_id from organisation_sirets order by siret')).rows;
    expect(before).toEqual(expect.arrayContaining([{ siret: s2, organisation_id: b }]));
    expect(before.filter((r) => r.organisation_id === a)).toEqual([]);
    await pool.query('drop table organisation_sirets');
    await pool.query(`delete from command_migrations where name in ('OrganisationSirets1732360000003', 'SiretClaimCounts1732360000005')`);
    await migrateCommandSide(db.url);
    expect((await pool.query('select siret, organisation_id from organisation_sirets order by siret')).rows).toEqual(before);
  });

  it('keeps a SIRET that a concurrent command of its organisation records, when another command of it is refused', async () => {
    const registry = new SiretRegistry(app.get<Pool>(PG_POOL));
    const [x, y] = [randomUUID(), randomUUID()];
    const s = syntheticSiret(`claims-${x}`);
    // Two commands of x claim s; the refused one settles first: the other still holds its claim.
    await registry.claim(s, x);
    await registry.claim(s, x);
    await registry.settle(s, x, false);
    await expect(registry.claim(s, y)).rejects.toMatchObject({ code: DomainErrorCode.ALREADY_EXISTS, details: { field: 'siret' } });
    await registry.settle(s, x, true);
    await expect(registry.claim(s, y)).rejects.toMatchObject({ code: DomainErrorCode.ALREADY_EXISTS });
    // A refused command of x after that leaves the SIRET held.
    await registry.claim(s, x);
    await registry.settle(s, x, false);
    await expect(registry.claim(s, y)).rejects.toMatchObject({ code: DomainErrorCode.ALREADY_EXISTS });
    // Given up while another command of x claims it again: kept until that one settles.
    await registry.claim(s, x);
    await registry.release(s, x);
    await expect(registry.claim(s, y)).rejects.toMatchObject({ code: DomainErrorCode.ALREADY_EXISTS });
    await registry.settle(s, x, false);
    await registry.claim(s, y); // now free

    // Through the command bus: a refused update and a valid one sent together, then a register of
    // another organisation with the same SIRET, a few rounds (the refused one used to free it).
    const register = (id: string, siret: string) =>
      bus.execute(organisationCommand(id, { type: 'RegisterOrganisation', data: { organisationId: id, name: id, kind: 'EI', regionCode: '52', departementCode: '49', siret } }, meta()));
    const update = (id: string, data: Record<string, unknown>) => bus.execute(organisationCommand(id, { type: 'UpdateOrganisation', data }, meta()));
    for (let round = 0; round < 6; round++) {
      const [a, b] = [randomUUID(), randomUUID()];
      const siret = syntheticSiret(`claims-${round}-${a}`);
      await register(a, syntheticSiret(`claims-first-${round}-${a}`));
      const [refused, recorded] = await Promise.allSettled([update(a, { siret, departementCode: '13' }), update(a, { siret })]);
      expect(refused).toMatchObject({ status: 'rejected', reason: { code: DomainErrorCode.INVALID_TERRITORY } });
      expect(recorded.status).toBe('fulfilled');
      await expect(register(b, siret)).rejects.toMatchObject({ code: DomainErrorCode.ALREADY_EXISTS, details: { field: 'siret' } });
    }
  });

  it('reads the size of that in-memory fold from MAILLAGE_AGGREGATE_CACHE', () => {
    expect(aggregateCacheSize(undefined)).toBe(10_000);
    expect(aggregateCacheSize('0')).toBe(0);
    expect(aggregateCacheSize('250')).toBe(250);
    expect(() => aggregateCacheSize('-1')).toThrow(/MAILLAGE_AGGREGATE_CACHE/);
    expect(() => aggregateCacheSize('lots')).toThrow(/MAILLAGE_AGGREGATE_CACHE/);
  });
});
