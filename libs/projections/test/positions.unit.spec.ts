import type { EventStore, ReadAllOptions, RecordedEvent } from '@maillage/event-store';
import { countThroughPort } from '../src/admin';
import { comparePositions } from '../src/positions';

describe('positions of either event store', () => {
  it('orders PostgreSQL and EventStoreDB positions, null first', () => {
    expect(comparePositions('10:5', '10:6')).toBe(-1);
    expect(comparePositions('11:1', '10:9')).toBe(1);
    expect(comparePositions('C:100/P:100', 'C:200/P:200')).toBe(-1);
    expect(comparePositions('C:200/P:150', 'C:200/P:100')).toBe(1);
    expect(comparePositions(null, 'C:1/P:1')).toBe(-1);
    expect(comparePositions('C:1/P:1', 'C:1/P:1')).toBe(0);
    expect(() => comparePositions('10:5', 'C:1/P:1')).toThrow(/different stores/);
  });

  it('counts the events after a position through the port, page by page (lag on EventStoreDB)', async () => {
    const positions = Array.from({ length: 23 }, (_, i) => `C:${(i + 1) * 10}/P:${(i + 1) * 10}`);
    const calls: ReadAllOptions[] = [];
    const store: Pick<EventStore, 'readAll'> = {
      readAll: (options) => {
        calls.push(options);
        const from = options.after === null || options.after === undefined ? 0 : positions.indexOf(options.after) + 1;
        const slice = positions.slice(from, from + options.limit);
        const events = slice.map((globalPosition) => ({ globalPosition }) as RecordedEvent);
        return Promise.resolve({ events, position: slice.length ? slice[slice.length - 1] : (options.after ?? null) });
      },
    };
    expect(await countThroughPort(store, null, 5)).toBe(23);
    expect(calls.map((c) => c.after ?? null)).toEqual([null, positions[4], positions[9], positions[14], positions[19]]);
    expect(await countThroughPort(store, positions[19], 5)).toBe(3);
    expect(await countThroughPort(store, positions[22], 5)).toBe(0);
  });
});
