/**
 * Amounts as French users type them and as the console shows them (fr-FR).
 */
import { formatEuros, parseEuros } from '../src/format';

describe('console amounts', () => {
  it.each([
    ['45000', 45000],
    ['45 000', 45000],
    ['45\u202f000\u00a0€', 45000],
    ['12 500,50', 12500.5],
    ['0,5', 0.5],
  ])('reads %j as %d euros', (typed, euros) => {
    expect(parseEuros(typed)).toBe(euros);
  });

  it.each(['', 'douze', '12,345', '-5', '1.000,00', '12 500,5 0 €x'])('refuses %j', (typed) => {
    expect(parseEuros(typed)).toBeNaN();
  });

  it('shows euros the fr-FR way: narrow no-break space between thousands, no-break space before €', () => {
    expect(formatEuros(45000)).toBe('45\u202f000\u00a0€');
    expect(formatEuros(parseEuros('12 500'))).toBe('12\u202f500\u00a0€');
  });
});
