import { authenticationRequired } from '../auth/auth-errors';
import type { RequestContext, RequestUser } from '../graphql/request-context';
import { ROLES, type Caller, type Role } from './access-policy';

const isRole = (role: string): role is Role => (ROLES as readonly string[]).includes(role);

/** The request's user as the access policy sees it, or null when anonymous. */
export function callerOf(user: RequestUser | null): Caller | null {
  if (!user || !isRole(user.role)) return null;
  return { userId: user.userId, organisationId: user.organisationId, role: user.role, regions: [...user.regions] };
}

/** The caller of a request; anonymous requests (everything but sign-in and health) get UNAUTHENTICATED. */
export function requireCaller(context: Pick<RequestContext, 'user'>): Caller {
  const caller = callerOf(context.user);
  if (!caller) throw authenticationRequired();
  return caller;
}
