import { Inject } from '@nestjs/common';
import { Args, ID, Int, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import type { Pool } from 'pg';
import { findRegion, type OrganisationKind } from '@maillage/domain';
import { PG_POOL } from '../database/database.module';
import { badInput } from '../graphql/api-errors';
import { OrganisationKindEnum } from '../graphql/enums';
import { Ctx, type RequestContext } from '../graphql/request-context';
import { requireCaller } from '../authorization/caller';
import { OrganisationNetwork, OrganisationSummary } from '../cooperations/cooperation.types';
import { loaders, ORGANISATION_COLUMNS, toOrganisationSummary, type OrganisationRow } from '../graphql/loaders';
import { UserAccountType } from '../auth/auth.types';

export const MAX_ORGANISATIONS = 100;

/**
 * The directory of organisations (the public register facts: name, kind, ESS status, SIRET,
 * location), for signed-in users choosing partners or funders. It holds no cooperation data.
 */
@Resolver()
export class OrganisationQueriesResolver {
  constructor(@Inject(PG_POOL) private readonly pool: Pool) {}

  @Query(() => OrganisationSummary, {
    nullable: true,
    description: 'One organisation of the directory by id (null when there is none).',
  })
  async organisation(@Ctx() ctx: RequestContext, @Args('id', { type: () => ID }) id: string): Promise<OrganisationSummary | null> {
    requireCaller(ctx);
    if (id.length > 100) return null;
    return loaders(ctx, this.pool).organisation.load(id);
  }

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
    const { rows } = await this.pool.query<OrganisationRow>(
      `select ${ORGANISATION_COLUMNS} from organisation
        where ($1::text is null
               or translate(lower(name), 'àâäéèêëîïôöùûüçœ', 'aaaeeeeiioouuuco') like '%' || translate(lower($1), 'àâäéèêëîïôöùûüçœ', 'aaaeeeeiioouuuco') || '%'
               or siret = replace($1, ' ', ''))
          and ($2::text is null or region_code = $2)
          and ($3::text is null or kind = $3)
        order by name, id
        limit $4`,
      [term?.replace(/[%_\\]/g, (c) => `\\${c}`) ?? null, region ?? null, kind ?? null, first ?? 50],
    );
    return rows.map(toOrganisationSummary);
  }
}

/** The organisation of an account, from the directory (what the console shows next to a user). */
@Resolver(() => UserAccountType)
export class UserAccountOrganisationResolver {
  constructor(@Inject(PG_POOL) private readonly pool: Pool) {}

  @ResolveField(() => OrganisationSummary, {
    nullable: true,
    description: 'The organisation of the user from the directory (null for platform operators).',
  })
  organisation(@Parent() user: UserAccountType, @Ctx() ctx: RequestContext): Promise<OrganisationSummary | null> {
    return user.organisationId ? loaders(ctx, this.pool).organisation.load(user.organisationId) : Promise.resolve(null);
  }
}

/**
 * The networks of a directory entry, named from the directory itself: the entries of one answer ask
 * through the request's organisation loader, so all their networks cost one query together (none
 * when the directory already holds them), whatever the number of entries.
 */
@Resolver(() => OrganisationSummary)
export class OrganisationSummaryResolver {
  constructor(@Inject(PG_POOL) private readonly pool: Pool) {}

  @ResolveField(() => [OrganisationNetwork], {
    description: 'The networks it belongs to (networkIds), with their names, in the same order; an id the directory does not hold (not projected yet) is left out.',
  })
  async networks(@Parent() organisation: OrganisationSummary, @Ctx() ctx: RequestContext): Promise<OrganisationNetwork[]> {
    if (!organisation.networkIds.length) return [];
    const loader = loaders(ctx, this.pool).organisation;
    const found = await Promise.all(organisation.networkIds.map((id) => loader.load(id)));
    return found.filter((o): o is OrganisationSummary => o !== null).map((o) => ({ id: o.id, name: o.name }));
  }
}
