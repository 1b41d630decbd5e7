/**
 * A grant typed by a funder is checked in the browser, each mistake said in French at its field.
 */
import { parseEuros } from '../src/format';
import { amountError, grantDraftFrom, grantErrors, openRequestsTo, requestErrors, requestStatusTone, typedAmount } from '../src/funding';

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

describe('funding request typed in the console', () => {
  const draft = { funderId: 'f-1', programme: '', amount: '', note: '' };

  it('asks only for the funder: programme, amount and message are optional', () => {
    expect(requestErrors(draft)).toEqual([]);
    expect(requestErrors({ ...draft, programme: 'Fonds ESS', amount: '12 500,50', note: 'Merci' })).toEqual([]);
    expect(requestErrors({ ...draft, funderId: null })).toEqual([{ field: 'funderId', message: 'Choisissez dans la liste le financeur ou la collectivité à solliciter.' }]);
  });

  it('refuses a funder already waiting to answer, and an amount typed wrong (but not an amount left empty)', () => {
    expect(requestErrors(draft, ['f-2', 'f-1'])).toEqual([{ field: 'funderId', message: 'Ce financeur est déjà sollicité : sa réponse est attendue.' }]);
    expect(requestErrors({ ...draft, amount: '0' })).toEqual([{ field: 'amount', message: 'Le montant sollicité doit être supérieur à zéro.' }]);
    expect(requestErrors({ ...draft, amount: 'beaucoup' }).map((e) => e.field)).toEqual(['amount']);
    expect(requestErrors({ ...draft, amount: '   ' })).toEqual([]);
  });

  it('prefills the grant form from the request it answers, with the amount as it would be typed', () => {
    expect(grantDraftFrom({ programme: 'Fonds ESS', amount: 45000 })).toEqual({ programme: 'Fonds ESS', amount: '45 000', start: '', end: '' });
    expect(grantDraftFrom({ programme: null, amount: null })).toEqual({ programme: '', amount: '', start: '', end: '' });
    expect(typedAmount(12500.5)).toBe('12 500,50');
    expect(typedAmount(0.5)).toBe('0,50');
    // What is prefilled is accepted as typed.
    for (const value of [45000, 12500.5, 0.5, 1234567.89]) expect(parseEuros(typedAmount(value))).toBe(value);
  });

  it('lists the requests still waiting for one funder, oldest first', () => {
    const requests = [
      { requestId: 'r1', funderOrganisationId: 'f-1', status: 'GRANTED', requestedAt: '2026-01-01T10:00:00Z' },
      { requestId: 'r2', funderOrganisationId: 'f-1', status: 'OPEN', requestedAt: '2026-03-01T10:00:00.000Z' },
      { requestId: 'r3', funderOrganisationId: 'f-2', status: 'OPEN', requestedAt: '2026-01-15T10:00:00Z' },
      { requestId: 'r4', funderOrganisationId: 'f-1', status: 'OPEN', requestedAt: '2026-02-01T10:00:00Z' },
    ];
    expect(openRequestsTo(requests, 'f-1').map((r) => r.requestId)).toEqual(['r4', 'r2']);
    expect(openRequestsTo(requests, null)).toEqual([]);
    expect(['OPEN', 'GRANTED', 'DECLINED', 'WITHDRAWN'].map(requestStatusTone)).toEqual(['info', 'ok', 'warn', 'neutral']);
  });
});
