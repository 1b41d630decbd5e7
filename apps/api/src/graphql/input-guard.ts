import type { ApolloServerPlugin } from '@apollo/server';
import { GraphQLError, Kind, visit, type DocumentNode } from 'graphql';
import { ApiErrorCode } from './error-mapper';

const NUL = '\u0000';

/** The first path (in variables) whose string or key holds U+0000, or null. */
function nulPath(value: unknown, path: string): string | null {
  if (typeof value === 'string') return value.includes(NUL) ? path : null;
  if (value === null || typeof value !== 'object') return null;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = nulPath(value[i], `${path}[${i}]`);
      if (found) return found;
    }
    return null;
  }
  for (const [key, inner] of Object.entries(value)) {
    if (key.includes(NUL)) return path;
    const found = nulPath(inner, `${path}.${key}`);
    if (found) return found;
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
 * Refuses, before execution, any request whose variables or string literals contain the NUL
 * character (U+0000). PostgreSQL stores no NUL in `text` or `jsonb` ("invalid byte sequence for
 * encoding UTF8: 0x00"), so such a value reached the database and came back as an internal error
 * (found by fuzzing every operation of the schema). No field of the API has a use for it.
 */
export function rejectNulCharacters(): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ request, document }) {
          const inVariables = nulPath(request.variables ?? {}, '$');
          // A literal holds U+0000 only through an escape (\u0000, \u{0}): the walk is for those
          // (and for documents found by hash, without their text).
          const mayEscape = request.query === undefined || request.query.includes('\\u');
          if (inVariables === null && !(mayEscape && literalHasNul(document))) return;
          throw new GraphQLError(
            `Texte invalide${inVariables ? ` (${inVariables.slice(2) || 'variables'})` : ''} : le caractère nul (U+0000) n'est pas accepté.`,
            { extensions: { code: ApiErrorCode.BAD_USER_INPUT, http: { status: 400 } } },
          );
        },
      };
    },
  };
}
