import {
  cooperationKindLabelsFr,
  deliverableKindLabelsFr,
  essaimagePotentialLabelsFr,
  essaimageStrategyLabelsFr,
  evaluationStepLabelsFr,
  fundingRequestStatusLabelsFr,
  gateItemLabelFr,
  gateStatus,
  marketProcedureLabelsFr,
  memberRoleLabelsFr,
  PLAYBOOKS,
  shareholdingSummary,
  stageLabelsFr,
  supportKindLabelsFr,
  type Cooperation as CooperationState,
  type FundingRequest as DomainFundingRequest,
} from '@maillage/domain';
import type { Cooperation, FundingRequest, StageVisit } from './cooperation.types';

const DAY_MS = 86_400_000;

const GATE_ITEMS = new Map(Object.values(PLAYBOOKS).flatMap((stages) => Object.values(stages).flatMap((items) => items.map((i) => [i.id, i] as const))));

/** French label of every gate item id, from the playbooks. */
export const GATE_ITEM_LABELS = new Map([...GATE_ITEMS].map(([id, item]) => [id, item.label]));

const days = (from: string, to: string): number => Math.max(0, Math.round(((Date.parse(to) - Date.parse(from)) / DAY_MS) * 10) / 10);

/** Visits of each stage with entry, exit and days spent; the current one runs up to `asOf` (or its end). */
function stageVisits(state: CooperationState, asOf: string): StageVisit[] {
  const end = state.closure?.closedAt ?? state.abandonment?.abandonedAt ?? asOf;
  return state.stageHistory.map((entry, i) => {
    const next = state.stageHistory[i + 1];
    const exitedAt = next?.enteredAt ?? (state.status === 'ACTIVE' ? undefined : end);
    return {
      stage: entry.stage,
      stageLabel: stageLabelsFr[entry.stage],
      enteredAt: entry.enteredAt,
      exitedAt,
      days: days(entry.enteredAt, exitedAt ?? asOf),
      via: entry.via,
    };
  });
}

/** The API's view of a request to a funder, from the folded domain state. */
export const toFundingRequestView = (r: DomainFundingRequest): FundingRequest => ({
  requestId: r.requestId,
  funderOrganisationId: r.funderOrganisationId,
  programme: r.programme ?? undefined,
  amount: r.amount ?? undefined,
  note: r.note ?? undefined,
  requestedAt: r.requestedAt,
  status: r.status,
  statusLabel: fundingRequestStatusLabelsFr[r.status],
  closedAt: r.closedAt ?? undefined,
  reason: r.reason ?? undefined,
  fundingId: r.fundingId ?? undefined,
});

/** The API's view of a cooperation, built from the folded domain state (the single source of rules). */
export function toCooperationView(state: CooperationState, version: number, asOf: string): Cooperation {
  const ess = new Map(state.members.map((m) => [m.organisationId, m.ess]));
  const latestShares = state.finalShares ?? state.plannedShares;
  const sharePhase = state.finalShares ? 'FINAL' : 'PLANNED';
  const summary = latestShares ? shareholdingSummary(state, sharePhase) : null;
  const gate = state.status === 'ACTIVE' ? gateStatus(state) : null;
  return {
    id: state.id,
    version,
    kind: state.kind,
    kindLabel: cooperationKindLabelsFr[state.kind],
    name: state.name,
    status: state.status,
    stage: state.stage,
    stageLabel: stageLabelsFr[state.stage],
    objectives: state.objectives,
    regionCode: state.territory.regionCode,
    departementCodes: state.territory.departementCodes,
    sectors: state.sectors,
    leadOrganisationId: state.leadOrganisationId,
    mandataireId: state.mandataireId ?? undefined,
    gmeForm: state.gmeForm ?? undefined,
    members: state.members.map((m) => ({
      organisationId: m.organisationId,
      role: m.role,
      roleLabel: memberRoleLabelsFr[m.role],
      mandataire: m.organisationId === state.mandataireId,
      ess: m.ess,
      joinedAt: m.joinedAt,
    })),
    gate: gate && {
      stage: gate.stage,
      stageLabel: gate.stageLabel,
      satisfied: gate.satisfied,
      items: gate.items.map((i) => ({
        id: i.id,
        label: i.label,
        status: i.status,
        waivable: i.waivable,
        justification: i.justification ?? undefined,
        satisfiedBy: i.satisfiedBy ?? undefined,
        deliverableKinds: [...(GATE_ITEMS.get(i.id)?.deliverables ?? [])],
        advisory: i.advisory,
      })),
    },
    // The label of the cooperation's own playbook (a GIE's « statutes-signed » is its constitutive contract).
    waivers: state.waivers.map((w) => ({ ...w, itemLabel: gateItemLabelFr(w.itemId, state.kind) ?? w.itemId })),
    stageHistory: stageVisits(state, asOf),
    market: state.market && {
      buyerName: state.market.buyerName,
      cpvCode: state.market.cpvCode,
      amountExclVat: state.market.amountExclVat,
      durationMonths: state.market.durationMonths,
      procedures: state.market.procedures.map((p) => ({ code: p, label: marketProcedureLabelsFr[p] })),
      lots: state.market.lots,
      bidDeadline: state.market.bidDeadline ?? undefined,
      outcome: state.marketOutcome?.outcome,
      startDate: state.marketOutcome?.startDate ?? undefined,
    },
    shareholding: summary && {
      planned: state.plannedShares?.map((s) => ({ ...s, ess: ess.get(s.organisationId) ?? false })),
      final: state.finalShares?.map((s) => ({ ...s, ess: ess.get(s.organisationId) ?? false })),
      essPercent: summary.ess,
      totalPercent: summary.total,
    },
    fundings: state.fundings.map((f) => ({
      fundingId: f.fundingId,
      funderOrganisationId: f.funderOrganisationId,
      programme: f.programme,
      amount: f.amount,
      disbursed: f.disbursed,
      periodStart: f.period.start,
      periodEnd: f.period.end ?? undefined,
      endedOn: f.endedOn ?? undefined,
    })),
    fundingRequests: (state.fundingRequests ?? []).map(toFundingRequestView),
    indicators: state.criteria.flatMap((c) =>
      c.indicators.map((i) => ({
        indicatorId: i.indicatorId,
        criterionCode: c.code,
        criterionLabel: c.label,
        code: i.code,
        label: i.label,
        nature: i.nature,
        unit: i.unit ?? undefined,
        target: i.target === null ? undefined : String(i.target),
        standard: i.standard ?? undefined,
        measurements: state.measurements
          .filter((m) => m.indicatorId === i.indicatorId)
          .sort((a, b) => a.period.start.localeCompare(b.period.start))
          .map((m) => ({
            periodStart: m.period.start,
            periodEnd: m.period.end ?? undefined,
            value: String(m.value),
            numericValue: typeof m.value === 'number' ? m.value : undefined,
          })),
      })),
    ),
    supports: [...state.supports]
      .sort((a, b) => a.period.start.localeCompare(b.period.start))
      .map((s) => ({
        supportId: s.supportId,
        kind: s.kind,
        kindLabel: supportKindLabelsFr[s.kind],
        providerOrganisationId: s.providerOrganisationId ?? undefined,
        periodStart: s.period.start,
        periodEnd: s.period.end ?? undefined,
        description: s.description ?? undefined,
      })),
    deliverables: state.deliverables.map((d) => ({
      deliverableId: d.deliverableId,
      kind: d.kind,
      kindLabel: deliverableKindLabelsFr[d.kind],
      stage: d.stage,
      title: d.title ?? undefined,
      recordedAt: d.recordedAt,
    })),
    proposedAt: state.proposedAt,
    renewedFrom: state.renewedFrom ?? undefined,
    successorId: state.successorId ?? undefined,
    abandonReason: state.abandonment?.reason,
    abandonReasonText: state.abandonment?.reasonText ?? undefined,
    closeOutcome: state.closure?.outcome,
    essaimage:
      state.kind === 'ESSAIMAGE'
        ? {
            strategy: state.essaimageStrategy ?? undefined,
            strategyLabel: state.essaimageStrategy ? essaimageStrategyLabelsFr[state.essaimageStrategy] : undefined,
            targetTerritories: state.targetTerritories.map((t) => ({ regionCode: t.regionCode, departementCode: t.departementCode })),
            sites: state.sites.map((site) => ({
              siteId: site.siteId,
              name: site.name,
              regionCode: site.location.regionCode,
              departementCode: site.location.departementCode,
              operatorOrganisationId: site.operatorOrganisationId ?? undefined,
              openedOn: site.openedOn,
            })),
          }
        : undefined,
    structure: state.structure ? { siren: state.structure.siren, legalForm: state.structure.legalForm ?? undefined } : undefined,
    evaluations: state.evaluations.map((e) => ({
      step: e.step,
      stepLabel: evaluationStepLabelsFr[e.step],
      summary: e.summary,
      deliverableId: e.deliverableId ?? undefined,
      recordedAt: e.recordedAt,
    })),
    lessons: state.lessons.map((l) => ({
      lessonId: l.lessonId,
      text: l.text,
      essaimagePotential: l.essaimagePotential ?? undefined,
      essaimagePotentialLabel: l.essaimagePotential ? essaimagePotentialLabelsFr[l.essaimagePotential] : undefined,
      recordedAt: l.recordedAt,
    })),
    asOf,
  };
}
