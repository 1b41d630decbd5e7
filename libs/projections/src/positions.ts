/**
 * Global positions are the event store's opaque strings. The projector needs an order for
 * `waitFor(position)` and lag: the event store library orders the positions of either adapter, and
 * this module knows the PostgreSQL one's format for the lag counted in SQL.
 */
import { compareGlobalPositions } from '@maillage/event-store';

const POSITION = /^(\d{1,20}):(\d{1,20})$/;

export function parsePosition(position: string): [bigint, bigint] {
  const match = POSITION.exec(position);
  if (!match) throw new Error(`Invalid global position ${JSON.stringify(position)}`);
  return [BigInt(match[1]), BigInt(match[2])];
}

/**
 * Order of two positions of the same store, whichever adapter wrote them (PostgreSQL "<xid>:<seq>"
 * or EventStoreDB "C:<commit>/P:<prepare>"); null (before the first event) sorts first.
 */
export const comparePositions = (a: string | null, b: string | null): number => compareGlobalPositions(a, b);

/** True for positions written by the PostgreSQL adapter. */
export const isPostgresPosition = (position: string): boolean => POSITION.test(position);
