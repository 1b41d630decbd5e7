import { ApolloArmor } from '@escape.tech/graphql-armor';
import type { ApolloDriverConfig } from '@nestjs/apollo';

/** Limits that keep one request from costing the server much (tuned to the console's deepest query). */
export const ARMOR_LIMITS = { maxDepth: 15, maxAliases: 15, maxDirectives: 20, maxTokens: 3000, maxCost: 20000 } as const;

/**
 * Hardening of the GraphQL endpoint with graphql-armor: depth, alias, directive, token and cost
 * limits checked before execution, field suggestions hidden in production (they leak the schema
 * when introspection is off), and no HTTP batching (one operation per request, so the per-request
 * limits and rate limits mean what they say).
 */
export function graphqlArmor(
  production: boolean,
): Pick<ApolloDriverConfig, 'plugins' | 'validationRules' | 'allowBatchedHttpRequests' | 'parseOptions'> {
  const armor = new ApolloArmor({
    // Introspection counts too (a standard introspection query is about 13 deep): crafted deep
    // introspection is the usual depth attack on a schema without cycles like ours.
    maxDepth: { n: ARMOR_LIMITS.maxDepth, ignoreIntrospection: false },
    maxAliases: { n: ARMOR_LIMITS.maxAliases },
    maxDirectives: { n: ARMOR_LIMITS.maxDirectives },
    // The token limit is graphql-js's own (`parseOptions` below): graphql-armor's re-parses in
    // `parsingDidStart`, so its refusal (and a stack overflow on deep nesting) ended as HTTP 500.
    maxTokens: { enabled: false },
    costLimit: { maxCost: ARMOR_LIMITS.maxCost },
    blockFieldSuggestion: { enabled: production },
  });
  const { plugins, validationRules } = armor.protect();
  // Over the limit, Apollo's parse fails with GRAPHQL_PARSE_FAILED (HTTP 400). Deep nesting is
  // refused before any parser runs (graphqlNestingGuard).
  return { plugins, validationRules, allowBatchedHttpRequests: false, parseOptions: { maxTokens: ARMOR_LIMITS.maxTokens } };
}
