import { v5 as uuidv5 } from 'uuid';

/** Namespace of every demo id (a fixed random UUID): ids are UUID v5 of readable names. */
export const DEMO_NAMESPACE = '6f1d2c4b-8e0a-4c3f-9b57-2d4e1a9c7f31';

export const demoId = (name: string): string => uuidv5(name, DEMO_NAMESPACE);
export const organisationIdOf = (slug: string): string => demoId(`organisation:${slug}`);
export const cooperationIdOf = (slug: string): string => demoId(`cooperation:${slug}`);

const luhnKey = (digits: string): number => {
  // The digit to append so that digits + key passes the Luhn check.
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let n = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 0) {
      n *= 2;
      if (n > 9) n -= 9;
    }
    sum += n;
  }
  return (10 - (sum % 10)) % 10;
};

/**
 * A Luhn-valid SIREN derived from a name, for synthetic organisations only (real organisations of
 * the sources get no SIRET: we are not sure of theirs). A clash with a real company's number is
 * possible and harmless: synthetic organisations have invented names and are flagged `synthetic`. Never 356...
 * (La Poste has its own rule).
 */
export const syntheticSiren = (name: string): string => {
  const hex = demoId(`siren:${name}`).replace(/-/g, '');
  let body = (BigInt(`0x${hex.slice(0, 15)}`) % 100_000_000n).toString().padStart(8, '0');
  if (body.startsWith('356')) body = `4${body.slice(1)}`;
  return body + String(luhnKey(body));
};

/** A Luhn-valid SIRET (head office NIC 0001x) for a synthetic organisation. */
export const syntheticSiret = (name: string): string => {
  const siren = syntheticSiren(name);
  const body = `${siren}0001`;
  return body + String(luhnKey(body));
};
