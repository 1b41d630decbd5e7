import { unauthenticated } from './auth-errors';
import type { RequestUser } from './request-user';

/**
 * One way of proving who the caller is. Every strategy ends in the same `RequestUser`, read from
 * the `users` table, so authorisation never depends on how someone signed in. Today: our own
 * access tokens (after password sign-in) and API tokens; an OpenID Connect strategy (ProConnect)
 * can be added next to them (see README.md).
 */
export interface Authenticator {
  readonly name: string;
  /** Whether a bearer credential has the shape this strategy handles (cheap, no I/O). */
  accepts(credential: string): boolean;
  /** The active user behind the credential; null when it is invalid, expired, revoked or its user is gone. */
  authenticate(credential: string): Promise<RequestUser | null>;
}

const BEARER = /^Bearer[ \t]+(\S+)[ \t]*$/i;

/** The `Authorization` header's value (Fastify and Node lower-case header names). */
function authorizationHeader(headers: Record<string, unknown> | undefined): string | null {
  const value = headers?.authorization ?? headers?.Authorization;
  if (Array.isArray(value)) return value.length === 1 && typeof value[0] === 'string' ? value[0] : '';
  if (value === undefined || value === null) return null;
  return typeof value === 'string' ? value : '';
}

/**
 * `Authorization: Bearer <credential>` -> the caller. No header: anonymous (null). A header that
 * is malformed, or a credential no strategy accepts or validates: UNAUTHENTICATED, one message for
 * all cases so nothing tells an attacker which part was wrong.
 */
export async function resolveBearer(
  headers: Record<string, unknown> | undefined,
  authenticators: readonly Authenticator[],
): Promise<RequestUser | null> {
  const header = authorizationHeader(headers);
  if (header === null) return null;
  const credential = BEARER.exec(header)?.[1];
  if (!credential) throw unauthenticated();
  const strategy = authenticators.find((a) => a.accepts(credential));
  if (!strategy) throw unauthenticated();
  const user = await strategy.authenticate(credential);
  if (!user) throw unauthenticated();
  return user;
}
