import { randomUUID } from 'node:crypto';
import {
  ABANDON_REASONS,
  CLOSE_OUTCOMES,
  COOPERATION_KINDS,
  DELIVERABLE_KINDS,
  SECTORS,
  SUPPORT_KINDS,
  cooperationStreamName,
  decideCooperation,
  evolveCooperation,
  gateStatus,
  type Cooperation,
  type CooperationCommand,
  type CooperationState,
  type OrganisationRef,
} from '@maillage/domain';
import { NO_STREAM, type EventStore, type EventToAppend } from '@maillage/event-store';

/**
 * A random but decider-valid workload of cooperation commands, shared by the read-model tests that
 * compare live projection against a rebuild or a slower method. Each writer draws from its own
 * seeded generator, so a writer's commands do not depend on how the writers interleave: a failure
 * replays from its seed (the interleaving itself still follows the database's timing).
 */

export const DAY = 86_400_000;
export const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
export const delay = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export const REGIONS: [string, string[]][] = [
  ['11', ['75', '92', '93']],
  ['52', ['44', '49']],
  ['84', ['69', '38']],
];

export type Rng = () => number;

/** mulberry32: a small, fast generator with a 32-bit state. */
export function seeded(initial: number): Rng {
  let seed = initial | 0;
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = seed;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The seed from `variable` when set (to replay a failure), else a fresh one. */
export const seedFrom = (variable: string): number => Number(process.env[variable] || Date.now() % 100_000);

export const pick = <T>(random: Rng, items: readonly T[]): T => items[Math.floor(random() * items.length)];

export interface Stream<S> {
  id: string;
  state: S;
  version: number;
  time: number;
}

/** A command that may well be refused: the decider says what is valid, refusals are skipped. */
export function nextCommand(
  c: Stream<CooperationState>,
  orgs: readonly OrganisationRef[],
  n: number,
  random: Rng,
): CooperationCommand {
  const s = c.state as Cooperation;
  const member = () => (s.members.length ? pick(random, s.members).organisationId : 'nobody');
  const funding = () => (s.fundings.length ? pick(random, s.fundings).fundingId : 'no-funding');
  const r = random();
  // Every GME records a market first, so the market table is reached whatever the draw.
  if (s.kind === 'GME' && !s.market && s.status === 'ACTIVE') {
    // Not reserved, so that any member may be in the group (a reserved market admits only eligible ones).
    return {
      type: 'RecordMarket',
      data: { buyerName: 'Ville', cpvCode: '90910000', amountExclVat: 1000 * (10 + n), durationMonths: 12, procedures: ['ADAPTED_PROCEDURE'] },
    };
  }
  if (r < 0.12) return { type: 'AdvanceStage', data: {} };
  if (r < 0.2) {
    const missing = gateStatus(s).items.filter((i) => i.status === 'MISSING' && i.waivable);
    if (missing.length) return { type: 'WaiveGateItem', data: { itemId: pick(random, missing).id, justification: 'Équivalent fourni' } };
  }
  if (r < 0.32) return { type: 'RecordDeliverable', data: { kind: pick(random, DELIVERABLE_KINDS), title: `Livrable ${n}` } };
  if (r < 0.4) return { type: 'AddMember', data: { organisation: pick(random, orgs) } };
  if (r < 0.42) return { type: 'RemoveMember', data: { organisationId: member() } };
  if (r < 0.45) return { type: 'DesignateMandataire', data: { organisationId: member() } };
  if (r < 0.47) return { type: 'SetGmeForm', data: { form: pick(random, ['CONJOINT', 'SOLIDAIRE'] as const) } };
  if (r < 0.49)
    return {
      type: 'RecordMarket',
      data: { buyerName: 'Ville', cpvCode: '90910000', amountExclVat: 1000 * (10 + n), durationMonths: 12, procedures: ['RESERVED_SIAE'] },
    };
  if (r < 0.5) return { type: 'RecordMarketOutcome', data: { outcome: pick(random, ['AWARDED', 'LOST'] as const), startDate: day(c.time + 30 * DAY) } };
  if (r < 0.53 && s.members.length >= 2) {
    const [a, b] = [s.members[0].organisationId, s.members[s.members.length - 1].organisationId];
    const p = 40 + Math.floor(random() * 30);
    return {
      type: 'SetShareholding',
      data: { phase: pick(random, ['PLANNED', 'FINAL'] as const), shares: [{ organisationId: a, percent: p }, { organisationId: b, percent: 100 - p }] },
    };
  }
  if (r < 0.54) return { type: 'ChooseEssaimageStrategy', data: { strategy: 'DUPLICATION_SOUPLE', targetTerritories: [{ regionCode: '11', departementCode: '93' }] } };
  if (r < 0.55) return { type: 'OpenSite', data: { name: `Site ${n}`, location: { regionCode: '11', departementCode: '92' }, openedOn: day(c.time) } };
  if (r < 0.56) return { type: 'RecordStructureRegistration', data: { siren: '732829320' } };
  if (r < 0.58) {
    const [regionCode, deps] = pick(random, REGIONS);
    return { type: 'SetTerritory', data: { territory: { regionCode, departementCodes: [pick(random, deps)] }, sectors: [pick(random, SECTORS)] } };
  }
  if (r < 0.61)
    return {
      type: 'GrantFunding',
      data: { funder: pick(random, orgs.filter((o) => o.kind === 'FUNDER')), programme: 'Amorçage', amount: 5000 * (1 + (n % 7)), period: { start: day(c.time), end: null } },
    };
  if (r < 0.68) return { type: 'RecordDisbursement', data: { fundingId: funding(), amount: 100 + (n % 9) * 50, disbursedOn: day(c.time) } };
  if (r < 0.69) return { type: 'EndFunding', data: { fundingId: funding(), endedOn: day(c.time) } };
  if (r < 0.71) return { type: 'RecordSupport', data: { kind: pick(random, SUPPORT_KINDS), period: { start: day(c.time) } } };
  if (r < 0.74)
    return {
      type: 'DefineIndicator',
      data: { code: `C${n}`, label: 'Emploi', indicators: [{ code: `C${n}-I1`, standard: 'PEOPLE_IN_INSERTION', target: 10 }, { code: `C${n}-I2`, label: 'Qualité', nature: 'QUALITATIVE' }] },
    };
  if (r < 0.86 && s.criteria.length) {
    const indicator = pick(random, pick(random, s.criteria).indicators);
    // Few periods, so corrections of the same period happen.
    const start = `2025-${pick(random, ['01', '04', '07'])}-01`;
    const value = indicator.nature === 'QUALITATIVE' ? `note ${n}` : Math.round(random() * 200) / 10;
    return { type: 'RecordMeasurement', data: { indicatorId: indicator.indicatorId, period: { start, end: null }, value } };
  }
  if (r < 0.88) return { type: 'ReopenStage', data: { reason: 'Nouvelle étude' } };
  if (r < 0.895) return { type: 'AbandonCooperation', data: { reason: pick(random, ABANDON_REASONS) } };
  if (r < 0.905) return { type: 'CloseCooperation', data: { outcome: pick(random, CLOSE_OUTCOMES) } };
  return { type: 'RecordDeliverable', data: { kind: pick(random, DELIVERABLE_KINDS) } };
}

/** The proposal of cooperation `id`; its kind is the `slot`-th (cycling through the six). */
export function proposal(id: string, n: number, orgs: readonly OrganisationRef[], slot: number, random: Rng): CooperationCommand {
  const kind = COOPERATION_KINDS[slot % COOPERATION_KINDS.length];
  const [regionCode, deps] = pick(random, REGIONS);
  const lead = kind === 'JVS' ? orgs.find((o) => o.kind === 'ASSOCIATION')! : pick(random, orgs.filter((o) => ['EI', 'ACI', 'EA'].includes(o.kind)));
  return {
    type: 'ProposeCooperation',
    data: {
      cooperationId: id,
      kind,
      name: `Coopération ${n}`,
      objectives: ['POOLING'],
      territory: { regionCode, departementCodes: [pick(random, deps)] },
      sectors: [pick(random, SECTORS)],
      leadOrganisation: lead,
      ...(kind === 'ESSAIMAGE' ? { parentOrganisation: lead } : {}),
    },
  };
}

export const toAppend = (events: { type: string; data: unknown; occurredAt: string }[]): EventToAppend[] =>
  events.map((e) => ({ eventId: randomUUID(), type: e.type, data: e.data, occurredAt: new Date(e.occurredAt) }));

/** What a writer of cooperation streams draws from: its generator and its own numbering. */
export interface CooperationWriter {
  random: Rng;
  orgs: readonly OrganisationRef[];
  /** The decider's "now". */
  now: string;
  /** The writer's next number (names, amounts, ids). */
  next(): number;
}

/**
 * One step of a writer on `c` at `c.time`: its next command (the proposal first, of the
 * `slot`-th kind), decided and, unless the domain refuses it, appended with `c`'s expected version
 * and folded into `c`. Returns how many events were appended (0: refused or nothing to do).
 */
export async function writeCooperationStep(
  store: Pick<EventStore, 'appendToStream'>,
  c: Stream<CooperationState>,
  slot: number,
  writer: CooperationWriter,
): Promise<number> {
  const { random, orgs } = writer;
  const command = c.state.status === 'NONE' ? proposal(c.id, writer.next(), orgs, slot, random) : nextCommand(c, orgs, writer.next(), random);
  let events;
  try {
    events = decideCooperation(command, c.state, { now: writer.now, occurredAt: new Date(c.time).toISOString(), newId: () => `${c.id}-${writer.next()}` });
  } catch {
    return 0; // refused by the domain
  }
  if (!events.length) return 0;
  await store.appendToStream(cooperationStreamName(c.id), toAppend(events), { expectedVersion: c.version === 0 ? NO_STREAM : c.version });
  c.state = events.reduce(evolveCooperation, c.state);
  c.version += events.length;
  return events.length;
}
