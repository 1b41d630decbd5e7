/**
 * Load generator of `npm run bench:api`, run in a child process of the benchmark (forked with IPC)
 * so that autocannon's own work (building requests, parsing responses) does not run on the API's
 * event loop. It receives a {@link LoadPlan}, runs the command mix and the query mix at the same
 * time with autocannon, and answers with a {@link LoadReport}.
 */

/** What the parent gives: where the API listens and what to send. */
export interface LoadPlan {
  url: string;
  /** Bearer access token sent with every request (the API refuses anonymous callers). */
  accessToken?: string;
  seconds: number;
  commandConnections: number;
  queryConnections: number;
  targets: CommandTarget[];
  organisationIds: string[];
  queryIds: string[];
  region: string;
  seed: number;
}

/** A cooperation the command mix may act on, with what the domain allows on it. */
export interface CommandTarget {
  id: string;
  indicatorIds: string[];
  /** Open grants, each with an access token of a FUNDER account of the grant's funder (disbursements are theirs to record). */
  fundings: { id: string; token?: string }[];
  /** Missing and waivable items of the current stage's gate. */
  waivable: string[];
  /** Access token of a MEMBER of its lead organisation (commands are refused to other callers). */
  token?: string;
}

export interface Latency {
  rps: number;
  requests: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  /** autocannon's own p99 (from write to response), to check this process's timings against. */
  autocannonP99: number;
}

export interface LoadReport {
  commands: Latency & {
    errors: number;
    non2xx: number;
    timeouts: number;
    rejected: number;
    conflicts: number;
    byMutation: Record<string, { sent: number; ok: number; rejected: number }>;
    rejectionCodes: Record<string, number>;
  };
  queries: Latency & {
    errors: number;
    non2xx: number;
    timeouts: number;
    graphqlErrors: number;
    /** Per query type, timed by this process from request built to response parsed (ms). */
    byQuery: Record<string, { requests: number; p50: number; p95: number; p99: number }>;
  };
  loaderCpuSeconds: number;
}

/** Minimal typing of the parts of autocannon 8 used here (the package ships no types). */
interface AutocannonRequest {
  method?: string;
  path?: string;
  headers?: Record<string, string>;
  body?: string;
  setupRequest?: (request: AutocannonRequest, context: Record<string, unknown>) => AutocannonRequest;
  onResponse?: (status: number, body: string, context: Record<string, unknown>) => void;
}
interface AutocannonResult {
  requests: { average: number; total: number };
  latency: { p50: number; p90: number; p97_5: number; p99: number; max: number; mean: number };
  errors: number;
  timeouts: number;
  non2xx: number;
  duration: number;
}
type Autocannon = (
  options: {
    url: string;
    connections: number;
    duration: number;
    pipelining?: number;
    timeout?: number;
    method?: string;
    headers?: Record<string, string>;
    requests: AutocannonRequest[];
  },
  done: (error: Error | null, result: AutocannonResult) => void,
) => unknown;

// eslint-disable-next-line @typescript-eslint/no-require-imports
const autocannon = require('autocannon') as Autocannon;

/** Percentiles from this process's own timings (autocannon 8's result has no p95). */
function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}
const round = (x: number): number => Math.round(x * 100) / 100;

function run(options: Parameters<Autocannon>[0]): Promise<AutocannonResult> {
  return new Promise((resolve, reject) => {
    autocannon(options, (error, result) => (error ? reject(error) : resolve(result)));
  });
}

/** Times each request of a connection: built (just before it is written) to response parsed. */
class Timings {
  readonly samples = new Map<string, number[]>();
  start(context: Record<string, unknown>, kind: string): void {
    context.kind = kind;
    context.t0 = performance.now();
  }
  stop(context: Record<string, unknown>): string {
    const kind = context.kind as string;
    const t0 = context.t0 as number | undefined;
    if (t0 !== undefined) {
      let list = this.samples.get(kind);
      if (!list) this.samples.set(kind, (list = []));
      list.push(performance.now() - t0);
    }
    return kind;
  }
  all(): number[] {
    return [...this.samples.values()].flat().sort((a, b) => a - b);
  }
  summary(): Record<string, { requests: number; p50: number; p95: number; p99: number }> {
    return Object.fromEntries(
      [...this.samples].map(([kind, list]) => {
        const sorted = [...list].sort((a, b) => a - b);
        return [
          kind,
          {
            requests: sorted.length,
            p50: round(percentile(sorted, 50)),
            p95: round(percentile(sorted, 95)),
            p99: round(percentile(sorted, 99)),
          },
        ];
      }),
    );
  }
}

export async function runLoad(plan: LoadPlan): Promise<LoadReport> {
  let seed = plan.seed;
  const random = (): number => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = seed;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    ...(plan.accessToken ? { authorization: `Bearer ${plan.accessToken}` } : {}),
  };
  const mutation = (name: string, inputType: string, input: Record<string, unknown>): string =>
    JSON.stringify({
      query: `mutation M($input: ${inputType}!) { ${name}(input: $input) { cooperationId version } }`,
      variables: { input },
    });

  // The command mix: day-to-day facts mostly (measurements, deliverables, disbursements), some new
  // members, a few gate waivers and stage advances (which the gate often refuses, as in real use).
  // The target the last command body was built for: its caller signs the request.
  let chosen: CommandTarget | null = null;
  const pickTarget = (list: readonly CommandTarget[]): CommandTarget => (chosen = pick(list));
  const withIndicators = plan.targets.filter((t) => t.indicatorIds.length > 0);
  const withFunding = plan.targets.filter((t) => t.fundings.length > 0);
  // Disbursements are signed by the grant's funder, not by the target's member.
  let signer: string | undefined;
  const withWaivable = plan.targets.filter((t) => t.waivable.length > 0);
  const MIX: [number, string, () => string][] = [
    [
      0.3,
      'recordMeasurement',
      () => {
        const t = pickTarget(withIndicators.length ? withIndicators : plan.targets);
        const year = 2020 + Math.floor(random() * 6);
        const month = String(1 + 3 * Math.floor(random() * 4)).padStart(2, '0');
        return mutation('recordMeasurement', 'RecordMeasurementInput', {
          cooperationId: t.id,
          indicatorId: pick(t.indicatorIds.length ? t.indicatorIds : ['none']),
          period: { start: `${year}-${month}-01`, end: null },
          value: String(Math.round(random() * 200) / 10),
        });
      },
    ],
    [
      0.3,
      'recordDeliverable',
      () =>
        mutation('recordDeliverable', 'RecordDeliverableInput', {
          cooperationId: pickTarget(plan.targets).id,
          kind: pick(['COMPTE_RENDU_GOUVERNANCE', 'NOTE_ORGANISATION_GOUVERNANCE', 'CONVENTION_PARTENARIAT']),
          title: 'Compte rendu du comité de pilotage',
          documentRef: `ged://bench/${Math.floor(random() * 1e9)}`,
        }),
    ],
    [
      0.2,
      'recordDisbursement',
      () => {
        const t = pickTarget(withFunding.length ? withFunding : plan.targets);
        const funding = t.fundings.length ? pick(t.fundings) : { id: 'none', token: undefined };
        signer = funding.token;
        return mutation('recordDisbursement', 'RecordDisbursementInput', {
          cooperationId: t.id,
          fundingId: funding.id,
          amount: 50,
          disbursedOn: '2025-06-30',
        });
      },
    ],
    [
      0.12,
      'addMember',
      () =>
        mutation('addMember', 'AddMemberInput', {
          cooperationId: pickTarget(plan.targets).id,
          organisationId: pick(plan.organisationIds),
        }),
    ],
    [
      0.05,
      'waiveGateItem',
      () => {
        const t = pickTarget(withWaivable.length ? withWaivable : plan.targets);
        return mutation('waiveGateItem', 'WaiveGateItemInput', {
          cooperationId: t.id,
          itemId: pick(t.waivable.length ? t.waivable : ['none']),
          justification: 'Pièce remplacée par un document équivalent du réseau',
        });
      },
    ],
    [0.03, 'advanceStage', () => mutation('advanceStage', 'AdvanceStageInput', { cooperationId: pickTarget(plan.targets).id })],
  ];

  const commandTimings = new Timings();
  const byMutation: Record<string, { sent: number; ok: number; rejected: number }> = {};
  const rejectionCodes: Record<string, number> = {};
  let rejected = 0;
  let conflicts = 0;
  const commandRequest: AutocannonRequest = {
    method: 'POST',
    path: '/graphql',
    headers,
    setupRequest: (request, context) => {
      let r = random();
      let entry = MIX[MIX.length - 1];
      for (const m of MIX) {
        if (r < m[0]) {
          entry = m;
          break;
        }
        r -= m[0];
      }
      (byMutation[entry[1]] ??= { sent: 0, ok: 0, rejected: 0 }).sent++;
      commandTimings.start(context, entry[1]);
      chosen = null;
      signer = undefined;
      const body = entry[2]();
      const token = signer ?? (chosen as CommandTarget | null)?.token;
      return token ? { ...request, body, headers: { ...headers, authorization: `Bearer ${token}` } } : { ...request, body };
    },
    onResponse: (status, body, context) => {
      const kind = commandTimings.stop(context);
      if (status !== 200) return;
      const parsed = JSON.parse(body) as { errors?: { extensions?: { code?: string } }[] };
      const code = parsed.errors?.[0]?.extensions?.code;
      if (!code) {
        byMutation[kind].ok++;
        return;
      }
      rejectionCodes[code] = (rejectionCodes[code] ?? 0) + 1;
      if (code === 'CONCURRENCY_CONFLICT') conflicts++;
      else rejected++;
      byMutation[kind].rejected++;
    },
  };

  // The query mix: the regional dashboard, a page of the list with members and their organisations,
  // and one cooperation folded from its stream (the detail page).
  const DASHBOARD = JSON.stringify({
    query: `query D($region: String!) { regionalDashboard(region: $region) {
      region regionName asOf
      byStatus { status count } byKindStage { kind stage count } byDepartement { key count }
      bySector { key count } abandonmentReasons { key count }
      funding { cooperations fundings funders granted disbursed }
      insertion { standard year total cooperations }
      conversion { stage next entered reachedNext rate }
      medianDaysPerStage { stage medianDays visits }
      stalled { days count } } }`,
    variables: { region: plan.region },
  });
  const LIST = JSON.stringify({
    query: `query L($filter: CooperationFilterInput) { cooperations(filter: $filter, first: 50) {
      edges { node { id name stage members { role organisation { name } } } } } }`,
    variables: { filter: { region: plan.region } },
  });
  const detail = (id: string): string =>
    JSON.stringify({
      query: `query C($id: ID!) { cooperation(id: $id) { id name kind stage status version
        members { organisationId role } gate { stage } deliverables { kind } } }`,
      variables: { id },
    });
  const queryTimings = new Timings();
  let graphqlErrors = 0;
  const queryRequest: AutocannonRequest = {
    method: 'POST',
    path: '/graphql',
    headers,
    setupRequest: (request, context) => {
      const r = random();
      const [kind, body] =
        r < 0.4 ? ['regionalDashboard', DASHBOARD] : r < 0.8 ? ['cooperations', LIST] : ['cooperation', detail(pick(plan.queryIds))];
      queryTimings.start(context, kind);
      return { ...request, body };
    },
    onResponse: (status, body, context) => {
      queryTimings.stop(context);
      if (status === 200 && body.includes('"errors"')) graphqlErrors++;
    },
  };

  const cpu = process.cpuUsage();
  const [commands, queries] = await Promise.all([
    run({ url: plan.url, connections: plan.commandConnections, duration: plan.seconds, timeout: 30, requests: [commandRequest] }),
    run({ url: plan.url, connections: plan.queryConnections, duration: plan.seconds, timeout: 30, requests: [queryRequest] }),
  ]);
  const used = process.cpuUsage(cpu);
  const latency = (result: AutocannonResult, timings: Timings): Latency => {
    const own = timings.all();
    return {
      rps: Math.round(result.requests.total / result.duration),
      requests: result.requests.total,
      p50: round(percentile(own, 50)),
      p95: round(percentile(own, 95)),
      p99: round(percentile(own, 99)),
      max: result.latency.max,
      autocannonP99: result.latency.p99,
    };
  };
  return {
    commands: {
      ...latency(commands, commandTimings),
      errors: commands.errors,
      non2xx: commands.non2xx,
      timeouts: commands.timeouts,
      rejected,
      conflicts,
      byMutation,
      rejectionCodes,
    },
    queries: {
      ...latency(queries, queryTimings),
      errors: queries.errors,
      non2xx: queries.non2xx,
      timeouts: queries.timeouts,
      graphqlErrors,
      byQuery: queryTimings.summary(),
    },
    loaderCpuSeconds: round((used.user + used.system) / 1e6),
  };
}

// Child-process entry: one plan in, one report out.
if (require.main === module) {
  process.once('message', (plan: LoadPlan) => {
    runLoad(plan).then(
      (report) => process.send!({ report }, undefined, {}, () => process.exit(0)),
      (error: unknown) =>
        process.send!(
          { error: error instanceof Error ? (error.stack ?? error.message) : String(error) },
          undefined,
          {},
          () => process.exit(1),
        ),
    );
  });
}
