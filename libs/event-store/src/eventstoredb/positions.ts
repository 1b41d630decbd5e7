import type { Position } from '@eventstore/db-client';
import { EventStoreError, EventStoreErrorCode } from '../errors';
import { toBigInt } from './revisions';

/**
 * EventStoreDB positions in $all are (commit, prepare) pairs of unsigned 64-bit log offsets. The port
 * exposes them as "C:<commit>/P:<prepare>" (the server's own notation), which is distinct from the
 * PostgreSQL adapter's "<xid>:<sequence>", so a position from one store is refused by the other.
 */
const POSITION = /^C:(\d{1,20})\/P:(\d{1,20})$/;
const MAX_U64 = (1n << 64n) - 1n;

/** Formats a client position, whose halves may arrive as bigint or number (or digit strings). */
export function formatPosition(position: { commit: unknown; prepare: unknown }): string {
  const commit = toBigInt(position.commit, 'commit position');
  const prepare = toBigInt(position.prepare, 'prepare position');
  if (commit < 0n || prepare < 0n) {
    throw new EventStoreError(EventStoreErrorCode.DatabaseError, `Negative position C:${commit}/P:${prepare}`);
  }
  return `C:${commit}/P:${prepare}`;
}

export function parsePosition(position: unknown): Position {
  const match = typeof position === 'string' ? POSITION.exec(position) : null;
  if (match) {
    const commit = BigInt(match[1]);
    const prepare = BigInt(match[2]);
    if (commit <= MAX_U64 && prepare <= MAX_U64) return { commit, prepare };
  }
  throw new EventStoreError(
    EventStoreErrorCode.InvalidPosition,
    `Invalid EventStoreDB position ${JSON.stringify(position)}: expected "C:<commit>/P:<prepare>"`,
  );
}

export function isEventStoreDbPosition(position: string): boolean {
  return POSITION.test(position);
}

/** Log order of two positions: by commit, then prepare. */
export function comparePositionValues(a: Position, b: Position): number {
  if (a.commit !== b.commit) return a.commit < b.commit ? -1 : 1;
  if (a.prepare !== b.prepare) return a.prepare < b.prepare ? -1 : 1;
  return 0;
}

const PG_POSITION = /^(\d{1,20}):(\d{1,20})$/;

/**
 * Orders two global positions of the SAME store, whichever adapter wrote them (PostgreSQL
 * "<xid>:<seq>" or EventStoreDB "C:<commit>/P:<prepare>"); null (before the first event) sorts first.
 * For code above the port that needs an order (a projector's waitFor, lag): positions of two
 * different stores are not comparable and raise InvalidPosition.
 */
export function compareGlobalPositions(a: string | null, b: string | null): number {
  if (a === b) return 0;
  if (a === null) return -1;
  if (b === null) return 1;
  const pa = PG_POSITION.exec(a);
  const pb = PG_POSITION.exec(b);
  if (pa && pb) {
    return comparePositionValues(
      { commit: BigInt(pa[1]), prepare: BigInt(pa[2]) },
      { commit: BigInt(pb[1]), prepare: BigInt(pb[2]) },
    );
  }
  if (pa || pb) {
    throw new EventStoreError(
      EventStoreErrorCode.InvalidPosition,
      `Cannot compare positions of different stores: ${JSON.stringify(a)} and ${JSON.stringify(b)}`,
    );
  }
  return comparePositionValues(parsePosition(a), parsePosition(b));
}
