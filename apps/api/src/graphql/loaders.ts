import DataLoader from 'dataloader';
import type { Pool } from 'pg';
import { organisationKindLabelsFr, type OrganisationKind } from '@maillage/domain';
import type { FundingRequest as DomainFundingRequest } from '@maillage/domain';
import type { FundingRequest, OrganisationSummary } from '../cooperations/cooperation.types';
import { toFundingRequestView } from '../cooperations/cooperation-view';
import { organisationsProjection } from '@maillage/read-models';
import { ReadModelCache, requestVersion } from './read-model-cache';
import type { RequestContext } from './request-context';

/**
 * Per-request batch loaders (DataLoader): the organisations of a page of cooperations cost one
 * query, whatever the page size, or none when the organisation directory already holds them. They
 * live on the request context, created on first use.
 */
export interface Loaders {
  organisation: DataLoader<string, OrganisationSummary | null>;
  /** An indicator's label by [cooperation id, indicator id] (read model `cooperation_indicator`). */
  indicatorLabel: DataLoader<readonly [string, string], string | null, string>;
  /** The requests to funders of a listed cooperation (from the summary's folded state). */
  fundingRequests: DataLoader<string, FundingRequest[]>;
}

type WithLoaders = RequestContext & { loaders?: Loaders };

export function loaders(context: RequestContext, pool: Pool): Loaders {
  const ctx = context as WithLoaders;
  ctx.loaders ??= createLoaders(pool, ctx);
  return ctx.loaders;
}

function createLoaders(pool: Pool, ctx: RequestContext): Loaders {
  const directory = ctx.organisations;
  return {
    organisation: new DataLoader((ids) => (directory ? directory.load(ids, ctx) : readOrganisations(pool, ids))),
    indicatorLabel: new DataLoader((keys) => readIndicatorLabels(pool, keys), { cacheKeyFn: ([cooperationId, indicatorId]) => `${cooperationId}\u0000${indicatorId}` }),
    fundingRequests: new DataLoader((ids) => readFundingRequests(pool, ids)),
  };
}

/** One query for a page: only the requests are taken out of each summary's state. */
async function readFundingRequests(pool: Pool, ids: readonly string[]): Promise<FundingRequest[][]> {
  const { rows } = await pool.query<{ id: string; requests: DomainFundingRequest[] | null }>(
    `select id, state -> 'fundingRequests' as requests from cooperation_summary where id = any($1)`,
    [[...ids]],
  );
  const byId = new Map(rows.map((r) => [r.id, (r.requests ?? []).map(toFundingRequestView)]));
  return ids.map((id) => byId.get(id) ?? []);
}

/** A row of the `organisation` read model, as the directory's queries select it. */
export interface OrganisationRow {
  id: string;
  name: string;
  kind: OrganisationKind;
  ess: boolean;
  siret: string | null;
  region_code: string;
  departement_code: string;
  network_ids: string[];
  version: number;
}

export const ORGANISATION_COLUMNS = 'id, name, kind, ess, siret, region_code, departement_code, network_ids, version';

export function toOrganisationSummary(r: OrganisationRow): OrganisationSummary {
  return {
    id: r.id,
    name: r.name,
    kind: r.kind,
    kindLabel: organisationKindLabelsFr[r.kind] ?? r.kind,
    ess: r.ess,
    siret: r.siret ?? undefined,
    regionCode: r.region_code,
    departementCode: r.departement_code,
    networkIds: r.network_ids,
    version: r.version,
  };
}

async function readIndicatorLabels(pool: Pool, keys: readonly (readonly [string, string])[]): Promise<(string | null)[]> {
  const { rows } = await pool.query<{ cooperation_id: string; indicator_id: string; label: string }>(
    'select cooperation_id, indicator_id, label from cooperation_indicator where (cooperation_id, indicator_id) in (select * from unnest($1::text[], $2::text[]))',
    [keys.map((k) => k[0]), keys.map((k) => k[1])],
  );
  const byKey = new Map(rows.map((r) => [`${r.cooperation_id}\u0000${r.indicator_id}`, r.label]));
  return keys.map(([c, i]) => byKey.get(`${c}\u0000${i}`) ?? null);
}

async function readOrganisations(
  pool: Pool,
  ids: readonly string[],
): Promise<(OrganisationSummary | null)[]> {
  const { rows } = await pool.query<OrganisationRow>(
    `select ${ORGANISATION_COLUMNS} from organisation where id = any($1)`,
    [ids],
  );
  const byId = new Map(rows.map((r) => [r.id, r]));
  return ids.map((id) => {
    const r = byId.get(id);
    return r ? toOrganisationSummary(r) : null;
  });
}

/**
 * The organisation directory (read model `organisation`) kept in memory while its projection has
 * applied nothing new: a page of 50 cooperations names ~170 organisations, which are then not read
 * and parsed again on every request. Each load first reads the read models' version (shared with
 * the other read-model caches, see ReadModelCache); when the organisations' projection has moved,
 * the directory starts empty again. Unknown ids are remembered as unknown under that version too.
 */
export class OrganisationDirectory {
  private version: string | null = null;
  private entries = new Map<string, OrganisationSummary | null>();
  /** Organisations read from the database (for tests and diagnostics). */
  reads = 0;

  constructor(
    private readonly pool: Pool,
    private readonly cache: ReadModelCache,
    private readonly projection = organisationsProjection.name,
    private readonly maxEntries = 200_000,
  ) {}

  /** `context`: the request's, so that it reads the read models' version once (see requestVersion). */
  async load(ids: readonly string[], context?: object): Promise<(OrganisationSummary | null)[]> {
    const version = ReadModelCache.versionOf(await requestVersion(this.cache, context), this.projection);
    if (version !== this.version) {
      this.version = version;
      this.entries = new Map();
    }
    // The map of this version: a read that finishes after the version moved fills the old one.
    const entries = this.entries;
    const result = new Map<string, OrganisationSummary | null>();
    for (const id of ids) if (entries.has(id)) result.set(id, entries.get(id)!);
    const missing = [...new Set(ids.filter((id) => !result.has(id)))];
    if (missing.length) {
      const found = await readOrganisations(this.pool, missing);
      this.reads += missing.length;
      if (entries.size + missing.length > this.maxEntries) entries.clear();
      missing.forEach((id, i) => {
        result.set(id, found[i]);
        entries.set(id, found[i]);
      });
    }
    return ids.map((id) => result.get(id) ?? null);
  }
}
