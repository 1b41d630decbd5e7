import {
  RateEstimator,
  comparePositions,
  formatDuration,
  formatProgress,
  formatRate,
  toProgressBarUpdate,
} from '@maillage/projections';

describe('rebuild progress', () => {
  it('formats durations, rates and a progress line', () => {
    expect(formatDuration(0)).toBe('0:00');
    expect(formatDuration(5.4)).toBe('0:05');
    expect(formatDuration(125)).toBe('2:05');
    expect(formatDuration(3723)).toBe('1:02:03');
    expect(formatDuration(null)).toBe('--:--');
    expect(formatDuration(Infinity)).toBe('--:--');
    expect(formatRate(0)).toBe('0 ev/s');
    expect(formatRate(950.4)).toBe('950 ev/s');
    expect(formatRate(31_234)).toBe('31.2k ev/s');
    expect(formatRate(1_050_000)).toBe('1.05M ev/s');
    expect(
      formatProgress({
        projection: 'regional_dashboard',
        phase: 'building',
        eventsDone: 12_000,
        eventsTotal: 1_000_000,
        eventsPerSecond: 31_234,
        etaSeconds: 31.6,
        elapsedMs: 400,
      }),
    ).toBe('regional_dashboard building 12,000 / 1,000,000 (1.2%) 31.2k ev/s ETA 0:32');
  });

  it('estimates rate and ETA from a steady feed, smoothing a slow batch', () => {
    const est = new RateEstimator(0, 3000);
    let p = est.progress('p', 'building', 0, 100_000, 0);
    expect(p.etaSeconds).toBeNull();
    p = est.progress('p', 'building', 10_000, 100_000, 1000);
    expect(p.eventsPerSecond).toBeCloseTo(10_000);
    expect(p.etaSeconds).toBeCloseTo(9);
    // One batch five times slower: the smoothed rate moves, but far less than the instant rate.
    p = est.progress('p', 'building', 12_000, 100_000, 2000);
    expect(p.eventsPerSecond).toBeGreaterThan(7000);
    expect(p.eventsPerSecond).toBeLessThan(10_000);
    for (let t = 3000, done = 22_000; t <= 20_000; t += 1000, done += 10_000) {
      p = est.progress('p', 'building', done, 250_000, t);
    }
    expect(p.eventsPerSecond).toBeGreaterThan(9900);
    expect(p.etaSeconds).toBeCloseTo((250_000 - p.eventsDone) / p.eventsPerSecond);
    expect(p.elapsedMs).toBe(20_000);
    const done = est.progress('p', 'done', 250_000, 250_000, 26_000);
    expect(done.etaSeconds).toBe(0);
  });

  it('never reports a total below what is done (events appended during the rebuild)', () => {
    const est = new RateEstimator(0);
    const p = est.progress('p', 'building', 120, 100, 1000);
    expect(p.eventsTotal).toBe(120);
    expect(p.etaSeconds).toBe(0);
  });

  it('gives cli-progress its value, total and payload', () => {
    expect(
      toProgressBarUpdate({
        projection: 'p',
        phase: 'building',
        eventsDone: 5,
        eventsTotal: 10,
        eventsPerSecond: 2500,
        etaSeconds: 2,
        elapsedMs: 1,
      }),
    ).toEqual({ value: 5, total: 10, payload: { projection: 'p', phase: 'building', rate: '2.5k ev/s', eta_formatted: '0:02' } });
  });

  it('orders global positions by transaction id, then sequence', () => {
    expect(comparePositions(null, '1:1')).toBe(-1);
    expect(comparePositions('9:100', '10:1')).toBe(-1);
    expect(comparePositions('10:2', '10:1')).toBe(1);
    expect(comparePositions('18446744073709551615:5', '18446744073709551615:5')).toBe(0);
    expect(() => comparePositions('1:x', '1:1')).toThrow(/Cannot compare positions|Invalid/); // not a position of this store
  });
});
