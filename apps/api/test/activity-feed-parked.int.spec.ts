import { randomUUID } from 'node:crypto';
import { PostgresEventStore, type EventToAppend, type ReadAllOptions } from '@maillage/event-store';
import { createTestDatabase, type TestDatabase } from '@maillage/testing';
import { ActivityFeed, type ActivityDelivery } from '../src/subscriptions/activity-feed';
import type { SubscriberQueue } from '../src/subscriptions/subscriber-queue';

jest.setTimeout(60_000);

const event = (n: number): EventToAppend => ({
  eventId: randomUUID(),
  type: 'CooperationDeliverableRecorded',
  data: { deliverableId: `d-${n}`, kind: 'CONVENTION', stage: 'DECISION', documentRef: null, title: null },
  occurredAt: new Date(),
});

const until = async (what: string, check: () => boolean, timeoutMs = 10_000): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
};

/**
 * Deliverable numbers delivered up to and including `last` (fails after 5 s without a delivery).
 * The head a subscriber starts from is the store's readable head, which may lag behind the last
 * commit while any transaction of the server is open (other test files share it): then a few events
 * committed just before subscribing come first. Never fewer than the events committed after.
 */
async function takeUntil(queue: SubscriberQueue<ActivityDelivery>, last: number): Promise<number[]> {
  const got: number[] = [];
  while (got[got.length - 1] !== last) {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no delivery after ${got.join(', ') || 'none'}`)), 5000);
    });
    const next = await Promise.race([queue.next(), timeout]).finally(() => clearTimeout(timer));
    if (next.done) break;
    got.push(Number((next.value.event.data as { deliverableId: string }).deliverableId.slice(2)));
  }
  return got;
}

/**
 * The activity feed reads the store only while someone is subscribed: with nobody listening,
 * following every committed batch (events and data) was work for no one. A first subscriber starts
 * from the head at the moment it subscribes.
 */
describe('activity feed with nobody subscribed (real PostgreSQL)', () => {
  let db: TestDatabase;
  let store: PostgresEventStore;
  let feed: ActivityFeed;
  let readAlls = 0;

  beforeAll(async () => {
    db = await createTestDatabase('activity-feed-parked');
    store = await PostgresEventStore.open({ url: db.url });
    const counted = {
      readAll: (options: ReadAllOptions) => {
        readAlls++;
        return store.readAll(options);
      },
      headPosition: () => store.headPosition(),
      onAppended: (listener: () => void) => store.onAppended(listener),
    };
    feed = new ActivityFeed({
      store: counted,
      // The projections are not what is tested here: every position counts as applied.
      waitForProjections: async () => undefined,
      describeCooperations: async () => new Map(),
      pollIntervalMs: 50,
    });
    await feed.start();
  });

  afterAll(async () => {
    await feed.stop();
    await store.close();
    await db.drop();
  });

  const stream = `cooperation-${randomUUID()}`;
  let appended = 0;
  const append = async (n: number) => {
    await store.appendToStream(stream, Array.from({ length: n }, () => event(++appended)));
  };

  it('reads nothing while nobody is subscribed, even as events are committed', async () => {
    await append(3);
    await new Promise((resolve) => setTimeout(resolve, 300)); // several wake-ups and polls
    await append(2);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(readAlls).toBe(0);
  });

  it('a first subscriber gets exactly the events committed after it subscribed, then the feed parks again when it leaves', async () => {
    const queue = await feed.subscribe(() => true);
    expect(feed.subscriberCount).toBe(1);
    await append(2); // d-6, d-7
    const first = await takeUntil(queue, 7);
    expect(first.slice(-2)).toEqual([6, 7]);
    expect(first.slice(0, -2).every((n) => n <= 5)).toBe(true);
    expect(readAlls).toBeGreaterThan(0);

    await queue.return();
    await until('the subscriber to leave', () => feed.subscriberCount === 0);
    await new Promise((resolve) => setTimeout(resolve, 200)); // the loop notices and parks
    const readsWhenLeft = readAlls;
    await append(3); // d-8 .. d-10: nobody listens
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(readAlls).toBe(readsWhenLeft);

    // The next subscriber starts at the head again, not where the first one left: d-7 had been
    // read, so nothing up to it comes back (of d-8 .. d-10, only what the head lagged behind).
    const later = await feed.subscribe(() => true);
    await append(1); // d-11
    const second = await takeUntil(later, 11);
    expect(second[second.length - 1]).toBe(11);
    expect(second.every((n) => n >= 8)).toBe(true);
    await later.return();
  });

  it('two subscribers arriving together while parked both get every event committed after they subscribed', async () => {
    await until('the feed to be empty', () => feed.subscriberCount === 0);
    const [a, b] = await Promise.all([feed.subscribe(() => true), feed.subscribe(() => true)]);
    await append(2); // d-12, d-13
    for (const queue of [a, b]) {
      const got = await takeUntil(queue, 13);
      expect(got.slice(-2)).toEqual([12, 13]);
      expect(got.every((n) => n >= 8)).toBe(true);
    }
    await a.return();
    await b.return();
  });
});
