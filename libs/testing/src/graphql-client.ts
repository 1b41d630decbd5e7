export interface GraphQLResponse<T = Record<string, unknown>> {
  data?: T | null;
  errors?: { message: string; path?: string[]; extensions?: Record<string, unknown> }[];
}

/** Minimal GraphQL-over-HTTP client for end-to-end tests (real HTTP, no mocks). */
export function graphqlClient(url: string, defaultHeaders: Record<string, string> = {}) {
  return async function gql<T = Record<string, unknown>>(
    query: string,
    variables: Record<string, unknown> = {},
    headers: Record<string, string> = {},
  ): Promise<GraphQLResponse<T>> {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...defaultHeaders, ...headers },
      body: JSON.stringify({ query, variables }),
    });
    return (await response.json()) as GraphQLResponse<T>;
  };
}

/** The `extensions.code` of the first error, or null when the call succeeded. */
export const errorCode = (response: GraphQLResponse<unknown>): unknown => response.errors?.[0]?.extensions?.code ?? null;
