/** The four roles of the platform (see docs: who uses the platform). */
export const USER_ROLES = ['ADMIN', 'NETWORK', 'FUNDER', 'MEMBER'] as const;
export type UserRole = (typeof USER_ROLES)[number];

/**
 * Who the caller is, whatever the way it signed in (password + access token, API token, later
 * OpenID Connect). Authorisation reads only this: ids, role and régions, never personal data.
 * Structurally compatible with `RequestUser` of graphql/request-context.ts once `regions` is added there.
 */
export interface RequestUser {
  userId: string;
  /** null only for ADMIN (platform operators belong to no member organisation). */
  organisationId: string | null;
  role: UserRole;
  /** INSEE région codes a NETWORK user follows; empty for the other roles. */
  regions: string[];
}

/** Time source, injected so that tests move the clock instead of waiting. */
export type Clock = () => Date;
export const systemClock: Clock = () => new Date();
