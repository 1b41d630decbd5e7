import { setTimeout as sleep } from 'node:timers/promises';
import {
  HeaderMap,
  type ApolloServerPlugin,
  type GraphQLResponse,
  type GraphQLRequestContextResponseForOperation,
} from '@apollo/server';
import { Kind, OperationTypeNode, type FormattedExecutionResult, type OperationDefinitionNode } from 'graphql';
import type { CacheTicket, ReadModelCache } from './read-model-cache';
import type { RequestContext } from './request-context';

/**
 * Root query fields whose whole answer (nested fields included) is read from the read models, and
 * depends only on the arguments and on who asks: the list, the regional dashboard and the funder
 * portfolio. Everything else (a cooperation folded from its stream, its history, accounts, the
 * projections' lag) is always executed.
 */
export const READ_MODEL_ROOT_FIELDS: ReadonlySet<string> = new Set([
  'cooperations',
  'regionalDashboard',
  'funderPortfolio',
]);

/** Only queries made of read-model root fields (and `__typename`), without fragments at the root. */
function cacheableOperation(operation: OperationDefinitionNode | undefined): boolean {
  if (!operation || operation.operation !== OperationTypeNode.QUERY) return false;
  return operation.selectionSet.selections.every(
    (s) =>
      s.kind === Kind.FIELD && (READ_MODEL_ROOT_FIELDS.has(s.name.value) || s.name.value === '__typename'),
  );
}

/** How long a request waits for the same answer computed by another one before running its own. */
const FLIGHT_WAIT_MS = 5_000;

const delay = (ms: number): Promise<undefined> => sleep(ms, undefined, { ref: false });

/** Data objects of kept answers (see below): their JSON text once a response needed it, else null. */
const keptText = new WeakMap<object, string | null>();

/**
 * Apollo's `stringifyResult`: the JSON text of a response, as Apollo writes it (`JSON.stringify`
 * and a newline). A kept answer is the same object on every hit, so its text is computed once and
 * reused while the answer is kept (serialising a page of 50 cooperations was ~5% of the API's CPU
 * under load). Any other response, or one carrying errors or extensions, is serialised afresh.
 */
export function stringifyResult(value: FormattedExecutionResult): string {
  const data = value.data;
  if (data && !value.errors && !value.extensions && keptText.has(data)) {
    let text = keptText.get(data);
    if (!text) keptText.set(data, (text = `${JSON.stringify(value)}\n`));
    return text;
  }
  return `${JSON.stringify(value)}\n`;
}

/**
 * Whole GraphQL answers kept per caller until the read models move (see ReadModelCache): the same
 * list page or dashboard, asked again by the same person, is answered without running the
 * resolvers while no projection batch has committed since, and never for more than a second (so
 * answers that depend on the clock, "now" and "stalled for N days", stay right).
 *
 * The key is the operation's text, its name, its variables and everything the access policy reads
 * of the caller (user, role, organisation, régions): two callers never share an answer. Anonymous
 * requests, mutations, answers with errors and other root fields are never cached. Validation
 * (including the cost limits) runs before this hook, so a cached answer is still checked first.
 */
export function readModelResponseCache(cache: ReadModelCache): ApolloServerPlugin<RequestContext> {
  const kept = (data: Record<string, unknown>): GraphQLResponse => ({
    http: { status: undefined, headers: new HeaderMap() },
    body: { kind: 'single', singleResult: { data } },
  });
  return {
    async requestDidStart() {
      let ticket: CacheTicket | null = null;
      return {
        async responseForOperation(request: GraphQLRequestContextResponseForOperation<RequestContext>) {
          const user = request.contextValue.user;
          if (!user || !cacheableOperation(request.operation)) return null;
          const key = [
            user.userId,
            user.role,
            user.organisationId ?? '',
            user.regions.join(','),
            request.operationName ?? '',
            request.source,
            JSON.stringify(request.request.variables ?? {}),
          ].join('\u0000');
          const found = await cache.lookupShared<Record<string, unknown>>(key, true, request.contextValue);
          if (found.hit) return kept(found.value);
          if (found.inFlight) {
            // Another request is computing this very answer: wait for it, or run the operation
            // here if it keeps nothing (errors) or takes too long.
            const value = await Promise.race([found.inFlight, delay(FLIGHT_WAIT_MS)]);
            return value ? kept(value) : null;
          }
          ticket = found.ticket;
          return null;
        },
        async willSendResponse(request) {
          if (!ticket) return;
          const body = request.response.body;
          if (body.kind !== 'single' || body.singleResult.errors || !body.singleResult.data) {
            cache.release(ticket);
            return;
          }
          keptText.set(body.singleResult.data, null);
          cache.remember(ticket, body.singleResult.data);
        },
      };
    },
  };
}
