import { GraphQLError, Kind, type FormattedExecutionResult, type GraphQLFormattedError } from 'graphql';
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
    // Refused credentials answer null; a database that cannot answer is an error (the check fails closed).
    reauthenticate: () => authenticate(headersOf(params)).catch((error: unknown) => {
      if (error instanceof GraphQLError && error.extensions.code === 'UNAUTHENTICATED') return null;
      throw error;
    }),
  };
}

/** Clients send `{ headers: { authorization } }` or `{ authorization }` in connection_init. */
const headersOf = (params: Readonly<Record<string, unknown>>): Record<string, unknown> =>
  typeof params.headers === 'object' && params.headers !== null ? (params.headers as Record<string, unknown>) : params;

/** Resolves the caller from the connection params, like the HTTP path does from the headers. */
export type Authenticate = (headers: Record<string, unknown>) => Promise<RequestUser | null>;

/**
 * A variable's value the schema refuses (graphql-js's coercion error, attached to one variable
 * definition): BAD_USER_INPUT, as Apollo answers it over HTTP.
 */
const isVariableValueError = (error: GraphQLError): boolean => error.nodes?.length === 1 && error.nodes[0].kind === Kind.VARIABLE_DEFINITION;

/** Errors thrown while resolving a subscription, mapped like the HTTP ones (no internals leak). */
function formatErrors(errors: readonly GraphQLError[]): GraphQLFormattedError[] {
  return errors.map((error) => {
    if (isVariableValueError(error)) return { message: error.message, locations: error.locations, extensions: { code: 'BAD_USER_INPUT' } };
    // Validation errors have no original error: pass them on as they are (Apollo does the same over HTTP).
    return error.originalError ? formatGraphQLError(error.toJSON(), error) : { ...error.toJSON(), extensions: { code: 'GRAPHQL_VALIDATION_FAILED', ...error.extensions } };
  });
}

/**
 * `subscriptions` option of GraphQLModule.forRoot: graphql-ws on the same path as HTTP (/graphql).
 * Nest's types list only some graphql-ws server options, but it passes every one through.
 */
export function subscriptionOptions(authenticate: Authenticate = async () => null, path = '/graphql'): SubscriptionConfig {
  // The caller is resolved once per connection, at connection_init.
  const users = new WeakMap<object, RequestUser | null>();
  const graphqlWs: GraphQLWsSubscriptionsConfig & Pick<ServerOptions, 'context' | 'onError' | 'onConnect' | 'onSubscribe'> = {
    path,
    // An invalid token refuses the connection: graphql-ws closes it with 4403 Forbidden.
    onConnect: async (ctx) => {
      try {
        users.set(ctx, await authenticate(headersOf(ctx.connectionParams ?? {})));
        return true;
      } catch {
        return false;
      }
    },
    // What the HTTP path refuses before parsing (document nesting, deep or NUL-bearing variables) is
    // refused here too: 5,000 nested lists overflowed graphql-ws's parse and closed the socket with
    // "Maximum call stack size exceeded".
    onSubscribe: (_ctx, _id, payload) => {
      const problem = subscriptionInputProblem(payload.query, payload.variables);
      return problem ? [problem] : undefined;
    },
    context: (ctx) => buildSubscriptionContext(ctx.connectionParams, users.get(ctx) ?? null, authenticate),
    onNext: (_ctx, _id, _payload, _args, result): FormattedExecutionResult | void =>
      result.errors ? { ...result, errors: formatErrors(result.errors) } : undefined,
    onError: (_ctx, _id, _payload, errors) => formatErrors(errors),
  };
  return { 'graphql-ws': graphqlWs };
}
