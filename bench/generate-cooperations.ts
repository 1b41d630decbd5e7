/**
 * Data generator shared by `npm run bench:projections` and `npm run bench:api`: decider-valid
 * cooperation histories (every event decided by the domain, so the store only holds valid
 * histories), appended through PostgresEventStore in groups of concurrently active cooperations.
 * It stops at a number of cooperations or of events, and records every organisation the
 * cooperations name so that they can be registered (the API's commands resolve organisations from
 * their streams; the list query shows their names).
 */
import { randomUUID } from 'node:crypto';
import {
  COOPERATION_KINDS,
  cooperationStreamName,
  decideCooperation,
  decideOrganisation,
  evolveCooperation,
  gateStatus,
  initialCooperationState,
  initialOrganisationState,
  organisationStreamName,
  type Cooperation,
  type CooperationCommand,
  type CooperationEvent,
  type CooperationKind,
  type CooperationState,
  type DeliverableKind,
  type OrganisationRef,
} from '@maillage/domain';
import type { EventToAppend, PostgresEventStore } from '@maillage/event-store';

/** Events per cooperation, at most (the day-to-day activity fills a history up to it). */
let PER_COOPERATION = 30;

/** Every organisation named by a generated cooperation (registered before the benchmark). */
export const NAMED_ORGANISATIONS = new Map<string, OrganisationRef>();

// Deterministic pseudo-random numbers (mulberry32), so every run generates the same store.
let seed = 42;
function random(): number {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = seed;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];

const REGIONS: [string, string[]][] = [
  ['11', ['75', '92', '93', '94', '91', '95']],
  ['52', ['44', '49', '53', '72', '85']],
  ['84', ['69', '38', '42', '63']],
  ['76', ['31', '34', '30']],
  ['32', ['59', '62', '80']],
];
const SECTORS = [
  'CLEANING',
  'GREEN_SPACES',
  'WASTE_RECYCLING',
  'CATERING',
  'LOGISTICS',
  'DIGITAL_SERVICES',
  'BUILDING',
] as const;
const FUNDERS = Array.from({ length: 40 }, (_, i): OrganisationRef => ({
  id: `funder-${i}`,
  kind: 'FUNDER',
}));
const DAY = 86_400_000;
const NOW = new Date().toISOString();

/** Walks one cooperation through the decider; every command that the domain refuses is skipped. */
export function generateCooperation(n: number): CooperationEvent[] {
  const kind: CooperationKind = COOPERATION_KINDS[n % COOPERATION_KINDS.length];
  const id = `bench-${n}`;
  const [regionCode, departements] = pick(REGIONS);
  let state: CooperationState = initialCooperationState();
  let time = Date.parse('2019-01-01T08:00:00Z') + Math.floor(random() * 6 * 365) * DAY;
  const events: CooperationEvent[] = [];
  let sub = 0;
  const run = (command: CooperationCommand, days = 1 + Math.floor(random() * 12)): boolean => {
    time = Math.min(time + days * DAY, Date.parse(NOW) - DAY);
    try {
      const produced = decideCooperation(command, state, {
        now: NOW,
        occurredAt: new Date(time).toISOString(),
        newId: () => `${id}-${++sub}`,
      });
      for (const e of produced) state = evolveCooperation(state, e);
      events.push(...produced);
      return true;
    } catch {
      return false;
    }
  };
  const org = (k: OrganisationRef['kind'], ess?: boolean): OrganisationRef => named({
    id: `org-${Math.floor(random() * 30_000)}-${k.toLowerCase().replace(/_/g, '-')}`,
    kind: k,
    ...(ess === undefined ? {} : { ess }),
  });
  const deliver = (k: DeliverableKind) => run({ type: 'RecordDeliverable', data: { kind: k } });
  const lead =
    kind === 'JVS'
      ? org('ASSOCIATION')
      : kind === 'ESSAIMAGE'
        ? org('ACI')
        : org(pick(['EI', 'ACI', 'AI', 'REGIE', 'EA'] as const));
  run({
    type: 'ProposeCooperation',
    data: {
      cooperationId: id,
      kind,
      name: `Coopération ${n}`,
      objectives: [pick(['ECONOMIC_DEVELOPMENT', 'POOLING', 'SOCIAL_IMPACT'] as const)],
      territory: { regionCode, departementCodes: [pick(departements)] },
      sectors: [pick(SECTORS)],
      leadOrganisation: lead,
      ...(kind === 'ESSAIMAGE' ? { parentOrganisation: lead } : {}),
    },
  });
  const members: OrganisationRef[] =
    kind === 'PTCE'
      ? [org('EI'), org('LOCAL_AUTHORITY')]
      : kind === 'JVS'
        ? [org('COMPANY', false)]
        : [org('EI'), org('ACI')];
  for (const m of members) run({ type: 'AddMember', data: { organisation: m } });
  if (kind === 'GME') run({ type: 'DesignateMandataire', data: { organisationId: lead.id } });
  deliver('NOTE_DE_SYNTHESE');
  const funder = pick(FUNDERS);
  const fundingId = `${id}-funding`;
  const granted = 10_000 + Math.floor(random() * 20) * 5_000;
  run({
    type: 'GrantFunding',
    data: {
      fundingId,
      funder,
      programme: 'Amorçage des coopérations',
      amount: granted,
      period: { start: new Date(time).toISOString().slice(0, 10), end: null },
    },
  });
  run({
    type: 'RecordSupport',
    data: {
      kind: pick(['NETWORK', 'DLA', 'FABRIQUE_A_INITIATIVES'] as const),
      period: { start: new Date(time).toISOString().slice(0, 10) },
    },
  });

  const target = Math.floor(random() * 5); // stage index to reach
  const satisfyAndAdvance = (): boolean => {
    const coop = state as Cooperation;
    if (coop.stage === 'DECISION') deliver('ACCORD_DE_PRINCIPE');
    if (coop.stage === 'FEASIBILITY') {
      if (kind === 'GME') {
        run({
          type: 'RecordMarket',
          data: {
            buyerName: 'Acheteur public',
            cpvCode: '90910000',
            amountExclVat: 50_000 + Math.floor(random() * 200) * 1000,
            durationMonths: 12 + Math.floor(random() * 4) * 12,
            // A market reserved to SIAE admits SIAE only: an EA lead answers one reserved to the ESS.
            procedures: [lead.kind === 'EA' ? 'RESERVED_ESS' : 'RESERVED_SIAE'],
          },
        });
        run({ type: 'SetGmeForm', data: { form: pick(['CONJOINT', 'SOLIDAIRE'] as const) } });
      }
      if (kind === 'JVS') {
        deliver('BUSINESS_PLAN');
        run({
          type: 'SetShareholding',
          data: {
            phase: 'PLANNED',
            shares: [
              { organisationId: lead.id, percent: 51 },
              { organisationId: members[0].id, percent: 49 },
            ],
          },
        });
      }
      if (kind === 'ESSAIMAGE')
        run({
          type: 'ChooseEssaimageStrategy',
          data: {
            strategy: 'DUPLICATION_SOUPLE',
            targetTerritories: [{ regionCode, departementCode: pick(departements) }],
          },
        });
    }
    if (coop.stage === 'LAUNCH') {
      if (kind === 'GME')
        run({
          type: 'RecordMarketOutcome',
          data: { outcome: 'AWARDED', startDate: new Date(time + 30 * DAY).toISOString().slice(0, 10) },
        });
      if (kind === 'JVS' || kind === 'GIE' || kind === 'GES')
        run({ type: 'RecordStructureRegistration', data: { siren: '732829320' } });
      if (kind === 'JVS')
        run({
          type: 'SetShareholding',
          data: {
            phase: 'FINAL',
            shares: [
              { organisationId: lead.id, percent: 60 },
              { organisationId: members[0].id, percent: 40 },
            ],
          },
        });
      if (kind === 'ESSAIMAGE')
        run({
          type: 'OpenSite',
          data: {
            name: 'Nouveau site',
            location: { regionCode, departementCode: pick(departements) },
            openedOn: new Date(time).toISOString().slice(0, 10),
          },
        });
    }
    if (coop.stage === 'OPERATION') {
      run({
        type: 'DefineIndicator',
        data: {
          code: 'C1',
          label: 'Emploi d’insertion',
          indicators: [
            { code: 'C1-I1', standard: 'PEOPLE_IN_INSERTION', target: 10 },
            { code: 'C1-I2', standard: 'INSERTION_FTE', target: 4 },
          ],
        },
      });
    }
    if (run({ type: 'AdvanceStage', data: {} }, 20 + Math.floor(random() * 60))) return true;
    // Waive what is missing and waivable, with a justification, then try again.
    for (const item of gateStatus(state).items) {
      if (item.status === 'MISSING' && item.waivable)
        run({
          type: 'WaiveGateItem',
          data: { itemId: item.id, justification: 'Pièce remplacée par un document équivalent du réseau' },
        });
    }
    return run({ type: 'AdvanceStage', data: {} });
  };
  for (let i = 0; i < target; i++) {
    if (!satisfyAndAdvance()) break;
    if (random() < 0.05) {
      run({ type: 'ReopenStage', data: { reason: 'Nouvelle étude demandée par les instances' } });
      if (!satisfyAndAdvance()) break;
    }
    run({
      type: 'RecordDisbursement',
      data: {
        fundingId,
        amount: Math.round(granted / 8),
        disbursedOn: new Date(time).toISOString().slice(0, 10),
      },
    });
  }
  // Day-to-day activity up to about PER_COOPERATION events: measurements, deliverables, disbursements.
  const indicators =
    (state as Cooperation).criteria?.flatMap((c) => c.indicators.map((i) => i.indicatorId)) ?? [];
  let quarter = 0;
  while (events.length < PER_COOPERATION - 2 && state.status === 'ACTIVE') {
    const r = random();
    if (indicators.length && r < 0.6) {
      const year = 2019 + Math.floor(quarter / 4);
      const q = quarter % 4;
      quarter++;
      const start = `${year}-${String(q * 3 + 1).padStart(2, '0')}-01`;
      for (const indicatorId of indicators)
        run(
          {
            type: 'RecordMeasurement',
            data: { indicatorId, period: { start, end: null }, value: Math.round(random() * 200) / 10 },
          },
          0,
        );
    } else if (r < 0.8) {
      run({
        type: 'RecordDisbursement',
        data: { fundingId, amount: 100, disbursedOn: new Date(time).toISOString().slice(0, 10) },
      });
    } else {
      deliver(
        pick([
          'COMPTE_RENDU_GOUVERNANCE',
          'NOTE_ORGANISATION_GOUVERNANCE',
          'CONVENTION_PARTENARIAT',
        ] as const),
      );
    }
  }
  if (state.status === 'ACTIVE') {
    const stage = state.stage;
    if (random() < 0.12 && stage !== 'CAPITALISATION')
      run({
        type: 'AbandonCooperation',
        data: { reason: pick(['TIME', 'COST', 'NO_PARTNER', 'LEGAL_COMPLEXITY', 'LOW_POTENTIAL'] as const) },
      });
    else if (stage === 'OPERATION' && random() < 0.3)
      run({ type: 'CloseCooperation', data: { outcome: kind === 'GME' ? 'CONTRACT_ENDED' : 'DISSOLVED' } });
  }
  return events;
}

function named(ref: OrganisationRef): OrganisationRef {
  if (!NAMED_ORGANISATIONS.has(ref.id)) NAMED_ORGANISATIONS.set(ref.id, ref);
  return ref;
}

export const benchCooperationId = (n: number): string => `bench-${n}`;

export interface GenerateOptions {
  /** Stop after this many cooperations... */
  cooperations?: number;
  /** ...or after this many events (the last histories are cut), whichever comes first. */
  maxEvents?: number;
  perCooperation: number;
  group: number;
  concurrency: number;
  log: (message: string) => void;
}

/** Appends `appends` with `concurrency` writers; the chunks of one stream stay in order (one lane each). */
async function appendInLanes(
  store: PostgresEventStore,
  appends: { stream: string; events: EventToAppend[]; expected: number }[],
  concurrency: number,
  onAppended: (events: number) => void,
): Promise<void> {
  const lanes = Array.from({ length: concurrency }, () => [] as typeof appends);
  const laneOf = new Map<string, number>();
  for (const a of appends) {
    let lane = laneOf.get(a.stream);
    if (lane === undefined) laneOf.set(a.stream, (lane = laneOf.size % concurrency));
    lanes[lane].push(a);
  }
  await Promise.all(
    lanes.map(async (lane) => {
      for (const a of lane) {
        await store.appendToStream(a.stream, a.events, {
          expectedVersion: a.expected === 0 ? 'NO_STREAM' : a.expected,
        });
        onAppended(a.events.length);
      }
    }),
  );
}

/**
 * Generates `cooperations` histories (ids bench-0 .. bench-(n-1)) through the decider and appends
 * them in groups of concurrently active cooperations, interleaved in chunks of 2 to 8 events.
 */
export async function generateCooperations(store: PostgresEventStore, options: GenerateOptions): Promise<number> {
  PER_COOPERATION = options.perCooperation;
  let appended = 0;
  let n = 0;
  let last = Date.now();
  const started = Date.now();
  const maxCooperations = options.cooperations ?? Number.POSITIVE_INFINITY;
  const maxEvents = options.maxEvents ?? Number.POSITIVE_INFINITY;
  if (!Number.isFinite(maxCooperations) && !Number.isFinite(maxEvents)) throw new Error('give cooperations or maxEvents');
  while (n < maxCooperations && appended < maxEvents) {
    const group: { stream: string; events: CooperationEvent[]; offset: number; version: number }[] = [];
    let planned = 0;
    while (group.length < options.group && n < maxCooperations && appended + planned < maxEvents) {
      const events = generateCooperation(n).slice(0, maxEvents - appended - planned);
      planned += events.length;
      group.push({ stream: cooperationStreamName(benchCooperationId(n)), events, offset: 0, version: 0 });
      n++;
    }
    const appends: { stream: string; events: EventToAppend[]; expected: number }[] = [];
    for (let open = group.length; open > 0;) {
      open = 0;
      for (const g of group) {
        if (g.offset >= g.events.length) continue;
        const size = 2 + Math.floor(random() * 7);
        const chunk = g.events.slice(g.offset, g.offset + size);
        appends.push({
          stream: g.stream,
          expected: g.version,
          events: chunk.map((e) => ({
            eventId: randomUUID(),
            type: e.type,
            data: e.data,
            occurredAt: new Date(e.occurredAt),
          })),
        });
        g.offset += chunk.length;
        g.version += chunk.length;
        if (g.offset < g.events.length) open++;
      }
    }
    await appendInLanes(store, appends, options.concurrency, (k) => (appended += k));
    if (Date.now() - last > 5000) {
      last = Date.now();
      const seconds = (Date.now() - started) / 1000;
      options.log(
        `generated ${n} cooperations, ${appended} events, ${Math.round(appended / seconds)} events/s`,
      );
    }
  }
  options.log(
    `generated ${n} cooperations, ${appended} events in ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );
  return appended;
}

/** Registers every organisation the generated cooperations name (one OrganisationRegistered each). */
export async function registerNamedOrganisations(
  store: PostgresEventStore,
  concurrency: number,
  log: (message: string) => void,
): Promise<number> {
  const started = Date.now();
  const refs = [...FUNDERS, ...NAMED_ORGANISATIONS.values()];
  const occurredAt = '2018-06-01T09:00:00.000Z';
  const appends = refs.map((ref, i) => {
    const [regionCode, departements] = REGIONS[i % REGIONS.length];
    const [event] = decideOrganisation(
      {
        type: 'RegisterOrganisation',
        data: {
          organisationId: ref.id,
          name: `Structure ${ref.id}`,
          kind: ref.kind,
          ...(ref.ess === undefined ? {} : { ess: ref.ess }),
          regionCode,
          departementCode: departements[i % departements.length],
        },
      },
      initialOrganisationState(),
      { now: NOW, occurredAt, newId: randomUUID },
    );
    return {
      stream: organisationStreamName(ref.id),
      expected: 0,
      events: [{ eventId: randomUUID(), type: event.type, data: event.data, occurredAt: new Date(event.occurredAt) }],
    };
  });
  let done = 0;
  await appendInLanes(store, appends, concurrency, (k) => (done += k));
  log(`registered ${done} organisations in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return done;
}
