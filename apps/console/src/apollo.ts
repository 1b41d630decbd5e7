import { ApolloClient, ApolloLink, CombinedGraphQLErrors, HttpLink, InMemoryCache } from '@apollo/client';
import { SetContextLink } from '@apollo/client/link/context';
import { ErrorLink } from '@apollo/client/link/error';
import { GraphQLWsLink } from '@apollo/client/link/subscriptions';
import { getMainDefinition } from '@apollo/client/utilities';
import { createClient, type Client } from 'graphql-ws';

export interface ConsoleClient {
  apollo: ApolloClient;
  dispose: () => void;
}

/**
 * One Apollo client per signed-in session: HTTP with `Authorization: Bearer`, graphql-ws with the
 * token in connectionParams. Any UNAUTHENTICATED answer (token expired, account disabled) ends the
 * session, except on the sign-in mutation itself where it means "wrong credentials".
 */
export function createConsoleClient(token: string | null, onUnauthenticated: () => void): ConsoleClient {
  const http = new HttpLink({ uri: '/graphql' });
  const auth = new SetContextLink((prev) => ({
    headers: { ...(prev.headers as Record<string, string> | undefined), ...(token ? { authorization: `Bearer ${token}` } : {}) },
  }));
  const errors = new ErrorLink(({ error, operation }) => {
    if (operation.operationName === 'Login') return;
    if (CombinedGraphQLErrors.is(error) && error.errors.some((e) => e.extensions?.code === 'UNAUTHENTICATED')) onUnauthenticated();
  });
  let ws: Client | null = null;
  let link: ApolloLink = ApolloLink.from([errors, auth, http]);
  if (token) {
    const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/graphql`;
    ws = createClient({
      url,
      lazy: true,
      connectionParams: () => ({ authorization: `Bearer ${token}` }),
      retryAttempts: 5,
      on: {
        // 4403: the server refused the token (expired): same as an UNAUTHENTICATED answer.
        closed: (event) => {
          if (event instanceof CloseEvent && event.code === 4403) onUnauthenticated();
        },
      },
    });
    const wsLink = new GraphQLWsLink(ws);
    link = ApolloLink.split(
      ({ query }) => {
        const definition = getMainDefinition(query);
        return 'operation' in definition && String(definition.operation) === 'subscription';
      },
      wsLink,
      link,
    );
  }
  const apollo = new ApolloClient({
    link,
    cache: new InMemoryCache({
      typePolicies: {
        // Views "as of" a date differ from today's: never merge them by id.
        Cooperation: { keyFields: ['id', 'asOf'] },
      },
    }),
    defaultOptions: { watchQuery: { fetchPolicy: 'cache-and-network' } },
  });
  return {
    apollo,
    dispose: () => {
      void ws?.dispose();
      apollo.stop();
    },
  };
}
