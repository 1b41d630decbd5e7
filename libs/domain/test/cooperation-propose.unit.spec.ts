import { DomainErrorCode } from '@maillage/domain';
import { E, ORGS, COOP_ID, at, cmd, ctx, spec } from './fixtures';

const propose = (over: Record<string, unknown> = {}) =>
  cmd('ProposeCooperation', {
    cooperationId: COOP_ID,
    kind: 'GME',
    name: 'Coopération test',
    objectives: ['ECONOMIC_DEVELOPMENT'],
    territory: { regionCode: '52', departementCodes: ['49'] },
    sectors: ['STAFFING'],
    leadOrganisation: ORGS.ai1,
    ...over,
  } as never);

describe('ProposeCooperation', () => {
  it('proposes a cooperation and adds the lead organisation as a member', () => {
    spec
      .given([])
      .when(propose(), ctx('2025-01-10'))
      .then([E.proposed('GME', '2025-01-10'), E.member(ORGS.ai1, 'COTRAITANT', '2025-01-10')]);
  });

  it('adds the parent structure of an essaimage with role PARENT', () => {
    const events = spec
      .given([])
      .when(propose({ kind: 'ESSAIMAGE', leadOrganisation: ORGS.aci, parentOrganisation: ORGS.aci }), ctx('2025-01-10'))
      .events();
    expect(events.map((e) => e.type)).toEqual(['CooperationProposed', 'CooperationMemberAdded']);
    expect(events[1].data).toMatchObject({ organisationId: ORGS.aci.id, role: 'PARENT' });
  });

  it('adds a distinct parent and lead for an essaimage', () => {
    const events = spec
      .given([])
      .when(propose({ kind: 'ESSAIMAGE', leadOrganisation: ORGS.network, parentOrganisation: ORGS.aci }), ctx('2025-01-10'))
      .events();
    expect(events.slice(1).map((e) => e.data)).toEqual([
      expect.objectContaining({ organisationId: ORGS.aci.id, role: 'PARENT' }),
      expect.objectContaining({ organisationId: ORGS.network.id, role: 'MEMBER' }),
    ]);
  });

  it('derives the PTCE role of the lead from its kind', () => {
    const events = spec.given([]).when(propose({ kind: 'PTCE', leadOrganisation: ORGS.town }), ctx('2025-01-10')).events();
    expect(events[1].data).toMatchObject({ role: 'LOCAL_AUTHORITY', ess: false });
  });

  it('rejects an essaimage without parent structure', () => {
    spec.given([]).when(propose({ kind: 'ESSAIMAGE' })).thenThrows(DomainErrorCode.ESSAIMAGE_PARENT_REQUIRED);
  });

  it('rejects a parent structure on another kind', () => {
    spec.given([]).when(propose({ parentOrganisation: ORGS.aci })).thenThrows(DomainErrorCode.NOT_APPLICABLE_TO_KIND);
  });

  it('rejects an existing cooperation', () => {
    spec.given([E.proposed('GME')]).when(propose()).thenThrows(DomainErrorCode.ALREADY_EXISTS);
  });

  it.each([
    [{ kind: 'SCOP' }, 'kind'],
    [{ name: '' }, 'name'],
    [{ objectives: [] }, 'objectives'],
    [{ objectives: ['PROFIT'] }, 'objectives[0]'],
    [{ sectors: ['SPACE'] }, 'sectors[0]'],
    [{ leadOrganisation: { id: 'x', kind: 'MARTIAN' } }, 'leadOrganisation.kind'],
    [{ leadRole: 'ASSOCIE' }, null],
  ])('rejects malformed input %j', (over, field) => {
    const code = field === null ? DomainErrorCode.ROLE_NOT_ALLOWED : DomainErrorCode.VALIDATION_FAILED;
    spec.given([]).when(propose(over)).thenThrows(code, field ? { field } : undefined);
  });

  it.each([
    [{ regionCode: '99', departementCodes: [] }],
    [{ regionCode: '52', departementCodes: ['75'] }],
    [{ regionCode: '52', departementCodes: ['999'] }],
    [null],
  ])('rejects an invalid territory %j', (territory) => {
    spec.given([]).when(propose({ territory })).thenThrows(DomainErrorCode.INVALID_TERRITORY);
  });

  it('accepts overseas and Corsican codes from the INSEE dataset', () => {
    expect(() => spec.given([]).when(propose({ territory: { regionCode: '94', departementCodes: ['2A', '2B'] } })).events()).not.toThrow();
    expect(() => spec.given([]).when(propose({ territory: { regionCode: '04', departementCodes: ['974'] } })).events()).not.toThrow();
  });

  it('rejects a fact dated in the future', () => {
    spec
      .given([])
      .when(propose(), { occurredAt: '2026-12-01T00:00:00.000Z' })
      .thenThrows(DomainErrorCode.OCCURRED_AT_IN_FUTURE);
  });

  it('rejects a malformed occurredAt', () => {
    spec.given([]).when(propose(), { occurredAt: 'yesterday' }).thenThrows(DomainErrorCode.VALIDATION_FAILED, { field: 'occurredAt' });
  });

  it('accepts a fact dated in the past and records that date', () => {
    const events = spec.given([]).when(propose(), { occurredAt: at('2016-02-26') }).events();
    expect(events.every((e) => e.occurredAt === at('2016-02-26'))).toBe(true);
  });
});
