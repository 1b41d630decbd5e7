import {
  cooperationKindLabelsFr,
  eventTypeLabelsFr,
  stageLabelsFr,
  type CooperationKind,
  type CooperationStatus,
  type Stage,
} from '@maillage/domain';
import { toHistoryEntry } from '../cooperations/cooperation-query.service';
import type { ActivityDelivery } from './activity-feed';
import type { CooperationEventNotification, RegionalActivity } from './subscription.types';

const labelOf = (type: string): string => (eventTypeLabelsFr as Record<string, string>)[type] ?? type;

export function toCooperationEventNotification(delivery: ActivityDelivery): CooperationEventNotification {
  return { ...toHistoryEntry(delivery.cooperationId, delivery.event), readModelsCurrent: delivery.readModelsCurrent };
}

export function toRegionalActivity(delivery: ActivityDelivery): RegionalActivity {
  const e = delivery.event;
  const facts = delivery.facts;
  const kind = (facts?.kind ?? null) as CooperationKind | null;
  const stage = (facts?.stage ?? null) as Stage | null;
  return {
    eventId: e.eventId,
    cooperationId: delivery.cooperationId,
    region: delivery.regionCode ?? '',
    name: facts?.name ?? null,
    kind,
    kindLabel: kind ? cooperationKindLabelsFr[kind] : null,
    stage,
    stageLabel: stage ? stageLabelsFr[stage] : null,
    status: (facts?.status ?? null) as CooperationStatus | null,
    eventType: e.type,
    label: labelOf(e.type),
    version: e.streamVersion,
    occurredAt: e.occurredAt,
    recordedAt: e.recordedAt,
    position: e.globalPosition,
    readModelsCurrent: delivery.readModelsCurrent,
  };
}
