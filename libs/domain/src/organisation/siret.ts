/**
 * SIREN (9 digits) and SIRET (14 digits = SIREN + NIC) checks. Both use the Luhn key, except La
 * Poste (SIREN 356000000), whose establishments are too many for Luhn-valid NICs: INSEE validates
 * them by requiring the sum of the 14 digits to be a multiple of 5.
 */
export const LA_POSTE_SIREN = '356000000';
export const LA_POSTE_HEAD_OFFICE_SIRET = '35600000000048';

const luhnValid = (digits: string): boolean => {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let n = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) {
      n *= 2;
      if (n > 9) n -= 9;
    }
    sum += n;
  }
  return sum % 10 === 0;
};

/** Removes spaces, so "356 000 000 00048" is accepted as typed on a Kbis. */
export const normaliseSiret = (value: string): string => value.replace(/\s+/g, '');

export const isValidSiren = (value: unknown): value is string =>
  typeof value === 'string' && /^\d{9}$/.test(normaliseSiret(value)) && luhnValid(normaliseSiret(value));

export const isValidSiret = (value: unknown): value is string => {
  if (typeof value !== 'string') return false;
  const siret = normaliseSiret(value);
  if (!/^\d{14}$/.test(siret)) return false;
  // The head office (NIC 00048) keeps a Luhn key; the other La Poste establishments use the sum rule.
  if (siret.startsWith(LA_POSTE_SIREN) && siret !== LA_POSTE_HEAD_OFFICE_SIRET) {
    let sum = 0;
    for (const c of siret) sum += c.charCodeAt(0) - 48;
    return sum % 5 === 0;
  }
  return luhnValid(siret);
};

export const sirenOf = (siret: string): string => normaliseSiret(siret).slice(0, 9);
