import { randomUUID } from 'node:crypto';
import { ConcurrencyError, EventStoreError, EventStoreErrorCode } from '../errors';
import {
  ANY,
  NO_STREAM,
  STREAM_EXISTS,
  type EventStore,
  type EventToAppend,
  type RecordedEvent,
} from '../event-store.port';

/**
 * The behaviour every EventStore adapter must have. Run it from an adapter's `*.int.spec.ts`:
 *
 *   runEventStoreContract('PostgreSQL', async () => ({ store, cleanup }));
 *
 * The factory is called once per suite; tests use fresh stream names, so they never depend on what
 * other tests (or other suites sharing the store) wrote.
 */
export interface EventStoreContractSubject {
  store: EventStore;
  cleanup(): Promise<void>;
}

export function runEventStoreContract(name: string, factory: () => Promise<EventStoreContractSubject>): void {
  describe(`EventStore contract: ${name}`, () => {
    let subject: EventStoreContractSubject;
    let store: EventStore;

    beforeAll(async () => {
      subject = await factory();
      store = subject.store;
    });
    afterAll(async () => {
      await subject?.cleanup();
    });

    const stream = (category = 'contract') => `${category}-${randomUUID()}`;
    const event = (
      type = 'ThingHappened',
      data: unknown = { n: 1 },
      extra: Partial<EventToAppend> = {},
    ): EventToAppend => ({
      eventId: randomUUID(),
      type,
      data,
      occurredAt: new Date('2024-03-01T10:00:00.000Z'),
      ...extra,
    });
    const expectCode = async (promise: Promise<unknown>, code: EventStoreErrorCode) => {
      const error = await promise.then(
        () => null,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(EventStoreError);
      expect((error as EventStoreError).code).toBe(code);
      return error as EventStoreError;
    };
    describe('append and read back', () => {
      it('stores every event with its metadata and 1-based versions', async () => {
        const s = stream();
        const first = event(
          'CooperationProposed',
          { title: 'GME Sud', tags: ['a'], nested: { x: null } },
          {
            schemaVersion: 2,
            actor: { userId: 'u-1', organisationId: 'o-1', role: 'mandataire' },
            correlationId: 'corr-1',
            causationId: 'cause-1',
            occurredAt: new Date('2023-12-31T23:59:59.123Z'),
          },
        );
        const second = event('CooperationStageAdvanced', { stage: 2 });
        const before = Date.now();
        const result = await store.appendToStream(s, [first, second], { expectedVersion: NO_STREAM });
        const after = Date.now();
        expect(result.streamId).toBe(s);
        expect(result.nextExpectedVersion).toBe(2);
        expect(typeof result.lastPosition).toBe('string');

        const read = await store.readStream(s);
        expect(read.map((e) => e.streamVersion)).toEqual([1, 2]);
        const [r1, r2] = read;
        expect(r1).toMatchObject({
          eventId: first.eventId,
          streamId: s,
          type: 'CooperationProposed',
          schemaVersion: 2,
          data: { title: 'GME Sud', tags: ['a'], nested: { x: null } },
          actor: { userId: 'u-1', organisationId: 'o-1', role: 'mandataire' },
          correlationId: 'corr-1',
          causationId: 'cause-1',
        });
        expect(r1.occurredAt.toISOString()).toBe('2023-12-31T23:59:59.123Z');
        expect(r1.recordedAt.getTime()).toBeGreaterThanOrEqual(before - 1000);
        expect(r1.recordedAt.getTime()).toBeLessThanOrEqual(after + 1000);
        expect(r2).toMatchObject({ schemaVersion: 1, actor: null, correlationId: null, causationId: null });
        expect(r2.globalPosition).toBe(result.lastPosition);
        expect(r1.globalPosition).not.toBe(r2.globalPosition);
      });

      it('reads an unknown stream as empty', async () => {
        expect(await store.readStream(stream())).toEqual([]);
      });

      it('reads ranges, backwards and with a maximum count', async () => {
        const s = stream();
        await store.appendToStream(
          s,
          [1, 2, 3, 4, 5].map((n) => event('Counted', { n })),
          { expectedVersion: NO_STREAM },
        );
        const versions = (events: RecordedEvent[]) => events.map((e) => e.streamVersion);
        expect(versions(await store.readStream(s, { from: 2, to: 4 }))).toEqual([2, 3, 4]);
        expect(versions(await store.readStream(s, { direction: 'backwards' }))).toEqual([5, 4, 3, 2, 1]);
        expect(versions(await store.readStream(s, { direction: 'backwards', maxCount: 2 }))).toEqual([5, 4]);
        expect(versions(await store.readStream(s, { from: 3, maxCount: 1 }))).toEqual([3]);
        expect(versions(await store.readStream(s, { from: 6 }))).toEqual([]);
        expect((await store.readStream(s, { to: 1 }))[0].data).toEqual({ n: 1 });
      });

      it('reads a stream as it was at a point in time (untilRecordedAt)', async () => {
        const s = stream();
        await store.appendToStream(s, [event('A')], { expectedVersion: NO_STREAM });
        await sleep(30);
        const [a] = await store.readStream(s);
        const pointInTime = new Date(a.recordedAt.getTime() + 5);
        await sleep(30);
        await store.appendToStream(s, [event('B')], { expectedVersion: 1 });
        const [, b] = await store.readStream(s);
        expect(b.recordedAt.getTime()).toBeGreaterThan(pointInTime.getTime());
        expect((await store.readStream(s, { untilRecordedAt: pointInTime })).map((e) => e.type)).toEqual([
          'A',
        ]);
        expect((await store.readStream(s, { untilRecordedAt: b.recordedAt })).map((e) => e.type)).toEqual([
          'A',
          'B',
        ]);
        expect(await store.readStream(s, { untilRecordedAt: new Date(a.recordedAt.getTime() - 1) })).toEqual(
          [],
        );
      });
    });

    describe('expected version', () => {
      it('accepts the current version and rejects a stale one with a typed error', async () => {
        const s = stream();
        await store.appendToStream(s, [event(), event()], { expectedVersion: NO_STREAM });
        const ok = await store.appendToStream(s, [event()], { expectedVersion: 2 });
        expect(ok.nextExpectedVersion).toBe(3);
        const error = await expectCode(
          store.appendToStream(s, [event()], { expectedVersion: 2 }),
          EventStoreErrorCode.WrongExpectedVersion,
        );
        expect(error).toBeInstanceOf(ConcurrencyError);
        expect(error).toMatchObject({ streamId: s, expectedVersion: 2, actualVersion: 3 });
        expect(await store.readStream(s)).toHaveLength(3);
      });

      it('NO_STREAM (or 0) only appends to a stream with no events', async () => {
        const s = stream();
        await store.appendToStream(s, [event()], { expectedVersion: NO_STREAM });
        const error = await expectCode(
          store.appendToStream(s, [event()], { expectedVersion: NO_STREAM }),
          EventStoreErrorCode.WrongExpectedVersion,
        );
        expect(error).toMatchObject({ expectedVersion: NO_STREAM, actualVersion: 1 });
        await expectCode(
          store.appendToStream(s, [event()], { expectedVersion: 0 }),
          EventStoreErrorCode.WrongExpectedVersion,
        );
        const other = stream();
        expect(
          (await store.appendToStream(other, [event()], { expectedVersion: 0 })).nextExpectedVersion,
        ).toBe(1);
      });

      it('STREAM_EXISTS only appends to a stream that has events', async () => {
        const s = stream();
        const error = await expectCode(
          store.appendToStream(s, [event()], { expectedVersion: STREAM_EXISTS }),
          EventStoreErrorCode.WrongExpectedVersion,
        );
        expect(error).toMatchObject({ expectedVersion: STREAM_EXISTS, actualVersion: 0 });
        expect(await store.readStream(s)).toEqual([]);
        await store.appendToStream(s, [event()], { expectedVersion: NO_STREAM });
        expect(
          (await store.appendToStream(s, [event()], { expectedVersion: STREAM_EXISTS })).nextExpectedVersion,
        ).toBe(2);
        // A stream whose first append failed still does not exist.
        await expectCode(
          store.appendToStream(s + 'x', [event()], { expectedVersion: 3 }),
          EventStoreErrorCode.WrongExpectedVersion,
        );
        await expectCode(
          store.appendToStream(s + 'x', [event()], { expectedVersion: STREAM_EXISTS }),
          EventStoreErrorCode.WrongExpectedVersion,
        );
      });

      it('ANY (the default) always appends', async () => {
        const s = stream();
        await store.appendToStream(s, [event()], { expectedVersion: ANY });
        await store.appendToStream(s, [event()]);
        expect((await store.appendToStream(s, [event()], { expectedVersion: ANY })).nextExpectedVersion).toBe(
          3,
        );
      });

      it('a version ahead of the stream is a conflict too', async () => {
        const s = stream();
        await store.appendToStream(s, [event()], { expectedVersion: NO_STREAM });
        const error = await expectCode(
          store.appendToStream(s, [event()], { expectedVersion: 5 }),
          EventStoreErrorCode.WrongExpectedVersion,
        );
        expect(error).toMatchObject({ expectedVersion: 5, actualVersion: 1 });
      });

      it('of 50 parallel appends with the same expected version exactly one wins', async () => {
        const s = stream();
        await store.appendToStream(s, [event()], { expectedVersion: NO_STREAM });
        const outcomes = await Promise.allSettled(
          Array.from({ length: 50 }, (_, i) =>
            store.appendToStream(s, [event('Raced', { i })], { expectedVersion: 1 }),
          ),
        );
        const won = outcomes.filter((o) => o.status === 'fulfilled');
        const lost = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected');
        expect(won).toHaveLength(1);
        expect(lost).toHaveLength(49);
        for (const o of lost) {
          expect(o.reason).toBeInstanceOf(ConcurrencyError);
          expect(o.reason).toMatchObject({ expectedVersion: 1, actualVersion: 2 });
        }
        expect(await store.readStream(s)).toHaveLength(2);
      });

      it('appends issued together to one stream apply in call order', async () => {
        const s = stream();
        const results = await Promise.all([
          store.appendToStream(s, [event('First')], { expectedVersion: NO_STREAM }),
          store.appendToStream(s, [event('Second')], { expectedVersion: 1 }),
          store.appendToStream(s, [event('Third'), event('Fourth')], { expectedVersion: 2 }),
        ]);
        expect(results.map((r) => r.nextExpectedVersion)).toEqual([1, 2, 4]);
        expect((await store.readStream(s)).map((e) => e.type)).toEqual([
          'First',
          'Second',
          'Third',
          'Fourth',
        ]);
      });

      it('a conflict in one append never fails appends to other streams', async () => {
        const [a, b, c] = [stream(), stream(), stream()];
        await store.appendToStream(b, [event()], { expectedVersion: NO_STREAM });
        const outcomes = await Promise.allSettled([
          store.appendToStream(a, [event()], { expectedVersion: NO_STREAM }),
          store.appendToStream(b, [event()], { expectedVersion: NO_STREAM }),
          store.appendToStream(c, [event()], { expectedVersion: NO_STREAM }),
        ]);
        expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
        expect(await store.readStream(b)).toHaveLength(1);
      });
    });

    describe('idempotency', () => {
      it('a retried append with the same event ids appends nothing and returns the original result', async () => {
        const s = stream();
        const events = [event('A'), event('B')];
        const original = await store.appendToStream(s, events, { expectedVersion: NO_STREAM });
        expect(original.replayed).toBeUndefined();
        const retry = await store.appendToStream(s, events, { expectedVersion: NO_STREAM });
        // The original result, marked as a replay so that the caller can tell nothing was written.
        const replayed = { ...original, replayed: true };
        expect(retry).toEqual(replayed);
        const next = await store.appendToStream(s, [event('C')], { expectedVersion: 2 });
        expect(next.replayed).toBeUndefined();
        // Still the original result after the stream moved on, whatever the expectation says.
        expect(await store.appendToStream(s, events, { expectedVersion: 0 })).toEqual(replayed);
        expect(await store.appendToStream(s, events, { expectedVersion: ANY })).toEqual(replayed);
        expect(await store.appendToStream(s, events, { expectedVersion: STREAM_EXISTS })).toEqual(replayed);
        expect((await store.readStream(s)).map((e) => e.type)).toEqual(['A', 'B', 'C']);
      });

      it('a retry racing its original appends once', async () => {
        const s = stream();
        const events = [event('Once')];
        const [x, y] = await Promise.all([
          store.appendToStream(s, events, { expectedVersion: NO_STREAM }),
          store.appendToStream(s, events, { expectedVersion: NO_STREAM }),
        ]);
        // One of the two wrote the event, the other is told it was a replay of it.
        expect([x.replayed, y.replayed].sort()).toEqual([true, undefined]);
        expect({ ...x, replayed: undefined }).toEqual({ ...y, replayed: undefined });
        expect(await store.readStream(s)).toHaveLength(1);
      });

      it('an event id already used elsewhere is refused and nothing of the append is written', async () => {
        const s1 = stream();
        const s2 = stream();
        const taken = event('Taken');
        await store.appendToStream(s1, [taken], { expectedVersion: NO_STREAM });
        await expectCode(
          store.appendToStream(s2, [event('Fresh'), { ...taken }], { expectedVersion: NO_STREAM }),
          EventStoreErrorCode.DuplicateEventId,
        );
        expect(await store.readStream(s2)).toEqual([]);
        // Partial overlap with the stream's own events is not a retry either.
        const next = event('Next');
        await expectCode(
          store.appendToStream(s1, [taken, next], { expectedVersion: 1 }),
          EventStoreErrorCode.DuplicateEventId,
        );
        expect(await store.readStream(s1)).toHaveLength(1);
        // The stream is still usable from version 0 / 1.
        await store.appendToStream(s2, [event()], { expectedVersion: NO_STREAM });
        await store.appendToStream(s1, [next], { expectedVersion: 1 });
      });
    });

    describe('global order', () => {
      it('readAll pages through every event once, in commit order, with opaque positions', async () => {
        const streams = [stream('order'), stream('order'), stream('order')];
        const appended: string[] = [];
        for (let round = 0; round < 4; round++) {
          for (const s of streams) {
            const batch = [event('Tick', { round }), event('Tock', { round })];
            await store.appendToStream(s, batch);
            appended.push(...batch.map((e) => e.eventId));
          }
        }
        // readAll may lag behind commits (PostgreSQL: any open transaction on the server holds it
        // back), so page until every appended event has been seen, within a deadline.
        const seen: RecordedEvent[] = [];
        let after: string | null = null;
        const deadline = Date.now() + 15_000;
        while (seen.filter((e) => streams.includes(e.streamId)).length < appended.length) {
          if (Date.now() > deadline) break;
          const page = await store.readAll({ after, limit: 3 });
          if (page.events.length === 0) {
            expect(page.position).toBe(after);
            await sleep(50);
            continue;
          }
          expect(page.events.length).toBeLessThanOrEqual(3);
          expect(page.position).toBe(page.events[page.events.length - 1].globalPosition);
          seen.push(...page.events);
          after = page.position;
        }
        const ours = seen.filter((e) => streams.includes(e.streamId)).map((e) => e.eventId);
        expect(ours).toEqual(appended); // sequential appends: commit order = call order
        expect(new Set(seen.map((e) => e.globalPosition)).size).toBe(seen.length);
        const head = await store.headPosition();
        expect(head).not.toBeNull();
        // The head is at or past what we read: reading after it returns nothing.
        expect((await store.readAll({ after: head, limit: 10 })).events).toEqual([]);
      });

      it('reports the position of the last committed event', async () => {
        const s = stream();
        const result = await store.appendToStream(s, [event('LastOne')], { expectedVersion: NO_STREAM });
        // Tests of a suite run one after the other: nothing was committed after this append.
        expect(await store.lastCommittedPosition()).toBe(result.lastPosition);
      });

      it('readAll rejects a malformed position and a bad limit', async () => {
        await expectCode(
          store.readAll({ after: 'nonsense', limit: 10 }),
          EventStoreErrorCode.InvalidPosition,
        );
        await expectCode(store.readAll({ limit: 0 }), EventStoreErrorCode.InvalidArgument);
      });

      it('wakes listeners after a commit', async () => {
        const s = stream();
        let unsubscribe = () => undefined as void;
        const woken = new Promise<void>((resolve) => {
          unsubscribe = store.onAppended(resolve);
        });
        await sleep(200); // let the adapter subscribe
        await store.appendToStream(s, [event()]);
        await expect(withTimeout(woken, 5000)).resolves.toBeUndefined();
        unsubscribe();
      });
    });

    describe('bad input', () => {
      it.each([
        [''],
        ['cooperation'],
        ['Cooperation-1'],
        ['cooperation-'],
        ['-1'],
        ['$all'],
        ['cooperation-1 2'],
        ['cooperation-é'],
        [`cooperation-${'x'.repeat(200)}`],
      ])('refuses the stream name %j', async (name) => {
        await expectCode(store.appendToStream(name, [event()]), EventStoreErrorCode.InvalidStreamName);
        await expectCode(store.readStream(name), EventStoreErrorCode.InvalidStreamName);
      });

      it('refuses an empty event list', async () => {
        await expectCode(store.appendToStream(stream(), []), EventStoreErrorCode.InvalidArgument);
      });

      it('refuses malformed events and expectations, writing nothing', async () => {
        const s = stream();
        const cases: [EventToAppend[], EventStoreErrorCode, object?][] = [
          [[event(), { ...event(), eventId: 'not-a-uuid' }], EventStoreErrorCode.InvalidArgument],
          [[{ ...event(), type: '' }], EventStoreErrorCode.InvalidArgument],
          [[{ ...event(), occurredAt: new Date('nope') }], EventStoreErrorCode.InvalidArgument],
          [[{ ...event(), schemaVersion: 0 }], EventStoreErrorCode.InvalidArgument],
          [[event(), event()], EventStoreErrorCode.InvalidArgument, { expectedVersion: -1 }],
          [[event(), event()], EventStoreErrorCode.InvalidArgument, { expectedVersion: 1.5 }],
        ];
        for (const [events, code, options] of cases) {
          await expectCode(store.appendToStream(s, events, options), code);
        }
        const twice = event();
        await expectCode(store.appendToStream(s, [twice, twice]), EventStoreErrorCode.InvalidArgument);
        expect(await store.readStream(s)).toEqual([]);
      });

      it('refuses payloads JSON cannot carry faithfully, writing nothing', async () => {
        const s = stream();
        const circular: Record<string, unknown> = { a: 1 };
        circular.self = circular;
        const payloads: unknown[] = [
          { amount: 10n },
          circular,
          { ratio: Number.NaN },
          { ratio: Infinity },
          { callback: () => 1 },
          { text: 'nul \u0000 inside' },
          undefined,
        ];
        for (const data of payloads) {
          await expectCode(
            store.appendToStream(s, [event('Good'), { ...event('Bad'), data }]),
            EventStoreErrorCode.UnserialisablePayload,
          );
        }
        await expectCode(
          store.appendToStream(s, [event('Bad', {}, { actor: { userId: 'u', extra: 1n } as never })]),
          EventStoreErrorCode.UnserialisablePayload,
        );
        expect(await store.readStream(s)).toEqual([]);
        // A literal backslash followed by "u0000" is ordinary text and is stored as such.
        await store.appendToStream(s, [event('Text', { text: 'C:\\u0000' })]);
        expect((await store.readStream(s))[0].data).toEqual({ text: 'C:\\u0000' });
      });

      it('keeps the events of an invalid append out of a valid batch sharing its commit', async () => {
        const good = stream();
        const outcomes = await Promise.allSettled([
          store.appendToStream(good, [event()], { expectedVersion: NO_STREAM }),
          store.appendToStream(stream(), [event('Bad', { n: 1n })]),
        ]);
        expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected']);
        expect(await store.readStream(good)).toHaveLength(1);
      });
    });
  });
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return Promise.race([
    promise,
    new Promise<T>((_, reject) =>
      setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms).unref(),
    ),
  ]);
}
