/**
 * Amounts, numbers and dates as French users type them and as the console shows them (fr-FR).
 */
import { formatDate, formatEuros, formatIndicatorValue, formatMeasure, formatMeasurement, formatWithUnit, ofName, parseDecimal, parseEuros, parseWholeMonths, quoted } from '../src/format';

/** fr-FR: narrow no-break space between thousands, no-break space before the euro sign. */
const nb = (text: string) => text.replace(/ (?=\d)/g, '\u202f').replace(/ €/g, '\u00a0€');

describe('console amounts', () => {
  it.each([
    ['45000', 45000],
    ['45 000', 45000],
    ['45\u202f000\u00a0€', 45000],
    ['12 500,50', 12500.5],
    ['12500,50', 12500.5],
    ['170 000', 170000],
    ['170\u202f000', 170000],
    ['170\u00a0000', 170000],
    ['0,5', 0.5],
  ])('reads %j as %d euros', (typed, euros) => {
    expect(parseEuros(typed)).toBe(euros);
  });

  it.each(['', 'douze', '12,345', '-5', '1.000,00', '12 500,5 0 €x', '1e5', '12 500,505'])('refuses %j', (typed) => {
    expect(parseEuros(typed)).toBeNaN();
  });

  it('shows euros the fr-FR way: narrow no-break space between thousands, no-break space before €', () => {
    expect(formatEuros(45000)).toBe('45\u202f000\u00a0€');
    expect(formatEuros(parseEuros('12 500'))).toBe('12\u202f500\u00a0€');
  });

  it('shows the cents when there are any, and only then', () => {
    expect(formatEuros(12500.5)).toBe(nb('12 500,50 €'));
    expect(formatEuros(0.5)).toBe(nb('0,50 €'));
    expect(formatEuros(1234.05)).toBe(nb('1 234,05 €'));
    expect(formatEuros(12500)).toBe(nb('12 500 €'));
    expect(formatEuros(0.1 + 0.2)).toBe(nb('0,30 €'));
  });
});

describe('console numbers and durations', () => {
  it.each([
    ['12,5', 12.5],
    ['12.5', 12.5],
    ['1 250,75', 1250.75],
    ['-3', -3],
    [' 40 ', 40],
  ])('reads %j as the number %d', (typed, value) => {
    expect(parseDecimal(typed)).toBe(value);
  });

  it.each(['', '1e5', 'douze', '12,5,1', '12,', ',5', '--3'])('refuses %j as a number', (typed) => {
    expect(parseDecimal(typed)).toBeNaN();
  });

  it('takes whole months only', () => {
    expect(parseWholeMonths('12')).toBe(12);
    expect(parseWholeMonths(' 24 ')).toBe(24);
    for (const typed of ['1,5', '1.5', '1e1', '0', '-3', '', 'douze']) expect(parseWholeMonths(typed)).toBeNaN();
  });

  it('shows measured values with a decimal comma and all their decimals', () => {
    expect(formatMeasure(14.4)).toBe('14,4');
    expect(formatMeasure(1250.75)).toBe(nb('1 250,75'));
    expect(formatMeasure(12)).toBe('12');
  });

  it('agrees the unit with the value (singular below 2) and shows euros as amounts', () => {
    expect(formatWithUnit(1, 'sites')).toBe('1 site');
    expect(formatWithUnit(1.5, 'heures')).toBe('1,5 heure');
    expect(formatWithUnit(2, 'sites')).toBe('2 sites');
    expect(formatWithUnit(0, 'personnes')).toBe('0 personne');
    expect(formatWithUnit(14.4, 'ETP')).toBe('14,4 ETP');
    expect(formatWithUnit(1, 'tonnes de déchets')).toBe('1 tonne de déchets');
    expect(formatWithUnit(1, 'mois')).toBe('1 mois');
    expect(formatWithUnit(12500.5, 'EUR')).toBe(nb('12 500,50 €'));
    expect(formatWithUnit(3, null)).toBe('3');
  });
  it('shows a measurement by its number with its unit agreed, or as written when qualitative', () => {
    expect(formatMeasurement({ value: '1', numericValue: 1 }, 'sites')).toBe('1 site');
    expect(formatMeasurement({ value: '14.4', numericValue: 14.4 }, 'ETP')).toBe('14,4 ETP');
    expect(formatMeasurement({ value: 'Bonne dynamique', numericValue: null }, 'ETP')).toBe('Bonne dynamique');
  });
});

describe('console dates', () => {
  it('writes the first day of a month as “1er”, and only that day', () => {
    expect(formatDate('2025-05-01')).toBe('1er mai 2025');
    expect(formatDate('2026-01-01')).toBe('1er janvier 2026');
    expect(formatDate('2025-05-11')).toBe('11 mai 2025');
    expect(formatDate('2025-05-21')).toBe('21 mai 2025');
    expect(formatDate('2025-05-02')).toBe('2 mai 2025');
    // An instant is read in Paris: 30 April 23:30 UTC is already 1 May there.
    expect(formatDate('2025-04-30T23:30:00Z')).toBe('1er mai 2025');
  });
});

describe('console indicator values and names in sentences', () => {
  it('shows an indicator value or target given as text by the API the French way, with its unit', () => {
    expect(formatIndicatorValue('14.4', 'ETP')).toBe('14,4 ETP');
    expect(formatIndicatorValue('12.5', 'ETP')).toBe('12,5 ETP');
    expect(formatIndicatorValue('1', 'sites')).toBe('1 site');
    expect(formatIndicatorValue('1250', 'heures')).toBe(nb('1 250 heures'));
    expect(formatIndicatorValue('Bonne dynamique partenariale', null)).toBe('Bonne dynamique partenariale');
    expect(formatIndicatorValue(null, 'ETP')).toBe('—');
  });

  it('elides “de” before a vowel', () => {
    expect(ofName('Essaimage de la recyclerie')).toBe('d’Essaimage de la recyclerie');
    expect(ofName('Épicerie solidaire')).toBe('d’Épicerie solidaire');
    expect(ofName('Nettoyage des collèges')).toBe('de Nettoyage des collèges');
  });
});

describe('quoted values', () => {
  it('wraps a value in guillemets, unless it already holds some', () => {
    expect(quoted('Fonds régional ESS')).toBe('« Fonds régional ESS »');
    expect(quoted('Appel à projets régional « Coopérations 2026 »')).toBe('Appel à projets régional « Coopérations 2026 »');
    expect(quoted('« Coopérations »')).toBe('« Coopérations »');
  });
});
