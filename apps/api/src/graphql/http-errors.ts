import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { isApiPath } from '../api-paths';
/**
 * Refusals of the GraphQL endpoint that happen before GraphQL runs, in GraphQL's shape and French.
 * A body that is not JSON, an empty one, one too large, another content type (Fastify and Nest
 * answered `{"statusCode":400,"message":"Body is not valid JSON..."}`, with no code), and Apollo's
 * own English refusals (the CSRF guard, a batch) become `{"errors":[{"message", "extensions":
 * {"code":"BAD_REQUEST"}}]}` with the same HTTP status, like every other refusal of the API.
 */

const MESSAGES: { test: (status: number, message: string) => boolean; fr: string }[] = [
  { test: (s, m) => s === 400 && /not valid JSON/i.test(m), fr: 'Corps de requête illisible : ce n’est pas du JSON valide.' },
  { test: (s, m) => s === 400 && /cannot be empty/i.test(m), fr: 'Corps de requête vide : envoyez {"query": "..."} en JSON.' },
  { test: (s) => s === 413, fr: 'Requête trop volumineuse.' },
  { test: (s) => s === 415, fr: 'Type de contenu non accepté : envoyez la requête en application/json.' },
  {
    test: (s, m) => s === 400 && /Cross-Site Request Forgery/i.test(m),
    fr: 'Requête refusée (protection CSRF contre la falsification de requêtes) : envoyez-la en POST avec « Content-Type: application/json ».',
  },
  { test: (s, m) => s === 400 && /batching disabled/i.test(m), fr: 'Une seule opération par requête : les lots ne sont pas acceptés.' },
];

/** The French message for a refusal of the endpoint, or null when it is not one of those above. */
export function frenchRefusal(status: number, message: string): string | null {
  return MESSAGES.find((m) => m.test(status, message))?.fr ?? null;
}

/** The answer to send instead of `payload` (a refusal above, rewritten), or `payload` itself. */
function rewrittenRefusal(url: string, path: string, status: number, payload: unknown): unknown {
  if (status < 400 || typeof payload !== 'string') return payload;
  if (url !== path && !url.startsWith(`${path}?`)) return payload;
  let body: { message?: unknown; errors?: { message?: unknown; extensions?: unknown }[] };
  try {
    body = JSON.parse(payload) as typeof body;
  } catch {
    return payload;
  }
  const message = typeof body.message === 'string' ? body.message : body.errors?.length === 1 ? body.errors[0].message : undefined;
  const fr = typeof message === 'string' ? frenchRefusal(status, message) : null;
  return fr ? JSON.stringify({ errors: [{ message: fr, extensions: { code: 'BAD_REQUEST' } }] }) : payload;
}

/**
 * Fastify `onSend` hook for `path`: rewrites the refusals above; any other answer goes as it is.
 * A callback hook, not an async one: it runs for every answer, and most pass straight through.
 */
export function graphqlHttpErrors(path = '/graphql') {
  return (request: { url: string }, reply: { statusCode: number }, payload: unknown, done: (error: null, payload: unknown) => void): void => {
    done(null, rewrittenRefusal(request.url, path, reply.statusCode, payload));
  };
}

/**
 * Fastify's `frameworkErrors`: an address it cannot decode (`/cooperations/%E0%A4%A`) or whose
 * parameter is too long, refused before any route runs. Fastify answered them in English JSON
 * (`FST_ERR_BAD_URL`), the console's pages included. Now /graphql answers in GraphQL's shape,
 * /exports and /health in their `{ code, message }`, and the console's addresses with a small
 * French page linking back home; all with code BAD_REQUEST and the status Fastify chose.
 */
export function frameworkErrors(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  const status = error.statusCode && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 400;
  const message =
    error.code === 'FST_ERR_MAX_PARAM_LENGTH' ? 'Adresse trop longue.' : 'Adresse illisible : elle contient un caractère encodé de façon incorrecte (%).';
  const url = request.raw.url ?? '/';
  reply.code(status);
  reply.header('Cache-Control', 'no-store');
  if (url.split('?')[0].startsWith('/graphql')) {
    reply.type('application/json; charset=utf-8');
    reply.send(JSON.stringify({ errors: [{ message, extensions: { code: 'BAD_REQUEST' } }] }));
  } else if (isApiPath(url)) {
    reply.type('application/json; charset=utf-8');
    reply.send(JSON.stringify({ code: 'BAD_REQUEST', message }));
  } else {
    reply.type('text/html; charset=utf-8');
    reply.send(
      `<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>Adresse illisible — Maillage</title></head>` +
        `<body><h1>Adresse illisible</h1><p>${message}</p><p><a href="/">Revenir à l’accueil de Maillage</a></p></body></html>`,
    );
  }
}
