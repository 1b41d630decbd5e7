import type { RecordedEvent } from '@maillage/event-store';
import fc from 'fast-check';
import { collectKeys, foldTouched, keyedProjection, keyedTable, sameColumns, type KeyedTableOptions } from '@maillage/projections';

let position = 0;
function event(type: string, streamId: string, data: Record<string, unknown>): RecordedEvent {
  position++;
  return {
    eventId: `00000000-0000-4000-8000-${String(position).padStart(12, '0')}`,
    streamId,
    streamVersion: position,
    globalPosition: `1:${position}`,
    type,
    schemaVersion: 1,
    data,
    recordedAt: new Date(0),
    occurredAt: new Date(0),
    actor: null,
    correlationId: null,
    causationId: null,
  };
}

interface Balance {
  account: string;
  currency: string;
  balance: number;
  moves: number;
}

// A transfer touches two rows; a close deletes one.
const options: KeyedTableOptions<Balance> = {
  table: 'balances',
  primaryKey: ['account', 'currency'],
  columns: ['account', 'currency', 'balance', 'moves'],
  eventTypes: ['Transferred', 'Closed', 'Noted'],
  keysOf: (e) => {
    const d = e.data as { from?: string; to?: string; account?: string; currency: string };
    if (e.type === 'Transferred') return [[d.from!, d.currency], [d.to!, d.currency]];
    if (e.type === 'Closed') return [[d.account!, d.currency]];
    return [];
  },
  evolve: (row, e, [account]) => {
    const d = e.data as { from?: string; to?: string; amount?: number };
    if (e.type === 'Closed') return null;
    const sign = d.from === account ? -1 : 1;
    return { ...(row ?? { balance: 0, moves: 0 }), balance: (row?.balance ?? 0) + sign * d.amount!, moves: (row?.moves ?? 0) + 1 } as Balance;
  },
};

/** The touched entry of a key (whatever the map's internal ids look like). */
function entryFor<T>(touched: Map<string, { key: unknown[] } & T>, key: unknown[]) {
  return [...touched.values()].find((t) => JSON.stringify(t.key) === JSON.stringify(key));
}

function fold(events: RecordedEvent[], existing: Balance[] = []) {
  const touched = collectKeys(options, events);
  for (const row of existing) {
    const entry = entryFor(touched, [row.account, row.currency]);
    if (entry) entry.initial = row;
  }
  return { touched, ...foldTouched(options, touched.values()) };
}

describe('keyedTable fold', () => {
  it('groups events by touched row, in order, ignoring other types and keyless events', () => {
    const events = [
      event('Transferred', 'transfer-1', { from: 'a', to: 'b', currency: 'EUR', amount: 10 }),
      event('Other', 'x-1', { currency: 'EUR' }),
      event('Noted', 'n-1', { currency: 'EUR' }),
      event('Transferred', 'transfer-2', { from: 'b', to: 'c', currency: 'EUR', amount: 4 }),
    ];
    const touched = collectKeys(options, events);
    expect([...touched.values()].map((t) => t.key)).toEqual([['a', 'EUR'], ['b', 'EUR'], ['c', 'EUR']]);
    expect(entryFor(touched, ['b', 'EUR'])!.events.map((e) => e.streamId)).toEqual(['transfer-1', 'transfer-2']);
    // Keys are told apart by value and type, not by how they print.
    const mixed = collectKeys({ ...options, eventTypes: undefined, keysOf: (e) => [[e.streamId, (e.data as { k: string | number }).k]] }, [
      event('X', 'a', { k: 1 }),
      event('X', 'a', { k: '1' }),
      event('X', 'a\u0001s1', { k: 'x' }),
      event('X', 'a', { k: 1 }),
    ]);
    expect([...mixed.values()].map((t) => [t.key, t.events.length])).toEqual([
      [['a', 1], 2],
      [['a', '1'], 1],
      [['a\u0001s1', 'x'], 1],
    ]);
  });

  it('folds from loaded rows, fills key columns, skips unchanged rows and deletes rows folded to null', () => {
    const { upserts, deletes } = fold(
      [
        event('Transferred', 'transfer-1', { from: 'a', to: 'b', currency: 'EUR', amount: 10 }),
        event('Transferred', 'transfer-2', { from: 'b', to: 'a', currency: 'EUR', amount: 3 }),
        event('Closed', 'account-d', { account: 'd', currency: 'EUR' }),
        event('Closed', 'account-e', { account: 'e', currency: 'EUR' }), // never existed
      ],
      [
        { account: 'a', currency: 'EUR', balance: 100, moves: 1 },
        { account: 'd', currency: 'EUR', balance: 5, moves: 1 },
      ],
    );
    expect(upserts).toEqual([
      { account: 'a', currency: 'EUR', balance: 93, moves: 3 },
      { account: 'b', currency: 'EUR', balance: 7, moves: 2 },
    ]);
    expect(deletes).toEqual([['d', 'EUR']]);
  });

  it('does not write a row whose fold leaves it as loaded', () => {
    const idle: KeyedTableOptions<Balance> = { ...options, evolve: (row) => row };
    const touched = collectKeys(idle, [event('Closed', 'account-a', { account: 'a', currency: 'EUR' })]);
    entryFor(touched, ['a', 'EUR'])!.initial = { account: 'a', currency: 'EUR', balance: 1, moves: 1 };
    expect(foldTouched(idle, touched.values())).toEqual({
      upserts: [],
      deletes: [],
      rows: [{ account: 'a', currency: 'EUR', balance: 1, moves: 1 }], // what the table still holds
    });
  });

  it('rejects keys of the wrong width and unsafe identifiers', () => {
    expect(() =>
      collectKeys({ ...options, keysOf: () => ['only-one'] }, [event('Closed', 'a-1', { currency: 'EUR' })]),
    ).toThrow(/expected 2 non-null value/);
    expect(() => keyedTable({ ...options, table: 'balances; drop table x' })).toThrow(/identifier/);
    expect(() => keyedTable({ ...options, columns: ['balance', 'moves'] as never })).toThrow(/must include key column/);
  });

  it('composes keyed tables into a projection that handles the union of their event types', () => {
    const a = keyedTable({ ...options, table: 'balances' });
    const b = keyedTable({ ...options, table: 'other_balances', eventTypes: ['Opened'] });
    const projection = keyedProjection({ name: 'balances', tables: [a, b] as never });
    expect(projection.tables).toEqual(['balances', 'other_balances']);
    expect(projection.eventTypes).toEqual(['Transferred', 'Closed', 'Noted', 'Opened']);
    const untyped = keyedTable({ ...options, eventTypes: undefined });
    expect(keyedProjection({ name: 'x', tables: [a, untyped] as never }).eventTypes).toBeUndefined();
  });
});

describe('sameColumns', () => {
  const columns = ['a', 'b', 'c', 'd'];
  /** The rule it stands for: the written columns serialise alike (undefined counting as null). */
  const serialisedAlike = (x: Record<string, unknown>, y: Record<string, unknown>) =>
    JSON.stringify(columns.map((c) => x[c] ?? null)) === JSON.stringify(columns.map((c) => y[c] ?? null));
  // Small pools, so that equal values (and equal objects held in different instances) are common.
  const plain = fc.constantFrom<unknown>(undefined, null, 0, 1, '1', 'x', true, false, '2025-01-01T00:00:00.000Z');
  const value = fc.oneof(
    plain,
    fc.array(fc.constantFrom(1, 2, 'x'), { maxLength: 2 }),
    fc.record({ k: fc.constantFrom(1, 'x'), l: fc.constantFrom(null, [1]) }),
  );
  const row = fc.record({ a: value, b: value, c: value, d: value, ignored: value });

  it('calls two rows alike exactly when their written columns serialise alike', () => {
    fc.assert(
      fc.property(row, row, (x, y) => {
        expect(sameColumns(x, y, columns)).toBe(serialisedAlike(x, y));
        expect(sameColumns(x, structuredClone(x), columns)).toBe(true); // equal objects, other instances
      }),
      { numRuns: 2000 },
    );
  });

  it('never calls alike two rows that serialise differently, and tells a changed version without serialising the state', () => {
    expect(sameColumns({ a: NaN }, { a: null }, ['a'])).toBe(false); // alike as JSON: written again, harmless
    const state = { toJSON: () => { throw new Error('serialised'); } };
    expect(sameColumns({ a: 1, b: state }, { a: 2, b: { ...state } }, ['a', 'b'])).toBe(false);
  });
});
