import { GraphQLError } from 'graphql';
import { ConcurrencyError, EventStoreError, EventStoreErrorCode } from '@maillage/event-store';
import { DOMAIN_ERROR_CODES, DomainError, DomainErrorCode } from '@maillage/domain';
import { IdempotencyKeyReusedError } from '../src/command-side/idempotency.store';
import { formatGraphQLError } from '../src/graphql/error-mapper';

const format = (error: unknown) =>
  formatGraphQLError({ message: 'raw', path: ['x'], extensions: { code: 'INTERNAL_SERVER_ERROR', stacktrace: ['at secret'] } }, new GraphQLError('raw', { originalError: error as Error }));

describe('GraphQL error mapper', () => {
  it.each(DOMAIN_ERROR_CODES.map((c) => [c]))('gives domain code %s a typed extensions.code and a French message', (code) => {
    const out = format(new DomainError(code, { stage: 'DECISION', missing: ['two-members'] }));
    const expected = code === DomainErrorCode.VALIDATION_FAILED ? 'BAD_USER_INPUT' : code;
    expect(out.extensions?.code).toBe(expected);
    expect(out.message).not.toBe('raw');
    expect(JSON.stringify(out)).not.toContain('stacktrace');
  });

  it.each(DOMAIN_ERROR_CODES.map((c) => [c]))('keeps code %s when a detail of the refusal is itself called code or domainCode', (code) => {
    const out = format(new DomainError(code, { code: 'NOT_FOUND', domainCode: 'X', field: 'code' }));
    expect(out.extensions?.code).toBe(code === DomainErrorCode.VALIDATION_FAILED ? 'BAD_USER_INPUT' : code);
    if (code === DomainErrorCode.VALIDATION_FAILED) expect(out.extensions?.domainCode).toBe('VALIDATION_FAILED');
    expect(out.extensions?.field).toBe('code');
  });

  it('lists the missing gate items with their French labels', () => {
    const out = format(new DomainError(DomainErrorCode.GATE_NOT_SATISFIED, { stage: 'DECISION', missing: ['two-members'] }));
    expect(out.extensions?.missingItems).toEqual([{ id: 'two-members', label: 'Au moins deux structures membres' }]);
  });

  it('turns a version conflict into CONCURRENCY_CONFLICT with the current version', () => {
    const out = format(new ConcurrencyError('cooperation-1', 3, 5));
    expect(out.extensions).toEqual({ code: 'CONCURRENCY_CONFLICT', currentVersion: 5, expectedVersion: 3 });
    expect(out.message).toBe('La coopération a été modifiée entre-temps (version actuelle 5). Rechargez-la puis recommencez.');
    // The same answer for an organisation, worded for it.
    expect(format(new ConcurrencyError('organisation-1', 1, 2)).message).toBe("L'organisation a été modifiée entre-temps (version actuelle 2). Rechargez-la puis recommencez.");
  });

  it('maps store input errors to BAD_USER_INPUT and an unreachable database to SERVICE_UNAVAILABLE', () => {
    expect(format(new EventStoreError(EventStoreErrorCode.InvalidStreamName, 'bad')).extensions?.code).toBe('BAD_USER_INPUT');
    expect(format(new EventStoreError(EventStoreErrorCode.DatabaseUnavailable, 'ECONNREFUSED 127.0.0.1:5432')).extensions?.code).toBe('SERVICE_UNAVAILABLE');
    expect(format(new IdempotencyKeyReusedError('k')).extensions?.code).toBe('IDEMPOTENCY_KEY_REUSED');
  });

  it("gives Apollo's own code-less refusals of a malformed request BAD_REQUEST, and keeps masking other bare errors", () => {
    const apollo = (message: string, status?: number) =>
      formatGraphQLError(
        { message, extensions: { code: 'INTERNAL_SERVER_ERROR' } },
        new GraphQLError(message, status ? { extensions: { http: { status, headers: new Map() } } } : {}),
      );
    expect(apollo('provided sha does not match query', 400)).toEqual({ message: 'provided sha does not match query', extensions: { code: 'BAD_REQUEST' } });
    expect(apollo('Unsupported persisted query version', 400).extensions).toEqual({ code: 'BAD_REQUEST' });
    expect(apollo('something broke', 500).extensions).toEqual({ code: 'INTERNAL_SERVER_ERROR' });
    expect(apollo('something broke').extensions).toEqual({ code: 'INTERNAL_SERVER_ERROR' });
    // A failure with a cause is never taken for a client's mistake, whatever its status.
    const caused = formatGraphQLError(
      { message: 'x', extensions: { code: 'INTERNAL_SERVER_ERROR' } },
      new GraphQLError('x', { originalError: new Error('db down'), extensions: { http: { status: 400 } } }),
    );
    expect(caused.extensions).toEqual({ code: 'INTERNAL_SERVER_ERROR' });
  });

  it('masks anything unexpected: generic message, no stack, no internals', () => {
    const out = format(new TypeError("Cannot read properties of undefined (reading 'rows') at /srv/app/x.js:1"));
    expect(out.extensions).toEqual({ code: 'INTERNAL_SERVER_ERROR' });
    expect(out.message).not.toMatch(/rows|\/srv/);
  });
});
