import {
  cooperationDecider,
  deciderSpec,
  type CooperationCommand,
  type CooperationEvent,
  type CooperationKind,
  type DecideContext,
  type OrganisationRef,
} from '@maillage/domain';

export const NOW = '2026-11-01T10:00:00.000Z';
export const at = (iso: string) => (iso.length === 10 ? `${iso}T09:00:00.000Z` : iso);
export const ctx = (occurredAt: string = '2025-06-01', extra: Partial<DecideContext> = {}): DecideContext => ({
  now: NOW,
  occurredAt: at(occurredAt),
  ...extra,
});

let seq = 0;
export const idGen = () => () => `gen-${++seq}`;

export const spec = deciderSpec(cooperationDecider, { context: () => ctx('2025-06-01', { newId: idGen() }) });

export const org = (id: string, kind: OrganisationRef['kind'], ess?: boolean): OrganisationRef =>
  ess === undefined ? { id, kind } : { id, kind, ess };

export const ORGS = {
  ai1: org('org-ai-1', 'AI'),
  ai2: org('org-ai-2', 'AI'),
  ei: org('org-ei', 'EI'),
  aci: org('org-aci', 'ACI'),
  company: org('org-company', 'COMPANY'),
  companyEss: org('org-company-esus', 'COMPANY', true),
  town: org('org-town', 'LOCAL_AUTHORITY'),
  lab: org('org-lab', 'RESEARCH'),
  funder: org('org-region', 'FUNDER'),
  network: org('org-network', 'NETWORK'),
};

export const COOP_ID = 'coop-1';

/** Event builders used by the given(...) parts. */
export const E = {
  proposed: (kind: CooperationKind, occurredAt = '2025-01-10', over: Partial<Extract<CooperationEvent, { type: 'CooperationProposed' }>['data']> = {}): CooperationEvent => ({
    type: 'CooperationProposed',
    occurredAt: at(occurredAt),
    data: {
      cooperationId: COOP_ID,
      kind,
      name: 'Coopération test',
      objectives: ['ECONOMIC_DEVELOPMENT'],
      territory: { regionCode: '52', departementCodes: ['49'] },
      sectors: ['STAFFING'],
      leadOrganisationId: ORGS.ai1.id,
      renewedFrom: null,
      ...over,
    },
  }),
  member: (o: OrganisationRef, role: Extract<CooperationEvent, { type: 'CooperationMemberAdded' }>['data']['role'], occurredAt = '2025-01-10', ess?: boolean): CooperationEvent => ({
    type: 'CooperationMemberAdded',
    occurredAt: at(occurredAt),
    data: { organisationId: o.id, organisationKind: o.kind, ess: ess ?? o.ess ?? !['COMPANY', 'LOCAL_AUTHORITY', 'RESEARCH', 'TRAINING', 'FUNDER'].includes(o.kind), role },
  }),
  mandataire: (o: OrganisationRef, occurredAt = '2025-01-11'): CooperationEvent => ({
    type: 'CooperationMandataireDesignated',
    occurredAt: at(occurredAt),
    data: { organisationId: o.id },
  }),
  deliverable: (kind: Extract<CooperationEvent, { type: 'CooperationDeliverableRecorded' }>['data']['kind'], stage: Extract<CooperationEvent, { type: 'CooperationDeliverableRecorded' }>['data']['stage'] = 'DECISION', occurredAt = '2025-01-12', id = `d-${kind}`): CooperationEvent => ({
    type: 'CooperationDeliverableRecorded',
    occurredAt: at(occurredAt),
    data: { deliverableId: id, kind, stage, documentRef: null, title: null },
  }),
  advanced: (from: Extract<CooperationEvent, { type: 'CooperationStageAdvanced' }>['data']['from'], to: Extract<CooperationEvent, { type: 'CooperationStageAdvanced' }>['data']['to'], occurredAt: string): CooperationEvent => ({
    type: 'CooperationStageAdvanced',
    occurredAt: at(occurredAt),
    data: { from, to },
  }),
  market: (bidDeadline: string | null = null, occurredAt = '2025-01-12'): CooperationEvent => ({
    type: 'CooperationMarketRecorded',
    occurredAt: at(occurredAt),
    data: {
      market: {
        buyerName: 'Département de Maine-et-Loire',
        buyerOrganisationId: null,
        cpvCode: '75231240',
        amountExclVat: 170000,
        durationMonths: 12,
        procedures: ['ADAPTED_PROCEDURE'],
        lots: [],
        bidDeadline,
      },
    },
  }),
  closed: (stage: Extract<CooperationEvent, { type: 'CooperationClosed' }>['data']['stage'], outcome: Extract<CooperationEvent, { type: 'CooperationClosed' }>['data']['outcome'], occurredAt: string): CooperationEvent => ({
    type: 'CooperationClosed',
    occurredAt: at(occurredAt),
    data: { stage, outcome, comment: null },
  }),
};

/** A GME with two AI members and a mandataire, in DECISION. */
export const gmeInDecision = (): CooperationEvent[] => [
  E.proposed('GME'),
  E.member(ORGS.ai1, 'COTRAITANT'),
  E.member(ORGS.ai2, 'COTRAITANT'),
  E.mandataire(ORGS.ai1),
];

export const cmd = <T extends CooperationCommand['type']>(type: T, data: Extract<CooperationCommand, { type: T }>['data']) =>
  ({ type, data }) as Extract<CooperationCommand, { type: T }>;
