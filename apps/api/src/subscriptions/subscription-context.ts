import type { FormattedExecutionResult, GraphQLError, GraphQLFormattedError } from 'graphql';
import type { ServerOptions } from 'graphql-ws';
import type { GraphQLWsSubscriptionsConfig, SubscriptionConfig } from '@nestjs/graphql';
import { buildRequestContext, type RequestContext } from '../graphql/request-context';
import { formatGraphQLError } from '../graphql/error-mapper';

/** Context of a subscription: the usual request context, plus the WebSocket connection params. */
export interface SubscriptionContext extends RequestContext {
  /** What the client sent in connection_init (will carry its access token; see authorizeSubscription). */
  connectionParams: Readonly<Record<string, unknown>>;
}

/** Builds the context from graphql-ws connection params (the WebSocket twin of the HTTP headers). */
export function buildSubscriptionContext(connectionParams: Readonly<Record<string, unknown>> | undefined): SubscriptionContext {
  const params = connectionParams ?? {};
  const headers = typeof params.headers === 'object' && params.headers !== null ? (params.headers as Record<string, unknown>) : params;
  return { ...buildRequestContext(headers), connectionParams: params };
}

/** Errors thrown while resolving a subscription, mapped like the HTTP ones (no internals leak). */
function formatErrors(errors: readonly GraphQLError[]): GraphQLFormattedError[] {
  return errors.map((error) =>
    // Validation errors have no original error: pass them on as they are (Apollo does the same over HTTP).
    error.originalError ? formatGraphQLError(error.toJSON(), error) : { ...error.toJSON(), extensions: { code: 'GRAPHQL_VALIDATION_FAILED', ...error.extensions } },
  );
}

/**
 * `subscriptions` option of GraphQLModule.forRoot: graphql-ws on the same path as HTTP (/graphql).
 * Nest's types list only some graphql-ws server options, but it passes every one through.
 */
export function subscriptionOptions(path = '/graphql'): SubscriptionConfig {
  const graphqlWs: GraphQLWsSubscriptionsConfig & Pick<ServerOptions, 'context' | 'onError'> = {
    path,
    context: (ctx) => buildSubscriptionContext(ctx.connectionParams),
    onNext: (_ctx, _id, _payload, _args, result): FormattedExecutionResult | void =>
      result.errors ? { ...result, errors: formatErrors(result.errors) } : undefined,
    onError: (_ctx, _id, _payload, errors) => formatErrors(errors),
  };
  return { 'graphql-ws': graphqlWs };
}
