import { Injectable, type ExecutionContext } from '@nestjs/common';
import { GqlExecutionContext, type GqlContextType } from '@nestjs/graphql';
import { ThrottlerGuard, type ThrottlerLimitDetail, type ThrottlerModuleOptions } from '@nestjs/throttler';
import { GraphQLError } from 'graphql';
import type { RequestContext } from './request-context';

/** A limit per minute from the environment; `off` (or 0) disables it (benchmarks). */
function perMinute(value: string | undefined, fallback: number): number {
  if (value === undefined || value === '') return fallback;
  if (value === 'off') return 0;
  const n = Number(value);
  return Number.isInteger(n) && n >= 0 ? n : fallback;
}

const fieldOf = (context: ExecutionContext): string | null =>
  context.getType<GqlContextType>() === 'graphql' ? GqlExecutionContext.create(context).getInfo<{ fieldName: string }>().fieldName : null;

/**
 * Per-caller rate limits on GraphQL mutations (@nestjs/throttler; counters in PostgreSQL, shared by
 * every API instance, see PostgresThrottlerStorage):
 * - `mutations`: each signed-in user (or, anonymous, each address) may run
 *   MAILLAGE_RATE_LIMIT_MUTATIONS mutations a minute (default 300), all mutations counted together;
 * - `login`: each address may try MAILLAGE_RATE_LIMIT_LOGIN sign-ins a minute (default 30). This sits
 *   in front of the sign-in's own lock-out per account and per address, which is kept in PostgreSQL.
 * Queries are bounded by the cost limits of graphql-armor instead; subscriptions are not counted.
 */
export function rateLimitOptions(env: NodeJS.ProcessEnv = process.env): ThrottlerModuleOptions {
  const mutations = perMinute(env.MAILLAGE_RATE_LIMIT_MUTATIONS, 300);
  const login = perMinute(env.MAILLAGE_RATE_LIMIT_LOGIN, 30);
  return {
    throttlers: [
      { name: 'mutations', ttl: 60_000, limit: mutations, skipIf: (context) => mutations === 0 || fieldOf(context) === 'login' },
      { name: 'login', ttl: 60_000, limit: login, skipIf: (context) => login === 0 || fieldOf(context) !== 'login' },
    ],
  };
}

@Injectable()
export class GraphQLThrottlerGuard extends ThrottlerGuard {
  /** Only GraphQL mutations are limited (HTTP exports and queries are not). */
  protected override async shouldSkip(context: ExecutionContext): Promise<boolean> {
    if (context.getType<GqlContextType>() !== 'graphql') return true;
    return GqlExecutionContext.create(context).getInfo<{ parentType: { name: string } }>().parentType.name !== 'Mutation';
  }

  /** Our GraphQL context is not a Fastify request: hand its caller over, and no response headers. */
  protected override getRequestResponse(context: ExecutionContext): { req: Record<string, unknown>; res: Record<string, unknown> } {
    return { req: { ctx: GqlExecutionContext.create(context).getContext<RequestContext>() }, res: {} };
  }

  protected override getTracker(req: Record<string, unknown>): Promise<string> {
    const ctx = req.ctx as RequestContext;
    return Promise.resolve(ctx.user ? `user:${ctx.user.userId}` : `ip:${ctx.clientIp ?? 'unknown'}`);
  }

  /** One bucket per caller and limit, across all mutations (not one per resolver method). */
  protected override generateKey(_context: ExecutionContext, tracker: string, name: string): string {
    return `${name}:${tracker}`;
  }

  protected override throwThrottlingException(_context: ExecutionContext, detail: ThrottlerLimitDetail): Promise<void> {
    const retryAfterSeconds = Math.max(1, Math.ceil(detail.timeToBlockExpire || detail.timeToExpire));
    throw new GraphQLError(`Trop de demandes en peu de temps. Réessayez dans ${retryAfterSeconds} seconde(s).`, {
      extensions: { code: 'TOO_MANY_REQUESTS', retryAfterSeconds },
    });
  }
}
