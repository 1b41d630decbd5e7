/**
 * A loop's sleep that a wake-up ends. A wake-up that comes while the loop is busy (reading,
 * committing) is kept, and ends the next sleep at once: a commit notified while a projector reads
 * (its read may have begun before the commit was visible) or a stop asked during a batch must not
 * wait for the poll interval. Several wake-ups while busy count as one.
 */
export class Wakeable {
  private wakeUp: (() => void) | null = null;
  private woken = false;

  wake(): void {
    const w = this.wakeUp;
    this.wakeUp = null;
    if (w) w();
    else this.woken = true;
  }

  /** Forgets a kept wake-up: for a loop about to read, whose read covers every commit so far. */
  clearPending(): void {
    this.woken = false;
  }

  /** Sleeps `ms`, or until woken; returns at once if woken while busy since the last sleep. */
  idle(ms: number): Promise<void> {
    if (this.woken) {
      this.woken = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.wakeUp = null;
        resolve();
      }, ms);
      this.wakeUp = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }
}
