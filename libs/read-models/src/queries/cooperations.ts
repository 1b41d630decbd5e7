import { intervalValidAt, isoOrNull, num, resolveInstant, type Queryable } from './common';
import { scopeCondition, type ListScope } from './scope';

export interface StageVisit {
  visit: number;
  stage: string;
  enteredAt: string;
  enteredRecordedAt: string;
  enteredVia: string;
  exitedAt: string | null;
  exitedRecordedAt: string | null;
  exitedVia: string | null;
  daysSpent: number | null;
}

export interface CooperationSummary {
  id: string;
  kind: string;
  stage: string;
  status: string;
  name: string;
  objectives: string[];
  leadOrganisationId: string;
  members: { organisationId: string; organisationKind: string; ess: boolean; role: string; roleLabel: string; mandataire: boolean; joinedAt: string }[];
  mandataireId: string | null;
  regionCode: string;
  departementCodes: string[];
  sectors: string[];
  /** Current gate with French labels (domain `gateStatus`). */
  gate: unknown;
  gateSatisfied: boolean;
  waivers: { stage: string; stageLabel: string; itemId: string; itemLabel: string; justification: string; waivedAt: string }[];
  version: number;
  proposedAt: string;
  stageEnteredAt: string;
  closedAt: string | null;
  abandonedAt: string | null;
  lastEventAt: string;
  lastRecordedAt: string;
  renewedFrom: string | null;
  successorId: string | null;
  abandonReason: string | null;
  abandonReasonText: string | null;
  closeOutcome: string | null;
  funderIds: string[];
  stageHistory: StageVisit[];
}

interface SummaryRow {
  id: string;
  kind: string;
  stage: string;
  status: string;
  name: string;
  objectives: string[];
  lead_organisation_id: string;
  members: CooperationSummary['members'];
  mandataire_id: string | null;
  region_code: string;
  departement_codes: string[];
  sectors: string[];
  gate: unknown;
  gate_satisfied: boolean;
  waivers: CooperationSummary['waivers'];
  version: number;
  proposed_at: Date;
  stage_entered_at: Date;
  closed_at: Date | null;
  abandoned_at: Date | null;
  last_event_at: Date;
  last_recorded_at: Date;
  renewed_from: string | null;
  successor_id: string | null;
  abandon_reason: string | null;
  abandon_reason_text: string | null;
  close_outcome: string | null;
  funder_ids: string[];
}

const SUMMARY_SELECT = `id, kind, stage, status, name, objectives, lead_organisation_id, members, mandataire_id, region_code,
  departement_codes, sectors, gate, gate_satisfied, waivers, version, proposed_at, stage_entered_at, closed_at, abandoned_at,
  last_event_at, last_recorded_at, renewed_from, successor_id, abandon_reason, abandon_reason_text, close_outcome, funder_ids`;

function toSummary(r: SummaryRow, stageHistory: StageVisit[]): CooperationSummary {
  return {
    id: r.id,
    kind: r.kind,
    stage: r.stage,
    status: r.status,
    name: r.name,
    objectives: r.objectives,
    leadOrganisationId: r.lead_organisation_id,
    members: r.members,
    mandataireId: r.mandataire_id,
    regionCode: r.region_code,
    departementCodes: r.departement_codes,
    sectors: r.sectors,
    gate: r.gate,
    gateSatisfied: r.gate_satisfied,
    waivers: r.waivers,
    version: r.version,
    proposedAt: r.proposed_at.toISOString(),
    stageEnteredAt: r.stage_entered_at.toISOString(),
    closedAt: isoOrNull(r.closed_at),
    abandonedAt: isoOrNull(r.abandoned_at),
    lastEventAt: r.last_event_at.toISOString(),
    lastRecordedAt: r.last_recorded_at.toISOString(),
    renewedFrom: r.renewed_from,
    successorId: r.successor_id,
    abandonReason: r.abandon_reason,
    abandonReasonText: r.abandon_reason_text,
    closeOutcome: r.close_outcome,
    funderIds: r.funder_ids,
    stageHistory,
  };
}

/** One cooperation with its stage history, or null. */
export async function cooperationSummary(db: Queryable, id: string): Promise<CooperationSummary | null> {
  const { rows } = await db.query<SummaryRow>(`select ${SUMMARY_SELECT} from cooperation_summary where id = $1`, [id]);
  if (!rows.length) return null;
  const visits = await db.query<{
    visit: number;
    stage: string;
    entered_at: Date;
    entered_recorded_at: Date;
    entered_via: string;
    exited_at: Date | null;
    exited_recorded_at: Date | null;
    exited_via: string | null;
    days_spent: string | null;
  }>(`select * from cooperation_stage_visit where cooperation_id = $1 order by visit`, [id]);
  return toSummary(
    rows[0],
    visits.rows.map((v) => ({
      visit: v.visit,
      stage: v.stage,
      enteredAt: v.entered_at.toISOString(),
      enteredRecordedAt: v.entered_recorded_at.toISOString(),
      enteredVia: v.entered_via,
      exitedAt: isoOrNull(v.exited_at),
      exitedRecordedAt: isoOrNull(v.exited_recorded_at),
      exitedVia: v.exited_via,
      daysSpent: v.days_spent === null ? null : Number(v.days_spent),
    })),
  );
}

export interface CooperationFilter {
  region?: string;
  departement?: string;
  kind?: string;
  stage?: string;
  status?: string;
  funderId?: string;
  /** Cooperations with an open request to this funder (« sollicitations en attente »). */
  solicitedFunderId?: string;
  /** Active cooperations with no event (occurred time) for at least this many days before now. */
  stalledForDays?: number;
  /** What the caller may see (access policy); undefined means no restriction (internal callers). */
  scope?: ListScope;
}

export interface PageRequest {
  /** Page size; default 20, capped at MAX_PAGE_SIZE. */
  first?: number;
  /** endCursor of the previous page. */
  after?: string | null;
}

export interface CooperationListItem {
  id: string;
  name: string;
  kind: string;
  stage: string;
  status: string;
  /** How a closed cooperation ended (null unless closed). */
  closeOutcome: string | null;
  regionCode: string;
  departementCodes: string[];
  sectors: string[];
  memberCount: number;
  gateSatisfied: boolean;
  proposedAt: string;
  lastEventAt: string;
  /** Members and roles as the summary stores them, read with the page (no second query). */
  members: CooperationSummary['members'];
  /** Keyset cursor of this item: pass it as `after` to continue after it. */
  cursor: string;
}

export interface Page<T> {
  items: T[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

export const MAX_PAGE_SIZE = 100;
export const DEFAULT_PAGE_SIZE = 20;

export class InvalidCursorError extends Error {
  constructor() {
    super('Invalid cursor');
    this.name = 'InvalidCursorError';
  }
}

// Cursor: base64url of [proposedAt ISO, id]; the order is (proposed_at desc, id desc).
const encodeCursor = (proposedAt: Date, id: string) => Buffer.from(JSON.stringify([proposedAt.toISOString(), id])).toString('base64url');

/** Longer than any cursor the encoder writes (about 80 characters for a UUID). */
const MAX_CURSOR_LENGTH = 300;
/** The encoder's instant: Date#toISOString of a proposal, a four-digit year (the domain takes none before 1000). */
const CURSOR_INSTANT = /^(\d{4})-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
/** Cooperation ids: UUIDs (or the readable ids of test and demo data); never a NUL, never long. */
const CURSOR_ID = /^[A-Za-z0-9._:-]{1,100}$/;

/**
 * Reads a cursor strictly: exactly what encodeCursor writes, or InvalidCursorError. The instant goes
 * to PostgreSQL as a timestamptz and the id as text, so anything else (a date PostgreSQL cannot
 * read such as "2025" or year 0, a day that does not exist, a NUL in the id) ended as an internal
 * error rather than a refusal.
 */
function decodeCursor(cursor: string): [string, string] {
  const value = cursor.length <= MAX_CURSOR_LENGTH ? cursorJson(cursor) : undefined;
  if (Array.isArray(value) && value.length === 2) {
    const [at, id] = value as unknown[];
    if (typeof at === 'string' && isCursorInstant(at) && typeof id === 'string' && CURSOR_ID.test(id)) return [at, id];
  }
  throw new InvalidCursorError();
}

/** The JSON a cursor encodes; undefined when it is no canonical base64url of JSON. */
function cursorJson(cursor: string): unknown {
  const json = Buffer.from(cursor, 'base64url').toString('utf8');
  // Buffer.from skips what is not base64url: only a canonical encoding is the encoder's.
  if (Buffer.from(json).toString('base64url') !== cursor) return undefined;
  try {
    return JSON.parse(json) as unknown;
  } catch {
    return undefined;
  }
}

/** Date#toISOString's form, of an instant that exists (no 2025-02-30, no 24:00) and that PostgreSQL has (no year 0). */
function isCursorInstant(at: string): boolean {
  const match = CURSOR_INSTANT.exec(at);
  const time = Date.parse(at);
  return match !== null && Number(match[1]) >= 1 && !Number.isNaN(time) && new Date(time).toISOString() === at;
}

/** Cooperations matching a filter, newest proposal first, with keyset pagination. */
export async function listCooperations(db: Queryable, filter: CooperationFilter = {}, page: PageRequest = {}): Promise<Page<CooperationListItem>> {
  const first = Math.max(1, Math.min(MAX_PAGE_SIZE, Math.floor(page.first ?? DEFAULT_PAGE_SIZE)));
  const where: string[] = [];
  const params: unknown[] = [];
  const add = (sql: (p: string) => string, value: unknown) => {
    params.push(value);
    where.push(sql(`$${params.length}`));
  };
  if (filter.region) add((p) => `region_code = ${p}`, filter.region);
  if (filter.departement) add((p) => `departement_codes @> array[${p}::text]`, filter.departement);
  if (filter.kind) add((p) => `kind = ${p}`, filter.kind);
  if (filter.stage) add((p) => `stage = ${p}`, filter.stage);
  if (filter.status) add((p) => `status = ${p}`, filter.status);
  if (filter.funderId) add((p) => `funder_ids @> array[${p}::text]`, filter.funderId);
  if (filter.solicitedFunderId) add((p) => `solicited_funder_ids @> array[${p}::text]`, filter.solicitedFunderId);
  if (filter.stalledForDays !== undefined) {
    add((p) => `status = 'ACTIVE' and last_event_at < now() - make_interval(days => ${p}::int)`, filter.stalledForDays);
  }
  const scoped = scopeCondition(filter.scope, 'cooperation_summary', (value) => {
    params.push(value);
    return `$${params.length}`;
  });
  if (scoped) where.push(scoped);
  if (page.after) {
    const [proposedAt, id] = decodeCursor(page.after);
    params.push(proposedAt, id);
    where.push(`(proposed_at, id) < ($${params.length - 1}::timestamptz, $${params.length})`);
  }
  params.push(first + 1);
  const { rows } = await db.query<{
    id: string;
    name: string;
    kind: string;
    stage: string;
    status: string;
    close_outcome: string | null;
    region_code: string;
    departement_codes: string[];
    sectors: string[];
    member_count: number;
    gate_satisfied: boolean;
    proposed_at: Date;
    last_event_at: Date;
    members: CooperationSummary['members'];
  }>(
    `select id, name, kind, stage, status, close_outcome, region_code, departement_codes, sectors, member_count, gate_satisfied, proposed_at, last_event_at, members
       from cooperation_summary ${where.length ? `where ${where.join(' and ')}` : ''}
      order by proposed_at desc, id desc limit $${params.length}`,
    params,
  );
  const items = rows.slice(0, first);
  const last = items[items.length - 1];
  return {
    items: items.map((r) => ({
      id: r.id,
      name: r.name,
      kind: r.kind,
      stage: r.stage,
      status: r.status,
      closeOutcome: r.close_outcome,
      regionCode: r.region_code,
      departementCodes: r.departement_codes,
      sectors: r.sectors,
      memberCount: r.member_count,
      gateSatisfied: r.gate_satisfied,
      proposedAt: r.proposed_at.toISOString(),
      lastEventAt: r.last_event_at.toISOString(),
      members: r.members,
      cursor: encodeCursor(r.proposed_at, r.id),
    })),
    pageInfo: { hasNextPage: rows.length > first, endCursor: last ? encodeCursor(last.proposed_at, last.id) : null },
  };
}

export interface FunderPortfolioInput {
  funderId: string;
  asOf?: Date | string;
  knownAt?: Date | string;
}

export interface FunderPortfolio {
  funderId: string;
  asOf: string;
  knownAt: string;
  totals: { cooperations: number; fundings: number; granted: number; disbursed: number };
  cooperations: {
    id: string;
    name: string;
    kind: string;
    regionCode: string;
    /** Stage and status as of asOf (null if it did not exist yet). */
    stage: string | null;
    status: string | null;
    /** How it ended, when it is CLOSED as of asOf (a closed cooperation stays closed). */
    closeOutcome: string | null;
    waivers: number;
    fundings: {
      fundingId: string;
      programme: string;
      amount: number;
      disbursed: number;
      periodStart: string;
      periodEnd: string | null;
      endedOn: string | null;
    }[];
  }[];
}

/** The cooperations a funder financed (grants made by asOf), with stage and money as of that date. */
export async function funderPortfolio(db: Queryable, input: FunderPortfolioInput): Promise<FunderPortfolio> {
  const t = resolveInstant(input.asOf);
  const k = resolveInstant(input.knownAt);
  const { rows } = await db.query<{
    id: string;
    name: string;
    kind: string;
    region_code: string;
    stage: string | null;
    status: string | null;
    close_outcome: string | null;
    waivers: string;
    funding_id: string;
    programme: string;
    amount: string;
    disbursed: string | null;
    period_start: string;
    period_end: string | null;
    ended_on: string | null;
  }>(
    `select s.id, s.name, s.kind, s.region_code, i.stage, i.status,
            case when i.status = 'CLOSED' then s.close_outcome end as close_outcome,
            (select count(*) from cooperation_waiver w where w.cooperation_id = s.id and w.waived_at <= $2 and w.recorded_at <= $3) as waivers,
            f.funding_id, f.programme, f.amount,
            (select sum(d.amount) from cooperation_disbursement d
              where d.cooperation_id = f.cooperation_id and d.funding_id = f.funding_id
                and d.disbursed_on <= $2::timestamptz::date and d.recorded_at <= $3) as disbursed,
            to_char(f.period_start, 'YYYY-MM-DD') as period_start, to_char(f.period_end, 'YYYY-MM-DD') as period_end,
            case when f.ended_on <= $2::timestamptz::date then to_char(f.ended_on, 'YYYY-MM-DD') end as ended_on
       from cooperation_funding f
       join cooperation_summary s on s.id = f.cooperation_id
       left join cooperation_stage_interval i on i.cooperation_id = s.id and ${intervalValidAt('i', '$2', '$3')}
      where f.funder_organisation_id = $1 and f.granted_at <= $2 and f.recorded_at <= $3
      order by s.name, s.id, f.granted_at, f.funding_id`,
    [input.funderId, t, k],
  );
  const byId = new Map<string, FunderPortfolio['cooperations'][number]>();
  let granted = 0;
  let disbursed = 0;
  for (const r of rows) {
    let c = byId.get(r.id);
    if (!c) {
      c = { id: r.id, name: r.name, kind: r.kind, regionCode: r.region_code, stage: r.stage, status: r.status, closeOutcome: r.close_outcome, waivers: num(r.waivers), fundings: [] };
      byId.set(r.id, c);
    }
    c.fundings.push({
      fundingId: r.funding_id,
      programme: r.programme,
      amount: num(r.amount),
      disbursed: num(r.disbursed),
      periodStart: r.period_start,
      periodEnd: r.period_end,
      endedOn: r.ended_on,
    });
    granted += num(r.amount);
    disbursed += num(r.disbursed);
  }
  const round = (n: number) => Math.round(n * 100) / 100;
  return {
    funderId: input.funderId,
    asOf: t.toISOString(),
    knownAt: k.toISOString(),
    totals: { cooperations: byId.size, fundings: rows.length, granted: round(granted), disbursed: round(disbursed) },
    cooperations: [...byId.values()],
  };
}
