import { LRUCache } from 'lru-cache';
import {
  GraphQLError,
  Kind,
  parse,
  specifiedRules,
  validate,
  type DocumentNode,
  type FormattedExecutionResult,
  type GraphQLFormattedError,
  type ParseOptions,
  type ValidationRule,
} from 'graphql';
import type { ServerOptions } from 'graphql-ws';
import type { GraphQLWsSubscriptionsConfig, SubscriptionConfig } from '@nestjs/graphql';
import { buildRequestContext, type RequestContext, type RequestUser } from '../graphql/request-context';
import { formatGraphQLError } from '../graphql/error-mapper';
import { subscriptionInputProblem } from '../graphql/input-guard';

/** Context of a subscription: the usual request context, plus the WebSocket connection params. */
export interface SubscriptionContext extends RequestContext {
  /** What the client sent in connection_init (will carry its access token; see authorizeSubscription). */
  connectionParams: Readonly<Record<string, unknown>>;
  /**
   * Resolves the caller again from the same credentials, as the database says now (null once the
   * token expired or was revoked, or the account was disabled or deleted). Subscriptions call it
   * while they run, so access withdrawn after connection_init ends them.
   */
  reauthenticate(): Promise<RequestUser | null>;
}

/** Builds the context from graphql-ws connection params (the WebSocket twin of the HTTP headers). */
export function buildSubscriptionContext(
  connectionParams: Readonly<Record<string, unknown>> | undefined,
  user: RequestUser | null = null,
  authenticate: Authenticate = async () => null,
): SubscriptionContext {
  const params = connectionParams ?? {};
  return {
    ...buildRequestContext(headersOf(params), user),
    connectionParams: params,
    reauthenticate: () => callerOf(params, authenticate),
  };
}

/**
 * The caller the connection params name, as the database says now: refused credentials answer
 * null; a database that cannot answer is an error (the check fails closed).
 */
const callerOf = (params: Readonly<Record<string, unknown>>, authenticate: Authenticate): Promise<RequestUser | null> =>
  authenticate(headersOf(params)).catch((error: unknown) => {
    if (error instanceof GraphQLError && error.extensions.code === 'UNAUTHENTICATED') return null;
    throw error;
  });

/** Clients send `{ headers: { authorization } }` or `{ authorization }` in connection_init. */
const headersOf = (params: Readonly<Record<string, unknown>>): Record<string, unknown> =>
  typeof params.headers === 'object' && params.headers !== null ? (params.headers as Record<string, unknown>) : params;

/** Resolves the caller from the connection params, like the HTTP path does from the headers. */
export type Authenticate = (headers: Record<string, unknown>) => Promise<RequestUser | null>;

/**
 * A variable's value the schema refuses (graphql-js's coercion error, attached to one variable
 * definition, with no code yet): BAD_USER_INPUT, as Apollo answers it over HTTP.
 */
const isVariableValueError = (error: GraphQLError): boolean =>
  error.extensions.code === undefined && error.nodes?.length === 1 && error.nodes[0].kind === Kind.VARIABLE_DEFINITION;

/** What graphql-armor's Apollo plugin hides from error messages in production (field suggestions). */
const SUGGESTION = /Did you mean ".+"/g;

/**
 * Errors thrown while resolving a subscription, mapped like the HTTP ones (no internals leak);
 * `hideSuggestions`: field suggestions masked, as graphql-armor does over HTTP in production.
 */
function formatErrors(errors: readonly GraphQLError[], hideSuggestions: boolean): GraphQLFormattedError[] {
  return errors.map((error) => {
    const formatted = formatError(error);
    return hideSuggestions ? { ...formatted, message: formatted.message.replace(SUGGESTION, '[Suggestion hidden]') } : formatted;
  });
}

function formatError(error: GraphQLError): GraphQLFormattedError {
  if (isVariableValueError(error)) return { message: error.message, locations: error.locations, extensions: { code: 'BAD_USER_INPUT' } };
  // Parse and validation errors have no original error: passed on with their code (Apollo does the same over HTTP).
  return error.originalError ? formatGraphQLError(error.toJSON(), error) : { ...error.toJSON(), extensions: { code: 'GRAPHQL_VALIDATION_FAILED', ...error.extensions } };
}

/**
 * What the HTTP endpoint checks in a document before running it, for graphql-ws to check too:
 * Apollo's plugins and validation rules (graphql-armor's, see armor.ts) are not on that path.
 */
export interface DocumentChecks {
  /** graphql-js parse options (the token limit). */
  parseOptions?: ParseOptions;
  /** Validation rules added to graphql-js's own (depth, aliases, directives, cost). */
  validationRules?: readonly ValidationRule[];
  /** Production: introspection refused and field suggestions hidden, like Apollo's `introspection: false` and graphql-armor. */
  production?: boolean;
}

/** Introspection refused, as Apollo's `introspection: false` does over HTTP: one error per `__schema` or `__type` field. */
const noIntrospection: ValidationRule = (context) => ({
  Field(node) {
    if (node.name.value === '__schema' || node.name.value === '__type') {
      context.reportError(new GraphQLError(`Introspection désactivée : le champ « ${node.name.value} » n'est pas servi en production.`, { nodes: [node] }));
    }
  },
});

/** A document that does not parse (or is over the token limit): GRAPHQL_PARSE_FAILED, as over HTTP. */
const parseFailed = (error: unknown): GraphQLError =>
  error instanceof GraphQLError
    ? new GraphQLError(error.message, { source: error.source, positions: error.positions, extensions: { code: 'GRAPHQL_PARSE_FAILED' } })
    : new GraphQLError('Requête illisible.', { extensions: { code: 'GRAPHQL_PARSE_FAILED' } });

/** A rule broken: GRAPHQL_VALIDATION_FAILED, as over HTTP (graphql-armor reports BAD_USER_INPUT, which Apollo overrides). */
const validationFailed = (error: GraphQLError): GraphQLError =>
  new GraphQLError(error.message, {
    nodes: error.nodes,
    source: error.source,
    positions: error.positions,
    extensions: { ...error.extensions, code: 'GRAPHQL_VALIDATION_FAILED' },
  });

/**
 * `subscriptions` option of GraphQLModule.forRoot: graphql-ws on the same path as HTTP (/graphql).
 * Nest's types list only some graphql-ws server options, but it passes every one through.
 */
export function subscriptionOptions(authenticate: Authenticate = async () => null, path = '/graphql', checks: DocumentChecks = {}): SubscriptionConfig {
  // Credentials are checked at connection_init (refusing the socket), then again for every
  // operation sent over it: a socket lives long, and a token revoked, expired or of an account
  // disabled, deleted or moved since must not go on acting (as it did for queries, mutations and
  // new subscriptions, which kept the caller of connection_init).
  const rules = [...specifiedRules, ...(checks.validationRules ?? []), ...(checks.production ? [noIntrospection] : [])];
  const hideSuggestions = checks.production ?? false;
  // Documents onSubscribe parsed, by their text, for graphql-ws's `parse` right after (other
  // connections' subscriptions may come in between); clients mostly send the same few texts.
  const parsed = new LRUCache<string, DocumentNode>({ max: 100, maxSize: 1_000_000, sizeCalculation: (_document, query) => query.length || 1 });
  const parseOnce = (query: string): DocumentNode => {
    let document = parsed.get(query);
    if (!document) {
      document = parse(query, checks.parseOptions);
      parsed.set(query, document);
    }
    return document;
  };
  const graphqlWs: GraphQLWsSubscriptionsConfig & Pick<ServerOptions, 'context' | 'onError' | 'onConnect' | 'onSubscribe' | 'parse' | 'validate'> = {
    path,
    // An invalid token refuses the connection: graphql-ws closes it with 4403 Forbidden.
    onConnect: async (ctx) => {
      try {
        await authenticate(headersOf(ctx.connectionParams ?? {}));
        return true;
      } catch {
        return false;
      }
    },
    // What the HTTP path refuses before parsing (document nesting, deep or NUL-bearing variables) is
    // refused here too: 5,000 nested lists overflowed graphql-ws's parse and closed the socket with
    // "Maximum call stack size exceeded". The document is parsed here, where a syntax error can be
    // answered as this subscription's error: graphql-ws's own parse throws, and the socket closed
    // with 4500.
    onSubscribe: (_ctx, _id, payload) => {
      const problem = subscriptionInputProblem(payload.query, payload.variables);
      if (problem) return [problem];
      try {
        parseOnce(payload.query);
      } catch (error) {
        return [parseFailed(error)];
      }
      return undefined;
    },
    parse: (source) => (typeof source === 'string' ? parseOnce(source) : parse(source, checks.parseOptions)),
    // The HTTP endpoint's rules: graphql-armor's limits and, in production, no introspection.
    validate: (schema, document) => validate(schema, document, rules).map(validationFailed),
    // The caller as the database says now (null once the credentials are refused: the operation
    // then answers UNAUTHENTICATED where it needs a caller).
    context: async (ctx) => buildSubscriptionContext(ctx.connectionParams, await callerOf(ctx.connectionParams ?? {}, authenticate), authenticate),
    onNext: (_ctx, _id, _payload, _args, result): FormattedExecutionResult | void =>
      result.errors ? { ...result, errors: formatErrors(result.errors, hideSuggestions) } : undefined,
    onError: (_ctx, _id, _payload, errors) => formatErrors(errors, hideSuggestions),
  };
  return { 'graphql-ws': graphqlWs };
}
