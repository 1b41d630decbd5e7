/**
 * A grant typed by a funder is checked in the browser, each mistake said in French at its field.
 */
import { amountError, grantErrors } from '../src/funding';

const grant = { programme: 'Appel à projets ESS 2026', amount: '45 000', start: '2026-02-01', end: '2026-12-31' };

describe('grant typed in the console', () => {
  it('accepts a grant typed the French way, with or without an end', () => {
    expect(grantErrors(grant)).toEqual([]);
    expect(grantErrors({ ...grant, amount: '12 500,50', end: '' })).toEqual([]);
  });

  it('says why an amount is refused', () => {
    expect(grantErrors({ ...grant, amount: '0' })).toEqual([{ field: 'amount', message: 'Le montant accordé doit être supérieur à zéro.' }]);
    expect(grantErrors({ ...grant, amount: '12 500,505' })).toEqual([
      { field: 'amount', message: 'Le montant accordé s’écrit en euros, avec au plus deux décimales (par exemple 45 000 ou 12 500,50).' },
    ]);
    expect(amountError('', 'montant versé')).toBe('Indiquez le montant versé.');
    expect(amountError('1e5', 'montant versé')).toMatch(/^Le montant versé s’écrit en euros/);
    expect(amountError('0,50', 'montant versé')).toBeNull();
  });

  it('refuses a period that ends before it starts, and lists what is missing', () => {
    expect(grantErrors({ ...grant, end: '2026-01-31' })).toEqual([{ field: 'end', message: 'La fin de la période ne peut pas précéder son début.' }]);
    expect(grantErrors({ programme: ' ', amount: '', start: '', end: '' }).map((e) => e.field)).toEqual(['programme', 'amount', 'start']);
  });
});
