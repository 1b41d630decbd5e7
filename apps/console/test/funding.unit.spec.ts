/**
 * A grant typed by a funder is checked in the browser, each mistake said in French at its field.
 */
import { parseEuros } from '../src/format';
import { ANSWERED_HIDDEN_MS, amountError, grantDraftFrom, grantErrors, markSolicitationAnswered, openRequestsTo, requestErrors, requestStatusTone, tooLong, typedAmount, withoutAnswered } from '../src/funding';

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

describe('requests that lapsed, texts too long, solicitations just answered', () => {
  it('gives a lapsed request (« Sans suite ») a neutral tone and never counts it as waiting', () => {
    expect(requestStatusTone('LAPSED')).toBe('neutral');
    const requests = [
      { funderOrganisationId: 'f', status: 'LAPSED', requestedAt: '2026-01-01T00:00:00Z' },
      { funderOrganisationId: 'f', status: 'OPEN', requestedAt: '2026-02-01T00:00:00Z' },
    ];
    expect(openRequestsTo(requests, 'f')).toEqual([requests[1]]);
    expect(requestErrors({ funderId: 'f', programme: '', amount: '', note: '' }, [])).toEqual([]);
  });

  it('says a text is too long as the API counts it (trimmed), with the same limits', () => {
    expect(tooLong(` ${'x'.repeat(2000)} `, 2000, 'La raison')).toBeNull();
    expect(tooLong('x'.repeat(2001), 2000, 'La raison')).toBe('La raison compte au plus 2\u202f000 caractères (2\u202f001 pour l’instant).');
    expect(tooLong('x'.repeat(2001), 2000, 'Les précisions')).toBe('Les précisions comptent au plus 2\u202f000 caractères (2\u202f001 pour l’instant).');
    expect(requestErrors({ funderId: 'f', programme: 'p'.repeat(301), amount: '', note: 'n'.repeat(2001) })).toEqual([
      { field: 'programme', message: 'Le programme compte au plus 300 caractères (301 pour l’instant).' },
      { field: 'note', message: 'Le message compte au plus 2\u202f000 caractères (2\u202f001 pour l’instant).' },
    ]);
    expect(requestErrors({ funderId: 'f', programme: 'p'.repeat(300), amount: '', note: 'n'.repeat(2000) })).toEqual([]);
  });

  it('hides a solicitation just declined while the read model still lists it, then forgets it', () => {
    const answered = new Map<string, number>();
    const items = [{ id: 'a' }, { id: 'b' }];
    markSolicitationAnswered('a', 1000, answered);
    expect(withoutAnswered(items, 1500, answered)).toEqual({ shown: [{ id: 'b' }], lagging: true });
    // The read model caught up: forgotten (a new request from it will be listed).
    expect(withoutAnswered([{ id: 'b' }], 2000, answered)).toEqual({ shown: [{ id: 'b' }], lagging: false });
    expect(answered.size).toBe(0);
    // Never longer than ANSWERED_HIDDEN_MS.
    markSolicitationAnswered('a', 1000, answered);
    expect(withoutAnswered(items, 1000 + ANSWERED_HIDDEN_MS, answered)).toEqual({ shown: items, lagging: false });
  });
});
