/**
 * A measurement is checked in the browser before it is sent: obvious mistakes get a French
 * message at their field instead of the API's refusal.
 */
import { indicatorErrors, measurementErrors } from '../src/indicators';

const base = { indicatorId: 'i1', start: '2026-01-01', end: '2026-06-30', value: '14,4', quantitative: true };

describe('measurement typed in the console', () => {
  it('accepts a period and a number typed the French way', () => {
    expect(measurementErrors(base)).toEqual([]);
    expect(measurementErrors({ ...base, end: '' })).toEqual([]);
    expect(measurementErrors({ ...base, value: '1 250,75' })).toEqual([]);
  });

  it('refuses a period that ends before it starts', () => {
    expect(measurementErrors({ ...base, end: '2025-12-31' })).toEqual([{ field: 'end', message: 'La fin de période ne peut pas précéder son début.' }]);
  });

  it('refuses text or exponents for a quantitative indicator, not for a qualitative one', () => {
    for (const value of ['beaucoup', '1e5', '12,5,1'])
      expect(measurementErrors({ ...base, value })).toEqual([{ field: 'value', message: 'Cet indicateur se mesure par un nombre (par exemple 12 ou 12,5).' }]);
    expect(measurementErrors({ ...base, value: 'Bonne dynamique', quantitative: false })).toEqual([]);
  });

  it('lists what is missing', () => {
    expect(measurementErrors({ indicatorId: '', start: '', end: '', value: ' ', quantitative: true }).map((e) => e.field)).toEqual(['indicator', 'start', 'value']);
  });
});

describe('defining a standard indicator', () => {
  it('asks for the indicator and reads the objective as a French number', () => {
    expect(indicatorErrors({ standard: '', target: '' })).toEqual([{ field: 'standard', message: 'Choisissez l’indicateur à suivre.' }]);
    expect(indicatorErrors({ standard: 'PEOPLE_IN_INSERTION', target: '' })).toEqual([]);
    expect(indicatorErrors({ standard: 'PEOPLE_IN_INSERTION', target: '12,5' })).toEqual([]);
    expect(indicatorErrors({ standard: 'PEOPLE_IN_INSERTION', target: 'douze' })).toEqual([{ field: 'target', message: 'L’objectif est un nombre (par exemple 40 ou 12,5).' }]);
  });
});
