import { Inject } from '@nestjs/common';
import { Args, Int, Query, Resolver } from '@nestjs/graphql';
import type { Pool } from 'pg';
import { findRegion, organisationKindLabelsFr, type OrganisationKind } from '@maillage/domain';
import { PG_POOL } from '../database/database.module';
import { badInput } from '../graphql/api-errors';
import { OrganisationKindEnum } from '../graphql/enums';
import { Ctx, type RequestContext } from '../graphql/request-context';
import { requireCaller } from '../authorization/caller';
import { OrganisationSummary } from '../cooperations/cooperation.types';

export const MAX_ORGANISATIONS = 100;

/**
 * The directory of organisations (the public register facts: name, kind, ESS status, SIRET,
 * location), for signed-in users choosing partners or funders. It holds no cooperation data.
 */
@Resolver()
export class OrganisationQueriesResolver {
  constructor(@Inject(PG_POOL) private readonly pool: Pool) {}

  @Query(() => [OrganisationSummary], {
    description: `Organisations whose name contains \`search\` (accents and case ignored) or whose SIRET is \`search\`, by name; at most ${MAX_ORGANISATIONS}.`,
  })
  async organisations(
    @Ctx() ctx: RequestContext,
    @Args('search', { nullable: true }) search?: string,
    @Args('region', { nullable: true, description: 'INSEE code of the région.' }) region?: string,
    @Args('kind', { type: () => OrganisationKindEnum, nullable: true }) kind?: OrganisationKind,
    @Args('first', { type: () => Int, nullable: true }) first?: number,
  ): Promise<OrganisationSummary[]> {
    requireCaller(ctx);
    if (region && !findRegion(region)) throw badInput(`Région inconnue : « ${region} ».`);
    if (search !== undefined && search !== null && search.length > 200) throw badInput('Recherche trop longue (200 caractères au plus).');
    if (first !== undefined && first !== null && (first < 1 || first > MAX_ORGANISATIONS)) {
      throw badInput(`first doit être compris entre 1 et ${MAX_ORGANISATIONS}.`);
    }
    const term = search?.trim() ? search.trim() : null;
    const { rows } = await this.pool.query<{
      id: string;
      name: string;
      kind: OrganisationKind;
      ess: boolean;
      siret: string | null;
      region_code: string;
      departement_code: string;
    }>(
      `select id, name, kind, ess, siret, region_code, departement_code from organisation
        where ($1::text is null
               or translate(lower(name), 'àâäéèêëîïôöùûüçœ', 'aaaeeeeiioouuuco') like '%' || translate(lower($1), 'àâäéèêëîïôöùûüçœ', 'aaaeeeeiioouuuco') || '%'
               or siret = replace($1, ' ', ''))
          and ($2::text is null or region_code = $2)
          and ($3::text is null or kind = $3)
        order by name, id
        limit $4`,
      [term?.replace(/[%_\\]/g, (c) => `\\${c}`) ?? null, region ?? null, kind ?? null, first ?? 50],
    );
    return rows.map((r) => ({
      id: r.id,
      name: r.name,
      kind: r.kind,
      kindLabel: organisationKindLabelsFr[r.kind] ?? r.kind,
      ess: r.ess,
      siret: r.siret ?? undefined,
      regionCode: r.region_code,
      departementCode: r.departement_code,
    }));
  }
}
