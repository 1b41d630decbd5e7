import { DomainError, DomainErrorCode, domainErrorMessagesFr, reject } from '@maillage/domain';

describe('DomainError', () => {
  it('carries its code, details and French message, and no stack frames', () => {
    const error = reject(DomainErrorCode.ALREADY_EXISTS, { deliverableId: 'd-1' });
    expect(error).toBeInstanceOf(DomainError);
    expect(error).toBeInstanceOf(Error);
    expect(error.code).toBe('ALREADY_EXISTS');
    expect(error.details).toEqual({ deliverableId: 'd-1' });
    expect(error.message).toBe(domainErrorMessagesFr.ALREADY_EXISTS);
    // A refusal is an expected answer: nothing of the call site is captured (or formatted later).
    expect(error.stack).not.toMatch(/\n\s+at /);
    expect(error.stack).toContain(domainErrorMessagesFr.ALREADY_EXISTS);
  });

  it('leaves the stack trace limit as it found it, so other errors keep their frames', () => {
    const before = Error.stackTraceLimit;
    reject(DomainErrorCode.NOT_FOUND);
    expect(Error.stackTraceLimit).toBe(before);
    expect(new Error('fault').stack).toMatch(/\n\s+at /);
  });
});
