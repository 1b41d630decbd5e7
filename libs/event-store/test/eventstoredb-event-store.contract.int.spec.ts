import { createServer, type Server } from 'node:net';
import { EventStoreDbEventStore, EventStoreError, EventStoreErrorCode } from '@maillage/event-store';
import { runEventStoreContract } from '@maillage/event-store/contract';

/**
 * The shared contract against a real EventStoreDB/KurrentDB when EVENTSTORE_CONNECTION_STRING is set
 * (e.g. esdb://localhost:2113?tls=false). Without it the whole suite is registered as skipped (it
 * shows in Jest's "skipped" count) and the reason is printed: it never passes silently.
 */
const connectionString = process.env.EVENTSTORE_CONNECTION_STRING?.trim();

if (connectionString) {
  runEventStoreContract('EventStoreDB', async () => {
    const store = await EventStoreDbEventStore.open({ connectionString });
    return { store, cleanup: () => store.close() };
  });
} else {
  const reason = 'EVENTSTORE_CONNECTION_STRING is not set: no EventStoreDB server to run the contract against';
  console.warn(`[eventstoredb] contract suite SKIPPED: ${reason}`);
  describe.skip(`(skipped: ${reason})`, () => {
    runEventStoreContract('EventStoreDB', () => Promise.reject(new Error(reason)));
  });
}

describe('EventStoreDB adapter without a server', () => {
  let server: Server;
  let port: number;

  beforeAll(async () => {
    // A port that accepts TCP and closes at once: nothing speaks gRPC there.
    server = createServer((socket) => socket.destroy());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as { port: number }).port;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('fails fast at start with DATABASE_UNAVAILABLE and a message naming the (redacted) location', async () => {
    const cs = `esdb://admin:secret@127.0.0.1:${port}?tls=false`;
    const error = await EventStoreDbEventStore.open({ connectionString: cs, deadlineMs: 3000 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EventStoreError);
    expect((error as EventStoreError).code).toBe(EventStoreErrorCode.DatabaseUnavailable);
    expect((error as Error).message).toContain(`not reachable at start (esdb://admin:***@127.0.0.1:${port}?tls=false)`);
    expect((error as Error).message).not.toContain('secret');
  });

  it('refuses a malformed connection string with INVALID_ARGUMENT', () => {
    let error: unknown;
    try {
      new EventStoreDbEventStore({ connectionString: 'http://nope' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(EventStoreError);
    expect((error as EventStoreError).code).toBe(EventStoreErrorCode.InvalidArgument);
    expect((error as Error).message).toMatch(/Invalid EventStoreDB connection string/);
  });

  it('reports an append to a lost server as DATABASE_UNAVAILABLE (outcome unknown, retry with the same ids)', async () => {
    const store = new EventStoreDbEventStore({ connectionString: `esdb://127.0.0.1:${port}?tls=false`, deadlineMs: 3000 });
    try {
      const error = await store
        .appendToStream('cooperation-1', [{ eventId: '6b1c0a52-6a3f-4c1e-9a43-0d2a1c3b4e5f', type: 'X', data: {}, occurredAt: new Date() }])
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(EventStoreError);
      expect((error as EventStoreError).code).toBe(EventStoreErrorCode.DatabaseUnavailable);
      expect((error as Error).message).toMatch(/retry with the same event ids/);
    } finally {
      await store.close();
    }
  });
});
