import { readInstant } from '@maillage/read-models';

describe('readInstant', () => {
  it('reads a date as the end of that day (UTC) and a date-time with its offset as the instant it names', () => {
    expect(readInstant('2024-02-29')).toEqual({ instant: new Date('2024-02-29T23:59:59.999Z') });
    expect(readInstant('0999-12-31')).toEqual({ instant: new Date('0999-12-31T23:59:59.999Z') });
    expect(readInstant('2024-12-31T18:00:00+01:00')).toEqual({ instant: new Date('2024-12-31T17:00:00.000Z') });
    expect(readInstant('2024-12-31T18:00Z')).toEqual({ instant: new Date('2024-12-31T18:00:00.000Z') });
    expect(readInstant('2024-12-31T23:59:59.123456789-23:59')).toEqual({ instant: new Date('2025-01-01T23:58:59.123Z') });
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
});
