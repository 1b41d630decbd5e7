import { Inject } from '@nestjs/common';
import { Args, ID, Resolver, Subscription } from '@nestjs/graphql';
import { GraphQLError } from 'graphql';
import { isRegionCode } from '@maillage/domain';
import { Ctx } from '../graphql/request-context';
import type { ActivityDelivery, ActivityFeed } from './activity-feed';
import { toCooperationEventNotification, toRegionalActivity } from './notification.mappers';
import type { SubscriptionContext } from './subscription-context';
import { CooperationEventNotification, RegionalActivity } from './subscription.types';

export const ACTIVITY_FEED = Symbol('ACTIVITY_FEED');

/** What a subscriber asks to follow. */
export type SubscriptionScope = { cooperationId: string } | { region: string };

/**
 * The one place where a subscriber's right to a scope will be checked (authorisation issue): the
 * token comes in connectionParams (see buildSubscriptionContext), the authentication layer will put
 * the user in context.user, and this will ask the same rules as the queries (ownership for a
 * cooperation, role for a région). Until then every scope is open, as the queries are.
 */
export function authorizeSubscription(_context: SubscriptionContext, _scope: SubscriptionScope): void {
  return;
}

const badInput = (message: string, field: string): GraphQLError =>
  new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT', field } });

@Resolver()
export class SubscriptionsResolver {
  constructor(@Inject(ACTIVITY_FEED) private readonly feed: ActivityFeed) {}

  @Subscription(() => CooperationEventNotification, {
    name: 'cooperationEvents',
    description:
      'Every new fact of one cooperation, in order, each sent once the read models include it (queries made on receipt see it).',
    resolve: (delivery: ActivityDelivery) => toCooperationEventNotification(delivery),
  })
  cooperationEvents(
    @Args('cooperationId', { type: () => ID }) cooperationId: string,
    @Ctx() context: SubscriptionContext,
  ): AsyncIterableIterator<ActivityDelivery> {
    if (!cooperationId || cooperationId.length > 100) throw badInput('Identifiant de coopération invalide.', 'cooperationId');
    authorizeSubscription(context, { cooperationId });
    return this.feed.subscribe((d) => d.cooperationId === cooperationId);
  }

  @Subscription(() => RegionalActivity, {
    name: 'regionalActivity',
    description:
      'Every new fact of the cooperations of one région (INSEE code, e.g. "11"), in order, each sent once the read models include it.',
    resolve: (delivery: ActivityDelivery) => toRegionalActivity(delivery),
  })
  regionalActivity(@Args('region') region: string, @Ctx() context: SubscriptionContext): AsyncIterableIterator<ActivityDelivery> {
    if (!isRegionCode(region)) throw badInput('Région inconnue (code INSEE attendu, par exemple "11").', 'region');
    authorizeSubscription(context, { region });
    return this.feed.subscribe((d) => d.regionCode === region);
  }
}
