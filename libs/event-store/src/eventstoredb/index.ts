export { EventStoreDbEventStore, EVENT_ID_GUARD_PREFIX, planStreamRead, type EventStoreDbEventStoreOptions, type StreamReadPlan } from './eventstoredb-event-store';
export { toExpectedRevision, versionFromRevision, revisionFromVersion, versionFromCurrentRevision, isExactExpectation } from './revisions';
export {
  formatPosition as formatEventStoreDbPosition,
  parsePosition as parseEventStoreDbPosition,
  compareGlobalPositions,
  isEventStoreDbPosition,
} from './positions';
export { translateEventStoreDbError, unreachableAtStartError, redactConnectionString, isUnavailable } from './errors';
export { maillageStreamFilter, parseStreamPrefixes, type StreamFilterSpec } from './filter';
export { backoffDelay, LIVE, RetryingSubscription, type BackoffOptions, type StartPoint, type SubscriptionSource } from './backoff';
export { toEsdbEvent, fromEsdbEvent } from './event-mapping';
