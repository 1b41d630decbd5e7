import { DomainErrorCode, reject, toOrganisationRef, type OrganisationRef } from '@maillage/domain';
import { organisationAggregate } from './aggregates';
import type { CooperationCommandInput } from './command-envelope';
import type { CommandExecutor } from './command-executor';

/** Fields of cooperation commands that name an organisation. */
const ORGANISATION_FIELDS = ['leadOrganisation', 'parentOrganisation', 'organisation', 'funder'] as const;
/** Fields that keep an organisation's id (the decider needs nothing else of it) but must name one. */
const CHECKED_ID_FIELDS = ['providerOrganisationId'] as const;

/**
 * Cooperation commands name organisations by id; the decider needs their kind and ESS status. They
 * are read from the organisation streams (the write side never reads read models), and the events
 * record them as snapshots.
 */
export async function resolveOrganisations(
  executor: CommandExecutor,
  command: CooperationCommandInput,
): Promise<CooperationCommandInput> {
  const data = { ...(command.data as Record<string, unknown>) };
  for (const field of ORGANISATION_FIELDS) {
    const value = data[field];
    if (value === undefined || value === null) continue;
    const id = typeof value === 'string' ? value : (value as { id?: unknown }).id;
    if (typeof id !== 'string' || id.length === 0 || id.length > 100) {
      throw reject(DomainErrorCode.VALIDATION_FAILED, { field: `${field}.id` });
    }
    data[field] = await lookupOrganisation(executor, id, field);
  }
  // Named by id only, but must still be a registered organisation (a mistyped id would show nothing).
  for (const field of CHECKED_ID_FIELDS) {
    const id = data[field];
    if (typeof id === 'string' && id.length > 0 && id.length <= 100) await lookupOrganisation(executor, id, field);
  }
  return { ...command, data };
}

async function lookupOrganisation(executor: CommandExecutor, id: string, field: string): Promise<OrganisationRef> {
  const { state } = await executor.load(organisationAggregate, id);
  const ref = toOrganisationRef(state);
  if (!ref) throw reject(DomainErrorCode.NOT_FOUND, { aggregate: 'organisation', organisationId: id, field });
  return ref;
}
