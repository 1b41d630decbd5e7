import { randomUUID } from 'node:crypto';
import { ANY, EventStoreError, EventStoreErrorCode, NO_STREAM, STREAM_EXISTS } from '@maillage/event-store';
import {
  assertValidExpectedVersion,
  assertValidStreamName,
  prepareEvents,
  serialiseJson,
} from '@maillage/event-store/validation';

const codeOf = (fn: () => unknown): EventStoreErrorCode | null => {
  try {
    fn();
    return null;
  } catch (error) {
    expect(error).toBeInstanceOf(EventStoreError);
    return (error as EventStoreError).code;
  }
};

describe('stream names', () => {
  it.each([
    'cooperation-3f1c2b7e-7a0e-4c59-9d1c-4d2f5c1a9e10',
    'organisation-42',
    'gme-member-ABC-12',
    'a-b',
    `cooperation-${'x'.repeat(188)}`,
  ])('accepts %s', (name) => {
    expect(codeOf(() => assertValidStreamName(name))).toBeNull();
  });

  it.each([
    '',
    'cooperation',
    'Cooperation-1',
    '1cooperation-1',
    'cooperation-',
    'cooperation--1',
    '-cooperation-1',
    'cooperation_1',
    'cooperation-1/2',
    'cooperation-1 ',
    '$all',
    `cooperation-${'x'.repeat(189)}`,
  ])('refuses %j', (name) => {
    expect(codeOf(() => assertValidStreamName(name))).toBe(EventStoreErrorCode.InvalidStreamName);
  });

  it('refuses non-strings', () => {
    expect(codeOf(() => assertValidStreamName(42))).toBe(EventStoreErrorCode.InvalidStreamName);
    expect(codeOf(() => assertValidStreamName(undefined))).toBe(EventStoreErrorCode.InvalidStreamName);
  });
});

describe('expected versions', () => {
  it.each([0, 1, 1_000_000, NO_STREAM, STREAM_EXISTS, ANY])('accepts %p', (v) => {
    expect(codeOf(() => assertValidExpectedVersion(v))).toBeNull();
  });
  it.each([-1, 1.5, Number.NaN, '3', null, 'any', 2 ** 60])('refuses %p', (v) => {
    expect(codeOf(() => assertValidExpectedVersion(v))).toBe(EventStoreErrorCode.InvalidArgument);
  });
});

describe('payload serialisation', () => {
  it('keeps JSON values, dates as ISO strings and drops undefined properties as JSON does', () => {
    expect(serialiseJson({ a: 1, b: [true, null], c: 'é', d: undefined }, 'x')).toBe(
      '{"a":1,"b":[true,null],"c":"é"}',
    );
    expect(serialiseJson({ at: new Date('2024-01-02T03:04:05.000Z') }, 'x')).toBe(
      '{"at":"2024-01-02T03:04:05.000Z"}',
    );
  });

  it.each([
    ['BigInt', { n: 1n }],
    ['nested BigInt', { deep: [{ n: 2n }] }],
    ['NaN', { n: Number.NaN }],
    ['Infinity', [Infinity]],
    ['function', { f: () => 1 }],
    ['symbol', { s: Symbol('x') }],
    ['NUL character', { t: 'a\u0000b' }],
    ['undefined', undefined],
  ])('refuses %s', (_, value) => {
    expect(codeOf(() => serialiseJson(value, 'data'))).toBe(EventStoreErrorCode.UnserialisablePayload);
  });

  it('refuses circular structures with a clear message', () => {
    const a: Record<string, unknown> = {};
    a.self = a;
    expect(() => serialiseJson(a, 'event #0 data')).toThrow(/event #0 data cannot be stored as JSON/);
  });

  it('does not mistake an escaped backslash before u0000 for a NUL character', () => {
    expect(serialiseJson({ path: 'C:\\u0000' }, 'x')).toBe('{"path":"C:\\\\u0000"}');
    expect(codeOf(() => serialiseJson({ path: '\\\u0000' }, 'x'))).toBe(
      EventStoreErrorCode.UnserialisablePayload,
    );
  });
});

describe('prepareEvents', () => {
  const base = () => ({
    eventId: randomUUID(),
    type: 'CooperationProposed',
    data: {},
    occurredAt: new Date(),
  });

  it('normalises ids to lower case and defaults the schema version to 1', () => {
    const id = randomUUID().toUpperCase();
    const [e] = prepareEvents('cooperation-1', [{ ...base(), eventId: id }]);
    expect(e.eventId).toBe(id.toLowerCase());
    expect(e.schemaVersion).toBe(1);
    expect(e.actorJson).toBe('null');
  });

  it.each([
    ['no events', []],
    ['not an array', 'nope'],
    ['a bad event id', [{ ...base(), eventId: '123' }]],
    ['an empty type', [{ ...base(), type: '' }]],
    ['a type with spaces', [{ ...base(), type: 'Cooperation Proposed' }]],
    ['an invalid date', [{ ...base(), occurredAt: new Date(Number.NaN) }]],
    ['a string date', [{ ...base(), occurredAt: '2024-01-01' }]],
    ['a zero schema version', [{ ...base(), schemaVersion: 0 }]],
    ['an empty correlation id', [{ ...base(), correlationId: '' }]],
  ])('refuses %s', (_, events) => {
    expect(codeOf(() => prepareEvents('cooperation-1', events))).toBe(EventStoreErrorCode.InvalidArgument);
  });

  it('refuses the same event id twice in one append', () => {
    const e = base();
    expect(codeOf(() => prepareEvents('cooperation-1', [e, { ...e }]))).toBe(
      EventStoreErrorCode.InvalidArgument,
    );
  });
});
