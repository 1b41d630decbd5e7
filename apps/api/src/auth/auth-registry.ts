import type { Pool } from 'pg';
import { AuthService, type AuthOptions } from './auth.service';
import type { RequestUser } from './request-user';

const services = new WeakMap<Pool, Promise<AuthService>>();

/**
 * The AuthService of a pool (one per pool, created on first use; the Nest module registers its
 * own so both share options). The auth tables must already be migrated (migrateAuth).
 */
export function authServiceFor(pool: Pool, options?: AuthOptions): Promise<AuthService> {
  let service = services.get(pool);
  if (!service) {
    service = AuthService.create(pool, options);
    service.catch(() => services.delete(pool)); // a failed start (e.g. a short secret) is retried next time
    services.set(pool, service);
  }
  return service;
}

export function registerAuthService(pool: Pool, service: AuthService): void {
  services.set(pool, Promise.resolve(service));
}

/**
 * Who the caller is, from `Authorization: Bearer <access token | mlg_ API token>`: null without the
 * header, a GraphQLError with code UNAUTHENTICATED when the credential is present but not valid.
 */
export async function authenticate(
  pool: Pool,
  headers: Record<string, unknown> | undefined,
): Promise<RequestUser | null> {
  return (await authServiceFor(pool)).authenticate(headers);
}
