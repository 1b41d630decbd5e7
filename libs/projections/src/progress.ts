/** Progress of a rebuild, reported after every batch. */
export interface RebuildProgress {
  projection: string;
  phase: 'building' | 'swapping' | 'done';
  eventsDone: number;
  /** Events in the store when the rebuild started (raised if more arrive meanwhile). */
  eventsTotal: number;
  /** Recent throughput (smoothed), events per second. */
  eventsPerSecond: number;
  /** Seconds left at the current rate; null until a rate is known. */
  etaSeconds: number | null;
  elapsedMs: number;
}

/**
 * Smoothed rate and ETA. Pure: the caller passes the clock, so it is unit-testable. The rate is an
 * exponential moving average of per-sample rates, weighted by the sample's duration, so a single
 * slow batch (a checkpoint, an autovacuum) does not make the ETA jump.
 */
export class RateEstimator {
  private lastAt: number;
  private lastDone: number;
  private rate = 0;

  constructor(
    private readonly startedAt: number,
    private readonly halfLifeMs = 3000,
  ) {
    this.lastAt = startedAt;
    this.lastDone = 0;
  }

  sample(done: number, now: number): number {
    const dt = now - this.lastAt;
    if (dt <= 0) return this.rate;
    const instant = ((done - this.lastDone) * 1000) / dt;
    // First sample (or a rate still unknown) takes the instant rate as is.
    const weight = this.rate === 0 ? 1 : 1 - Math.pow(0.5, dt / this.halfLifeMs);
    this.rate = this.rate + weight * (instant - this.rate);
    this.lastAt = now;
    this.lastDone = done;
    return this.rate;
  }

  progress(projection: string, phase: RebuildProgress['phase'], done: number, total: number, now: number): RebuildProgress {
    const rate = phase === 'building' ? this.sample(done, now) : this.rate;
    const eventsTotal = Math.max(total, done);
    const remaining = eventsTotal - done;
    return {
      projection,
      phase,
      eventsDone: done,
      eventsTotal,
      eventsPerSecond: rate,
      etaSeconds: phase === 'done' ? 0 : rate > 0 ? remaining / rate : remaining === 0 ? 0 : null,
      elapsedMs: now - this.startedAt,
    };
  }
}

/** "1:02:03", "2:03", "0:05"; "--:--" when unknown. */
export function formatDuration(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds) || seconds < 0) return '--:--';
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${sec}` : `${m}:${sec}`;
}

/** "950 ev/s", "31.2k ev/s", "1.05M ev/s". */
export function formatRate(eventsPerSecond: number): string {
  if (!Number.isFinite(eventsPerSecond) || eventsPerSecond <= 0) return '0 ev/s';
  if (eventsPerSecond < 1000) return `${Math.round(eventsPerSecond)} ev/s`;
  if (eventsPerSecond < 1_000_000) return `${(eventsPerSecond / 1000).toFixed(1)}k ev/s`;
  return `${(eventsPerSecond / 1_000_000).toFixed(2)}M ev/s`;
}

function formatCount(n: number): string {
  return String(Math.round(n)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** One line for logs: `regional_dashboard building 12,000 / 1,000,000 (1.2%) 31.2k ev/s ETA 0:31`. */
export function formatProgress(p: RebuildProgress): string {
  const percent = p.eventsTotal > 0 ? (100 * p.eventsDone) / p.eventsTotal : 100;
  return (
    `${p.projection} ${p.phase} ${formatCount(p.eventsDone)} / ${formatCount(p.eventsTotal)} ` +
    `(${percent.toFixed(1)}%) ${formatRate(p.eventsPerSecond)} ETA ${formatDuration(p.etaSeconds)}`
  );
}

/**
 * Arguments for a `cli-progress` bar: `bar.start(total, value, payload)` then
 * `bar.update(value, payload)` (with `bar.setTotal(total)`), with a format such as
 * `'{bar} {value}/{total} {rate} ETA {eta_formatted}'`: we pass our smoothed `eta_formatted` and
 * `rate` because cli-progress's own ETA restarts at every setTotal.
 */
export function toProgressBarUpdate(p: RebuildProgress): {
  value: number;
  total: number;
  payload: { projection: string; phase: string; rate: string; eta_formatted: string };
} {
  return {
    value: p.eventsDone,
    total: p.eventsTotal,
    payload: {
      projection: p.projection,
      phase: p.phase,
      rate: formatRate(p.eventsPerSecond),
      eta_formatted: formatDuration(p.etaSeconds),
    },
  };
}
