/** Password rules of the API (12 to 256 characters) and a generator for operators. */
export const MIN_PASSWORD = 12;
export const MAX_PASSWORD = 256;

/** French message when a new password's length is refused, or null when it is fine. */
export function passwordLengthError(password: string, what = 'Le mot de passe'): string | null {
  if (password.length < MIN_PASSWORD) return `${what} doit compter au moins ${MIN_PASSWORD} caractères (il en compte ${password.length}).`;
  if (password.length > MAX_PASSWORD) return `${what} doit compter au plus ${MAX_PASSWORD} caractères (il en compte ${password.length}).`;
  return null;
}

/** No look-alikes (0/O, 1/l/I): the password is read out or copied by hand. */
const ALPHABET = 'abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789';

/**
 * A random password of `groups` groups of four characters joined by hyphens (four groups: 19
 * characters, about 92 bits), from the browser's CSPRNG without modulo bias.
 */
export function generatePassword(groups = 4, random: (bytes: Uint8Array<ArrayBuffer>) => Uint8Array<ArrayBuffer> = (b) => crypto.getRandomValues(b)): string {
  const wanted = groups * 4;
  const limit = 256 - (256 % ALPHABET.length);
  const chars: string[] = [];
  while (chars.length < wanted) {
    for (const byte of random(new Uint8Array(wanted * 2))) {
      if (byte < limit && chars.length < wanted) chars.push(ALPHABET[byte % ALPHABET.length]);
    }
  }
  const parts: string[] = [];
  for (let i = 0; i < wanted; i += 4) parts.push(chars.slice(i, i + 4).join(''));
  return parts.join('-');
}
