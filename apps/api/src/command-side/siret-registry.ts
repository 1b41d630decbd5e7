import type { Pool } from 'pg';
import { DomainError, DomainErrorCode, isValidSiret, normaliseSiret } from '@maillage/domain';

/**
 * Which organisation holds each SIRET: a SIRET names one establishment, so two organisations cannot
 * share one. Kept by the command side next to the idempotency keys (the reservation pattern: the
 * SIRET is claimed before the organisation's events are appended, and settled after), because a
 * stream alone cannot see the others. Filled from the events when the table was created.
 *
 * A row belongs to one organisation and counts the commands of that organisation that claimed it
 * and are still running (`pending`); `held` says whether the organisation's recorded state has it.
 * The row goes only when neither is true, so a refused command never takes away a SIRET that a
 * concurrent command of the same organisation is recording, or has recorded (two parallel updates,
 * one refused: the refused one used to delete the row the other relied on, and a third
 * organisation could then take the SIRET). A command interrupted by a crash leaves its count: the
 * SIRET stays reserved for its organisation, the safe side.
 */
export class SiretRegistry {
  constructor(private readonly pool: Pool) {}

  /**
   * Claims `siret` for a command of the organisation (one statement: a row given back meanwhile is
   * simply claimed again). ALREADY_EXISTS on `siret` when another organisation holds or claims it.
   * Every claim is followed by `settle`.
   */
  async claim(siret: string, organisationId: string): Promise<void> {
    const claimed = await this.pool.query(
      `insert into organisation_sirets (siret, organisation_id, pending, held) values ($1, $2, 1, false)
       on conflict (siret) do update set pending = organisation_sirets.pending + 1
       where organisation_sirets.organisation_id = excluded.organisation_id`,
      [siret, organisationId],
    );
    if (claimed.rowCount !== 1) throw new DomainError(DomainErrorCode.ALREADY_EXISTS, { field: 'siret', siret });
  }

  /**
   * Ends a claim: `recorded` when the command succeeded (its organisation's state now holds the
   * SIRET), false when it was refused (nothing written). The row goes when nothing keeps it.
   */
  async settle(siret: string, organisationId: string, recorded: boolean): Promise<void> {
    await this.pool.query(
      'update organisation_sirets set pending = pending - 1, held = held or $3 where siret = $1 and organisation_id = $2 and pending > 0',
      [siret, organisationId, recorded],
    );
    await this.dropUnused(siret, organisationId);
  }

  /** The organisation's recorded state no longer holds the SIRET (replaced or cleared). */
  async release(siret: string, organisationId: string): Promise<void> {
    await this.pool.query('update organisation_sirets set held = false where siret = $1 and organisation_id = $2', [siret, organisationId]);
    await this.dropUnused(siret, organisationId);
  }

  private async dropUnused(siret: string, organisationId: string): Promise<void> {
    await this.pool.query('delete from organisation_sirets where siret = $1 and organisation_id = $2 and pending = 0 and not held', [siret, organisationId]);
  }
}

/** The SIRET a command sets, normalised: a string when it sets a valid one, null when it clears it, undefined otherwise. */
export function siretSetBy(data: unknown): string | null | undefined {
  const value = (data as { siret?: unknown } | null)?.siret;
  if (value === null) return null;
  return isValidSiret(value) ? normaliseSiret(value) : undefined; // an invalid one is the decider's to refuse
}
