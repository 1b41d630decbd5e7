import { Wakeable } from '../src/wakeable';

describe('Wakeable', () => {
  const LONG = 60_000;
  const settled = async (p: Promise<void>) => Promise.race([p.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), 50))]);

  it('ends a sleep when woken', async () => {
    const w = new Wakeable();
    const sleep = w.idle(LONG);
    expect(await settled(sleep)).toBe(false);
    w.wake();
    expect(await settled(sleep)).toBe(true);
  });

  it('keeps a wake-up that came while busy: the next sleep returns at once, the one after sleeps', async () => {
    const w = new Wakeable();
    w.wake();
    w.wake(); // several count as one
    expect(await settled(w.idle(LONG))).toBe(true);
    const next = w.idle(LONG);
    expect(await settled(next)).toBe(false);
    w.wake();
    await next;
  });

  it('sleeps its time when nobody wakes it, and a wake-up after that is kept for the next sleep', async () => {
    const w = new Wakeable();
    expect(await settled(w.idle(10))).toBe(true);
    w.wake();
    expect(await settled(w.idle(LONG))).toBe(true);
  });

  it('forgets a kept wake-up when told (a read about to start covers it)', async () => {
    const w = new Wakeable();
    w.wake();
    w.clearPending();
    const sleep = w.idle(LONG);
    expect(await settled(sleep)).toBe(false);
    w.wake();
    await sleep;
  });
});
