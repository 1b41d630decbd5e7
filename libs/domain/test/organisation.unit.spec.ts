import {
  DomainErrorCode,
  MAX_NETWORKS,
  LA_POSTE_HEAD_OFFICE_SIRET,
  deciderSpec,
  isValidSiren,
  isValidSiret,
  organisationDecider,
  organisationStreamName,
  cooperationStreamName,
  toOrganisationRef,
  evolveOrganisation,
  initialOrganisationState,
  type OrganisationEvent,
} from '@maillage/domain';
import { at, ctx } from './fixtures';

const spec = deciderSpec(organisationDecider, { context: () => ctx('2025-01-01') });

/** Builds a Luhn-valid SIRET from a 13-digit prefix. */
const withLuhn = (prefix: string): string => {
  for (let k = 0; k < 10; k++) if (isValidSiret(`${prefix}${k}`)) return `${prefix}${k}`;
  throw new Error('unreachable');
};
const SIRET = withLuhn('7328293200001');

const register = (over: Record<string, unknown> = {}) => ({
  type: 'RegisterOrganisation' as const,
  data: { organisationId: 'o1', name: 'Tremplin Travail', siret: SIRET, kind: 'AI' as const, regionCode: '52', departementCode: '49', ...over } as never,
});
const registered: OrganisationEvent = {
  type: 'OrganisationRegistered',
  occurredAt: at('2025-01-01'),
  data: { organisationId: 'o1', name: 'Tremplin Travail', siret: SIRET, kind: 'AI', ess: true, regionCode: '52', departementCode: '49', networkIds: [] },
};

describe('SIRET and SIREN', () => {
  it('accepts Luhn-valid numbers, with spaces', () => {
    expect(isValidSiren('732829320')).toBe(true);
    expect(isValidSiret(SIRET)).toBe(true);
    expect(isValidSiret(`${SIRET.slice(0, 3)} ${SIRET.slice(3, 6)} ${SIRET.slice(6, 9)} ${SIRET.slice(9)}`)).toBe(true);
  });
  it('rejects wrong length, letters and a wrong key', () => {
    expect(isValidSiret('1234567890123')).toBe(false);
    expect(isValidSiret('1234567890123A')).toBe(false);
    expect(isValidSiret(`${SIRET.slice(0, 13)}${(Number(SIRET[13]) + 1) % 10}`)).toBe(false);
    expect(isValidSiren('732829321')).toBe(false);
    expect(isValidSiret(12345678901234)).toBe(false);
  });
  it('applies the La Poste exception (digit sum multiple of 5), head office keeping Luhn', () => {
    expect(isValidSiret(LA_POSTE_HEAD_OFFICE_SIRET)).toBe(true);
    // 3+5+6 = 14; NIC 12345 -> 14 + 15 = 29 -> not a multiple of 5; NIC 12346 -> 30
    expect(isValidSiret('35600000012346')).toBe(true);
    expect(isValidSiret('35600000012345')).toBe(false);
  });
});

describe('Organisation decider', () => {
  it('RegisterOrganisation registers with ESS status from the kind', () => {
    spec.given([]).when(register()).then([registered]);
  });
  it('RegisterOrganisation accepts an explicit ESS status and no SIRET', () => {
    const [e] = spec.given([]).when(register({ kind: 'COMPANY', ess: true, siret: null })).events();
    expect(e.data).toMatchObject({ kind: 'COMPANY', ess: true, siret: null });
  });
  it('RegisterOrganisation rejects an invalid SIRET, territory, kind and duplicates', () => {
    spec.given([]).when(register({ siret: '12345678901234' })).thenThrows(DomainErrorCode.INVALID_SIRET);
    spec.given([]).when(register({ departementCode: '75' })).thenThrows(DomainErrorCode.INVALID_TERRITORY);
    spec.given([]).when(register({ regionCode: '00' })).thenThrows(DomainErrorCode.INVALID_TERRITORY);
    spec.given([]).when(register({ kind: 'CLUB' })).thenThrows(DomainErrorCode.VALIDATION_FAILED);
    spec.given([registered]).when(register()).thenThrows(DomainErrorCode.ALREADY_EXISTS);
  });
  it('UpdateOrganisation records only the real changes', () => {
    spec
      .given([registered])
      .when({ type: 'UpdateOrganisation', data: { name: 'Tremplin Travail', departementCode: '49', networkIds: ['coorace-pdl'] } })
      .then([{ type: 'OrganisationUpdated', occurredAt: at('2025-01-01'), data: { organisationId: 'o1', changes: { networkIds: ['coorace-pdl'] } } }]);
    spec.given([registered]).when({ type: 'UpdateOrganisation', data: { name: 'Tremplin Travail' } }).then([]);
  });
  it('UpdateOrganisation validates and needs an existing organisation', () => {
    spec.given([registered]).when({ type: 'UpdateOrganisation', data: { departementCode: '75' } }).thenThrows(DomainErrorCode.INVALID_TERRITORY);
    spec.given([registered]).when({ type: 'UpdateOrganisation', data: { siret: '1' } }).thenThrows(DomainErrorCode.INVALID_SIRET);
    spec.given([]).when({ type: 'UpdateOrganisation', data: { name: 'x' } }).thenThrows(DomainErrorCode.NOT_FOUND);
  });
  it('refuses a change dated before the registration, and takes one dated before an earlier change', () => {
    spec.given([registered]).when({ type: 'UpdateOrganisation', data: { name: 'Tremplin' } }, ctx('2001-01-01')).thenThrows(DomainErrorCode.VALIDATION_FAILED);
    const renamed = { type: 'OrganisationUpdated' as const, occurredAt: at('2025-06-01'), data: { organisationId: 'o1', changes: { name: 'Tremplin 49' } } };
    spec
      .given([registered, renamed])
      .when({ type: 'UpdateOrganisation', data: { ess: false } }, ctx('2025-03-01'))
      .then([{ type: 'OrganisationUpdated', occurredAt: at('2025-03-01'), data: { organisationId: 'o1', changes: { ess: false } } }]);
  });
  it('takes a few distinct networks, never the organisation itself', () => {
    const many = Array.from({ length: MAX_NETWORKS + 1 }, (_, i) => `net-${i}`);
    spec.given([registered]).when({ type: 'UpdateOrganisation', data: { networkIds: many } }).thenThrows(DomainErrorCode.VALIDATION_FAILED);
    spec.given([registered]).when({ type: 'UpdateOrganisation', data: { networkIds: ['net-1', 'o1'] } }).thenThrows(DomainErrorCode.VALIDATION_FAILED);
    spec.given([]).when(register({ networkIds: many })).thenThrows(DomainErrorCode.VALIDATION_FAILED);
    spec.given([]).when(register({ networkIds: ['o1'] })).thenThrows(DomainErrorCode.VALIDATION_FAILED);
    const [e] = spec.given([]).when(register({ networkIds: many.slice(0, MAX_NETWORKS).concat('net-0') })).events();
    expect((e.data as { networkIds: string[] }).networkIds).toHaveLength(MAX_NETWORKS);
  });
  it('names the field of the command at fault (SIRET, région, département)', () => {
    const state = evolveOrganisation(initialOrganisationState(), registered);
    const fieldOf = (data: Record<string, unknown>) => {
      try {
        organisationDecider.decide({ type: 'UpdateOrganisation', data } as never, state, ctx('2025-01-01'));
      } catch (error) {
        return { code: (error as { code: string }).code, field: (error as { details: { field?: string } }).details.field };
      }
      return null;
    };
    expect(fieldOf({ siret: '12345678901234' })).toEqual({ code: 'INVALID_SIRET', field: 'siret' });
    expect(fieldOf({ departementCode: '75' })).toEqual({ code: 'INVALID_TERRITORY', field: 'departementCode' });
    expect(fieldOf({ departementCode: '999' })).toEqual({ code: 'INVALID_TERRITORY', field: 'departementCode' });
    expect(fieldOf({ regionCode: '11' })).toEqual({ code: 'INVALID_TERRITORY', field: 'departementCode' });
    expect(fieldOf({ regionCode: '00', departementCode: '49' })).toEqual({ code: 'INVALID_TERRITORY', field: 'regionCode' });
    expect(fieldOf({ name: '' })).toEqual({ code: 'VALIDATION_FAILED', field: 'name' });
  });
  it('builds the lookup passed to cooperation commands', () => {
    expect(toOrganisationRef([registered].reduce(evolveOrganisation, initialOrganisationState()))).toEqual({ id: 'o1', kind: 'AI', ess: true, name: 'Tremplin Travail' });
    expect(toOrganisationRef(initialOrganisationState())).toBeNull();
  });
  it('names streams', () => {
    expect(organisationStreamName('abc')).toBe('organisation-abc');
    expect(cooperationStreamName('abc')).toBe('cooperation-abc');
  });
});
