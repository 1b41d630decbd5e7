import { CombinedGraphQLErrors } from '@apollo/client';

export interface ErrorInfo {
  code: string;
  message: string;
  extensions: Record<string, unknown>;
}

/** The first GraphQL error of an Apollo error (network failures become NETWORK_ERROR). */
export function errorInfo(error: unknown): ErrorInfo {
  if (CombinedGraphQLErrors.is(error)) {
    const first = error.errors[0];
    const extensions = (first?.extensions ?? {}) as Record<string, unknown>;
    return { code: typeof extensions.code === 'string' ? extensions.code : 'UNKNOWN', message: first?.message ?? '', extensions };
  }
  return { code: 'NETWORK_ERROR', message: error instanceof Error ? error.message : String(error), extensions: {} };
}

export const CONFLICT_MESSAGE =
  "Quelqu'un d'autre a modifié cette coopération pendant votre saisie. La dernière version vient d'être chargée ; votre saisie est conservée : vérifiez-la, puis validez à nouveau.";

/** A clear French message for an error code; the domain's own messages are already in French. */
export function frenchMessage(error: unknown): string {
  const { code, message } = errorInfo(error);
  switch (code) {
    case 'CONCURRENCY_CONFLICT':
      return CONFLICT_MESSAGE;
    case 'FORBIDDEN':
      return "Votre rôle ne permet pas cette action sur cette coopération.";
    case 'NOT_FOUND':
      return 'Introuvable, ou vous n’y avez pas accès.';
    case 'UNAUTHENTICATED':
      return message || 'Votre session a expiré. Reconnectez-vous.';
    case 'TOO_MANY_REQUESTS':
      return message || 'Trop de tentatives. Réessayez plus tard.';
    case 'NETWORK_ERROR':
      return "Le serveur ne répond pas. Vérifiez votre connexion puis réessayez.";
    case 'BAD_USER_INPUT':
    case 'GRAPHQL_VALIDATION_FAILED':
      return message ? `Saisie refusée : ${message}` : 'Saisie refusée.';
    default:
      return message || 'Une erreur inattendue est survenue.';
  }
}
