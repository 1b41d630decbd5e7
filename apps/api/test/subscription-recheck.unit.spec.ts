import { GraphQLError } from 'graphql';
import { SubscriberQueue } from '../src/subscriptions/subscriber-queue';
import { stillAuthorized, subscriptionRecheckMs } from '../src/subscriptions/subscriptions.resolver';

/** A queue as the activity feed hands it out, with a flag telling whether it was released. */
function source() {
  let released = false;
  const queue = new SubscriberQueue<number>(10, () => (released = true));
  return { queue, released: () => released };
}

describe('a running subscription checks its right again (stillAuthorized)', () => {
  it('checks at most once per interval, and only before a delivery', async () => {
    const { queue } = source();
    let clock = 0;
    let checks = 0;
    const guarded = stillAuthorized(queue, async () => void checks++, 1000, () => clock);
    queue.push(1);
    queue.push(2);
    await expect(guarded.next()).resolves.toEqual({ value: 1, done: false });
    await expect(guarded.next()).resolves.toEqual({ value: 2, done: false });
    expect(checks).toBe(0); // younger than the interval
    clock = 5000;
    queue.push(3);
    queue.push(4);
    await expect(guarded.next()).resolves.toEqual({ value: 3, done: false });
    expect(checks).toBe(1);
    await expect(guarded.next()).resolves.toEqual({ value: 4, done: false });
    expect(checks).toBe(1); // checked at 5000, still fresh
  });

  it('a refused check ends the subscription with its error, delivers nothing more and releases the queue', async () => {
    const { queue, released } = source();
    let clock = 0;
    const refused = new GraphQLError('Votre session a expiré ou votre accès a été retiré : reconnectez-vous.', { extensions: { code: 'UNAUTHENTICATED' } });
    let allowed = true;
    const guarded = stillAuthorized(queue, () => (allowed ? Promise.resolve() : Promise.reject(refused)), 1000, () => clock);
    queue.push(1);
    await expect(guarded.next()).resolves.toEqual({ value: 1, done: false });
    allowed = false;
    clock = 1000;
    queue.push(2);
    await expect(guarded.next()).rejects.toBe(refused);
    expect(released()).toBe(true);
    queue.push(3);
    await expect(guarded.next()).resolves.toEqual({ value: undefined, done: true });
  });

  it('with an interval of 0 it checks before every delivery', async () => {
    const { queue } = source();
    let checks = 0;
    const guarded = stillAuthorized(queue, async () => void checks++, 0);
    for (const n of [1, 2, 3]) queue.push(n);
    for (const n of [1, 2, 3]) await expect(guarded.next()).resolves.toEqual({ value: n, done: false });
    expect(checks).toBe(3);
  });

  it('unsubscribing releases the queue at once, even while a delivery is awaited', async () => {
    const { queue, released } = source();
    const guarded = stillAuthorized(queue, async () => undefined, 0);
    const pending = guarded.next();
    await expect(guarded.return!()).resolves.toEqual({ value: undefined, done: true });
    expect(released()).toBe(true);
    await expect(pending).resolves.toEqual({ value: undefined, done: true });
  });

  it('reads its interval from MAILLAGE_SUBSCRIPTION_RECHECK_MS (default 5 s, bad values ignored)', () => {
    expect(subscriptionRecheckMs({})).toBe(5000);
    expect(subscriptionRecheckMs({ MAILLAGE_SUBSCRIPTION_RECHECK_MS: '0' })).toBe(0);
    expect(subscriptionRecheckMs({ MAILLAGE_SUBSCRIPTION_RECHECK_MS: '250' })).toBe(250);
    expect(subscriptionRecheckMs({ MAILLAGE_SUBSCRIPTION_RECHECK_MS: 'soon' })).toBe(5000);
    expect(subscriptionRecheckMs({ MAILLAGE_SUBSCRIPTION_RECHECK_MS: '-1' })).toBe(5000);
  });
});
