import { RetryingSubscription, type StartPoint, type SubscriptionSource } from '@maillage/event-store/eventstoredb';

interface Ev {
  position: string;
}

/** A scripted stand-in for the client's $all subscription (the system edge): a log of positions. */
class FakeSource implements SubscriptionSource<Ev> {
  readonly opens: (StartPoint)[] = [];
  private active: { from: StartPoint; handlers: Parameters<SubscriptionSource<Ev>['open']>[1]; closed: boolean } | null = null;
  constructor(readonly log: string[]) {}

  open(from: StartPoint, handlers: Parameters<SubscriptionSource<Ev>['open']>[1]) {
    this.opens.push(from);
    const sub: { from: StartPoint; handlers: typeof handlers; closed: boolean } = { from, handlers, closed: false };
    this.active = sub;
    return { close: async () => void (sub.closed = true) };
  }
  /** Delivers the next `n` events after the subscription's start (exclusive, like the server). */
  deliver(n: number): void {
    const sub = this.active!;
    const start = typeof sub.from === 'string' ? this.log.indexOf(sub.from) + 1 : 0;
    for (const position of this.log.slice(start, start + n)) void sub.handlers.onEvent({ position });
    sub.from = this.log[Math.min(start + n, this.log.length) - 1] ?? sub.from;
  }
  drop(error: unknown = new Error('14 UNAVAILABLE')): void {
    this.active!.handlers.onDrop(error);
  }
}

const flush = () => new Promise((resolve) => setImmediate(resolve));

describe('RetryingSubscription', () => {
  const log = ['p1', 'p2', 'p3', 'p4', 'p5', 'p6'];

  function setup(onEvent: (e: Ev) => void | Promise<void> = () => undefined) {
    const source = new FakeSource(log);
    const timers: { fn: () => void; ms: number }[] = [];
    const retries: [number, number][] = [];
    const delivered: string[] = [];
    const subscription = new RetryingSubscription<Ev>({
      source,
      from: null,
      positionOf: (e) => e.position,
      onEvent: async (e) => {
        await onEvent(e);
        delivered.push(e.position);
      },
      onRetry: (_e, attempt, delay) => retries.push([attempt, delay]),
      backoff: { initialMs: 100, maxMs: 1000, random: () => 1 },
      setTimer: (fn, ms) => {
        timers.push({ fn, ms });
        return { cancel: () => undefined };
      },
    }).start();
    return { source, timers, retries, delivered, subscription };
  }

  it('reopens after a drop from the last delivered event: nothing lost, nothing twice', async () => {
    const { source, timers, retries, delivered, subscription } = setup();
    source.deliver(2);
    await flush();
    source.drop();
    await flush();
    expect(timers.map((t) => t.ms)).toEqual([100]);
    timers.shift()!.fn();
    expect(source.opens).toEqual([null, 'p2']);
    source.deliver(4);
    await flush();
    expect(delivered).toEqual(log);
    expect(retries).toEqual([[1, 100]]);
    expect(subscription.position).toBe('p6');
    await subscription.stop();
  });

  it('backs off longer on each failed attempt and resets once events flow again', async () => {
    const { source, timers, retries, subscription } = setup();
    for (let i = 0; i < 3; i++) {
      source.drop();
      await flush();
      timers.shift()!.fn();
    }
    expect(retries).toEqual([
      [1, 100],
      [2, 200],
      [3, 400],
    ]);
    source.deliver(1);
    await flush();
    source.drop();
    await flush();
    expect(retries[3]).toEqual([1, 100]);
    await subscription.stop();
  });

  it('a failing handler drops the subscription and gets the same event again after the backoff', async () => {
    let failOnce = true;
    const { source, timers, delivered, subscription } = setup((e) => {
      if (e.position === 'p2' && failOnce) {
        failOnce = false;
        throw new Error('read model down');
      }
    });
    source.deliver(3); // p3 arrives too but must not be handled before p2 succeeds
    await flush();
    await flush();
    expect(delivered).toEqual(['p1']);
    timers.shift()!.fn();
    expect(source.opens).toEqual([null, 'p1']);
    source.deliver(5);
    await flush();
    expect(delivered).toEqual(log);
    await subscription.stop();
  });

  it('ignores what a dropped subscription still emits, and stops for good', async () => {
    const { source, timers, delivered, subscription } = setup();
    const firstHandlers = (source as unknown as { active: { handlers: { onEvent(e: Ev): void } } }).active.handlers;
    source.drop();
    await flush();
    firstHandlers.onEvent({ position: 'p1' });
    await flush();
    expect(delivered).toEqual([]);
    await subscription.stop();
    timers.shift()!.fn();
    expect(source.opens).toEqual([null]);
  });
});
