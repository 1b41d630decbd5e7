import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Compact HS256 JSON Web Tokens on node:crypto. We only ever sign and verify our own short-lived
 * access tokens with one symmetric key, so the few lines below replace a dependency; the header is
 * fixed and checked byte for byte, which rules out `alg: none` and algorithm confusion.
 */
const HEADER = Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'JWT' })).toString('base64url');

export interface AccessTokenClaims {
  /** user id */
  sub: string;
  /** issued at, seconds since the epoch */
  iat: number;
  /** expires at, seconds since the epoch */
  exp: number;
  /** token kind: only access tokens exist today; refuses any other token signed with this key */
  typ: 'access';
  /**
   * credential version of the user when the token was issued (absent: 0). Each password change
   * increments it, and tokens of an older version are refused: the change ends other sessions.
   */
  cv?: number;
}

const sign = (input: string, secret: Buffer): Buffer => createHmac('sha256', secret).update(input).digest();

export function signJwt(claims: AccessTokenClaims, secret: Buffer): string {
  const payload = Buffer.from(JSON.stringify(claims)).toString('base64url');
  const input = `${HEADER}.${payload}`;
  return `${input}.${sign(input, secret).toString('base64url')}`;
}

export const looksLikeJwt = (token: string): boolean =>
  /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/.test(token);

/** The claims of a valid, unexpired token signed with one of `secrets`; null otherwise (never throws). */
export function verifyJwt(token: string, secrets: Buffer[], nowSeconds: number): AccessTokenClaims | null {
  if (token.length > 4096 || !looksLikeJwt(token)) return null;
  const [header, payload, signature] = token.split('.');
  if (header !== HEADER) return null;
  const given = Buffer.from(signature, 'base64url');
  const valid = secrets.some((secret) => {
    const expected = sign(`${header}.${payload}`, secret);
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
  if (!valid) return null;
  let claims: Partial<AccessTokenClaims>;
  try {
    claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Partial<AccessTokenClaims>;
  } catch {
    return null;
  }
  if (
    claims.typ !== 'access' ||
    typeof claims.sub !== 'string' ||
    typeof claims.exp !== 'number' ||
    typeof claims.iat !== 'number' ||
    (claims.cv !== undefined && (!Number.isSafeInteger(claims.cv) || claims.cv < 0))
  )
    return null;
  return withinLifetime(claims as AccessTokenClaims, nowSeconds) ? (claims as AccessTokenClaims) : null;
}

/** Not expired, and not issued in the future: that comes from a skewed clock or a forged secret (small skew only). */
export function withinLifetime(claims: AccessTokenClaims, nowSeconds: number): boolean {
  return claims.exp > nowSeconds && claims.iat <= nowSeconds + 60;
}
