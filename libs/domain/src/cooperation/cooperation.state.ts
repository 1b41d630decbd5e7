import type { Location, Territory } from '../territory/territory';
import type { OrganisationKind } from '../organisation/organisation.types';
import type { CooperationEvent, IndicatorDefinition, Market, Period, Share } from './cooperation.events';
import type {
  AbandonReason,
  CloseOutcome,
  CooperationKind,
  DeliverableKind,
  EssaimagePotential,
  EssaimageStrategy,
  EvaluationStep,
  FundingRequestStatus,
  GmeForm,
  MarketOutcome,
  MemberRole,
  Objective,
  Sector,
  Stage,
  SupportKind,
} from './cooperation.types';
import { indicatorLabelFr } from '../labels/labels.fr';

export interface Member {
  organisationId: string;
  organisationKind: OrganisationKind;
  ess: boolean;
  role: MemberRole;
  joinedAt: string;
}
export interface StageEntry {
  stage: Stage;
  enteredAt: string;
  via: 'PROPOSED' | 'ADVANCED' | 'REOPENED';
}
export interface Deliverable {
  deliverableId: string;
  kind: DeliverableKind;
  stage: Stage;
  documentRef: string | null;
  title: string | null;
  recordedAt: string;
}
export interface Waiver {
  stage: Stage;
  itemId: string;
  justification: string;
  waivedAt: string;
}
export interface Site {
  siteId: string;
  name: string;
  location: Location;
  operatorOrganisationId: string | null;
  openedOn: string;
}
export interface Funding {
  fundingId: string;
  funderOrganisationId: string;
  programme: string;
  amount: number;
  period: Period;
  disbursed: number;
  endedOn: string | null;
  /** When it was granted, and the day of its latest disbursement (absent from states folded before they existed). */
  grantedAt?: string;
  lastDisbursedOn?: string | null;
}
/** A funder solicited by the cooperation (« sollicitation »), and what became of it. */
export interface FundingRequest {
  requestId: string;
  funderOrganisationId: string;
  programme: string | null;
  amount: number | null;
  note: string | null;
  requestedAt: string;
  status: FundingRequestStatus;
  /** When it was withdrawn, declined or granted. */
  closedAt: string | null;
  /** Why it was withdrawn or declined. */
  reason: string | null;
  /** The grant that answered it. */
  fundingId: string | null;
}
export interface Support {
  supportId: string;
  kind: SupportKind;
  providerOrganisationId: string | null;
  period: Period;
  description: string | null;
}
export interface Criterion {
  criterionId: string;
  code: string;
  label: string;
  indicators: IndicatorDefinition[];
}
export interface Measurement {
  indicatorId: string;
  criterionId: string;
  period: Period;
  value: number | string;
  recordedAt: string;
}

export interface EmptyCooperation {
  status: 'NONE';
}

export interface Cooperation {
  status: 'ACTIVE' | 'CLOSED' | 'ABANDONED';
  id: string;
  kind: CooperationKind;
  name: string;
  objectives: Objective[];
  territory: Territory;
  sectors: Sector[];
  leadOrganisationId: string;
  /** The leads that handed the steering over, and when (absent from states folded before hand-overs existed). */
  formerLeads?: { organisationId: string; until: string }[];
  renewedFrom: string | null;
  successorId: string | null;
  proposedAt: string;
  stage: Stage;
  stageEnteredAt: string;
  /** Date of the last lifecycle transition (proposal, advance, reopen, close, abandon). */
  lastTransitionAt: string;
  /**
   * The latest date any of its events occurred at (facts may be recorded out of order): a
   * transition is dated no earlier, so that a view "as of" a date never shows a stage without the
   * facts it was entered on. Absent from states folded before it existed (read as proposedAt).
   */
  lastEventAt?: string;
  stageHistory: StageEntry[];
  members: Member[];
  mandataireId: string | null;
  gmeForm: GmeForm | null;
  market: Market | null;
  marketOutcome: { outcome: MarketOutcome; startDate: string | null; recordedAt: string } | null;
  plannedShares: Share[] | null;
  finalShares: Share[] | null;
  essaimageStrategy: EssaimageStrategy | null;
  targetTerritories: Location[];
  sites: Site[];
  structure: { siren: string; legalForm: string | null } | null;
  deliverables: Deliverable[];
  waivers: Waiver[];
  fundings: Funding[];
  /** Absent from states folded before requests existed (read as none). */
  fundingRequests?: FundingRequest[];
  supports: Support[];
  criteria: Criterion[];
  measurements: Measurement[];
  evaluations: { step: EvaluationStep; summary: string; deliverableId: string | null; recordedAt: string }[];
  lessons: { lessonId: string; text: string; essaimagePotential: EssaimagePotential | null; recordedAt: string }[];
  essaimagePotential: EssaimagePotential | null;
  closure: { outcome: CloseOutcome; comment: string | null; stage: Stage; closedAt: string } | null;
  abandonment: { reason: AbandonReason; reasonText: string | null; stage: Stage; abandonedAt: string } | null;
}

export type CooperationState = EmptyCooperation | Cooperation;

export const initialCooperationState = (): CooperationState => ({ status: 'NONE' });

/** Folds one event. Pure and total: an event that does not apply to the state leaves it unchanged. */
export const evolveCooperation = (state: CooperationState, event: CooperationEvent): CooperationState => {
  const next = foldCooperationEvent(state, event);
  if (next.status === 'NONE') return next;
  const latest = next.lastEventAt ?? next.proposedAt;
  return Date.parse(event.occurredAt) > Date.parse(latest) ? { ...next, lastEventAt: event.occurredAt } : next.lastEventAt === latest ? next : { ...next, lastEventAt: latest };
};

const foldCooperationEvent = (state: CooperationState, event: CooperationEvent): CooperationState => {
  if (event.type === 'CooperationProposed') {
    const d = event.data;
    return {
      status: 'ACTIVE',
      id: d.cooperationId,
      kind: d.kind,
      name: d.name,
      objectives: [...d.objectives],
      territory: { regionCode: d.territory.regionCode, departementCodes: [...d.territory.departementCodes] },
      sectors: [...d.sectors],
      leadOrganisationId: d.leadOrganisationId,
      renewedFrom: d.renewedFrom,
      successorId: null,
      proposedAt: event.occurredAt,
      stage: 'DECISION',
      stageEnteredAt: event.occurredAt,
      lastTransitionAt: event.occurredAt,
      stageHistory: [{ stage: 'DECISION', enteredAt: event.occurredAt, via: 'PROPOSED' }],
      members: [],
      mandataireId: null,
      gmeForm: null,
      market: null,
      marketOutcome: null,
      plannedShares: null,
      finalShares: null,
      essaimageStrategy: null,
      targetTerritories: [],
      sites: [],
      structure: null,
      deliverables: [],
      waivers: [],
      fundings: [],
      fundingRequests: [],
      supports: [],
      criteria: [],
      measurements: [],
      evaluations: [],
      lessons: [],
      essaimagePotential: null,
      closure: null,
      abandonment: null,
    };
  }
  if (state.status === 'NONE') return state;
  const s = state;
  const at = event.occurredAt;
  switch (event.type) {
    case 'CooperationTerritorySet':
      return { ...s, territory: event.data.territory, sectors: [...event.data.sectors] };
    case 'CooperationMemberAdded': {
      const d = event.data;
      return {
        ...s,
        members: [
          ...s.members,
          { organisationId: d.organisationId, organisationKind: d.organisationKind, ess: d.ess, role: d.role, joinedAt: at },
        ],
      };
    }
    case 'CooperationMemberRemoved': {
      const id = event.data.organisationId;
      const dropShares = (shares: Share[] | null) => (shares ? shares.filter((x) => x.organisationId !== id) : null);
      return {
        ...s,
        members: s.members.filter((m) => m.organisationId !== id),
        mandataireId: s.mandataireId === id ? null : s.mandataireId,
        plannedShares: dropShares(s.plannedShares),
        finalShares: dropShares(s.finalShares),
      };
    }
    case 'CooperationLeadHandedOver':
      return { ...s, leadOrganisationId: event.data.to, formerLeads: [...(s.formerLeads ?? []), { organisationId: event.data.from, until: at }] };
    case 'CooperationMandataireDesignated':
      return { ...s, mandataireId: event.data.organisationId };
    case 'CooperationGmeFormSet':
      return { ...s, gmeForm: event.data.form };
    case 'CooperationMarketRecorded':
      return { ...s, market: event.data.market };
    case 'CooperationMarketOutcomeRecorded':
      return { ...s, marketOutcome: { outcome: event.data.outcome, startDate: event.data.startDate, recordedAt: at } };
    case 'CooperationShareholdingSet':
      return event.data.phase === 'PLANNED'
        ? { ...s, plannedShares: event.data.shares }
        : { ...s, finalShares: event.data.shares };
    case 'CooperationEssaimageStrategyChosen':
      return { ...s, essaimageStrategy: event.data.strategy, targetTerritories: event.data.targetTerritories };
    case 'CooperationSiteOpened':
      return { ...s, sites: [...s.sites, { ...event.data }] };
    case 'CooperationStructureRegistered':
      return { ...s, structure: { siren: event.data.siren, legalForm: event.data.legalForm } };
    case 'CooperationDeliverableRecorded':
      return { ...s, deliverables: [...s.deliverables, { ...event.data, recordedAt: at }] };
    case 'CooperationGateItemWaived':
      return { ...s, waivers: [...s.waivers, { ...event.data, waivedAt: at }] };
    case 'CooperationStageAdvanced':
    case 'CooperationStageReopened':
      return {
        ...s,
        stage: event.data.to,
        stageEnteredAt: at,
        lastTransitionAt: at,
        stageHistory: [
          ...s.stageHistory,
          { stage: event.data.to, enteredAt: at, via: event.type === 'CooperationStageAdvanced' ? 'ADVANCED' : 'REOPENED' },
        ],
      };
    case 'CooperationAbandoned':
      return {
        ...s,
        fundingRequests: lapseOpenRequests(s.fundingRequests, at),
        status: 'ABANDONED',
        lastTransitionAt: at,
        abandonment: { reason: event.data.reason, reasonText: event.data.reasonText, stage: event.data.stage, abandonedAt: at },
      };
    case 'CooperationClosed':
      return {
        ...s,
        fundingRequests: lapseOpenRequests(s.fundingRequests, at),
        status: 'CLOSED',
        lastTransitionAt: at,
        closure: { outcome: event.data.outcome, comment: event.data.comment, stage: event.data.stage, closedAt: at },
      };
    case 'CooperationRenewed':
      return { ...s, successorId: event.data.successorId };
    case 'CooperationFundingRequested':
      return {
        ...s,
        fundingRequests: [
          ...(s.fundingRequests ?? []),
          { ...event.data, requestedAt: at, status: 'OPEN', closedAt: null, reason: null, fundingId: null },
        ],
      };
    case 'CooperationFundingRequestWithdrawn':
    case 'CooperationFundingRequestDeclined': {
      const status = event.type === 'CooperationFundingRequestWithdrawn' ? 'WITHDRAWN' : 'DECLINED';
      return {
        ...s,
        fundingRequests: (s.fundingRequests ?? []).map((r) =>
          r.requestId === event.data.requestId ? { ...r, status, closedAt: at, reason: event.data.reason } : r,
        ),
      };
    }
    case 'CooperationFundingGranted': {
      const { requestId, ...grant } = event.data;
      return {
        ...s,
        fundings: [...s.fundings, { ...grant, disbursed: 0, endedOn: null, grantedAt: at, lastDisbursedOn: null }],
        fundingRequests: requestId
          ? (s.fundingRequests ?? []).map((r) =>
              r.requestId === requestId ? { ...r, status: 'GRANTED' as const, closedAt: at, fundingId: grant.fundingId } : r,
            )
          : s.fundingRequests,
      };
    }
    case 'CooperationFundingDisbursed':
      return {
        ...s,
        fundings: s.fundings.map((f) =>
          f.fundingId === event.data.fundingId
            ? {
                ...f,
                disbursed: roundCents(f.disbursed + event.data.amount),
                lastDisbursedOn: f.lastDisbursedOn && f.lastDisbursedOn > event.data.disbursedOn ? f.lastDisbursedOn : event.data.disbursedOn,
              }
            : f,
        ),
      };
    case 'CooperationFundingEnded':
      return {
        ...s,
        fundings: s.fundings.map((f) => (f.fundingId === event.data.fundingId ? { ...f, endedOn: event.data.endedOn } : f)),
      };
    case 'CooperationSupportRecorded':
      return { ...s, supports: [...s.supports, { ...event.data }] };
    case 'CooperationEvaluationCriterionDefined':
      return {
        ...s,
        criteria: [...s.criteria, { ...event.data, indicators: event.data.indicators.map((i) => ({ ...i, label: indicatorLabelFr(i) })) }],
      };
    case 'CooperationMeasurementRecorded':
      return { ...s, measurements: [...s.measurements, { ...event.data, recordedAt: at }] };
    case 'CooperationEvaluationRecorded':
      return { ...s, evaluations: [...s.evaluations, { ...event.data, recordedAt: at }] };
    case 'CooperationLessonRecorded':
      return {
        ...s,
        lessons: [...s.lessons, { ...event.data, recordedAt: at }],
        essaimagePotential: event.data.essaimagePotential ?? s.essaimagePotential,
      };
    default: {
      const unreachable: never = event;
      return unreachable;
    }
  }
};

export const roundCents = (amount: number): number => Math.round(amount * 100) / 100;

/** Requests still open when the cooperation ends end with it: no one may answer them any more. */
const lapseOpenRequests = (requests: FundingRequest[] | undefined, at: string): FundingRequest[] | undefined =>
  requests?.some((r) => r.status === 'OPEN')
    ? requests.map((r) => (r.status === 'OPEN' ? { ...r, status: 'LAPSED' as const, closedAt: at } : r))
    : requests;

export const foldCooperation = (events: readonly CooperationEvent[], from: CooperationState = initialCooperationState()) =>
  events.reduce(evolveCooperation, from);
