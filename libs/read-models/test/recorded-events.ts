import { randomUUID } from 'node:crypto';
import type { RecordedEvent } from '@maillage/event-store';

let version = 0;

/** Starts the stream versions (and positions) of `recordedEvent` again from 1. */
export function resetRecordedEvents(): void {
  version = 0;
}

/** An event as the store would hand it to a projection, on one stream by default. */
export const recordedEvent = (
  type: string,
  data: object,
  occurredAt: string,
  recordedAt = occurredAt,
  streamId = 'cooperation-c1',
): RecordedEvent => ({
  eventId: randomUUID(),
  streamId,
  streamVersion: ++version,
  globalPosition: `1:${version}`,
  type,
  schemaVersion: 1,
  data,
  occurredAt: new Date(occurredAt),
  recordedAt: new Date(recordedAt),
  actor: null,
  correlationId: null,
  causationId: null,
});
