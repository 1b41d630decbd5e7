import type { RecordedEvent } from '@maillage/event-store';
import {
  STAGE_GOALS_FR,
  evolveCooperation,
  gateStatus,
  initialCooperationState,
  memberRoleLabelsFr,
  shareholdingSummary,
  stageLabelsFr,
  type Cooperation,
  type CooperationEvent,
  type CooperationState,
} from '@maillage/domain';
import type { CooperationSummaryEntity, ShareholdingEntry, TimelineEntry } from '../entities';
import { dayOf, gateItemLabel, iso, toDomainEvent } from './events';

export type CooperationSummaryRow = CooperationSummaryEntity;

/** Next timeline (status intervals) after a lifecycle event; other events leave it as it is. */
export function evolveTimeline(
  timeline: readonly TimelineEntry[],
  previous: CooperationState,
  next: Cooperation,
  event: RecordedEvent,
): TimelineEntry[] {
  const close = (via: NonNullable<TimelineEntry['exitedVia']>): TimelineEntry[] =>
    timeline.map((t, i) =>
      i === timeline.length - 1 && t.validTo === null
        ? { ...t, validTo: iso(event.occurredAt), recordedTo: iso(event.recordedAt), exitedVia: via }
        : t,
    );
  const open = (entries: TimelineEntry[], stage: string, status: TimelineEntry['status'], via: TimelineEntry['enteredVia']) => [
    ...entries,
    {
      seq: entries.length + 1,
      stage,
      status,
      validFrom: iso(event.occurredAt),
      validTo: null,
      recordedFrom: iso(event.recordedAt),
      recordedTo: null,
      enteredVia: via,
      exitedVia: null,
    },
  ];
  switch (event.type) {
    case 'CooperationProposed':
      return previous.status === 'NONE' ? open([], next.stage, 'ACTIVE', 'PROPOSED') : [...timeline];
    case 'CooperationStageAdvanced':
      return open(close('ADVANCED'), next.stage, 'ACTIVE', 'ADVANCED');
    case 'CooperationStageReopened':
      return open(close('REOPENED'), next.stage, 'ACTIVE', 'REOPENED');
    case 'CooperationAbandoned':
      return open(close('ABANDONED'), next.stage, 'ABANDONED', 'ABANDONED');
    case 'CooperationClosed':
      return open(close('CLOSED'), next.stage, 'CLOSED', 'CLOSED');
    default:
      return timeline as TimelineEntry[];
  }
}

const addDay = (days: readonly string[], day: string): string[] => {
  const last = days.length ? days[days.length - 1] : '';
  if (day > last) return days.concat(day); // events mostly come in time order: append
  if (day === last || days.includes(day)) return days as string[];
  return [...days, day].sort();
};

function shareholdingOf(coop: Cooperation): ShareholdingEntry[] {
  if (coop.kind !== 'JVS') return [];
  const ess = new Map(coop.members.map((m) => [m.organisationId, m.ess]));
  const entries: ShareholdingEntry[] = [];
  for (const phase of ['PLANNED', 'FINAL'] as const) {
    const shares = phase === 'PLANNED' ? coop.plannedShares : coop.finalShares;
    if (!shares) continue;
    const s = shareholdingSummary(coop, phase);
    entries.push({
      phase,
      shares: shares.filter((x) => ess.has(x.organisationId)).map((x) => ({ ...x, ess: ess.get(x.organisationId)! })),
      totalPercent: s.total,
      essPercent: s.ess,
      essMajority: s.defined && s.total === 100 && s.ess > 50,
    });
  }
  return entries;
}

// `Date.toISOString()` texts order as their instants; texts loaded from the database (other
// formats) are parsed.
const canonical = (t: string) => t.length === 24 && t.charCodeAt(23) === 90 /* Z */ && t.charCodeAt(19) === 46; /* . */
const laterThan = (a: string, b: string): boolean => (canonical(a) && canonical(b) ? a > b : Date.parse(a) > Date.parse(b));

/**
 * The domain state as the summary keeps it. The summary row is written back with every batch that
 * touches its cooperation, so its `state` must not grow with the cooperation's history: a
 * cooperation measured monthly on thirty indicators would otherwise rewrite hundreds of kilobytes
 * per event (a bench target reached 136 KB, 86 KB of it measurements). What `deriveCooperationSummary`
 * reads of these two lists is whether one exists (the gate's `INDICATORS_REPORTED` fact, and whether
 * a deliverable of a kind was recorded), so the summary keeps the first measurement and the first
 * deliverable of each kind; the full lists are rows of `cooperation_measurement` and
 * `cooperation_deliverable`, and the command side folds its own state from the stream. A gate rule
 * that reads more of either list must change this too: the rebuild-equals-live test checks every
 * summary's gate against the gate of the stream's full fold.
 */
export function compactSummaryState(previous: CooperationState, next: Cooperation, eventType: string): Cooperation {
  if (previous.status === 'NONE') return next;
  if (eventType === 'CooperationMeasurementRecorded' && previous.measurements.length > 0)
    return { ...next, measurements: previous.measurements.slice(0, 1) };
  if (eventType === 'CooperationDeliverableRecorded') {
    const recorded = next.deliverables[next.deliverables.length - 1];
    if (previous.deliverables.some((d) => d.kind === recorded.kind)) return { ...next, deliverables: previous.deliverables };
  }
  return next;
}

/**
 * Pure fold of one cooperation event into its summary row, folded columns only: the domain state
 * (`state`), the timeline, activity days, version and instants. Every other column is derived from
 * them by `deriveCooperationSummary`, once per written row (see keyedTable's `finalize`), so gate
 * rules are the domain's own and are not recomputed after every event.
 */
export function foldCooperationSummary(row: CooperationSummaryRow | null, event: RecordedEvent): CooperationSummaryRow | null {
  const previous = (row?.state as CooperationState | undefined) ?? initialCooperationState();
  const evolved = evolveCooperation(previous, toDomainEvent<CooperationEvent>(event));
  if (evolved.status === 'NONE') return row;
  const next = compactSummaryState(previous, evolved, event.type);
  const occurredAt = iso(event.occurredAt);
  const recordedAt = iso(event.recordedAt);
  const lastEventAt = row && laterThan(row.last_event_at, occurredAt) ? row.last_event_at : occurredAt;
  return {
    ...(row ?? ({} as CooperationSummaryRow)),
    id: next.id,
    version: event.streamVersion,
    proposed_recorded_at: row?.proposed_recorded_at ?? recordedAt,
    last_event_at: lastEventAt,
    last_recorded_at: recordedAt,
    activity_days: addDay(row?.activity_days ?? [], dayOf(event.occurredAt)),
    timeline: evolveTimeline(row?.timeline ?? [], previous, next, event),
    state: next,
  };
}

/** The summary's derived columns, from its folded ones (pure and idempotent). */
export function deriveCooperationSummary(row: CooperationSummaryRow): CooperationSummaryRow {
  const next = row.state as Cooperation;
  const gate = gateStatus(next);
  return {
    id: next.id,
    kind: next.kind,
    stage: next.stage,
    status: next.status,
    name: next.name,
    objectives: next.objectives,
    lead_organisation_id: next.leadOrganisationId,
    members: next.members.map((m) => ({
      ...m,
      roleLabel: memberRoleLabelsFr[m.role],
      mandataire: m.organisationId === next.mandataireId,
    })),
    member_count: next.members.length,
    mandataire_id: next.mandataireId,
    region_code: next.territory.regionCode,
    departement_codes: next.territory.departementCodes,
    sectors: next.sectors,
    gate: { ...gate, stageGoal: STAGE_GOALS_FR[gate.stage], stageName: stageLabelsFr[gate.stage] },
    gate_satisfied: gate.satisfied,
    waivers: next.waivers.map((w) => ({
      ...w,
      stageLabel: stageLabelsFr[w.stage],
      itemLabel: gateItemLabel(w.itemId),
    })),
    version: row.version,
    proposed_at: next.proposedAt,
    proposed_recorded_at: row.proposed_recorded_at,
    stage_entered_at: next.stageEnteredAt,
    closed_at: next.closure?.closedAt ?? null,
    abandoned_at: next.abandonment?.abandonedAt ?? null,
    last_event_at: row.last_event_at,
    last_recorded_at: row.last_recorded_at,
    activity_days: row.activity_days,
    renewed_from: next.renewedFrom,
    successor_id: next.successorId,
    abandon_reason: next.abandonment?.reason ?? null,
    abandon_reason_text: next.abandonment?.reasonText ?? null,
    close_outcome: next.closure?.outcome ?? null,
    funder_ids: [...new Set(next.fundings.map((f) => f.funderOrganisationId))],
    solicited_funder_ids: solicitedFunderIdsOf(next),
    timeline: row.timeline,
    shareholding: shareholdingOf(next),
    state: next,
  };
}

/**
 * The funders an active cooperation solicited and that have not answered: they may read it (the
 * API's access policy and the list scope use this one rule). A closed or abandoned cooperation
 * takes no grant, so a request left open there opens nothing.
 */
export function solicitedFunderIdsOf(state: {
  status?: string;
  fundingRequests?: readonly { funderOrganisationId: string; status: string }[];
}): string[] {
  if (state.status !== 'ACTIVE') return [];
  return [...new Set((state.fundingRequests ?? []).filter((r) => r.status === 'OPEN').map((r) => r.funderOrganisationId))];
}

/** Fold and derive: the complete summary row after one more event. */
export function evolveCooperationSummary(row: CooperationSummaryRow | null, event: RecordedEvent): CooperationSummaryRow | null {
  const folded = foldCooperationSummary(row, event);
  return folded && deriveCooperationSummary(folded);
}

/** Lifecycle and territory events: they change the status intervals and stage visits. */
export const TIMELINE_EVENT_TYPES = new Set([
  'CooperationProposed',
  'CooperationStageAdvanced',
  'CooperationStageReopened',
  'CooperationAbandoned',
  'CooperationClosed',
  'CooperationTerritorySet',
]);
export const SHAREHOLDING_EVENT_TYPES = new Set([
  'CooperationShareholdingSet',
  'CooperationMemberAdded',
  'CooperationMemberRemoved',
]);
