import { isFutureInstant, readAsOf, readInstant } from '@maillage/read-models';

describe('readInstant', () => {
  it('reads a date as the end of that day (UTC) and a date-time with its offset as the instant it names', () => {
    // A date ends at midnight in France: 23:00 UTC in winter, 22:00 in summer (the change of time falls on 30 March 2025).
    expect(readInstant('2024-02-29')).toEqual({ instant: new Date('2024-02-29T22:59:59.999Z'), form: 'date' });
    expect(readInstant('2025-03-29')).toEqual({ instant: new Date('2025-03-29T22:59:59.999Z'), form: 'date' });
    expect(readInstant('2025-03-30')).toEqual({ instant: new Date('2025-03-30T21:59:59.999Z'), form: 'date' });
    expect(readInstant('2025-10-26')).toEqual({ instant: new Date('2025-10-26T22:59:59.999Z'), form: 'date' });
    // Paris kept its local mean time (UTC+0:09:21) until 1891.
    expect(readInstant('0999-12-31')).toEqual({ instant: new Date('0999-12-31T23:50:38.999Z'), form: 'date' });
    expect(readInstant('2024-12-31T18:00:00+01:00')).toEqual({ instant: new Date('2024-12-31T17:00:00.000Z'), form: 'date-time' });
    expect(readInstant('2024-12-31T18:00Z')).toEqual({ instant: new Date('2024-12-31T18:00:00.000Z'), form: 'date-time' });
    expect(readInstant('2024-12-31T23:59:59.123456789-23:59')).toEqual({ instant: new Date('2025-01-01T23:58:59.123Z'), form: 'date-time' });
  });

  it('refuses a day or a time that does not exist, which Date rolls over', () => {
    for (const value of ['2025-02-29', '2100-02-29', '2025-04-31', '2025-13-01', '2025-00-10', '2025-01-00', '2025-02-30T09:00:00Z', '2025-01-01T24:00:00Z', '2025-01-01T23:60:00Z', '2025-01-01T23:59:60Z', '2025-01-01T12:00:00+24:00', '2025-01-01T12:00:00+01:60']) {
      expect({ value, read: readInstant(value) }).toEqual({ value, read: { problem: 'calendar' } });
    }
  });

  it('refuses every other form, which Date takes', () => {
    for (const value of ['', '2025', '2025-03', 'March 7, 2025', '2025-03-01T10:00:00', '2025-03-01 10:00:00Z', '2025-03-01t10:00:00z', '+275760-09-13T00:00:00Z', '-004714-01-01T00:00:00Z', '10000-01-01', '31/12/2024', ' 2025-01-01', '2025-01-01\n']) {
      expect({ value, read: readInstant(value) }).toEqual({ value, read: { problem: 'form' } });
    }
  });

  it('calls a date future once it has not begun anywhere yet, a date-time once it is more than five minutes ahead', () => {
    const future = (value: string, now: string) => {
      const read = readInstant(value);
      if ('problem' in read) throw new Error(value);
      return isFutureInstant(read, new Date(now));
    };
    // 23:30 UTC on the 24th is 00:30 on the 25th in Paris: the 25th is a French user's today.
    expect(future('2026-11-24', '2026-11-24T23:30:00Z')).toBe(false);
    expect(future('2026-11-25', '2026-11-24T23:30:00Z')).toBe(false);
    expect(future('2026-11-26', '2026-11-24T23:30:00Z')).toBe(true);
    // At 09:59 UTC the 25th has begun nowhere (UTC+14 is at 23:59 on the 24th); at 10:00 it has.
    expect(future('2026-11-25', '2026-11-24T09:59:59Z')).toBe(true);
    expect(future('2026-11-25', '2026-11-24T10:00:00Z')).toBe(false);
    expect(future('2025-12-31', '2026-11-24T10:00:00Z')).toBe(false);
    expect(future('2026-11-24T12:04:59Z', '2026-11-24T12:00:00Z')).toBe(false);
    expect(future('2026-11-24T13:05:01+01:00', '2026-11-24T12:00:00Z')).toBe(true);
    expect(future('9999-12-31T23:59:59Z', '2026-11-24T12:00:00Z')).toBe(true);
  });

  it('reads an asOf from the year 1000 to today, with a French refusal otherwise (one rule for GraphQL and the exports)', () => {
    const now = new Date('2026-11-24T12:00:00Z');
    expect(readAsOf('1000-01-01', now)).toEqual({ instant: new Date('1000-01-01T23:50:38.999Z'), form: 'date' });
    expect(readAsOf('1999-12-31T23:00:00+01:00', now)).toEqual({ instant: new Date('1999-12-31T22:00:00.000Z'), form: 'date-time' });
    expect(readAsOf('0999-12-31', now)).toEqual({ refusal: expect.stringMatching(/^Date hors limites : « 0999-12-31 » \(asOf commence le 1000-01-01\)/) });
    expect(readAsOf('2026-11-26', now)).toEqual({ refusal: expect.stringMatching(/^Date dans le futur/) });
    expect(readAsOf('2023-02-30', now)).toEqual({ refusal: expect.stringMatching(/n'existe pas/) });
    expect(readAsOf('hier', now)).toEqual({ refusal: expect.stringMatching(/attendu AAAA-MM-JJ/) });
  });
});
