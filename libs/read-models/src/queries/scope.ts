import type { Queryable } from './common';

/**
 * The rows of `cooperation_summary` a caller may see in lists and exports, decided by the API's
 * access policy and pushed down into the SQL here, so that pages, counts and cursors never include
 * a cooperation the caller may not read.
 */
export type ListScope =
  | { kind: 'all' }
  | { kind: 'regions'; regions: readonly string[] }
  | { kind: 'funder'; funderId: string }
  | { kind: 'member'; organisationId: string }
  | { kind: 'none' };

/**
 * The SQL condition of a scope on the summary row alias `s` (`cooperation_summary`), adding its
 * parameters through `param` (which returns the placeholder, e.g. `$3`). Returns null for `all`.
 */
export function scopeCondition(scope: ListScope | undefined, s: string, param: (value: unknown) => string): string | null {
  if (!scope) return null;
  switch (scope.kind) {
    case 'all':
      return null;
    case 'none':
      return 'false';
    case 'regions':
      return `${s}.region_code = any(${param([...scope.regions])}::text[])`;
    case 'funder': {
      // What it funds, and what it was asked to fund and has not answered yet.
      const p = param(scope.funderId);
      return `(${s}.funder_ids @> array[${p}::text] or ${s}.solicited_funder_ids @> array[${p}::text])`;
    }
    case 'member': {
      const p = param(scope.organisationId);
      return `(${s}.lead_organisation_id = ${p} or ${s}.members @> jsonb_build_array(jsonb_build_object('organisationId', ${p}::text)))`;
    }
  }
}

/** The ids among `ids` that the scope lets the caller see (for lists of ids inside aggregates). */
export async function visibleCooperationIds(db: Queryable, ids: readonly string[], scope: ListScope): Promise<string[]> {
  if (scope.kind === 'all' || ids.length === 0) return [...ids];
  const params: unknown[] = [[...ids]];
  const condition = scopeCondition(scope, 's', (value) => {
    params.push(value);
    return `$${params.length}`;
  });
  const { rows } = await db.query<{ id: string }>(`select s.id from cooperation_summary s where s.id = any($1::text[]) and ${condition}`, params);
  const visible = new Set(rows.map((r) => r.id));
  return ids.filter((id) => visible.has(id));
}
