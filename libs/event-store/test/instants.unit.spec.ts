import { types } from 'pg';
import { isoText, parseTimestamptz } from '../src';

const driverParser = types.getTypeParser(1184, 'text') as (text: string) => Date;

describe('parseTimestamptz', () => {
  // [text, whether the fast path reads it (and keeps its ISO text) or hands it to the driver]
  it.each([
    ['2026-11-23 20:24:13.123456+00', true],
    ['2026-11-23 20:24:13.1+00', true],
    ['2026-11-23 20:24:13.12+00', true],
    ['2026-11-23 20:24:13.999999+00', true],
    ['2026-11-23 20:24:13+00', true],
    ['2000-02-29 00:00:00.000001+00', true],
    ['1970-01-01 00:00:00+00', true],
    ['0999-12-31 23:59:59.5+00', true],
    ['2026-11-23 21:24:13.123456+01', false],
    ['2026-11-23 15:54:13.5-04:30', false],
    ['2026-11-23 20:24:13.123+05:45', false],
    ['12026-11-23 20:24:13+00', false],
    ['0044-03-15 12:00:00+00 BC', false],
  ])('reads %s as the driver does (fast path: %s)', (text, fast) => {
    const parsed = parseTimestamptz(text) as Date;
    const expected = driverParser(text);
    expect(parsed).toBeInstanceOf(Date);
    expect(parsed.getTime()).toBe(expected.getTime());
    // The fast path keeps the text it built; the driver's Dates get theirs on first use.
    expect(Object.getOwnPropertySymbols(parsed)).toHaveLength(fast ? 1 : 0);
    expect(isoText(parsed)).toBe(expected.toISOString());
  });

  it('leaves infinity to the driver', () => {
    expect(parseTimestamptz('infinity')).toEqual(driverParser('infinity'));
  });

  it('agrees with the driver on random instants and fractions', () => {
    let seed = 42;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let i = 0; i < 2_000; i++) {
      const date = new Date(Math.floor(next() * 4_102_444_800_000)); // 1970 to 2100
      const digits = Math.floor(next() * 7); // 0 to 6 fraction digits
      const micros = String(date.getUTCMilliseconds() * 1000 + Math.floor(next() * 1000)).padStart(6, '0');
      const text = `${date.toISOString().slice(0, 10)} ${date.toISOString().slice(11, 19)}${digits ? `.${micros.slice(0, digits)}` : ''}+00`;
      const parsed = parseTimestamptz(text) as Date;
      expect([text, parsed.getTime()]).toEqual([text, driverParser(text).getTime()]);
      expect(isoText(parsed)).toBe(parsed.toISOString());
    }
  });
});

describe('isoText', () => {
  it('formats a Date once and returns the same text after', () => {
    const date = new Date('2026-01-02T03:04:05.006Z');
    expect(isoText(date)).toBe('2026-01-02T03:04:05.006Z');
    expect(isoText(date)).toBe(date.toISOString());
    expect(JSON.stringify({ date })).toBe('{"date":"2026-01-02T03:04:05.006Z"}');
    expect(Object.keys(date)).toEqual([]);
  });
});
