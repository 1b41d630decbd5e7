/**
 * The target market of a GME as typed in the console: French amounts, whole months, CPV codes
 * with their check digit, and the warning for a bid deadline that freezes the members at once.
 */
import { EMPTY_MARKET, deadlineFreezesNow, frozenWarning, isCpvCode, marketCommand, marketFieldOf, validateMarket, type MarketDraft } from '../src/market';

const draft = (over: Partial<MarketDraft> = {}): MarketDraft => ({
  buyerName: 'Département de Maine-et-Loire',
  cpvCode: '90911200',
  amount: '170 000',
  duration: '12',
  procedures: ['RESERVED_SIAE'],
  bidDeadline: '',
  ...over,
});
const fields = (d: MarketDraft) => validateMarket(d).map((e) => e.field);

describe('market typed in the console', () => {
  it.each(['170 000', '170\u202f000', '170\u00a0000 €', '12500,50', '12 500,50', '240000'])('takes the amount %j', (amount) => {
    expect(fields(draft({ amount }))).toEqual([]);
  });

  it.each(['1e5', '12 500,505', '0', '-5', 'douze', '1.000,00'])('refuses the amount %j with a French message', (amount) => {
    const errors = validateMarket(draft({ amount }));
    expect(errors.map((e) => e.field)).toEqual(['amount']);
    expect(errors[0].message).toMatch(/^Le montant hors taxes s’écrit en euros/);
  });

  it('takes whole months only', () => {
    expect(fields(draft({ duration: '24' }))).toEqual([]);
    for (const duration of ['1,5', '1.5', '1e1', '0']) {
      const errors = validateMarket(draft({ duration }));
      expect(errors).toEqual([{ field: 'duration', message: 'La durée s’indique en mois entiers (par exemple 12 ou 18).' }]);
    }
    expect(validateMarket(draft({ duration: '' }))).toEqual([{ field: 'duration', message: 'Indiquez la durée du marché en mois.' }]);
  });

  it('accepts a CPV code with or without its check digit, as the API does', () => {
    for (const code of ['90911200', '90911200-8', '909112008', '9091 1200-8']) expect(isCpvCode(code)).toBe(true);
    for (const code of ['9091120', '90911200-', '90911200-88', 'abcdefgh']) expect(isCpvCode(code)).toBe(false);
    expect(fields(draft({ cpvCode: '90911200-8' }))).toEqual([]);
    expect(fields(draft({ cpvCode: '9091120' }))).toEqual(['cpvCode']);
    // Required for public procurement, optional for a private contract only.
    expect(fields(draft({ cpvCode: '' }))).toEqual(['cpvCode']);
    expect(fields(draft({ cpvCode: '', procedures: ['PRIVATE_CONTRACT'] }))).toEqual([]);
  });

  it('lists every missing field of an empty market', () => {
    expect(fields(EMPTY_MARKET)).toEqual(['buyerName', 'cpvCode', 'amount', 'duration', 'procedures']);
  });

  it('sends numbers the API reads', () => {
    expect(marketCommand(draft({ amount: '12 500,50', duration: ' 18 ', cpvCode: '90911200-8', bidDeadline: '2026-05-01' }))).toEqual({
      buyerName: 'Département de Maine-et-Loire',
      cpvCode: '90911200-8',
      amountExclVat: 12500.5,
      durationMonths: 18,
      procedures: ['RESERVED_SIAE'],
      bidDeadline: '2026-05-01',
    });
    expect(marketCommand(draft({ cpvCode: '', procedures: ['PRIVATE_CONTRACT'] })).cpvCode).toBeNull();
  });

  it('warns when the bid deadline is today or past (the members are frozen from then on)', () => {
    expect(deadlineFreezesNow('2026-03-01', '2026-03-02')).toBe(true);
    expect(deadlineFreezesNow('2026-03-02', '2026-03-02')).toBe(true);
    expect(deadlineFreezesNow('2026-03-03', '2026-03-02')).toBe(false);
    expect(deadlineFreezesNow('', '2026-03-02')).toBe(false);
    expect(frozenWarning('2026-03-01', '2026-03-02')).toMatch(/^La date limite de remise des offres \(le 1er mars 2026\) est déjà atteinte\. .*figée jusqu’à l’attribution du marché/);
    expect(frozenWarning('2026-03-02', '2026-03-02')).toMatch(/^La date limite de remise des offres \(aujourd’hui\)/);
  });

  it('ties the API’s field names to the form’s fields', () => {
    expect(marketFieldOf('cpvCode')).toBe('cpvCode');
    expect(marketFieldOf('amountExclVat')).toBe('amount');
    expect(marketFieldOf('durationMonths')).toBe('duration');
    expect(marketFieldOf('procedures[0]')).toBe('procedures');
    expect(marketFieldOf('lots[0].label')).toBeNull();
    expect(marketFieldOf(undefined)).toBeNull();
  });
});
