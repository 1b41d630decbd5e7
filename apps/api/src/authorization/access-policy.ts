/**
 * Who may see and change what (access-control issue). Pure functions over the caller and the
 * facts of the data, so the same rules are applied where the data is: in command handlers (with the
 * state they loaded from the stream) and in query services (with the rows they read), never only in
 * resolver guards.
 *
 * Not wired yet: authentication (accounts, tokens) lands first, then every handler and query
 * service calls these. Until then the API has no caller identity to check.
 */

export type Role = 'ADMIN' | 'NETWORK' | 'FUNDER' | 'MEMBER';

export interface Caller {
  userId: string;
  organisationId: string | null;
  role: Role;
  /** NETWORK: the régions (INSEE codes) it covers. */
  regions: readonly string[];
}

/** What a rule needs to know about a cooperation. */
export interface CooperationFacts {
  regionCode: string;
  leadOrganisationId: string;
  mandataireId: string | null;
  memberOrganisationIds: readonly string[];
  funderOrganisationIds: readonly string[];
}

export type Decision = { allowed: true } | { allowed: false; reason: 'FORBIDDEN' | 'NOT_FOUND' };

const allow: Decision = { allowed: true };
/** Reads that are not allowed answer NOT_FOUND, so existence is never revealed. */
const hidden: Decision = { allowed: false, reason: 'NOT_FOUND' };
const forbidden: Decision = { allowed: false, reason: 'FORBIDDEN' };

const isMember = (caller: Caller, coop: CooperationFacts) =>
  caller.organisationId !== null && coop.memberOrganisationIds.includes(caller.organisationId);
const isFunder = (caller: Caller, coop: CooperationFacts) =>
  caller.organisationId !== null && coop.funderOrganisationIds.includes(caller.organisationId);
const coversRegion = (caller: Caller, region: string) => caller.regions.includes(region);

/** Full read of one cooperation (detail, history, indicators, waivers, its events). */
export function canReadCooperation(caller: Caller, coop: CooperationFacts): Decision {
  switch (caller.role) {
    case 'ADMIN':
      return allow;
    case 'NETWORK':
      return coversRegion(caller, coop.regionCode) ? allow : hidden;
    case 'FUNDER':
      return isFunder(caller, coop) ? allow : hidden;
    case 'MEMBER':
      return isMember(caller, coop) ? allow : hidden;
  }
}

/** Commands only the lead organisation or the mandataire may run (moving the lifecycle). */
export const LIFECYCLE_COMMANDS: ReadonlySet<string> = new Set(['AdvanceStage', 'ReopenStage', 'AbandonCooperation', 'CloseCooperation', 'RenewCooperation']);
/** Commands a regional network may run on the cooperations of its régions. */
export const NETWORK_COMMANDS: ReadonlySet<string> = new Set(['RecordSupport', 'WaiveGateItem']);
/** Commands a funder may run, on its own grants only. */
export const FUNDER_COMMANDS: ReadonlySet<string> = new Set(['GrantFunding', 'RecordDisbursement', 'EndFunding']);

/**
 * A command on an existing cooperation. `funderOfGrant` is the funder organisation of the grant the
 * command is about (GrantFunding: the funder named; disbursement/end: the grant's funder).
 */
export function canRunCooperationCommand(
  caller: Caller,
  commandType: string,
  coop: CooperationFacts,
  funderOfGrant: string | null = null,
): Decision {
  const read = canReadCooperation(caller, coop);
  switch (caller.role) {
    case 'ADMIN':
      return forbidden; // operators manage organisations and users, not cooperations
    case 'NETWORK':
      if (!read.allowed) return read;
      return NETWORK_COMMANDS.has(commandType) ? allow : forbidden;
    case 'FUNDER':
      if (!FUNDER_COMMANDS.has(commandType)) return read.allowed ? forbidden : hidden;
      // A funder may grant to a cooperation it does not fund yet, but only in its own name.
      if (funderOfGrant === null || funderOfGrant !== caller.organisationId) return forbidden;
      return allow;
    case 'MEMBER': {
      if (!read.allowed) return read;
      if (FUNDER_COMMANDS.has(commandType)) return forbidden;
      if (LIFECYCLE_COMMANDS.has(commandType)) {
        const steering = caller.organisationId === coop.leadOrganisationId || caller.organisationId === coop.mandataireId;
        return steering ? allow : forbidden;
      }
      return allow;
    }
  }
}

/** Proposing a new cooperation: a member structure, for a cooperation it leads. */
export function canProposeCooperation(caller: Caller, leadOrganisationId: string): Decision {
  return caller.role === 'MEMBER' && caller.organisationId === leadOrganisationId ? allow : forbidden;
}

/** Registering or updating organisations: platform operators, and networks for their régions. */
export function canManageOrganisation(caller: Caller, organisationRegion: string): Decision {
  if (caller.role === 'ADMIN') return allow;
  if (caller.role === 'NETWORK' && coversRegion(caller, organisationRegion)) return allow;
  return forbidden;
}

/** Regional aggregates (dashboards): networks for their régions; funders, members and admins for any. */
export function canReadRegionalAggregates(caller: Caller, region: string): Decision {
  if (caller.role === 'NETWORK') return coversRegion(caller, region) ? allow : hidden;
  return allow;
}

/** A funder's portfolio: that funder and platform operators. */
export function canReadFunderPortfolio(caller: Caller, funderId: string): Decision {
  if (caller.role === 'ADMIN') return allow;
  return caller.role === 'FUNDER' && caller.organisationId === funderId ? allow : hidden;
}

/**
 * The scope a list or an export is restricted to, pushed down into the SQL of the query service so
 * pages and counts never include rows the caller may not see.
 */
export type ListScope =
  | { kind: 'all' }
  | { kind: 'regions'; regions: readonly string[] }
  | { kind: 'funder'; funderId: string }
  | { kind: 'member'; organisationId: string }
  | { kind: 'none' };

export function listScope(caller: Caller): ListScope {
  switch (caller.role) {
    case 'ADMIN':
      return { kind: 'all' };
    case 'NETWORK':
      return { kind: 'regions', regions: caller.regions };
    case 'FUNDER':
      return caller.organisationId ? { kind: 'funder', funderId: caller.organisationId } : { kind: 'none' };
    case 'MEMBER':
      return caller.organisationId ? { kind: 'member', organisationId: caller.organisationId } : { kind: 'none' };
  }
}
