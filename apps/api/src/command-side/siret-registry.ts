import type { Pool } from 'pg';
import { DomainError, DomainErrorCode, isValidSiret, normaliseSiret } from '@maillage/domain';

/**
 * Which organisation holds each SIRET: a SIRET names one establishment, so two organisations cannot
 * share one. Kept by the command side next to the idempotency keys (the reservation pattern: a
 * unique key claimed before the organisation's events are appended, given back if they are not),
 * because a stream alone cannot see the others. Filled from the events when the table was created.
 */
export class SiretRegistry {
  constructor(private readonly pool: Pool) {}

  /**
   * Claims `siret` for the organisation. True when this call took it, false when the organisation
   * held it already; ALREADY_EXISTS on `siret` when another organisation holds it.
   */
  async claim(siret: string, organisationId: string): Promise<boolean> {
    const claimed = await this.pool.query(
      'insert into organisation_sirets (siret, organisation_id) values ($1, $2) on conflict (siret) do nothing',
      [siret, organisationId],
    );
    if (claimed.rowCount === 1) return true;
    const { rows } = await this.pool.query<{ organisation_id: string }>('select organisation_id from organisation_sirets where siret = $1', [siret]);
    if (rows[0]?.organisation_id === organisationId) return false;
    if (!rows.length) return this.claim(siret, organisationId); // given back in between
    throw new DomainError(DomainErrorCode.ALREADY_EXISTS, { field: 'siret', siret });
  }

  /** Gives the SIRET back, if this organisation holds it. */
  async release(siret: string, organisationId: string): Promise<void> {
    await this.pool.query('delete from organisation_sirets where siret = $1 and organisation_id = $2', [siret, organisationId]);
  }
}

/** The SIRET a command sets, normalised: a string when it sets a valid one, null when it clears it, undefined otherwise. */
export function siretSetBy(data: unknown): string | null | undefined {
  const value = (data as { siret?: unknown } | null)?.siret;
  if (value === null) return null;
  return isValidSiret(value) ? normaliseSiret(value) : undefined; // an invalid one is the decider's to refuse
}
