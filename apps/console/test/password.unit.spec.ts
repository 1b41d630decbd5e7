/**
 * Passwords in the console: the API's length rule in French, and the generator operators use.
 */
import { MAX_PASSWORD, MIN_PASSWORD, generatePassword, passwordLengthError } from '../src/password';

describe('console passwords', () => {
  it('accepts 12 to 256 characters and says in French what is wrong otherwise', () => {
    expect(passwordLengthError('x'.repeat(MIN_PASSWORD))).toBeNull();
    expect(passwordLengthError('x'.repeat(MAX_PASSWORD))).toBeNull();
    expect(passwordLengthError('court')).toBe('Le mot de passe doit compter au moins 12 caractères (il en compte 5).');
    expect(passwordLengthError('x'.repeat(257), 'Le nouveau mot de passe')).toBe('Le nouveau mot de passe doit compter au plus 256 caractères (il en compte 257).');
  });

  it('generates passwords the API accepts, without look-alike characters, different each time', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 200; i++) {
      const password = generatePassword();
      expect(password).toMatch(/^[a-hjkmnp-zA-HJ-NP-Z2-9]{4}(-[a-hjkmnp-zA-HJ-NP-Z2-9]{4}){3}$/);
      expect(passwordLengthError(password)).toBeNull();
      seen.add(password);
    }
    expect(seen.size).toBe(200);
  });

  it('drops the bytes that would bias the draw', () => {
    // 55 characters: bytes from 220 (= 4 × 55) up would favour the first 36 characters.
    let call = 0;
    const random = (bytes: Uint8Array<ArrayBuffer>) => {
      bytes.fill(call++ === 0 ? 250 : 0);
      return bytes;
    };
    expect(generatePassword(1, random)).toBe('aaaa');
    expect(call).toBe(2);
  });
});
