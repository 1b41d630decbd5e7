import DataLoader from 'dataloader';
import type { Pool } from 'pg';
import { organisationKindLabelsFr, memberRoleLabelsFr, type MemberRole, type OrganisationKind } from '@maillage/domain';
import type { Member, OrganisationSummary } from '../cooperations/cooperation.types';
import type { RequestContext } from './request-context';

/**
 * Per-request batch loaders (DataLoader): a page of cooperations with their members and the
 * members' organisations costs one query per level, whatever the page size. They live on the
 * request context, created on first use, so nothing is cached across requests.
 */
export interface Loaders {
  organisation: DataLoader<string, OrganisationSummary | null>;
  members: DataLoader<string, Member[]>;
}

type WithLoaders = RequestContext & { loaders?: Loaders };

export function loaders(context: RequestContext, pool: Pool): Loaders {
  const ctx = context as WithLoaders;
  ctx.loaders ??= createLoaders(pool);
  return ctx.loaders;
}

function createLoaders(pool: Pool): Loaders {
  return {
    organisation: new DataLoader(async (ids) => {
      const { rows } = await pool.query<{
        id: string;
        name: string;
        kind: OrganisationKind;
        ess: boolean;
        siret: string | null;
        region_code: string;
        departement_code: string;
      }>('select id, name, kind, ess, siret, region_code, departement_code from organisation where id = any($1)', [ids]);
      const byId = new Map(rows.map((r) => [r.id, r]));
      return ids.map((id) => {
        const r = byId.get(id);
        return r
          ? {
              id: r.id,
              name: r.name,
              kind: r.kind,
              kindLabel: organisationKindLabelsFr[r.kind] ?? r.kind,
              ess: r.ess,
              siret: r.siret ?? undefined,
              regionCode: r.region_code,
              departementCode: r.departement_code,
            }
          : null;
      });
    }),
    members: new DataLoader(async (cooperationIds) => {
      const { rows } = await pool.query<{
        id: string;
        mandataire_id: string | null;
        members: { organisationId: string; ess: boolean; role: MemberRole; joinedAt: string }[];
      }>('select id, mandataire_id, members from cooperation_summary where id = any($1)', [cooperationIds]);
      const byId = new Map(rows.map((r) => [r.id, r]));
      return cooperationIds.map((id) => {
        const row = byId.get(id);
        return (row?.members ?? []).map((m) => ({
          organisationId: m.organisationId,
          role: m.role,
          roleLabel: memberRoleLabelsFr[m.role] ?? m.role,
          mandataire: m.organisationId === row?.mandataire_id,
          ess: m.ess,
          joinedAt: m.joinedAt,
        }));
      });
    }),
  };
}
