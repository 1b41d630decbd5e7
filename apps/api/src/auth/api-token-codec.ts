import { createHash, randomBytes } from 'node:crypto';

/** Recognisable prefix, so leaked tokens are easy to grep for (and for secret scanners). */
export const API_TOKEN_PREFIX = 'mlg_';
const API_TOKEN = /^mlg_[A-Za-z0-9_-]{43}$/;

/** 32 random bytes: a brute-force search is hopeless, so a fast SHA-256 is the right hash to store. */
export function newApiToken(): { token: string; hash: Buffer; displayPrefix: string } {
  const token = API_TOKEN_PREFIX + randomBytes(32).toString('base64url');
  return { token, hash: hashApiToken(token), displayPrefix: token.slice(0, 8) };
}

export const hashApiToken = (token: string): Buffer => createHash('sha256').update(token, 'utf8').digest();
export const isApiTokenShaped = (credential: string): boolean => credential.startsWith(API_TOKEN_PREFIX);
export const isWellFormedApiToken = (credential: string): boolean => API_TOKEN.test(credential);
