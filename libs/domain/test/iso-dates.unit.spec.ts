import { isIsoDate, isIsoDateTime, isoForm } from '@maillage/domain';

describe('ISO dates and date-times given as text', () => {
  it('tells a date, a date-time with its offset, a day or time that does not exist, and any other form', () => {
    expect(['2024-02-29', '2024-12-31T18:00:00+01:00', '2024-12-31T18:00Z', '2025-02-30', '2025-02-30T09:00:00Z', '2025-01-01T24:00:00Z', '2025-03-01T10:00:00', '2025'].map(isoForm)).toEqual([
      'date', 'date-time', 'date-time', 'calendar', 'calendar', 'calendar', 'form', 'form',
    ]);
  });

  it('refuses, in commands, a date-time that Date would roll over (2025-02-30T09:00Z is not 2 March), and years before 1000', () => {
    expect([isIsoDateTime('2025-02-28T09:00:00Z'), isIsoDateTime('2025-02-30T09:00:00Z'), isIsoDateTime('2025-01-01T23:60:00Z'), isIsoDateTime('0999-12-31T00:00:00Z')]).toEqual([true, false, false, false]);
    expect([isIsoDate('2024-02-29'), isIsoDate('2100-02-29'), isIsoDate('0999-12-31')]).toEqual([true, false, false]);
  });
});
