import { randomUUID } from 'node:crypto';
import { CommandBus } from '@nestjs/cqrs';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { EventStore, ReadStreamOptions } from '@maillage/event-store';
import { createTestDatabase, type TestDatabase } from '@maillage/testing';
import { createApp } from '../src/bootstrap';
import { cooperationCommand, type CommandMeta, type CooperationCommandInput } from '../src/command-side/command-envelope';
import { EVENT_STORE } from '../src/command-side/command-side.module';
import type { Caller } from '../src/authorization/access-policy';
import { CooperationQueryService, queryStreamCacheEvents } from '../src/cooperations/cooperation-query.service';
import { proposeGmeCommand, registerAiOrganisations } from './support/commands';

jest.setTimeout(120_000);

const actor = { userId: 'user-qcache-1', organisationId: 'qcache-tremplin', role: 'MEMBER' };
const meta = (over: Partial<CommandMeta> = {}): CommandMeta => ({ caller: 'system', actor, ...over });
const admin: Caller = { userId: 'qcache-admin', organisationId: null, role: 'ADMIN', regions: [] };

/**
 * The detail page and the history keep recently read streams in memory, folded, and read only the
 * events appended since. These tests hold every answer to what a service without the cache (a
 * full read of the store) gives, and count what is read.
 */
describe('query side: cooperation streams kept in memory (real PostgreSQL)', () => {
  let db: TestDatabase;
  let app: NestFastifyApplication;
  let bus: CommandBus;
  let store: EventStore;
  let cached: CooperationQueryService;
  let uncached: CooperationQueryService;
  /** Reads through the store since the last reset: stream and first version asked for. */
  let reads: { stream: string; from: number }[] = [];

  beforeAll(async () => {
    db = await createTestDatabase('query-stream-cache');
    app = await createApp({ databaseUrl: db.url });
    bus = app.get(CommandBus);
    store = app.get<EventStore>(EVENT_STORE);
    const readStream = store.readStream.bind(store);
    store.readStream = (streamId: string, options?: ReadStreamOptions) => {
      reads.push({ stream: streamId, from: options?.from ?? 1 });
      return readStream(streamId, options);
    };
    cached = app.get(CooperationQueryService);
    uncached = new CooperationQueryService(store, 0);
    await registerAiOrganisations(bus, 'qcache', meta());
  });

  afterAll(async () => {
    await app.close();
    await db.drop();
  });

  const run = (cooperationId: string, command: CooperationCommandInput, over: Partial<CommandMeta> = {}) =>
    bus.execute(cooperationCommand(cooperationId, command, meta(over)));
  const propose = async (id: string) => {
    await run(id, proposeGmeCommand(id, 'qcache-tremplin'), { occurredAt: '2024-10-01T09:00:00.000Z' });
    await run(id, { type: 'AddMember', data: { organisation: { id: 'qcache-segre' } } }, { occurredAt: '2024-11-15T09:00:00.000Z' });
  };
  // One instant for every "now" of the file: answers carry their asOf.
  const NOW = new Date('2030-01-01T00:00:00.000Z');
  const now = () => NOW;
  /** The stream's version as the store has it. */
  const versionOf = async (id: string) => (await store.readStream(`cooperation-${id}`)).length;

  it('reads a kept stream only past its last version, and answers exactly as a full read does', async () => {
    const id = randomUUID();
    await propose(id);
    const version = await versionOf(id);
    reads = [];
    const first = await cached.cooperation(id, now(), admin);
    expect(reads).toEqual([{ stream: `cooperation-${id}`, from: 1 }]);
    reads = [];
    const again = await cached.cooperation(id, now(), admin);
    expect(reads).toEqual([{ stream: `cooperation-${id}`, from: version + 1 }]); // the rest is kept
    expect(again).toEqual(first);
    expect(again).toEqual(await uncached.cooperation(id, now(), admin));
    expect(first.version).toBe(version);
    expect(first.members.map((m) => m.organisationId).sort()).toEqual(['qcache-segre', 'qcache-tremplin']);
  });

  it('sees events another process appended straight to the store', async () => {
    const id = randomUUID();
    await propose(id);
    const version = await versionOf(id);
    await cached.cooperation(id, now(), admin); // kept
    // Another API instance (or the CLI) adds a member: this process's command side never saw it.
    const added = (await store.readStream(`cooperation-${id}`)).filter((e) => e.type === 'CooperationMemberAdded').pop()!;
    await store.appendToStream(
      `cooperation-${id}`,
      [
        {
          eventId: randomUUID(),
          type: 'CooperationMemberAdded',
          data: { ...(added.data as Record<string, unknown>), organisationId: 'qcache-saumur', organisationName: 'AI du Saumurois' },
          occurredAt: new Date('2024-12-01T09:00:00.000Z'),
          actor,
          correlationId: 'another-instance',
          causationId: null,
        },
      ],
      { expectedVersion: version },
    );
    reads = [];
    const view = await cached.cooperation(id, now(), admin);
    expect(reads).toEqual([{ stream: `cooperation-${id}`, from: version + 1 }]);
    expect(view.version).toBe(version + 1);
    expect(view.members.map((m) => m.organisationId).sort()).toEqual(['qcache-saumur', 'qcache-segre', 'qcache-tremplin']);
    expect(view).toEqual(await uncached.cooperation(id, now(), admin));
    const history = await cached.history(id, admin);
    expect(history.map((h) => h.version)).toEqual(Array.from({ length: version + 1 }, (_, i) => i + 1));
    expect(history[version]).toMatchObject({ type: 'CooperationMemberAdded', correlationId: 'another-instance' });
    expect(history).toEqual(await uncached.history(id, admin));
  });

  it('answers a past date from the kept events as a full read does, before and after a change', async () => {
    const id = randomUUID();
    await propose(id);
    await cached.cooperation(id, now(), admin);
    await run(id, { type: 'AddMember', data: { organisation: { id: 'qcache-saumur' } } }, { occurredAt: '2025-01-10T09:00:00.000Z' });
    for (const asOf of ['2024-10-15T00:00:00.000Z', '2024-12-31T23:59:59.000Z', '2025-02-01T00:00:00.000Z']) {
      const view = await cached.cooperation(id, new Date(asOf), admin);
      expect(view).toEqual(await uncached.cooperation(id, new Date(asOf), admin));
    }
    expect((await cached.cooperation(id, new Date('2024-12-31T23:59:59.000Z'), admin)).members).toHaveLength(2);
    expect((await cached.cooperation(id, new Date('2025-02-01T00:00:00.000Z'), admin)).members).toHaveLength(3);
    await expect(cached.cooperation(id, new Date('2024-09-01T00:00:00.000Z'), admin)).rejects.toMatchObject({
      extensions: { code: 'NOT_FOUND' },
    });
  });

  it('keeps no unknown stream, and reads an evicted stream from its start again', async () => {
    const unknown = randomUUID();
    reads = [];
    for (let i = 0; i < 2; i++) {
      await expect(cached.cooperation(unknown, now(), admin)).rejects.toMatchObject({ extensions: { code: 'NOT_FOUND' } });
    }
    expect(reads).toEqual([
      { stream: `cooperation-${unknown}`, from: 1 },
      { stream: `cooperation-${unknown}`, from: 1 },
    ]);

    // Room for two streams: a third pushes the least recently read out.
    const [a, b, c] = [randomUUID(), randomUUID(), randomUUID()];
    for (const id of [a, b, c]) await propose(id);
    const version = await versionOf(a);
    const small = new CooperationQueryService(store, 2 * version + 1);
    await small.cooperation(a, now(), admin);
    await small.cooperation(b, now(), admin);
    await small.cooperation(c, now(), admin);
    reads = [];
    await small.cooperation(c, now(), admin);
    await small.cooperation(a, now(), admin);
    expect(reads).toEqual([
      { stream: `cooperation-${c}`, from: version + 1 },
      { stream: `cooperation-${a}`, from: 1 },
    ]);
  });

  it('refuses a caller who may not read the cooperation, kept or not, exactly as before', async () => {
    const id = randomUUID();
    await propose(id);
    const stranger: Caller = { userId: 'qcache-stranger', organisationId: 'qcache-elsewhere', role: 'MEMBER', regions: [] };
    await cached.cooperation(id, now(), admin); // kept
    await expect(cached.cooperation(id, now(), stranger)).rejects.toMatchObject({ extensions: { code: 'NOT_FOUND' } });
    await expect(cached.history(id, stranger)).rejects.toMatchObject({ extensions: { code: 'NOT_FOUND' } });
    const member: Caller = { userId: 'qcache-member', organisationId: 'qcache-segre', role: 'MEMBER', regions: [] };
    expect((await cached.cooperation(id, now(), member)).id).toBe(id);
  });

  it('reads MAILLAGE_QUERY_STREAM_CACHE as a whole number of events', () => {
    expect(queryStreamCacheEvents(undefined)).toBe(20_000);
    expect(queryStreamCacheEvents(' ')).toBe(20_000);
    expect(queryStreamCacheEvents('0')).toBe(0);
    expect(queryStreamCacheEvents('500')).toBe(500);
    expect(() => queryStreamCacheEvents('many')).toThrow(/MAILLAGE_QUERY_STREAM_CACHE must be a whole number/);
    expect(() => queryStreamCacheEvents('-1')).toThrow(/MAILLAGE_QUERY_STREAM_CACHE/);
  });
});
