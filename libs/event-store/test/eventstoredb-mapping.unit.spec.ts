import { randomUUID } from 'node:crypto';
import {
  ANY as ESDB_ANY,
  BACKWARDS,
  END,
  FORWARDS,
  NO_STREAM as ESDB_NO_STREAM,
  START,
  STREAM_EXISTS as ESDB_STREAM_EXISTS,
  UnavailableError,
  WrongExpectedVersionError,
  AccessDeniedError,
} from '@eventstore/db-client';
import { ANY, EventStoreError, EventStoreErrorCode, NO_STREAM, STREAM_EXISTS } from '@maillage/event-store';
import {
  backoffDelay,
  compareGlobalPositions,
  formatEventStoreDbPosition as formatPosition,
  fromEsdbEvent,
  maillageStreamFilter,
  parseEventStoreDbPosition as parsePosition,
  parseStreamPrefixes,
  planStreamRead,
  redactConnectionString,
  revisionFromVersion,
  toEsdbEvent,
  toExpectedRevision,
  translateEventStoreDbError,
  unreachableAtStartError,
  versionFromCurrentRevision,
  versionFromRevision,
  isExactExpectation,
  EVENT_ID_GUARD_PREFIX,
} from '@maillage/event-store/eventstoredb';
import { prepareEvents } from '@maillage/event-store/validation';

const codeOf = (fn: () => unknown): EventStoreErrorCode | null => {
  try {
    fn();
    return null;
  } catch (error) {
    expect(error).toBeInstanceOf(EventStoreError);
    return (error as EventStoreError).code;
  }
};

describe('expected revision mapping', () => {
  it('maps the port expectations to the client constants and 1-based versions to 0-based revisions', () => {
    expect(toExpectedRevision(NO_STREAM)).toBe(ESDB_NO_STREAM);
    expect(toExpectedRevision(STREAM_EXISTS)).toBe(ESDB_STREAM_EXISTS);
    expect(toExpectedRevision(ANY)).toBe(ESDB_ANY);
    expect(toExpectedRevision(0)).toBe(ESDB_NO_STREAM);
    expect(toExpectedRevision(1)).toBe(0n);
    expect(toExpectedRevision(42)).toBe(41n);
    expect(toExpectedRevision(Number.MAX_SAFE_INTEGER)).toBe(BigInt(Number.MAX_SAFE_INTEGER) - 1n);
  });

  it('refuses expectations the port does not define', () => {
    expect(codeOf(() => toExpectedRevision(-1))).toBe(EventStoreErrorCode.InvalidArgument);
    expect(codeOf(() => toExpectedRevision(1.5))).toBe(EventStoreErrorCode.InvalidArgument);
  });

  it('knows which expectations the server deduplicates by event id', () => {
    expect([NO_STREAM, 0, 3, ANY, STREAM_EXISTS].map((e) => isExactExpectation(e))).toEqual([true, true, true, false, false]);
  });

  it('converts revisions to versions whatever numeric type the client returns', () => {
    expect(versionFromRevision(0n)).toBe(1);
    expect(versionFromRevision(9)).toBe(10);
    expect(versionFromRevision('41')).toBe(42);
    expect(revisionFromVersion(1)).toBe(0n);
    expect(codeOf(() => revisionFromVersion(0))).toBe(EventStoreErrorCode.InvalidArgument);
    expect(codeOf(() => versionFromRevision(-1n))).toBe(EventStoreErrorCode.DatabaseError);
    expect(codeOf(() => versionFromRevision(2n ** 60n))).toBe(EventStoreErrorCode.DatabaseError);
    expect(codeOf(() => versionFromRevision(1.5))).toBe(EventStoreErrorCode.DatabaseError);
  });

  it('reads the actual version of a conflict ("no_stream" is version 0)', () => {
    expect(versionFromCurrentRevision(ESDB_NO_STREAM)).toBe(0);
    expect(versionFromCurrentRevision(undefined)).toBe(0);
    expect(versionFromCurrentRevision(2n)).toBe(3);
    expect(versionFromCurrentRevision(2)).toBe(3);
  });
});

describe('positions', () => {
  it('formats bigint and number halves alike', () => {
    expect(formatPosition({ commit: 1234n, prepare: 1200n })).toBe('C:1234/P:1200');
    expect(formatPosition({ commit: 1234, prepare: 1200 })).toBe('C:1234/P:1200');
    expect(formatPosition({ commit: '18446744073709551615', prepare: 0n })).toBe('C:18446744073709551615/P:0');
    expect(codeOf(() => formatPosition({ commit: 1.5, prepare: 1 }))).toBe(EventStoreErrorCode.DatabaseError);
    expect(codeOf(() => formatPosition({ commit: undefined, prepare: 1 }))).toBe(EventStoreErrorCode.DatabaseError);
  });

  it('parses its own format back and refuses others (including PostgreSQL positions)', () => {
    expect(parsePosition('C:1234/P:1200')).toEqual({ commit: 1234n, prepare: 1200n });
    for (const bad of ['nonsense', '12:34', 'C:1/P:', 'C:-1/P:2', 'C:18446744073709551616/P:0', '', null, 5]) {
      expect(codeOf(() => parsePosition(bad))).toBe(EventStoreErrorCode.InvalidPosition);
    }
  });

  it('orders positions of one store, either format, and refuses mixing stores', () => {
    expect(compareGlobalPositions(null, 'C:1/P:1')).toBe(-1);
    expect(compareGlobalPositions('C:1/P:1', null)).toBe(1);
    expect(compareGlobalPositions('C:9/P:9', 'C:10/P:1')).toBe(-1);
    expect(compareGlobalPositions('C:10/P:2', 'C:10/P:1')).toBe(1);
    expect(compareGlobalPositions('C:10/P:1', 'C:10/P:1')).toBe(0);
    expect(compareGlobalPositions('9:100', '10:1')).toBe(-1);
    expect(compareGlobalPositions('10:2', '10:1')).toBe(1);
    expect(codeOf(() => compareGlobalPositions('10:2', 'C:10/P:1'))).toBe(EventStoreErrorCode.InvalidPosition);
  });
});

describe('stream filter', () => {
  it('by default keeps every valid Maillage stream, server-side as a regex on stream names', () => {
    const f = maillageStreamFilter();
    expect(f.server).toMatchObject({ filterOn: 'streamName', regex: expect.any(String) });
    const regex = new RegExp((f.server as { regex: string }).regex);
    for (const name of ['cooperation-3f1c', 'organisation-42', 'gme-member-ABC-12']) {
      expect(f.accepts(name)).toBe(true);
      expect(regex.test(name)).toBe(true);
    }
    for (const name of ['$stats-127.0.0.1:2113', '$ce-cooperation', '$$cooperation-1', `${EVENT_ID_GUARD_PREFIX}${randomUUID()}`, '$projections-$all']) {
      expect(f.accepts(name)).toBe(false);
      expect(regex.test(name)).toBe(false);
    }
  });

  it('can be narrowed to category prefixes, and refuses malformed ones', () => {
    const f = maillageStreamFilter(['cooperation-', 'organisation-', 'cooperation-']);
    expect(f.server).toMatchObject({ filterOn: 'streamName', prefixes: ['cooperation-', 'organisation-'] });
    expect(f.accepts('cooperation-1')).toBe(true);
    expect(f.accepts('funder-1')).toBe(false);
    expect(f.accepts('cooperation-')).toBe(false);
    expect(codeOf(() => maillageStreamFilter(['$ce-']))).toBe(EventStoreErrorCode.InvalidArgument);
    expect(codeOf(() => maillageStreamFilter(['cooperation']))).toBe(EventStoreErrorCode.InvalidArgument);
    expect(parseStreamPrefixes(' cooperation-, organisation- ,')).toEqual(['cooperation-', 'organisation-']);
    expect(parseStreamPrefixes('')).toBeUndefined();
    expect(parseStreamPrefixes(undefined)).toBeUndefined();
  });
});

describe('error translation', () => {
  it('turns connection loss into DatabaseUnavailable that says an append may be retried', () => {
    const e = translateEventStoreDbError(new UnavailableError(undefined, 'No connection established'), 'appending to "x-1"', true);
    expect(e.code).toBe(EventStoreErrorCode.DatabaseUnavailable);
    expect(e.message).toMatch(/unreachable.*appending to "x-1".*retry with the same event ids/s);
    const grpc = Object.assign(new Error('14 UNAVAILABLE: read ECONNRESET'), { code: 14 });
    expect(translateEventStoreDbError(grpc, 'reading all events').code).toBe(EventStoreErrorCode.DatabaseUnavailable);
    expect(translateEventStoreDbError(new Error('connect ECONNREFUSED 127.0.0.1:2113'), 'x').code).toBe(
      EventStoreErrorCode.DatabaseUnavailable,
    );
  });

  it('names the new leader after a leader change', () => {
    const notLeader = Object.assign(new Error('Leader info available'), {
      type: 'not-leader',
      leader: { address: 'node2.maillage', port: 2113 },
    });
    const e = translateEventStoreDbError(notLeader, 'appending to "x-1"', true);
    expect(e.code).toBe(EventStoreErrorCode.DatabaseUnavailable);
    expect(e.message).toContain('not the cluster leader (the leader is now node2.maillage:2113)');
    expect(e.cause).toBe(notLeader);
  });

  it('maps access, size and unknown failures to typed errors and leaves port errors alone', () => {
    expect(translateEventStoreDbError(new AccessDeniedError(), 'x').message).toMatch(/credentials/);
    const big = Object.assign(new Error('too big'), { type: 'maximum-append-size-exceeded' });
    expect(translateEventStoreDbError(big, 'x').code).toBe(EventStoreErrorCode.InvalidArgument);
    expect(translateEventStoreDbError(new Error('boom'), 'x').code).toBe(EventStoreErrorCode.DatabaseError);
    const own = new EventStoreError(EventStoreErrorCode.Closed, 'closed');
    expect(translateEventStoreDbError(own, 'x')).toBe(own);
    const wev = new WrongExpectedVersionError(undefined, { streamName: 's-1', expected: 1n, current: 2n });
    expect(wev.type).toBe('wrong-expected-version');
  });

  it('reports an unreachable cluster at start without leaking the password', () => {
    const e = unreachableAtStartError('esdb://admin:changeit@node1:2113?tls=false', new Error('connect ECONNREFUSED'));
    expect(e.code).toBe(EventStoreErrorCode.DatabaseUnavailable);
    expect(e.message).toContain('not reachable at start (esdb://admin:***@node1:2113?tls=false)');
    expect(e.message).not.toContain('changeit');
    expect(redactConnectionString('esdb+discover://cluster:2113')).toBe('esdb+discover://cluster:2113');
  });
});

describe('backoff', () => {
  it('grows exponentially up to the cap, with jitter below the ceiling', () => {
    const top = { random: () => 1, initialMs: 100, maxMs: 1000 };
    expect([0, 1, 2, 3, 4, 10, 1000].map((n) => backoffDelay(n, top))).toEqual([100, 200, 400, 800, 1000, 1000, 1000]);
    expect(backoffDelay(3, { ...top, random: () => 0.5 })).toBe(400);
    expect(backoffDelay(3, { ...top, random: () => 0 })).toBe(0);
  });
});

describe('event layout in EventStoreDB', () => {
  it('writes the payload as JSON and the port metadata as JSON metadata, and reads both back', () => {
    const occurredAt = new Date('2023-12-31T23:59:59.123Z');
    const [prepared] = prepareEvents('cooperation-1', [
      {
        eventId: randomUUID().toUpperCase(),
        type: 'CooperationProposed',
        data: { title: 'GME Sud', nested: { x: null } },
        schemaVersion: 2,
        occurredAt,
        actor: { userId: 'u-1', organisationId: 'o-1', role: 'mandataire' },
        correlationId: 'corr-1',
        causationId: null,
      },
    ]);
    const written = toEsdbEvent(prepared);
    expect(written).toMatchObject({
      id: prepared.eventId,
      contentType: 'application/json',
      type: 'CooperationProposed',
      data: { title: 'GME Sud', nested: { x: null } },
      metadata: { schemaVersion: 2, occurredAt: occurredAt.toISOString(), correlationId: 'corr-1', $correlationId: 'corr-1', causationId: null },
    });
    expect(written.metadata).not.toHaveProperty('$causationId');
    const created = new Date('2024-01-01T00:00:00.456Z');
    const read = fromEsdbEvent(
      {
        streamId: 'cooperation-1',
        id: written.id.toUpperCase(),
        revision: 4n,
        type: written.type,
        created,
        isJson: true,
        data: JSON.parse(JSON.stringify(written.data)),
        metadata: JSON.parse(JSON.stringify(written.metadata)),
      },
      { commit: 77, prepare: 70n },
    );
    expect(read).toEqual({
      eventId: prepared.eventId,
      streamId: 'cooperation-1',
      streamVersion: 5,
      globalPosition: 'C:77/P:70',
      type: 'CooperationProposed',
      schemaVersion: 2,
      data: { title: 'GME Sud', nested: { x: null } },
      recordedAt: created,
      occurredAt,
      actor: { userId: 'u-1', organisationId: 'o-1', role: 'mandataire' },
      correlationId: 'corr-1',
      causationId: null,
    });
  });

  it('refuses events Maillage did not write', () => {
    const base = { streamId: 'cooperation-1', id: randomUUID(), revision: 0n, type: 'X', created: new Date(), data: {}, position: { commit: 1n, prepare: 1n } };
    expect(codeOf(() => fromEsdbEvent({ ...base, isJson: false, metadata: undefined }))).toBe(EventStoreErrorCode.DatabaseError);
    expect(codeOf(() => fromEsdbEvent({ ...base, isJson: true, metadata: {} }))).toBe(EventStoreErrorCode.DatabaseError);
    expect(codeOf(() => fromEsdbEvent({ ...base, position: undefined, isJson: true, metadata: { occurredAt: 'x' } }))).toBe(
      EventStoreErrorCode.DatabaseError,
    );
  });
});

describe('stream read planning', () => {
  const plan = (o: Partial<Parameters<typeof planStreamRead>[0]>) =>
    planStreamRead({ from: 1, to: null, maxCount: null, until: null, direction: 'forwards', ...o });

  it('reads forwards from revision from-1, bounded by the range and maxCount', () => {
    expect(plan({})).toEqual({ direction: FORWARDS, fromRevision: START, serverMaxCount: undefined });
    expect(plan({ from: 0 })).toEqual({ direction: FORWARDS, fromRevision: START, serverMaxCount: undefined });
    expect(plan({ from: 2, to: 4 })).toEqual({ direction: FORWARDS, fromRevision: 1n, serverMaxCount: 3 });
    expect(plan({ from: 3, maxCount: 1 })).toEqual({ direction: FORWARDS, fromRevision: 2n, serverMaxCount: 1 });
    expect(plan({ from: 2, to: 10, maxCount: 2 })?.serverMaxCount).toBe(2);
  });

  it('reads backwards from the end or from revision to-1', () => {
    expect(plan({ direction: 'backwards' })).toEqual({ direction: BACKWARDS, fromRevision: END, serverMaxCount: undefined });
    expect(plan({ direction: 'backwards', maxCount: 2 })).toEqual({ direction: BACKWARDS, fromRevision: END, serverMaxCount: 2 });
    expect(plan({ direction: 'backwards', to: 3 })).toEqual({ direction: BACKWARDS, fromRevision: 2n, serverMaxCount: undefined });
  });

  it('leaves maxCount to the client when a point in time filters events, and skips empty ranges', () => {
    const until = new Date();
    expect(plan({ maxCount: 2, until })?.serverMaxCount).toBeUndefined();
    expect(plan({ direction: 'backwards', maxCount: 2, until })?.serverMaxCount).toBeUndefined();
    expect(plan({ maxCount: 0 })).toBeNull();
    expect(plan({ from: 5, to: 4 })).toBeNull();
    expect(plan({ to: 0 })).toBeNull();
  });
});
