import { randomUUID } from 'node:crypto';
import { CommandBus } from '@nestjs/cqrs';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { ConcurrencyError, type EventStore, type ReadStreamOptions } from '@maillage/event-store';
import { DomainErrorCode, evolveCooperation, initialCooperationState, type CooperationEvent } from '@maillage/domain';
import { seedDemo } from '@maillage/demo-data';
import { createTestDatabase, type TestDatabase } from '@maillage/testing';
import { createApp } from '../src/bootstrap';
import { cooperationCommand, type CommandMeta, type CooperationCommandInput } from '../src/command-side/command-envelope';
import { EVENT_STORE } from '../src/command-side/command-side.module';
import { CommandExecutor, toDomainEvent } from '../src/command-side/command-executor';
import { cooperationAggregate } from '../src/command-side/aggregates';
import { executeDemoStep } from '../src/demo/demo-seed';
import { proposeGmeCommand, registerAiOrganisations } from './support/commands';
import { PG_POOL } from '../src/database/database.module';
import type { Pool } from 'pg';

jest.setTimeout(120_000);

const actor = { userId: 'user-tremplin-1', organisationId: 'cache-tremplin', role: 'MEMBER' };
const meta = (over: Partial<CommandMeta> = {}): CommandMeta => ({ caller: 'system', actor, ...over });

/**
 * The command side decides on the folded state it keeps in memory without reading the stream
 * (CommandExecutor.decideAndAppend). These tests hold it to what a read of the store would decide.
 */
describe('command side: deciding on the states kept in memory (real PostgreSQL)', () => {
  let db: TestDatabase;
  let app: NestFastifyApplication;
  let bus: CommandBus;
  let store: EventStore;
  let executor: CommandExecutor;
  /** Stream ids read through the store since the last reset. */
  let reads: string[] = [];
  /** The next read of an organisation's stream fails like a lost connection (not a refusal). */
  let failNextOrganisationRead = false;

  beforeAll(async () => {
    db = await createTestDatabase('aggregate-cache');
    app = await createApp({ databaseUrl: db.url });
    bus = app.get(CommandBus);
    store = app.get<EventStore>(EVENT_STORE);
    executor = app.get(CommandExecutor);
    // Counts the reads; the store itself does the work.
    const readStream = store.readStream.bind(store);
    store.readStream = (streamId: string, options?: ReadStreamOptions) => {
      reads.push(streamId);
      if (failNextOrganisationRead && streamId.startsWith('organisation-')) {
        failNextOrganisationRead = false;
        return Promise.reject(new Error('Connection terminated unexpectedly'));
      }
      return readStream(streamId, options);
    };
    await registerAiOrganisations(bus, 'cache', meta());
  });

  afterAll(async () => {
    await app.close();
    await db.drop();
  });

  const run = (cooperationId: string, command: CooperationCommandInput, over: Partial<CommandMeta> = {}) =>
    bus.execute(cooperationCommand(cooperationId, command, meta(over)));
  const propose = (id: string) => run(id, proposeGmeCommand(id, 'cache-tremplin'), { occurredAt: '2024-10-01T09:00:00.000Z' });
  const folded = async (id: string) => {
    let state = initialCooperationState();
    for (const e of await store.readStream(`cooperation-${id}`)) state = evolveCooperation(state, toDomainEvent<CooperationEvent>(e));
    return state;
  };
  const another = (id: string, version: number, organisationId: string, organisationName: string) =>
    store.readStream(`cooperation-${id}`, { from: 3, maxCount: 1 }).then(([added]) =>
      store.appendToStream(
        `cooperation-${id}`,
        [
          {
            eventId: randomUUID(),
            type: 'CooperationMemberAdded',
            data: { ...(added.data as Record<string, unknown>), organisationId, organisationName },
            occurredAt: new Date(),
            actor,
            correlationId: 'another-instance',
            causationId: null,
          },
        ],
        { expectedVersion: version },
      ),
    );

  it('keeps, after every command of the demo, exactly the state a fold of the stored stream gives, reading each stream about once', async () => {
    reads = [];
    const result = await seedDemo(executeDemoStep(bus), { synthetic: 24, now: new Date('2025-06-30T12:00:00.000Z') });
    const cooperationReads = reads.filter((s) => s.startsWith('cooperation-'));
    const streams = new Set(cooperationReads);
    expect(result.cooperations).toBeGreaterThan(30);
    expect(result.commands).toBeGreaterThan(result.cooperations * 5);
    // Only a stream's first command (nothing kept yet) and renewals read it; the other commands
    // decide on the state the executor folded from its own appends.
    expect(cooperationReads.length).toBeLessThan(streams.size * 2);
    expect(cooperationReads.length).toBeLessThan(result.commands / 4);

    const { rows } = await app.get<Pool>(PG_POOL).query<{ stream_id: string }>(`select distinct stream_id from event_store.events where stream_id like 'cooperation-%'`);
    expect(rows.length).toBe(result.cooperations);
    for (const { stream_id } of rows) {
      const id = stream_id.slice('cooperation-'.length);
      reads = [];
      // Nothing was appended since, so this is the state kept in memory (read forward: no event).
      const kept = await executor.load(cooperationAggregate, id);
      expect(kept.state).toEqual(await folded(id));
    }
  });

  it('decides again on the store when another process appended behind the state kept in memory', async () => {
    const id = randomUUID();
    await propose(id);
    await run(id, { type: 'AddMember', data: { organisation: { id: 'cache-segre' } } });
    await another(id, 3, 'cache-saumur', 'AI du Saumurois');
    reads = [];
    // Decided first on version 3 (kept), refused by the append's expected version, read forward
    // and decided again on version 4: the caller sees no conflict, since it named no version.
    const renamed = await run(id, { type: 'RemoveMember', data: { organisationId: 'cache-segre', reason: 'départ' } });
    expect(renamed).toMatchObject({ version: 5, eventTypes: ['CooperationMemberRemoved'] });
    expect(reads.filter((s) => s === `cooperation-${id}`).length).toBe(1);
    expect((await executor.load(cooperationAggregate, id)).state).toEqual(await folded(id));
  });

  it('checks a refusal decided on the state kept in memory against the store before answering', async () => {
    const id = randomUUID();
    await propose(id);
    await run(id, { type: 'AddMember', data: { organisation: { id: 'cache-segre' } } });
    // Kept: only cache-segre is a member. Another process adds cache-saumur...
    await another(id, 3, 'cache-saumur', 'AI du Saumurois');
    // ...so removing cache-saumur, refused on the kept state (not a member), succeeds on the store's.
    const removed = await run(id, { type: 'RemoveMember', data: { organisationId: 'cache-saumur', reason: 'départ' } });
    expect(removed).toMatchObject({ version: 5, eventTypes: ['CooperationMemberRemoved'] });

    // A refusal on a current state stands, at the cost of one read of the stream.
    reads = [];
    await expect(run(id, { type: 'AddMember', data: { organisation: { id: 'cache-segre' } } })).rejects.toMatchObject({
      code: DomainErrorCode.MEMBER_ALREADY_PRESENT,
    });
    expect(reads.filter((s) => s.startsWith('cooperation-'))).toEqual([`cooperation-${id}`]);
    expect((await store.readStream(`cooperation-${id}`)).length).toBe(5);
  });

  it('returns a conflict to a caller whose expected version the state kept in memory matches but the store does not', async () => {
    const id = randomUUID();
    await propose(id);
    await run(id, { type: 'AddMember', data: { organisation: { id: 'cache-segre' } } });
    await another(id, 3, 'cache-saumur', 'AI du Saumurois');
    const stale = await run(id, { type: 'RemoveMember', data: { organisationId: 'cache-segre', reason: 'départ' } }, { expectedVersion: 3 }).catch(
      (e: unknown) => e,
    );
    expect(stale).toBeInstanceOf(ConcurrencyError);
    expect((stale as ConcurrencyError).actualVersion).toBe(4);
    expect((await store.readStream(`cooperation-${id}`)).length).toBe(4);
  });

  it('decides a command on a stream it wrote without reading it', async () => {
    const id = randomUUID();
    await propose(id);
    reads = [];
    const added = await run(id, { type: 'AddMember', data: { organisation: { id: 'cache-segre' } } });
    expect(added.version).toBe(3);
    // The organisation is still read from its stream (its kind is recorded in the event); the
    // cooperation's stream is not.
    expect(reads).toEqual(['organisation-cache-segre']);
  });

  it('passes an error that is not a refusal straight to the caller, without reading the stream again', async () => {
    const id = randomUUID();
    await propose(id);
    reads = [];
    failNextOrganisationRead = true;
    await expect(run(id, { type: 'AddMember', data: { organisation: { id: 'cache-segre' } } })).rejects.toThrow(
      'Connection terminated unexpectedly',
    );
    expect(reads).toEqual(['organisation-cache-segre']); // the lookup that failed; the cooperation is not read
    // Nothing was appended, and the next command goes through.
    expect((await run(id, { type: 'AddMember', data: { organisation: { id: 'cache-segre' } } })).version).toBe(3);
  });
});
