import { Inject } from '@nestjs/common';
import { Args, ID, Resolver, Subscription } from '@nestjs/graphql';
import { GraphQLError } from 'graphql';
import { isRegionCode } from '@maillage/domain';
import { Ctx } from '../graphql/request-context';
import type { ActivityDelivery, ActivityFeed } from './activity-feed';
import { toCooperationEventNotification, toRegionalActivity } from './notification.mappers';
import type { SubscriptionContext } from './subscription-context';
import { CooperationEventNotification, RegionalActivity } from './subscription.types';
import { CooperationQueryService } from '../cooperations/cooperation-query.service';
import { AccessDeniedError } from '../authorization/access-policy';
import { requireCaller } from '../authorization/caller';

export const ACTIVITY_FEED = Symbol('ACTIVITY_FEED');

/** What a subscriber asks to follow. */
export type SubscriptionScope = { cooperationId: string } | { region: string };

/**
 * The one place where a subscriber's right to a scope is checked, once, when the subscription
 * starts (the caller comes from the connection's token, see subscriptionOptions):
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
    await authorizeSubscription(context, { cooperationId }, this.queries);
    return this.feed.subscribe((d) => d.cooperationId === cooperationId);
  }

  @Subscription(() => RegionalActivity, {
    name: 'regionalActivity',
    description:
      'Every new fact of the cooperations of one région (INSEE code, e.g. "11"), in order, each sent once the read models include it.',
    resolve: (delivery: ActivityDelivery) => toRegionalActivity(delivery),
  })
  async regionalActivity(@Args('region') region: string, @Ctx() context: SubscriptionContext): Promise<AsyncIterableIterator<ActivityDelivery>> {
    if (!isRegionCode(region)) throw badInput('Région inconnue (code INSEE attendu, par exemple "11").', 'region');
    await authorizeSubscription(context, { region }, this.queries);
    return this.feed.subscribe((d) => d.regionCode === region);
  }
}
