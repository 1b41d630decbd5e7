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
export function graphqlArmor(production: boolean): Pick<ApolloDriverConfig, 'plugins' | 'validationRules' | 'allowBatchedHttpRequests'> {
  const armor = new ApolloArmor({
    // Introspection counts too (a standard introspection query is about 13 deep): crafted deep
    // introspection is the usual depth attack on a schema without cycles like ours.
    maxDepth: { n: ARMOR_LIMITS.maxDepth, ignoreIntrospection: false },
    maxAliases: { n: ARMOR_LIMITS.maxAliases },
    maxDirectives: { n: ARMOR_LIMITS.maxDirectives },
    maxTokens: { n: ARMOR_LIMITS.maxTokens },
    costLimit: { maxCost: ARMOR_LIMITS.maxCost },
    blockFieldSuggestion: { enabled: production },
  });
  const { plugins, validationRules } = armor.protect();
  return { plugins, validationRules, allowBatchedHttpRequests: false };
}
