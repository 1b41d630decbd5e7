import { DomainErrorCode, MAX_NETWORKS, reject, toOrganisationRef, type OrganisationRef } from '@maillage/domain';
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

/**
 * The networks an organisation command names must be registered organisations of kind NETWORK
 * (an unknown id used to be recorded as it was, 9,000 of them in one event). Read from their
 * streams, all in one turn (the store batches the reads). The list's own shape (strings, how many,
 * not the organisation itself) is the decider's to refuse.
 */
export async function checkNetworks(executor: CommandExecutor, data: unknown): Promise<void> {
  const ids = (data as { networkIds?: unknown } | null)?.networkIds;
  if (!Array.isArray(ids) || ids.length > MAX_NETWORKS || !ids.every((id) => typeof id === 'string' && id.length > 0 && id.length <= 100)) return;
  const refs = await Promise.all((ids as string[]).map((id, i) => lookupOrganisation(executor, id, `networkIds[${i}]`)));
  const notNetwork = refs.findIndex((ref) => ref.kind !== 'NETWORK');
  if (notNetwork >= 0) throw reject(DomainErrorCode.VALIDATION_FAILED, { field: `networkIds[${notNetwork}]`, expected: 'an organisation of kind NETWORK', value: refs[notNetwork].kind });
}
