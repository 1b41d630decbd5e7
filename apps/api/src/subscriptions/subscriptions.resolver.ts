import { Inject } from '@nestjs/common';
import { Args, ID, Parent, ResolveField, Resolver, Subscription } from '@nestjs/graphql';
import type { Pool } from 'pg';
import { GraphQLError } from 'graphql';
import { isRegionCode } from '@maillage/domain';
import { Ctx } from '../graphql/request-context';
import type { ActivityDelivery, ActivityFeed } from './activity-feed';
import { toCooperationEventNotification, toRegionalActivity } from './notification.mappers';
import type { SubscriptionContext } from './subscription-context';
import { CooperationEventNotification, RegionalActivity } from './subscription.types';
import { CooperationQueryService } from '../cooperations/cooperation-query.service';
import { historyEntryDetails } from '../cooperations/cooperation-queries.resolver';
import { HISTORY_DETAILS_DESCRIPTION } from '../cooperations/cooperation.types';
import { PG_POOL } from '../database/database.module';
import { AccessDeniedError } from '../authorization/access-policy';
import { requireCaller } from '../authorization/caller';

export const ACTIVITY_FEED = Symbol('ACTIVITY_FEED');

/** What a subscriber asks to follow. */
export type SubscriptionScope = { cooperationId: string } | { region: string };

/**
 * The one place where a subscriber's right to a scope is checked: when the subscription starts (the
 * caller comes from the connection's token, see subscriptionOptions), and again while it runs (see
 * stillAuthorized):
 * - one cooperation: the same rule as the `cooperation` query (NOT_FOUND when it may not be read);
 * - a région's activity (every fact of every cooperation there): its networks and platform
 *   operators; funders and members follow their own cooperations one by one instead.
 */
export async function authorizeSubscription(
  context: SubscriptionContext,
  scope: SubscriptionScope,
  queries: Pick<CooperationQueryService, 'assertReadable'>,
): Promise<void> {
  const caller = requireCaller(context);
  if ('cooperationId' in scope) return queries.assertReadable(scope.cooperationId, caller);
  if (caller.role === 'ADMIN') return;
  if (caller.role === 'NETWORK' && caller.regions.includes(scope.region)) return;
  throw new AccessDeniedError(caller.role === 'NETWORK' ? 'NOT_FOUND' : 'FORBIDDEN', 'Région');
}

/** How often a running subscription checks its caller's right again (before a delivery), in ms. */
export const subscriptionRecheckMs = (env: NodeJS.ProcessEnv = process.env): number => {
  const value = Number(env.MAILLAGE_SUBSCRIPTION_RECHECK_MS ?? 5000);
  return Number.isFinite(value) && value >= 0 ? value : 5000;
};

/**
 * Checks the subscriber's right again with its credentials as the database says now: an expired
 * or revoked token, a disabled or deleted account (UNAUTHENTICATED), or a cooperation or région the
 * caller may no longer read (NOT_FOUND / FORBIDDEN, as at the start) end the subscription.
 */
export async function reauthorizeSubscription(
  context: SubscriptionContext,
  scope: SubscriptionScope,
  queries: Pick<CooperationQueryService, 'assertReadable'>,
): Promise<void> {
  const user = await context.reauthenticate();
  if (!user) {
    throw new GraphQLError('Votre session a expiré ou votre accès a été retiré : reconnectez-vous.', {
      extensions: { code: 'UNAUTHENTICATED' },
    });
  }
  await authorizeSubscription({ ...context, user }, scope, queries);
}

/**
 * The deliveries of `source`, each preceded by `recheck()` when the last check is `intervalMs` old
 * or more (a quiet subscription costs nothing; a busy one one check per interval). A failed check
 * ends the subscription with that error and nothing more is delivered. Written as an iterator, not
 * an async generator, so that `return()` (the client unsubscribes) releases the source at once even
 * while a `next()` is waiting.
 */
export function stillAuthorized<T>(
  source: AsyncIterableIterator<T>,
  recheck: () => Promise<void>,
  intervalMs: number,
  now: () => number = Date.now,
): AsyncIterableIterator<T> {
  let checkedAt = now();
  const release = () => source.return?.() ?? Promise.resolve({ value: undefined, done: true as const });
  const iterator: AsyncIterableIterator<T> = {
    async next() {
      const result = await source.next();
      if (result.done || now() - checkedAt < intervalMs) return result;
      try {
        await recheck();
      } catch (error) {
        await release();
        throw error;
      }
      checkedAt = now();
      return result;
    },
    async return() {
      await release();
      return { value: undefined, done: true };
    },
    [Symbol.asyncIterator]() {
      return iterator;
    },
  };
  return iterator;
}

const badInput = (message: string, field: string): GraphQLError =>
  new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT', field } });

@Resolver()
export class SubscriptionsResolver {
  constructor(
    @Inject(ACTIVITY_FEED) private readonly feed: ActivityFeed,
    @Inject(CooperationQueryService) private readonly queries: CooperationQueryService,
  ) {}

  @Subscription(() => CooperationEventNotification, {
    name: 'cooperationEvents',
    description:
      'Every new fact of one cooperation, in order, each sent once the read models include it (queries made on receipt see it).',
    resolve: (delivery: ActivityDelivery) => toCooperationEventNotification(delivery),
  })
  async cooperationEvents(
    @Args('cooperationId', { type: () => ID }) cooperationId: string,
    @Ctx() context: SubscriptionContext,
  ): Promise<AsyncIterableIterator<ActivityDelivery>> {
    if (!cooperationId || cooperationId.length > 100) throw badInput('Identifiant de coopération invalide.', 'cooperationId');
    const scope = { cooperationId };
    await authorizeSubscription(context, scope, this.queries);
    return this.guarded(await this.feed.subscribe((d) => d.cooperationId === cooperationId), context, scope);
  }

  @Subscription(() => RegionalActivity, {
    name: 'regionalActivity',
    description:
      'Every new fact of the cooperations of one région (INSEE code, e.g. "11"), in order, each sent once the read models include it.',
    resolve: (delivery: ActivityDelivery) => toRegionalActivity(delivery),
  })
  async regionalActivity(@Args('region') region: string, @Ctx() context: SubscriptionContext): Promise<AsyncIterableIterator<ActivityDelivery>> {
    if (!isRegionCode(region)) throw badInput('Région inconnue (code INSEE attendu, par exemple "11").', 'region');
    const scope = { region };
    await authorizeSubscription(context, scope, this.queries);
    return this.guarded(await this.feed.subscribe((d) => d.regionCode === region), context, scope);
  }

  private guarded(source: AsyncIterableIterator<ActivityDelivery>, context: SubscriptionContext, scope: SubscriptionScope) {
    return stillAuthorized(source, () => reauthorizeSubscription(context, scope, this.queries), subscriptionRecheckMs());
  }
}

@Resolver(() => CooperationEventNotification)
export class CooperationEventNotificationResolver {
  constructor(@Inject(PG_POOL) private readonly pool: Pool) {}

  @ResolveField(() => String, { description: HISTORY_DETAILS_DESCRIPTION })
  details(@Parent() notification: CooperationEventNotification, @Ctx() ctx: SubscriptionContext): Promise<string> {
    // A connection lives long: each notification looks names up afresh rather than from loaders
    // kept on the connection's context.
    return historyEntryDetails(notification, { ...ctx, organisations: undefined }, this.pool);
  }
}
