import type { ApolloServerPlugin } from '@apollo/server';
import { GraphQLError, Kind, visit, type DocumentNode } from 'graphql';
import { ApiErrorCode } from './error-mapper';

const NUL = '\u0000';
/** Half of a UTF-16 surrogate pair without its other half: no character at all. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Where the variables go wrong: `path` from `$` (e.g. `$.input.title`). */
type VariablesProblem = { path: string; kind: 'nul' | 'surrogate' | 'depth' };

/** What is wrong with one string of the variables, if anything. */
const textProblem = (text: string): 'nul' | 'surrogate' | null => (text.includes(NUL) ? 'nul' : LONE_SURROGATE.test(text) ? 'surrogate' : null);

/** Deeper than this, variables are refused: the schema's deepest input is a few levels deep. */
export const MAX_VARIABLE_DEPTH = 32;

/**
 * What is wrong with the variables: the first path whose string or key holds U+0000 or half of a
 * surrogate pair, or a path deeper than MAX_VARIABLE_DEPTH; null when nothing is. Iterative: a body
 * of 20,000 nested arrays overflowed the call stack of a recursive walk (an internal error).
 */
export function variablesProblem(variables: unknown): VariablesProblem | null {
  const stack: [unknown, string, number][] = [[variables, '$', 0]];
  while (stack.length) {
    const [value, path, depth] = stack.pop()!;
    if (typeof value === 'string') {
      const kind = textProblem(value);
      if (kind) return { path, kind };
      continue;
    }
    if (value === null || typeof value !== 'object') continue;
    if (depth >= MAX_VARIABLE_DEPTH) return { path, kind: 'depth' };
    if (Array.isArray(value)) {
      for (let i = value.length - 1; i >= 0; i--) stack.push([value[i], `${path}[${i}]`, depth + 1]);
      continue;
    }
    const entries = Object.entries(value);
    for (const [key] of entries) {
      const kind = textProblem(key);
      if (kind) return { path, kind };
    }
    for (let i = entries.length - 1; i >= 0; i--) stack.push([entries[i][1], `${path}.${entries[i][0]}`, depth + 1]);
  }
  return null;
}

function literalHasNul(document: DocumentNode): boolean {
  let found = false;
  visit(document, {
    [Kind.STRING]: (node) => {
      if (node.value.includes(NUL)) found = true;
    },
  });
  return found;
}

/**
 * Refuses, before execution and with BAD_USER_INPUT:
 * - variables nested deeper than MAX_VARIABLE_DEPTH;
 * - any request whose variables or string literals contain the NUL character (U+0000).
 *   PostgreSQL stores no NUL in `text` or `jsonb` ("invalid byte sequence for encoding UTF8:
 *   0x00"), so such a value reached the database and came back as an internal error (found by
 *   fuzzing every operation of the schema). No field of the API has a use for it.
 * - variables holding half of a UTF-16 surrogate pair (JSON's "\ud800" alone). jsonb refuses it
 *   in event data, the key-derived ids could not be computed from it (both internal errors), and
 *   `text` columns stored it as U+FFFD, so two different passwords became one. graphql-js refuses
 *   it in literals itself.
 */
export function inputGuard(): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ request, document }) {
          const problem = variablesProblem(request.variables ?? {});
          // A literal holds U+0000 only through an escape (\u0000, \u{0}): the walk is for those
          // (and for documents found by hash, without their text).
          const mayEscape = request.query === undefined || request.query.includes('\\u');
          const found = problem ?? (mayEscape && literalHasNul(document) ? ({ path: '$', kind: 'nul' } as const) : null);
          if (found) throw inputError(found, { status: 400 });
        },
      };
    },
  };
}

/** Deepest nesting of parentheses, brackets and braces a GraphQL document may have. */
export const MAX_DOCUMENT_NESTING = 64;

/**
 * The deepest nesting of `(`, `[` and `{` in a GraphQL document, outside strings and comments. A
 * string left open ends the scan: the lexer stops there too, before it reaches what follows.
 */
export function documentNesting(query: string): number {
  let depth = 0;
  let max = 0;
  for (let i = 0; i < query.length; i++) {
    const c = query.charCodeAt(i);
    if (c === 0x22 /* " */) {
      if (query.startsWith('"""', i)) {
        let end = query.indexOf('"""', i + 3);
        while (end > 0 && query.charCodeAt(end - 1) === 0x5c /* \ */) end = query.indexOf('"""', end + 3);
        if (end < 0) return max;
        i = end + 2;
      } else {
        i++;
        while (i < query.length && query.charCodeAt(i) !== 0x22 && query.charCodeAt(i) !== 0x0a) i += query.charCodeAt(i) === 0x5c ? 2 : 1;
        if (i >= query.length) return max;
      }
    } else if (c === 0x23 /* # */) {
      while (i < query.length && query.charCodeAt(i) !== 0x0a && query.charCodeAt(i) !== 0x0d) i++;
    } else if (c === 0x28 || c === 0x5b || c === 0x7b) {
      if (++depth > max) max = depth;
    } else if (c === 0x29 || c === 0x5d || c === 0x7d) {
      depth--;
    }
  }
  return max;
}

/**
 * Fastify `preHandler` for the GraphQL endpoint: a document nested deeper than
 * MAX_DOCUMENT_NESTING is refused with GRAPHQL_PARSE_FAILED before any parser sees it. graphql-js
 * parses and validates values recursively: a literal of 5,000 nested lists overflowed the call
 * stack (an HTTP 500 carrying "RangeError: Maximum call stack size exceeded"). Documents already
 * checked are remembered, so a client repeating its queries pays one lookup.
 */
export function graphqlNestingGuard(path = '/graphql') {
  const checked = new Set<string>();
  return async (
    request: { url: string; body?: unknown; query?: unknown },
    reply: { code(status: number): { send(body: unknown): unknown } },
  ): Promise<unknown> => {
    if (request.url !== path && !request.url.startsWith(`${path}?`)) return undefined;
    const carrier = (request.body ?? request.query) as { query?: unknown } | undefined;
    const query = carrier && typeof carrier === 'object' ? carrier.query : undefined;
    if (typeof query !== 'string' || checked.has(query)) return undefined;
    if (documentNesting(query) <= MAX_DOCUMENT_NESTING) {
      if (checked.size >= 1000) checked.clear();
      checked.add(query);
      return undefined;
    }
    // Fastify: an async hook that answers returns the reply, so the handler does not run.
    return reply.code(400).send({ errors: [nestingError().toJSON()] });
  };
}

/**
 * The same checks for a subscription over graphql-ws (no Fastify hook, no Apollo plugin there):
 * the document's nesting, then the variables' depth, NUL characters and lone surrogates. Null when all is well.
 */
export function subscriptionInputProblem(query: unknown, variables: unknown): GraphQLError | null {
  if (typeof query === 'string' && documentNesting(query) > MAX_DOCUMENT_NESTING) return nestingError();
  const problem = variablesProblem(variables ?? {});
  return problem && inputError(problem);
}

/** The answer to a document nested deeper than MAX_DOCUMENT_NESTING (over HTTP and WebSocket). */
const nestingError = (): GraphQLError =>
  new GraphQLError(`Requête trop imbriquée : au plus ${MAX_DOCUMENT_NESTING} niveaux de parenthèses, crochets ou accolades.`, {
    extensions: { code: 'GRAPHQL_PARSE_FAILED' },
  });

/** The BAD_USER_INPUT answer to a variables problem (`http`: the status over HTTP). */
function inputError(problem: VariablesProblem, http?: { status: number }): GraphQLError {
  const variable = problem.path.slice(2);
  return new GraphQLError(
    problem.kind === 'depth'
      ? `Variable trop imbriquée (${variable.split(/[.[]/)[0]}) : au plus ${MAX_VARIABLE_DEPTH} niveaux.`
      : problem.kind === 'surrogate'
        ? `Texte invalide${variable ? ` (${variable})` : ''} : il contient une moitié de caractère Unicode (un « surrogate » UTF-16 isolé).`
        : `Texte invalide${variable ? ` (${variable})` : ''} : le caractère nul (U+0000) n'est pas accepté.`,
    { extensions: { code: ApiErrorCode.BAD_USER_INPUT, ...(http && { http }) } },
  );
}
