import { ConcurrencyError, EventStoreError, EventStoreErrorCode } from '@maillage/event-store';

describe('event store errors', () => {
  it('a ConcurrencyError says where to retry from, without stack frames (an expected answer)', () => {
    const before = Error.stackTraceLimit;
    const error = new ConcurrencyError('cooperation-1', 3, 5);
    expect(error).toBeInstanceOf(EventStoreError);
    expect(error.code).toBe(EventStoreErrorCode.WrongExpectedVersion);
    expect(error.name).toBe('ConcurrencyError');
    expect(error.actualVersion).toBe(5);
    expect(error.message).toBe('Stream "cooperation-1" is at version 5, expected 3');
    expect(error.stack).not.toMatch(/\n\s+at /);
    expect(Error.stackTraceLimit).toBe(before);
  });

  it('other store errors are faults and keep their stack frames', () => {
    const error = new EventStoreError(EventStoreErrorCode.DatabaseError, 'connection reset');
    expect(error.stack).toMatch(/\n\s+at /);
  });
});
