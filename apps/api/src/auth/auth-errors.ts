import { GraphQLError } from 'graphql';

/** Codes of the authentication module, as clients read them in `extensions.code`. */
export enum AuthErrorCode {
  UNAUTHENTICATED = 'UNAUTHENTICATED',
  FORBIDDEN = 'FORBIDDEN',
  BAD_USER_INPUT = 'BAD_USER_INPUT',
  NOT_FOUND = 'NOT_FOUND',
  TOO_MANY_REQUESTS = 'TOO_MANY_REQUESTS',
}

/**
 * One message for every failed sign-in or bad credential (unknown e-mail, wrong password, disabled
 * account, tampered, expired or revoked token): an answer never tells which part was wrong.
 */
export const INVALID_CREDENTIALS = 'Identifiants invalides.';

/** Raised as GraphQLError with a code so that the API's error mapper passes it through unchanged. */
export const unauthenticated = (message = INVALID_CREDENTIALS): GraphQLError =>
  new GraphQLError(message, { extensions: { code: AuthErrorCode.UNAUTHENTICATED, http: { status: 401 } } });

export const authenticationRequired = (): GraphQLError => unauthenticated('Authentification requise.');

export const forbidden = (message = "Vous n'avez pas le droit de faire cette action."): GraphQLError =>
  new GraphQLError(message, { extensions: { code: AuthErrorCode.FORBIDDEN } });

export const badAuthInput = (message: string): GraphQLError =>
  new GraphQLError(message, { extensions: { code: AuthErrorCode.BAD_USER_INPUT } });

export const authNotFound = (what: string): GraphQLError =>
  new GraphQLError(`${what} introuvable.`, { extensions: { code: AuthErrorCode.NOT_FOUND } });

export const tooManyAttempts = (retryAfterSeconds: number): GraphQLError =>
  new GraphQLError(
    `Trop de tentatives de connexion. Réessayez dans ${Math.max(1, Math.ceil(retryAfterSeconds / 60))} minute(s).`,
    {
      extensions: { code: AuthErrorCode.TOO_MANY_REQUESTS, retryAfterSeconds: Math.ceil(retryAfterSeconds) },
    },
  );

/** The code of an error raised by this module (for tests and callers that branch on it). */
export const authErrorCode = (error: unknown): string | null =>
  error instanceof GraphQLError && typeof error.extensions.code === 'string' ? error.extensions.code : null;
